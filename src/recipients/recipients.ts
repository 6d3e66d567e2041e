// Recipient validation with Notify's messages: phone numbers, email addresses and postal
// addresses, plus the simulated recipients and the test-key outcomes.
// The messages are bare; the v2 routes prefix them with the field (`phone_number Not enough digits`).
import { domainToASCII } from 'node:url';
import { InvalidRecipientError } from './errors.ts';
import { normalisePhoneNumber } from './phone.ts';

// Phone numbers have their own file; re-exported so callers keep one import.
export * from './phone.ts';
export { InvalidRecipientError } from './errors.ts';

export class InvalidEmailError extends InvalidRecipientError {
  constructor(message = 'Not a valid email address') {
    super(message);
  }
}
export class InvalidAddressError extends InvalidRecipientError {}

// Zero-width and other invisible characters people paste from spreadsheets and documents.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is stripped alone, joiner included
const OBSCURE_WHITESPACE = /[\u180E\u200B\u200C\u200D\u2060\uFEFF]/g;

function stripObscure(value: string): string {
  return value.replace(OBSCURE_WHITESPACE, '').trim();
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
// Postal addresses
// ---------------------------------------------------------------------------------------------

export const ADDRESS_MESSAGES = {
  tooFewLines: 'Address must be at least 3 lines',
  tooManyLines: 'Address must be no more than 7 lines',
  notUkPostcode: 'Must be a real UK postcode',
  notPostcodeOrCountry: 'Last line of address must be a real UK postcode or another country',
  noFixedAbode: 'Must be a real address',
  firstLinesNeedAlphanumeric: 'The first 2 lines of the address must both include at least one alphanumeric character',
} as const;

export const ADDRESS_LINE_KEYS = [
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'address_line_4',
  'address_line_5',
  'address_line_6',
  'address_line_7',
] as const;

export type Postage = 'first' | 'second' | 'economy' | 'europe' | 'rest-of-world';
export type PostageZone = 'united-kingdom' | 'europe' | 'rest-of-world';

const UK_POSTCODE_RE = /^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$/;

/** 'sw1a1aa' → 'SW1A1AA' (no spaces) — what UK_POSTCODE_RE checks. */
function compactPostcode(value: string): string {
  return value.replace(/[\s\u00A0]+/g, '').toUpperCase();
}

export function isUkPostcode(value: string): boolean {
  return UK_POSTCODE_RE.test(compactPostcode(value));
}

/** 'sw1a1aa' → 'SW1A 1AA'; null when not a real UK postcode. */
export function normaliseUkPostcode(value: string): string | null {
  const compact = compactPostcode(value);
  if (!UK_POSTCODE_RE.test(compact)) return null;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

// Names that mean "this is a UK address" when written as the last line; they are dropped.
const UK_COUNTRY_NAMES = new Set([
  'uk',
  'u.k.',
  'u.k',
  'united kingdom',
  'great britain',
  'gb',
  'england',
  'scotland',
  'wales',
  'cymru',
  'northern ireland',
  'britain',
]);

const EUROPE = [
  'Albania',
  'Andorra',
  'Austria',
  'Belarus',
  'Belgium',
  'Bosnia and Herzegovina',
  'Bulgaria',
  'Croatia',
  'Cyprus',
  'Czechia',
  'Czech Republic',
  'Denmark',
  'Estonia',
  'Faroe Islands',
  'Finland',
  'France',
  'Germany',
  'Gibraltar',
  'Greece',
  'Greenland',
  'Hungary',
  'Iceland',
  'Ireland',
  'Republic of Ireland',
  'Eire',
  'Italy',
  'Kosovo',
  'Latvia',
  'Liechtenstein',
  'Lithuania',
  'Luxembourg',
  'Malta',
  'Moldova',
  'Monaco',
  'Montenegro',
  'Netherlands',
  'The Netherlands',
  'Holland',
  'North Macedonia',
  'Norway',
  'Poland',
  'Portugal',
  'Romania',
  'Russia',
  'San Marino',
  'Serbia',
  'Slovakia',
  'Slovenia',
  'Spain',
  'Sweden',
  'Switzerland',
  'Turkey',
  'Türkiye',
  'Ukraine',
  'Vatican City',
  'Azerbaijan',
  'Armenia',
  'Georgia',
  'Kazakhstan',
];
const REST_OF_WORLD = [
  'United States',
  'United States of America',
  'USA',
  'US',
  'Canada',
  'Mexico',
  'Brazil',
  'Argentina',
  'Chile',
  'Colombia',
  'Peru',
  'Jamaica',
  'Barbados',
  'Trinidad and Tobago',
  'Australia',
  'New Zealand',
  'India',
  'Pakistan',
  'Bangladesh',
  'Sri Lanka',
  'Nepal',
  'China',
  'Hong Kong',
  'Taiwan',
  'Japan',
  'South Korea',
  'Singapore',
  'Malaysia',
  'Thailand',
  'Vietnam',
  'Philippines',
  'Indonesia',
  'United Arab Emirates',
  'UAE',
  'Saudi Arabia',
  'Qatar',
  'Israel',
  'Egypt',
  'Morocco',
  'Nigeria',
  'Ghana',
  'Kenya',
  'Uganda',
  'Tanzania',
  'Zimbabwe',
  'Zambia',
  'South Africa',
  'Ethiopia',
  'Somalia',
  'Afghanistan',
  'Iran',
  'Iraq',
];

function countryKey(name: string): string {
  return name.toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ').trim();
}

type CountryZone = { name: string; zone: 'europe' | 'rest-of-world' };
const COUNTRY_ZONES: ReadonlyMap<string, CountryZone> = new Map<string, CountryZone>([
  ...EUROPE.map((name): [string, CountryZone] => [countryKey(name), { name, zone: 'europe' }]),
  ...REST_OF_WORLD.map((name): [string, CountryZone] => [countryKey(name), { name, zone: 'rest-of-world' }]),
]);

export function countryFor(line: string): { name: string; zone: 'europe' | 'rest-of-world' } | null {
  return COUNTRY_ZONES.get(countryKey(line)) ?? null;
}

export interface PostalAddress {
  /** Address lines as they will be printed: trimmed, empty ones dropped, postcode normalised. */
  lines: string[];
  /** The UK postcode, or null for an international address. */
  postcode: string | null;
  /** Country name for international addresses, else null. */
  country: string | null;
  international: boolean;
  postageZone: PostageZone;
}

export interface AddressOptions {
  /** Service may send international letters (permission `international_letters`). Default false. */
  allowInternational?: boolean;
}

function normaliseLine(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(OBSCURE_WHITESPACE, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,]+|[\s,]+$/g, '');
}

/** Address lines from personalisation keys address_line_1 … address_line_7, then the legacy `postcode`. */
export function addressLinesFromPersonalisation(personalisation: Record<string, unknown>): string[] {
  const byKey = new Map<string, unknown>();
  for (const [key, value] of Object.entries(personalisation)) {
    byKey.set(key.replace(/[\s_-]/g, '').toLowerCase(), value);
  }
  const keys = [...ADDRESS_LINE_KEYS, 'postcode'].map((k) => k.replace(/_/g, ''));
  return keys.map((k) => normaliseLine(byKey.get(k))).filter((line) => line !== '');
}

const NO_FIXED_ABODE_RE = /\bno fixed (abode|address)\b|^nfa$/i;

/**
 * Validates a postal address given as lines (already read from personalisation). Throws
 * InvalidAddressError with Notify's message; checks in Notify's order.
 */
export function validatePostalAddress(rawLines: readonly unknown[], options: AddressOptions = {}): PostalAddress {
  const allowInternational = options.allowInternational ?? false;
  let lines = rawLines.map(normaliseLine).filter((line) => line !== '');
  // "… SW1A 1AA / United Kingdom": the country line only says it is a UK address.
  if (lines.length > 0 && UK_COUNTRY_NAMES.has(countryKey(lines[lines.length - 1]))) lines = lines.slice(0, -1);

  if (lines.length < 3) throw new InvalidAddressError(ADDRESS_MESSAGES.tooFewLines);
  if (lines.length > 7) throw new InvalidAddressError(ADDRESS_MESSAGES.tooManyLines);

  const last = lines[lines.length - 1];
  const postcode = normaliseUkPostcode(last);
  const country = postcode === null ? countryFor(last) : null;
  if (postcode === null && !(allowInternational && country)) {
    throw new InvalidAddressError(
      allowInternational ? ADDRESS_MESSAGES.notPostcodeOrCountry : ADDRESS_MESSAGES.notUkPostcode,
    );
  }
  if (!lines.slice(0, 2).every((line) => /[\p{L}\p{N}]/u.test(line))) {
    throw new InvalidAddressError(ADDRESS_MESSAGES.firstLinesNeedAlphanumeric);
  }
  if (lines.some((line) => NO_FIXED_ABODE_RE.test(line))) throw new InvalidAddressError(ADDRESS_MESSAGES.noFixedAbode);

  if (postcode !== null) {
    lines[lines.length - 1] = postcode;
    return { lines, postcode, country: null, international: false, postageZone: 'united-kingdom' };
  }
  const found = country!;
  lines[lines.length - 1] = found.name;
  return { lines, postcode: null, country: found.name, international: true, postageZone: found.zone };
}

/** Reads and validates the address in a letter's personalisation. */
export function validateLetterAddress(
  personalisation: Record<string, unknown>,
  options: AddressOptions = {},
): PostalAddress {
  return validatePostalAddress(addressLinesFromPersonalisation(personalisation), options);
}

/** Postage for a letter: international addresses use their zone, UK ones the requested class. */
export function postageFor(address: PostalAddress, requested: 'first' | 'second' | 'economy' = 'second'): Postage {
  return address.postageZone === 'united-kingdom' ? requested : address.postageZone;
}

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
