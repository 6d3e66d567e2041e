// Recipient validation with Notify's messages: phone numbers, email addresses and postal
// addresses, plus the simulated recipients and the test-key outcomes.
// The messages are bare; the v2 routes prefix them with the field (`phone_number Not enough digits`).
import { domainToASCII } from 'node:url';
import { getCountries, getCountryCallingCode, isValidPhoneNumber } from 'libphonenumber-js';

export class InvalidRecipientError extends Error {}
export class InvalidPhoneError extends InvalidRecipientError {}
export class InvalidEmailError extends InvalidRecipientError {
  constructor(message = 'Not a valid email address') {
    super(message);
  }
}
export class InvalidAddressError extends InvalidRecipientError {}

export const PHONE_MESSAGES = {
  tooShort: 'Not enough digits',
  tooLong: 'Too many digits',
  badCharacters: 'Must not contain letters or symbols',
  badPrefix: 'Not a valid country prefix',
  notUkMobile: 'Not a UK mobile number',
} as const;

// Zero-width and other invisible characters people paste from spreadsheets and documents.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is stripped alone, joiner included
const OBSCURE_WHITESPACE = /[\u180E\u200B\u200C\u200D\u2060\uFEFF]/g;

function stripObscure(value: string): string {
  return value.replace(OBSCURE_WHITESPACE, '').trim();
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

const UK_PREFIX = '44';

/** Every country calling code libphonenumber-js knows ('1', '44', '353', …). */
const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((c) => getCountryCallingCode(c)));

/**
 * SMS rate multiplier per country calling code (how many UK-priced units one fragment costs).
 * NOTE: these values are plausible but UNVERIFIED against Notify's international_billing_rates;
 * every prefix not listed costs 1. Longest prefix wins ('1' covers the US and Canada).
 */
export const INTERNATIONAL_RATE_MULTIPLIERS: Readonly<Record<string, number>> = {
  '1': 1, // United States, Canada (NANP)
  '7': 6, // Russia, Kazakhstan
  '20': 6, // Egypt
  '27': 3, // South Africa
  '30': 2, // Greece
  '31': 2, // Netherlands
  '32': 2, // Belgium
  '33': 2, // France
  '34': 2, // Spain
  '36': 2, // Hungary
  '39': 2, // Italy
  '40': 2, // Romania
  '41': 2, // Switzerland
  '43': 2, // Austria
  '45': 1, // Denmark
  '46': 1, // Sweden
  '47': 2, // Norway
  '48': 1, // Poland
  '49': 2, // Germany
  '52': 3, // Mexico
  '55': 2, // Brazil
  '61': 2, // Australia
  '62': 4, // Indonesia
  '63': 3, // Philippines
  '64': 2, // New Zealand
  '81': 2, // Japan
  '86': 2, // China
  '90': 1, // Turkey
  '91': 1, // India
  '92': 4, // Pakistan
  '234': 6, // Nigeria
  '254': 4, // Kenya
  '351': 1, // Portugal
  '353': 1, // Ireland
  '880': 12, // Bangladesh
  '971': 3, // United Arab Emirates
};

// Jersey, Guernsey and the Isle of Man have +44 7 numbers but are billed and treated as
// international (Notify's crown-dependency ranges), except the drama/TV range 07700 900xxx.
const CROWN_DEPENDENCY_RANGES = new Set([
  '7781',
  '7839',
  '7911',
  '7509',
  '7797',
  '7937',
  '7700',
  '7829',
  '7624',
  '7524',
  '7924',
]);

export interface PhoneNumberInfo {
  /** E.164 digits without '+', e.g. '447700900123'. */
  normalised: string;
  /** True for non-UK numbers and for crown-dependency mobiles. */
  international: boolean;
  /** Country calling code, e.g. '44', '1', '353'. */
  phonePrefix: string;
  rateMultiplier: number;
  isUkLandline: boolean;
  crownDependency: boolean;
}

export interface PhoneOptions {
  /** When false every number is treated as a UK number (so a foreign one is "Not a UK mobile number"). Default true. */
  allowInternational?: boolean;
  /** Accept UK landlines (01, 02, 03). Default true. */
  allowLandline?: boolean;
}

