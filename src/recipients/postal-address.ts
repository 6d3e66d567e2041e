// Postal addresses as Notify reads, normalises and validates them. Ported from notifications-utils,
// notifications_utils/recipient_validation/postal_address.py (PostalAddress) and formatters.py (the
// whitespace helpers), with the checks and messages of notifications-api's validate_address
// (app/notifications/validators.py), in its order.
import { countryFor, type Country, type PostageZone, UK, UK_POSTCODE_ZONES } from './countries.ts';
// recipients.ts re-exports this module; the error is only used when a function is called, so the cycle is safe.
import { InvalidAddressError } from './recipients.ts';

export type { PostageZone } from './countries.ts';
export type Postage = 'first' | 'second' | 'economy' | 'europe' | 'rest-of-world';

const MIN_LINES = 3;
const MAX_LINES = 7;

export const ADDRESS_MESSAGES = {
  tooFewLines: `Address must be at least ${MIN_LINES} lines`,
  tooManyLines: `Address must be no more than ${MAX_LINES} lines`,
  firstLinesNeedAlphanumeric: 'The first 2 lines of the address must both include at least one alphanumeric character',
  bfpoWithCountry: 'The last line of a BFPO address must not be a country.',
  notPostcodeOrCountry: 'Last line of address must be a real UK postcode or another country',
  notUkPostcode: 'Must be a real UK postcode',
  // Notify's message, word for word: a right double quotation mark for '"', and no '~' although a line
  // starting with '~' is refused too.
  invalidCharacters: 'Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >',
  noFixedAbode: 'Must be a real address',
} as const;

/** The personalisation keys of an address; the API only accepts them in snake_case. */
export const ADDRESS_LINE_KEYS = [
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'address_line_4',
  'address_line_5',
  'address_line_6',
  'address_line_7',
] as const;

const INVALID_FIRST_CHARACTERS = [...'@()=[]"\\/,<>~'];

// formatters.py: OBSCURE_ZERO_WIDTH_WHITESPACE is removed, OBSCURE_FULL_WIDTH_WHITESPACE becomes a space.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is removed alone, joiner included
const ZERO_WIDTH = /[\u180E\u200B\u200C\u200D\u2060\uFEFF\u2028\u2029]/g;
const FULL_WIDTH_SPACE = /[\u00A0\u202F]/g;
// Python's str.split() whitespace: JavaScript's \s, plus the separators \x1c–\x1f and \x85.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python counts these separators as whitespace
const WHITESPACE_RUN = /[\s\x1C-\x1F\x85]+/g;
// Python's str.splitlines() line boundaries.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python splits lines at these separators
const LINE_BREAK = /\r\n|[\n\r\v\f\x1C-\x1E\x85\u2028\u2029]/;
const WHITESPACE_BEFORE_PUNCTUATION = /(?<![ \t])[ \t]+([,.])/g;

function normaliseWhitespace(value: string): string {
  return value.replace(FULL_WIDTH_SPACE, ' ').replace(ZERO_WIDTH, '').replace(WHITESPACE_RUN, ' ').trim();
}

