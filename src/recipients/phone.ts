// Phone numbers exactly as Notify reads them: the rules of the PhoneNumber class in notifications-utils
// (recipient_validation/phone_number.py), which leans on Google's libphonenumber; here libphonenumber-js with
// its full ("max") metadata, so that number types (mobile, landline, premium rate) and the region behind +44
// (Great Britain, Jersey, Guernsey, the Isle of Man) come from the same data as Notify's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Metadata, type MetadataJson } from 'libphonenumber-js/core';
import { sanitiseAscii } from '../templates/sanitise-text.ts';
import {
  ParseError,
  type PhoneNumber,
  type PhoneNumberType,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { ApiError, BadRequestError } from '../lib/errors.ts';
import { rememberLast, rememberRecent } from '../lib/recent.ts';
import { InvalidPhoneError, type PhoneErrorCode } from './errors.ts';

export { InvalidPhoneError, PHONE_FORM_MESSAGES, PHONE_MESSAGES, type PhoneErrorCode } from './errors.ts';

const UK_PREFIX = '44';

// ---------------------------------------------------------------------------------------------
// International billing rates
// ---------------------------------------------------------------------------------------------

/** One entry of Notify's international_billing_rates.yml: what a fragment costs and what the country supports. */
export interface InternationalBillingRate {
  attributes: {
    /** Alphanumeric senders: 'YES', 'NO' or 'REG' (only once registered). */
    alpha: string | null;
    comment: string | null;
    /** Delivery receipts: 'YES'; 'NO' and 'Carrier DLR' both mean none. */
    dlr: string | null;
    generic_sender: string | null;
    numeric: string | null;
    sc: string | null;
    sender_and_registration_info: string | null;
    text_restrictions: string | null;
  };
  /** How many UK-priced units one fragment costs. */
  rate_multiplier: number;
  names: string[];
}

/**
 * Keyed by country calling code ('1', '44', '353'), plus four-digit keys for the parts of the North American
 * plan billed apart ('1664' Montserrat). data/international-billing-rates.json is notifications-utils'
 * notifications_utils/international_billing_rates.yml converted to JSON unchanged (see data/README.md).
 */
export const INTERNATIONAL_BILLING_RATES: Readonly<Record<string, InternationalBillingRate>> = JSON.parse(
  readFileSync(new URL('./data/international-billing-rates.json', import.meta.url), 'utf8'),
);

/** The billing entry for a prefix as phonePrefix gives it, or null when Notify cannot send there. */
export function internationalBillingRate(prefix: string): InternationalBillingRate | null {
  return Object.hasOwn(INTERNATIONAL_BILLING_RATES, prefix) ? INTERNATIONAL_BILLING_RATES[prefix] : null;
}

/** Rate multiplier of an international prefix; 1 for a prefix Notify has no rate for. */
export function rateMultiplierFor(prefix: string): number {
  return internationalBillingRate(prefix)?.rate_multiplier ?? 1;
}

// ---------------------------------------------------------------------------------------------
// Parsing, as PhoneNumber.__init__ does
// ---------------------------------------------------------------------------------------------

// Three-digit numbers a service may give as its own contact number, except these.
const EMERGENCY_THREE_DIGIT_NUMBERS = new Set(['999', '112']);

// Number types Notify counts as landlines (sent to only with the sms_to_uk_landlines permission).
const LANDLINE_TYPES: ReadonlySet<PhoneNumberType> = new Set(['FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'UAN']);

// The only types Notify sends to. FIXED_LINE_OR_MOBILE is where the ranges overlap and libphonenumber cannot
// tell. Premium rate is refused outright (Notify's deny list); toll free, shared cost, VoIP, pagers and
// voicemail are refused because they are not in this list.
const ALLOWED_TYPES: ReadonlySet<PhoneNumberType> = new Set([
  'FIXED_LINE',
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'UAN',
  'PERSONAL_NUMBER',
]);
const DENIED_TYPES: ReadonlySet<PhoneNumberType> = new Set(['PREMIUM_RATE']);

// Digits, the punctuation people write numbers with, and whitespace: Python's string.whitespace plus the
// invisible and non-breaking spaces notifications-utils formatters.py calls ALL_WHITESPACE. Anything else (letters
// included, so no "phonewords") is refused before libphonenumber sees it.
const ALLOWED_CHARACTERS: ReadonlySet<string> = new Set([
  ...' \t\n\r\v\f',
  ...'\u180E\u200B\u200C\u200D\u2060\uFEFF\u2028\u2029',
  ...'\u00A0\u202F',
  ...'()-+0123456789',
]);

/**
 * The second attempt, for numbers that are close to valid: a stray '+' or leading zeros ("0+447700900100",
 * "000007700900100", "+07700900100"). Not done first, because "+1 (500) 555-1234" without its '+' would read
 * as a UK landline.
 */
function thoroughlyNormalise(value: string): string {
  return sanitiseAscii(value.replace(/\+/g, '').replace(/^0+/, ''));
}

function lengthError(reason: string): PhoneErrorCode {
  switch (reason) {
    case 'TOO_LONG':
      return 'too_long';
    case 'TOO_SHORT':
      return 'too_short';
    case 'INVALID_COUNTRY':
      return 'unsupported_country_code';
    default:
      // INVALID_LENGTH: a length between the shortest and the longest the country uses, but not one of them.
      return 'invalid_number';
  }
}

/**
 * Numbers Ofcom keeps for TV and film (07700 900000 to 900999) are not in libphonenumber's data, yet Notify
 * sends to them. Notify's check is `re.match("7700[900000-900999]", national_number)`, whose character class
 * is any digit: so every national number starting 7700 and a digit passes, whatever the country. Kept as is,
 * so the same numbers are accepted.
 */
function isTvNumber(number: ParsedNumber): boolean {
  return /^7700\d/.test(number.nationalNumber);
}

/** What is used of a parsed number: libphonenumber's PhoneNumber, or the fast path's equal of one. */
type ParsedNumber = Pick<PhoneNumber, 'countryCallingCode' | 'country' | 'number' | 'nationalNumber'>;

/** A parsed number and its type (undefined when in no range in use), worked out once: it costs a few regexes. */
interface Parsed {
  number: ParsedNumber;
  type: PhoneNumberType | undefined;
}

// With full metadata, a number is valid exactly when it has a type (that is how libphonenumber-js's isValid
// decides), so Notify's "valid and an allowed type" is one test.
function isAllowedType(type: PhoneNumberType | undefined): boolean {
  return type !== undefined && !DENIED_TYPES.has(type) && ALLOWED_TYPES.has(type);
}

/**
 * What libphonenumber reads of the input (phonenumbers' _extract_possible_number): from the first '+' or digit
 * to the last digit. Cut here so the parser is told not to search the text itself, which is several times slower.
 */
function possibleNumber(value: string): string {
  const start = value.search(/[+0-9]/);
  return start < 0 ? '' : value.slice(start).replace(/[^0-9]+$/, '');
}

/** Parses with libphonenumber; numbers without a country code are read as `country`'s. */
function parse(value: string, country?: 'GB'): PhoneNumber {
  return parsePhoneNumberWithError(possibleNumber(value), { defaultCountry: country, extract: false });
}

/** Why a parsed number has the wrong length for its country, or undefined when the length is possible. */
function lengthProblem(number: PhoneNumber): string | undefined {
  // isPossible is cheap; the reason needs another parse, so only when there is one.
  return number.isPossible() ? undefined : validatePhoneNumberLength(number.number);
}

/**
 * Excel drops a leading '+' or '00': when the number is not possible read as a UK one, Notify tries it as an
 * international number before giving up.
 */
function forcedInternational(value: string): PhoneNumber | null {
  try {
    const number = parse(`+${value}`);
    return lengthProblem(number) === undefined ? number : null;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

function parseOnce(value: string, serviceContactNumber: boolean): Parsed {
  for (const c of value) {
    if (!ALLOWED_CHARACTERS.has(c)) throw new InvalidPhoneError('unknown_character');
  }
  if (value === '') throw new InvalidPhoneError('too_short');

  let number: PhoneNumber;
  try {
    // Without a country code a number is read as a UK one.
    number = parse(value, 'GB');
  } catch (e) {
    if (e instanceof ParseError) throw new InvalidPhoneError('invalid_number');
    throw e;
  }

  if (serviceContactNumber && number.nationalNumber.length === 3) {
    if (EMERGENCY_THREE_DIGIT_NUMBERS.has(number.nationalNumber)) {
      throw new InvalidPhoneError('unsupported_emergency_number');
    }
    return { number, type: number.getType() };
  }

  const reason = lengthProblem(number);
  if (reason !== undefined) {
    const forced = forcedInternational(value);
    if (forced === null) throw new InvalidPhoneError(lengthError(reason));
    number = forced;
  }
  // Possible is only the right length; valid is a range in use (UK numbers cannot start 06, for example).
  const type = number.getType();
  if (!isAllowedType(type) && !isTvNumber(number)) throw new InvalidPhoneError('invalid_number');
  return { number, type };
}

/**
 * Reads a phone number without any service's permissions: throws InvalidPhoneError when it is not a number
 * Notify could send to. A number that fails is tried once more with stray '+' and leading zeros removed.
 */
function parseNumber(raw: string, serviceContactNumber = false): Parsed {
  const value = String(raw ?? '');
  try {
    return parseOnce(value, serviceContactNumber);
  } catch (e) {
    if (!(e instanceof InvalidPhoneError)) throw e;
    return parseOnce(thoroughlyNormalise(value), serviceContactNumber);
  }
}

// ---------------------------------------------------------------------------------------------
// The fast path: UK mobile numbers as files and requests mostly give them
// ---------------------------------------------------------------------------------------------

// libphonenumber-js compiles each pattern of its metadata again on every test (new RegExp per call), which makes
// a parse cost ~100 µs: the most of a 100,000-row file's time. For the two common forms of a UK mobile number,
// 07xxxxxxxxx and +447xxxxxxxxx (spaces allowed), the same decisions are taken here with the same metadata and
// patterns compiled once: the country among +44's (Great Britain, Guernsey, the Isle of Man, Jersey) as
// libphonenumber-js's getCountryByNationalNumber finds it, then the type as its getNumberType does. Anything
// else, and any of these that is not a number Notify sends to, goes the slow way, so every answer and error
// is libphonenumber's own (test/recipients/phone.test.ts compares the two over many generated numbers).
const metadataJson = createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as MetadataJson;

// getNumberType's order: fixed line first, then these.
const NON_FIXED_LINE_TYPES: PhoneNumberType[] = [
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];

interface CompiledType {
  /** null: the type has no pattern (never matches). */
  re: RegExp | null;
  lengths: number[] | undefined;
  /** The pattern is '' (a duplicate of the fixed-line one, removed from the metadata). */
  empty: boolean;
  defined: boolean;
}

interface CompiledPlan {
  country: 'GB' | 'GG' | 'IM' | 'JE';
  general: RegExp;
  /** The plan's leading digits, anchored (search(pattern) === 0 as a test). */
  leadingDigits: RegExp | null;
  fixedLine: CompiledType;
  mobile: CompiledType;
  /** NON_FIXED_LINE_TYPES in order, with their compiled patterns. */
  others: [PhoneNumberType, CompiledType][];
}

function compilePlan(country: CompiledPlan['country']): CompiledPlan {
  const m = new Metadata(metadataJson);
  m.selectNumberingPlan(country);
  // biome-ignore lint/suspicious/noExplicitAny: the Metadata class's numbering plan accessors are not in its types
  const plan = m as any;
  const compileType = (type: PhoneNumberType): CompiledType => {
    const def = plan.type(type);
    const pattern: string | undefined = def?.pattern();
    return {
      re: pattern ? new RegExp(`^(?:${pattern})$`) : null,
      lengths: def?.possibleLengths(),
      empty: def !== undefined && pattern === '',
      defined: def !== undefined,
    };
  };
  const leading: string | undefined = plan.leadingDigits();
  return {
    country,
    general: new RegExp(`^(?:${plan.nationalNumberPattern()})$`),
    // String.prototype.search(pattern) as getCountryByNationalNumber uses it, found at 0: a match from the start.
    leadingDigits: leading ? new RegExp(`^(?:${leading})`) : null,
    fixedLine: compileType('FIXED_LINE'),
    mobile: compileType('MOBILE'),
    others: NON_FIXED_LINE_TYPES.map((type) => [type, compileType(type)]),
  };
}

// In +44's order in the metadata (the main country first), as getCountryByNationalNumber tries them.
const UK_PLANS: CompiledPlan[] = (['GB', 'GG', 'IM', 'JE'] as const).map(compilePlan);

function isTypeOf(t: CompiledType, national: string): boolean {
  if (!t.re) return false;
  if (t.lengths && !t.lengths.includes(national.length)) return false;
  return t.re.test(national);
}

/** getNumberType of libphonenumber-js for one plan. */
function typeIn(plan: CompiledPlan, national: string): PhoneNumberType | undefined {
  if (!plan.general.test(national)) return undefined;
  if (isTypeOf(plan.fixedLine, national)) {
    const mobile = plan.mobile;
    if (!mobile.defined || mobile.empty || isTypeOf(mobile, national)) return 'FIXED_LINE_OR_MOBILE';
    return 'FIXED_LINE';
  }
  for (const [type, t] of plan.others) if (isTypeOf(t, national)) return type;
  return undefined;
}

const UK_MOBILE_FORM = /^(0|\+44)(7\d{9})$/;

/** The fast path's answer, or null to take the slow one. Exported for the test that compares the two. */
export function fastUkMobile(raw: string): Parsed | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const match = UK_MOBILE_FORM.exec(raw.includes(' ') ? raw.replace(/ /g, '') : raw);
  if (!match) return null;
  const national = match[2];
  // A national form is read as the default country's (GB) unless another of +44's countries claims it; an
  // international one has no country unless one claims it. PhoneNumber.getType then selects the country's plan,
  // or +44's main one (GB) when there is no country: the type found while looking is that one.
  let plan: CompiledPlan | undefined;
  let type: PhoneNumberType | undefined;
  let mainType: PhoneNumberType | undefined | null = null;
  for (const p of UK_PLANS) {
    if (p.leadingDigits) {
      if (p.leadingDigits.test(national)) {
        plan = p;
        type = typeIn(p, national);
        break;
      }
    } else {
      const t = typeIn(p, national);
      if (p === UK_PLANS[0]) mainType = t;
      if (t !== undefined) {
        plan = p;
        type = t;
        break;
      }
    }
  }
  if (!plan) type = mainType === null ? typeIn(UK_PLANS[0], national) : mainType;
  const country = plan?.country ?? (match[1] === '0' ? 'GB' : undefined);
  const number: ParsedNumber = {
    countryCallingCode: UK_PREFIX as PhoneNumber['countryCallingCode'],
    country,
    number: `+${UK_PREFIX}${national}` as PhoneNumber['number'],
    nationalNumber: national as PhoneNumber['nationalNumber'],
  };
  // Ten digits are a possible length in all four plans; what parseOnce would refuse goes the slow way.
  if (!isAllowedType(type) && !isTvNumber(number)) return null;
  return { number, type };
}

/** The slow path's answer for the same input (libphonenumber throughout), for the test that compares the two. */
export function slowParse(raw: string): Parsed {
  return parseNumber(raw);
}

// Parsing with full metadata takes tens of microseconds and the v2 API reads each number twice (the schema
// check, then the service's permissions), so recent answers are kept. Only what could be a number is kept:
// a long value (up to the body's size) would pin its memory.
const slowAnswer = rememberRecent(
  (raw): Parsed | PhoneErrorCode => {
    try {
      return parseNumber(raw);
    } catch (e) {
      if (!(e instanceof InvalidPhoneError)) throw e;
      return e.code;
    }
  },
  1000,
  64,
);

// The v2 API and each row of a file read the same number three times in a row (the schema check, the guest
// list, the service's permissions): the last answer is kept for the next call.
const answerFor = rememberLast((raw: string): Parsed | PhoneErrorCode => fastUkMobile(raw) ?? slowAnswer(raw));

function parseRecipient(raw: string): Parsed {
  const answer = answerFor(raw);
  if (typeof answer === 'string') throw new InvalidPhoneError(answer);
  return answer;
}

// ---------------------------------------------------------------------------------------------
// What a number is, and whether a service may send to it
// ---------------------------------------------------------------------------------------------

export interface PhoneNumberInfo {
  /** E.164 digits without '+', e.g. '447700900123': what providers are sent. */
  normalised: string;
  /** False for Great Britain and the TV range; true elsewhere, Jersey, Guernsey and the Isle of Man included. */
  international: boolean;
  /** The billing prefix: the country calling code ('44', '1', '353'), or '1' and an area code billed apart. */
  phonePrefix: string;
  /** 1 for UK numbers, else Notify's rate for the prefix (the crown dependencies share the '44' entry). */
  rateMultiplier: number;
  /** A +44 landline (fixed line, fixed line or mobile, corporate): needs `sms_to_uk_landlines`. */
  isUkLandline: boolean;
  /** Jersey, Guernsey or the Isle of Man: +44, so no international permission is needed. */
  crownDependency: boolean;
}

export interface PhoneOptions {
  /** The service may send abroad (permission `international_sms`). Default false, as Notify's. */
  allowInternational?: boolean;
  /** The service may send to UK landlines (permission `sms_to_uk_landlines`). Default false, as Notify's. */
  allowLandline?: boolean;
}

function isUkNumber(number: ParsedNumber): boolean {
  return number.countryCallingCode === UK_PREFIX;
}

function isUkLandline({ number, type }: Parsed): boolean {
  return isUkNumber(number) && type !== undefined && LANDLINE_TYPES.has(type);
}

/** Parts of the North American plan have their own entry ('1664'); the rest of +1 shares '1'. */
function billingPrefix(number: ParsedNumber): string {
  if (number.countryCallingCode === '1') {
    const countryAndArea = number.number.slice(1, 5);
    if (internationalBillingRate(countryAndArea)) return countryAndArea;
  }
  return number.countryCallingCode;
}

function infoOf(parsed: Parsed): PhoneNumberInfo {
  const { number } = parsed;
  const tv = isTvNumber(number);
  // libphonenumber tells Great Britain from the crown dependencies by the number ranges of each region.
  const international = !(number.country === 'GB' || tv);
  const phonePrefix = billingPrefix(number);
  let rateMultiplier = 1;
  if (international) {
    const rate = internationalBillingRate(phonePrefix);
    if (!rate) throw new InvalidPhoneError('unsupported_country_code');
    rateMultiplier = rate.rate_multiplier;
  }
  return {
    normalised: number.number.slice(1),
    international,
    phonePrefix,
    rateMultiplier,
    isUkLandline: isUkLandline(parsed),
    crownDependency: !tv && isUkNumber(number) && number.country !== 'GB',
  };
}

/**
 * Refused only because the service cannot send abroad. Its code and message stay Notify's
 * not_a_uk_mobile; the v2 API answers it with "Cannot send to international mobile numbers" instead
 * (landlines keep "Not a UK mobile number", and crown dependencies never need the permission).
 */
export class InternationalPhoneNotAllowedError extends InvalidPhoneError {
  constructor() {
    super('not_a_uk_mobile');
  }
}

/**
 * Validates a phone number for a service with the given permissions, in Notify's order: characters, empty,
 * parse, length, valid range and type; then international permission, landline permission, supported country.
 * Throws InvalidPhoneError (its message is the v2 API's).
 */
export function validatePhoneNumber(raw: string, options: PhoneOptions = {}): PhoneNumberInfo {
  const parsed = parseRecipient(raw);
  const { number } = parsed;
  if (!(options.allowInternational ?? false) && !isUkNumber(number)) {
    // Notify's "international and not a crown dependency" test, which for a non-+44 number leaves only the
    // TV-range quirk out.
    throw isTvNumber(number) ? new InvalidPhoneError('not_a_uk_mobile') : new InternationalPhoneNotAllowedError();
  }
  if (!(options.allowLandline ?? false) && isUkLandline(parsed)) throw new InvalidPhoneError('not_a_uk_mobile');
  if (!internationalBillingRate(number.countryCallingCode)) throw new InvalidPhoneError('unsupported_country_code');
  return infoOf(parsed);
}

/**
 * The v2 API's check of a text message recipient against the service's permissions (`international_sms`,
 * `sms_to_uk_landlines`), with Notify's answers: "Cannot send to international mobile numbers" as a
 * BadRequestError, any other refusal as an InvalidPhoneError with its legacy message.
 */
export function validateServicePhoneNumber(raw: string, permissions: ReadonlySet<string>): PhoneNumberInfo {
  try {
    return validatePhoneNumber(raw, {
      allowInternational: permissions.has('international_sms'),
      allowLandline: permissions.has('sms_to_uk_landlines'),
    });
  } catch (e) {
    if (e instanceof InternationalPhoneNotAllowedError) {
      throw new BadRequestError('Cannot send to international mobile numbers');
    }
    if (e instanceof InvalidPhoneError) throw new ApiError(400, 'InvalidPhoneError', e.message);
    throw e;
  }
}

/** Validates a service's own contact number: as any number, but three-digit ones are allowed (not 999 or 112). */
export function validateServiceContactNumber(raw: string): string {
  return parseNumber(raw, true).number.number.slice(1);
}

/**
 * Normalised digits or null, for comparisons (guest list, team members, simulated numbers). Like Notify's
 * format_recipient, no permission is checked: a landline or foreign number on a guest list still matches.
 */
export function normalisePhoneNumber(raw: string): string | null {
  try {
    return parseRecipient(raw).number.number.slice(1);
  } catch (e) {
    if (e instanceof InvalidPhoneError) return null;
    throw e;
  }
}

/**
 * The sender of a received text as it is stored, whichever door it came by (a provider's callback, the
 * CLI): normalised when it reads as a phone number, as it came otherwise (a short code or a name, as Notify).
 */
export function receivedTextSender(from: string): string {
  return normalisePhoneNumber(from) ?? from;
}

/** Countries that only take numeric senders: the service's text sender is replaced (Notify's alpha 'NO'). */
export function shouldUseNumericSender(info: PhoneNumberInfo): boolean {
  return internationalBillingRate(info.phonePrefix)?.attributes.alpha === 'NO';
}