/** Removes spaces, brackets, dashes and '+'; rejects anything else that is not a digit. */
function digitsOnly(raw: string): string {
  const stripped = stripObscure(raw).replace(/[\s()\-+]/g, '');
  if (!/^\d*$/.test(stripped)) throw new InvalidPhoneError(PHONE_MESSAGES.badCharacters);
  return stripped;
}

function isUkNumber(raw: string): boolean {
  const trimmed = stripObscure(raw).replace(/^[\s(]+/, '');
  if (trimmed.startsWith('0') && !trimmed.startsWith('00')) return true;
  const digits = digitsOnly(raw).replace(/^0+/, '');
  return digits.startsWith(UK_PREFIX) || (digits.startsWith('7') && digits.length < 11);
}

/** Longest known calling code at the start of the digits, or null. */
export function countryPrefixOf(digits: string): string | null {
  for (let length = 3; length >= 1; length--) {
    const candidate = digits.slice(0, length);
    if (candidate.length === length && CALLING_CODES.has(candidate)) return candidate;
  }
  return null;
}

export function rateMultiplierFor(prefix: string): number {
  for (let length = prefix.length; length >= 1; length--) {
    const rate = INTERNATIONAL_RATE_MULTIPLIERS[prefix.slice(0, length)];
    if (rate !== undefined) return rate;
  }
  return 1;
}

function validateUkNumber(raw: string, allowLandline: boolean): PhoneNumberInfo {
  let digits = digitsOnly(raw).replace(/^0+/, '');
  if (digits.startsWith(UK_PREFIX)) digits = digits.slice(UK_PREFIX.length);
  digits = digits.replace(/^0+/, ''); // "+44 (0)7700 …"
  const mobile = digits.startsWith('7');
  const landline = !mobile && /^[123]/.test(digits);
  if (!mobile && !(allowLandline && landline)) throw new InvalidPhoneError(PHONE_MESSAGES.notUkMobile);
  if (digits.length > 10) throw new InvalidPhoneError(PHONE_MESSAGES.tooLong);
  // Some geographic numbers (e.g. 016977 xxxx) have 9 national digits.
  const minimum = landline && isValidPhoneNumber(`+44${digits}`) ? 9 : 10;
  if (digits.length < minimum) throw new InvalidPhoneError(PHONE_MESSAGES.tooShort);
  const normalised = UK_PREFIX + digits;
  const inTvRange = digits.startsWith('7700900');
  const crownDependency = mobile && CROWN_DEPENDENCY_RANGES.has(digits.slice(0, 4)) && !inTvRange;
  return {
    normalised,
    international: crownDependency,
    phonePrefix: UK_PREFIX,
    rateMultiplier: 1,
    isUkLandline: landline,
    crownDependency,
  };
}

/**
 * Validates and normalises a phone number. UK numbers in any common format
 * (07700900123, +44 7700 900123, +44 (0)7700 900123, 447700900123, 7700900123); international
 * numbers with '+' or '00' and a known country prefix (8–15 digits).
 * Throws InvalidPhoneError with Notify's (legacy) message.
 */
export function validatePhoneNumber(raw: string, options: PhoneOptions = {}): PhoneNumberInfo {
  const allowInternational = options.allowInternational ?? true;
  const allowLandline = options.allowLandline ?? true;
  const uk = isUkNumber(raw);
  if (!allowInternational && !uk) throw new InvalidPhoneError(PHONE_MESSAGES.notUkMobile);
  if (uk) return validateUkNumber(raw, allowLandline);
  const digits = digitsOnly(raw).replace(/^0+/, '');
  if (digits.length < 8) throw new InvalidPhoneError(PHONE_MESSAGES.tooShort);
  if (digits.length > 15) throw new InvalidPhoneError(PHONE_MESSAGES.tooLong);
  const prefix = countryPrefixOf(digits);
  if (prefix === null) throw new InvalidPhoneError(PHONE_MESSAGES.badPrefix);
  return {
    normalised: digits,
    international: true,
    phonePrefix: prefix,
    rateMultiplier: rateMultiplierFor(prefix),
    isUkLandline: false,
    crownDependency: false,
  };
}

/** Normalised digits or null, for comparisons (guest list, simulated numbers). */
export function normalisePhoneNumber(raw: string): string | null {
  try {
    return validatePhoneNumber(raw).normalised;
  } catch (e) {
    if (e instanceof InvalidPhoneError) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Email addresses
// ---------------------------------------------------------------------------------------------

// Stricter than RFC 5322 in the local part (no quotes or semicolons), as Notify is, to avoid
// provider failures.
const EMAIL_RE = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@([^.@][^@\s]+)$/;
const HOSTNAME_PART_RE = /^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$/i;
const TLD_RE = /^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$/i;

export interface EmailInfo {
  /** Trimmed, invisible characters removed, case kept: what we send to. */
  address: string;
  /** Lower-cased `address`: what we compare (guest lists, simulated addresses). */
  normalised: string;
}

/** Validates an email address with Notify's rules; throws InvalidEmailError('Not a valid email address'). */
export function validateEmailAddress(raw: string): EmailInfo {
  const address = stripObscure(String(raw)).replace(/^[\s\u00A0]+|[\s\u00A0]+$/g, '');
  const match = EMAIL_RE.exec(address);
  if (!match) throw new InvalidEmailError();
  if (address.length > 320) throw new InvalidEmailError();
  if (address.includes('..')) throw new InvalidEmailError();
  const hostname = domainToASCII(match[1]);
  if (!hostname) throw new InvalidEmailError();
  const parts = hostname.split('.');
  if (hostname.length > 253 || parts.length < 2) throw new InvalidEmailError();
  for (const part of parts) {
    if (!part || part.length > 63 || !HOSTNAME_PART_RE.test(part)) throw new InvalidEmailError();
  }
  if (!TLD_RE.test(parts[parts.length - 1])) throw new InvalidEmailError();
  return { address, normalised: address.toLowerCase() };
}

export function isValidEmailAddress(raw: string): boolean {
  try {
    validateEmailAddress(raw);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Postal addresses: Notify's rules and data live in postal-address.ts and countries.ts.
// ---------------------------------------------------------------------------------------------

export {
  ADDRESS_LINE_KEYS,
  ADDRESS_MESSAGES,
  addressLinesFromPersonalisation,
  type AddressOptions,
  isUkPostcode,
  normaliseUkPostcode,
  type Postage,
  type PostageZone,
  PostalAddress,
  postageFor,
  type ValidPostalAddress,
  validateLetterAddress,
  validatePostalAddress,
} from './postal-address.ts';
export { countryFor } from './countries.ts';

// ---------------------------------------------------------------------------------------------
// Simulated recipients and test-key outcomes
// ---------------------------------------------------------------------------------------------

/** Accepted from any key, never sent and never stored as real traffic (normalised forms). */
export const SIMULATED_PHONE_NUMBERS: readonly string[] = ['447700900000', '447700900111', '447700900222'];
export const SIMULATED_EMAIL_ADDRESSES: readonly string[] = [
  'simulate-delivered@notifications.service.gov.uk',
  'simulate-delivered-2@notifications.service.gov.uk',
  'simulate-delivered-3@notifications.service.gov.uk',
];

export function isSimulatedPhoneNumber(raw: string): boolean {
  const normalised = normalisePhoneNumber(raw);
  return normalised !== null && SIMULATED_PHONE_NUMBERS.includes(normalised);
}

export function isSimulatedEmailAddress(raw: string): boolean {
  return SIMULATED_EMAIL_ADDRESSES.includes(stripObscure(String(raw)).toLowerCase());
}

export function isSimulatedRecipient(type: 'sms' | 'email' | 'letter', recipient: string): boolean {
  if (type === 'sms') return isSimulatedPhoneNumber(recipient);
  if (type === 'email') return isSimulatedEmailAddress(recipient);
  return false;
}

export type TestKeyOutcome = 'delivered' | 'temporary-failure' | 'permanent-failure';

const TEST_OUTCOMES: Readonly<Record<string, TestKeyOutcome>> = {
  '447700900003': 'temporary-failure',
  '447700900002': 'permanent-failure',
  'temp-fail@simulator.notify': 'temporary-failure',
  'perm-fail@simulator.notify': 'permanent-failure',
};

/** Final status of a notification sent with a test key. Letters always end `delivered`. */
export function testKeyOutcome(type: 'sms' | 'email' | 'letter', recipient: string): TestKeyOutcome {
  if (type === 'sms') return TEST_OUTCOMES[normalisePhoneNumber(recipient) ?? ''] ?? 'delivered';
  if (type === 'email') return TEST_OUTCOMES[stripObscure(String(recipient)).toLowerCase()] ?? 'delivered';
  return 'delivered';
}
