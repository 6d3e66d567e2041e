// Recipient validation with Notify's messages: phone numbers, email addresses and postal
// addresses, plus the simulated recipients and the test-key outcomes.
// The messages are bare; the v2 routes prefix them with the field (`phone_number Not enough digits`).
import { domainToASCII } from 'node:url';
import { rememberLast } from '../lib/recent.ts';
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

// The v2 API and each row of a file check the same address twice in a row (the schema, then the sending rules):
// the last answer is kept for the next call.
const lastEmailAnswer = rememberLast((raw: string): EmailInfo | null => {
  try {
    return checkEmailAddress(raw);
  } catch (e) {
    if (e instanceof InvalidEmailError) return null;
    throw e;
  }
});

/** Validates an email address with Notify's rules; throws InvalidEmailError('Not a valid email address'). */
export function validateEmailAddress(raw: string): EmailInfo {
  const answer = lastEmailAnswer(raw);
  if (answer === null) throw new InvalidEmailError();
  return { ...answer };
}

function checkEmailAddress(raw: string): EmailInfo {
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