/** Strips trailing spaces and commas, as Python's rstrip(" ,"). */
function stripTrailingCommas(value: string): string {
  return value.replace(/[ ,]+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Postcodes
// ---------------------------------------------------------------------------------------------

// formatters.py ALL_WHITESPACE: string.whitespace and both kinds of obscure whitespace.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is removed alone, joiner included
const ALL_WHITESPACE = /[ \t\n\r\v\f\u180E\u200B\u200C\u200D\u2060\uFEFF\u2028\u2029\u00A0\u202F]/g;

// A postcode area Royal Mail delivers to, a district, a sector digit and two unit letters (never C, I, K,
// M, O or V). Giro Bank's GIR 0AA and Gibraltar's GX11 1AA are not UK postcodes.
const UK_POSTCODE = new RegExp(`^(${UK_POSTCODE_ZONES.join('|')})[0-9][0-9A-Z]?[0-9][A-BD-HJLNP-UW-Z]{2}$`);

/** 'sw1a 1aa' → 'SW1A1AA': every kind of whitespace removed, upper case. */
export function normalisePostcode(postcode: string): string {
  return postcode.replace(ALL_WHITESPACE, '').toUpperCase();
}

export function isUkPostcode(postcode: string): boolean {
  return UK_POSTCODE.test(normalisePostcode(postcode));
}

/** A postcode as Royal Mail sorts it: 'sw1a1aa' → 'SW1A 1AA'. */
export function formatPostcodeForPrinting(postcode: string): string {
  const normalised = normalisePostcode(postcode);
  return `${normalised.slice(0, -3)} ${normalised.slice(-3)}`;
}

/** 'sw1a1aa' → 'SW1A 1AA'; null when not a real UK postcode. */
export function normaliseUkPostcode(postcode: string): string | null {
  return isUkPostcode(postcode) ? formatPostcodeForPrinting(postcode) : null;
}

// ---------------------------------------------------------------------------------------------
// PostalAddress
// ---------------------------------------------------------------------------------------------

const COUNTRY_UK: Country = { canonicalName: UK, postageZone: 'united-kingdom' };

// A line with only 'BFPO', or 'BFPO 1234' / 'BFPO C/O 1234' (British Forces Post Office number).
const BFPO_LINE = /^\s*bfpo\s*(?:c\/o)?(?:\s*(\d+))?\s*$/;

export interface FromPersonalisationOptions {
  /** Service may send international letters (permission `international_letters`). Default false. */
  allowInternational?: boolean;
  /**
   * Match keys ignoring case, spaces, '_' and '-' ('Address Line 1'), as letter templates and CSV files do.
   * Default false: the API reads the snake_case keys only.
   */
  insensitiveKeys?: boolean;
}

function insensitiveKey(key: string): string {
  return key.replace(/[ _-]/g, '').toLowerCase();
}

export class PostalAddress {
  static readonly MIN_LINES = MIN_LINES;
  static readonly MAX_LINES = MAX_LINES;

  readonly rawAddress: string;
  readonly allowInternational: boolean;
  readonly country: Country;
  readonly bfpoNumber: number | null;
  /** Non-empty lines, whitespace normalised, trailing commas removed. */
  readonly lines: readonly string[];
  /** The UK postcode formatted for printing, or null (international, or no real postcode on the last line). */
  readonly postcode: string | null;
  readonly #linesWithoutCountryOrBfpo: readonly string[];
  readonly #normalisedLines: readonly string[];

  constructor(rawAddress: string, allowInternational = false) {
    this.rawAddress = rawAddress;
    this.allowInternational = allowInternational;
    const lines = rawAddress
      .split(LINE_BREAK)
      .map(normaliseWhitespace)
      .filter((line) => stripTrailingCommas(line) !== '')
      .map((line) => stripTrailingCommas(line).replace(WHITESPACE_BEFORE_PUNCTUATION, '$1'));
    this.lines = lines.length > 0 ? lines : [''];

    const { bfpoNumber, rest } = extractBfpo(this.lines);
    this.bfpoNumber = bfpoNumber;
    const country = rest.length > 0 ? countryFor(rest[rest.length - 1]) : null;
    if (country) {
      this.country = country;
      // 'Cardiff / CF99 1SN / Cymru / UK': every trailing name of the UK goes, not only the last line.
      this.#linesWithoutCountryOrBfpo = rest.slice(0, -(trailingUkCountryCount(rest) || 1));
    } else {
      this.country = COUNTRY_UK;
      this.#linesWithoutCountryOrBfpo = rest;
    }
    this.postcode = this.#findPostcode();
    this.#normalisedLines = this.#normalise();
  }

  #findPostcode(): string | null {
    if (this.international) return null;
    const lines = this.#linesWithoutCountryOrBfpo;
    if (lines.length === 0) return null;
    return normaliseUkPostcode(lines[lines.length - 1]);
  }

  #normalise(): readonly string[] {
    const lines = this.#linesWithoutCountryOrBfpo;
    const postcode = this.postcode;
    if (this.isBfpoAddress) {
      const bfpo = `BFPO ${this.bfpoNumber}`;
      if (this.international) return [...lines, bfpo, this.country.canonicalName];
      if (postcode) return [...lines.slice(0, -1), postcode, bfpo];
      return [...lines, bfpo];
    }
    if (this.international) return [...lines, this.country.canonicalName];
    if (postcode) return [...lines.slice(0, -1), postcode];
    return lines;
  }

  /**
   * The address in a letter's personalisation: address_line_1 … address_line_6 and then address_line_7,
   * or `postcode` when there is no address_line_7 key at all (empty lines are skipped).
   */
  static fromPersonalisation(
    personalisation: Readonly<Record<string, unknown>>,
    options: FromPersonalisationOptions = {},
  ): PostalAddress {
    const keyOf = (key: string) => (options.insensitiveKeys ? insensitiveKey(key) : key);
    // Two spellings of one key ('Postcode', 'postcode'): the later one wins, as in Notify's InsensitiveDict.
    const values = new Map(Object.entries(personalisation).map(([key, value]) => [keyOf(key), value]));
    const lastKey = values.has(keyOf('address_line_7')) ? 'address_line_7' : 'postcode';
    const keys = [...ADDRESS_LINE_KEYS.slice(0, 6), lastKey];
    // Python's `str(value or "")`: null, undefined, 0, false and '' are all an empty line.
    const raw = keys.map((key) => String(values.get(keyOf(key)) || '')).join('\n');
    return new PostalAddress(raw, options.allowInternational ?? false);
  }

  get postage(): PostageZone {
    return this.country.postageZone;
  }

  get international(): boolean {
    return this.postage !== 'united-kingdom';
  }

  get isBfpoAddress(): boolean {
    return this.bfpoNumber !== null;
  }

  /** The lines as printed: postcode formatted, a country by its canonical name, the BFPO number last. */
  get normalisedLines(): string[] {
    return [...this.#normalisedLines];
  }

  get normalised(): string {
    return this.#normalisedLines.join('\n');
  }

  get asSingleLine(): string {
    return this.#normalisedLines.join(', ');
  }

  get lineCount(): number {
    return this.normalised === '' ? 0 : this.#normalisedLines.length;
  }

  get hasEnoughLines(): boolean {
    return this.lineCount >= MIN_LINES;
  }

  get hasTooManyLines(): boolean {
    return this.lineCount > MAX_LINES;
  }

  get hasValidPostcode(): boolean {
    return this.postcode !== null;
  }

  /** BFPO mail goes through the forces' own system, so a BFPO address must not name a country. */
  get hasInvalidCountryForBfpoAddress(): boolean {
    return this.international && this.isBfpoAddress;
  }

  get hasValidLastLine(): boolean {
    return (
      (this.allowInternational && this.international && !this.isBfpoAddress) ||
      this.hasValidPostcode ||
      (this.isBfpoAddress && !this.hasInvalidCountryForBfpoAddress)
    );
  }

  get hasInvalidCharacters(): boolean {
    return this.#normalisedLines.some((line) => INVALID_FIRST_CHARACTERS.some((c) => line.startsWith(c)));
  }

  /** A line that is just 'NFA', or 'no fixed abode' / 'no fixed address' anywhere. */
  get hasNoFixedAbodeAddress(): boolean {
    if (this.#normalisedLines.some((line) => line.toLowerCase() === 'nfa')) return true;
    return /no fixed (abode|address)/i.test(this.normalised);
  }

  get hasAlphanumericCharacterInAddressLines1And2(): boolean {
    const lines = this.#normalisedLines;
    if (lines.length < 2) return false;
    return lines.slice(0, 2).every((line) => /[a-zA-Z0-9]/.test(line));
  }

  get valid(): boolean {
    return (
      this.hasValidLastLine &&
      this.hasEnoughLines &&
      !this.hasTooManyLines &&
      !this.hasInvalidCharacters &&
      !(this.international && this.isBfpoAddress) &&
      !this.hasNoFixedAbodeAddress &&
      this.hasAlphanumericCharacterInAddressLines1And2
    );
  }

  /** A BFPO address without its postcode and BFPO lines. */
  get bfpoAddressLines(): string[] {
    if (!this.isBfpoAddress) throw new Error('Cannot be used for non-BFPO addresses');
    return this.#normalisedLines.slice(0, this.postcode ? -2 : -1);
  }

  /**
   * The address as personalisation: address_line_1 … address_line_6 from the first lines, the last line as
   * both address_line_7 and postcode (a BFPO address's postcode as address_line_6 and postcode).
   */
  get asPersonalisation(): Record<string, string> {
    const lines = this.#normalisedLines;
    const bfpoWithPostcode = Boolean(this.postcode) && this.isBfpoAddress;
    const result: Record<string, string> = {};
    for (const key of ADDRESS_LINE_KEYS.slice(0, 6)) result[key] = '';
    lines.slice(0, -(bfpoWithPostcode ? 2 : 1)).forEach((line, i) => {
      if (i < 6) result[`address_line_${i + 1}`] = line;
    });
    result.postcode = lines[lines.length - 1] ?? '';
    result.address_line_7 = result.postcode;
    if (bfpoWithPostcode) {
      result.postcode = this.postcode ?? '';
      result.address_line_6 = this.postcode ?? '';
    } else if (this.isBfpoAddress) {
      result.postcode = '';
    }
    return result;
  }

  /**
   * The first of Notify's errors for this address (the v2 API's order and words), or null when it can be
   * sent. Throws nothing.
   */
  get error(): string | null {
    if (!this.hasEnoughLines) return ADDRESS_MESSAGES.tooFewLines;
    if (this.hasTooManyLines) return ADDRESS_MESSAGES.tooManyLines;
    if (!this.hasAlphanumericCharacterInAddressLines1And2) return ADDRESS_MESSAGES.firstLinesNeedAlphanumeric;
    if (this.hasInvalidCountryForBfpoAddress) return ADDRESS_MESSAGES.bfpoWithCountry;
    if (!this.hasValidLastLine) {
      return this.allowInternational ? ADDRESS_MESSAGES.notPostcodeOrCountry : ADDRESS_MESSAGES.notUkPostcode;
    }
    if (this.hasInvalidCharacters) return ADDRESS_MESSAGES.invalidCharacters;
    if (this.hasNoFixedAbodeAddress) return ADDRESS_MESSAGES.noFixedAbode;
    return null;
  }
}

/**
 * The number from the first line with one ('BFPO 1234', 'bfpo c/o 1234'), and the lines without any BFPO
 * line (a bare 'BFPO' line goes too). No number: no BFPO address, and the lines as they were.
 */
function extractBfpo(lines: readonly string[]): { bfpoNumber: number | null; rest: string[] } {
  const matches = lines.map((line) => BFPO_LINE.exec(line.toLowerCase()));
  const numbered = matches.find((match) => match?.[1] !== undefined);
  if (!numbered) return { bfpoNumber: null, rest: [...lines] };
  return { bfpoNumber: Number(numbered[1]), rest: lines.filter((_, i) => matches[i] === null) };
}

/**
 * How many lines, from the end, name the UK ('Scotland', 'United Kingdom'). As in Notify, a line that is
 * not a country at all (a postcode) is passed over, so a UK name higher up counts too, and the count stops
 * at the first other country.
 */
function trailingUkCountryCount(lines: readonly string[]): number {
  let count = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const country = countryFor(lines[i]);
    if (country === null) continue;
    if (country.canonicalName !== UK) break;
    count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// What the routes use
// ---------------------------------------------------------------------------------------------

/** A valid address, ready to store and print. */
export interface ValidPostalAddress {
  /** The normalised lines, as printed. */
  lines: string[];
  /** The UK postcode formatted for printing, or null (international, or a BFPO address without one). */
  postcode: string | null;
  /** The country's canonical name for an international address, else null. */
  country: string | null;
  international: boolean;
  postageZone: PostageZone;
  bfpoNumber: number | null;
}

export interface AddressOptions {
  /** Service may send international letters (permission `international_letters`). Default false. */
  allowInternational?: boolean;
}

/** Throws InvalidAddressError with Notify's first error for the address, else returns it normalised. */
export function assertValidPostalAddress(address: PostalAddress): ValidPostalAddress {
  const error = address.error;
  if (error !== null) throw new InvalidAddressError(error);
  return {
    lines: address.normalisedLines,
    postcode: address.postcode,
    country: address.international ? address.country.canonicalName : null,
    international: address.international,
    postageZone: address.postage,
    bfpoNumber: address.bfpoNumber,
  };
}

/** Validates an address given as lines (null and '' are skipped; a value with line breaks is several lines). */
export function validatePostalAddress(rawLines: readonly unknown[], options: AddressOptions = {}): ValidPostalAddress {
  const raw = rawLines.map((line) => String(line || '')).join('\n');
  return assertValidPostalAddress(new PostalAddress(raw, options.allowInternational ?? false));
}

/** Reads (snake_case keys, as the API does) and validates the address in a letter's personalisation. */
export function validateLetterAddress(
  personalisation: Readonly<Record<string, unknown>>,
  options: AddressOptions = {},
): ValidPostalAddress {
  return assertValidPostalAddress(
    PostalAddress.fromPersonalisation(personalisation, { allowInternational: options.allowInternational }),
  );
}

/**
 * The address block of a letter, as Notify prints it: keys matched ignoring case, spaces, '_' and '-';
 * the normalised lines (postcode formatted, country by its English name, BFPO number last) when the address
 * has 3 to 7 lines, else the non-empty lines as written.
 */
export function addressLinesFromPersonalisation(personalisation: Readonly<Record<string, unknown>>): string[] {
  const address = PostalAddress.fromPersonalisation(personalisation, { insensitiveKeys: true });
  if (address.hasEnoughLines && !address.hasTooManyLines) return address.normalisedLines;
  return address.lines.filter((line) => line !== '');
}

/**
 * Postage for a letter: an international address goes by its zone (europe, rest-of-world); a UK one, BFPO
 * included, by the template's class.
 */
export function postageFor(
  address: Pick<ValidPostalAddress, 'postageZone'>,
  requested: 'first' | 'second' | 'economy' = 'second',
): Postage {
  return address.postageZone === 'united-kingdom' ? requested : address.postageZone;
}
