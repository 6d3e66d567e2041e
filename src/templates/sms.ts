// Text messages as Notify sends, counts and bills them. Ported from notifications-utils:
// notifications_utils/sanitise_text.py (SanitiseText / SanitiseSMS: which characters are kept, downgraded or
// become `?`) and notifications_utils/template.py (BaseSMSTemplate / SMSMessageTemplate: prefix, whitespace,
// content_count, fragment_count, the 918 character limit).
//
// What is sent is the downgraded text: GSM-7 characters (the extension table ^ { } \ [ ~ ] | € included) and
// the Welsh accented letters are kept; other letters lose their accents (by Unicode decomposition); dashes,
// quotes, the ellipsis and invisible or non-breaking spaces are replaced; anything else (emoji, other scripts)
// becomes `?`. A Welsh letter outside GSM-7 (ŵ, ŷ, â …) is sent as it is, so the message goes as unicode:
// 70 characters in one fragment, 67 a fragment when longer.
import { readFileSync } from 'node:fs';
import { BadRequestError } from '../lib/errors.ts';
import { EMPTY_MESSAGE, fillPlaceholders, type Personalisation, withEveryPlaceholderAs } from './template.ts';
import { REPLACEMENT_CHARACTERS } from './sanitise-text.ts';

export { REPLACEMENT_CHARACTERS };

/** notifications_utils/__init__.py: 153 * 6, checked on the message without its prefix. */
export const SMS_CHAR_COUNT_LIMIT = 918;

// The character sets below are from notifications-utils, notifications_utils/sanitise_text.py (SanitiseSMS).

/** GSM 03.38 extension table: each takes two characters of a GSM-7 message. */
export const EXTENDED_GSM_CHARACTERS: ReadonlySet<string> = new Set('^{}\\[~]|€');

/** GSM 03.38 basic set (with the escape character, as Notify lists it) and the extension table. */
export const GSM_CHARACTERS: ReadonlySet<string> = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ...EXTENDED_GSM_CHARACTERS,
]);

/** Welsh letters with grave, acute, diaeresis and circumflex: kept as they are, never downgraded. */
export const WELSH_DIACRITICS: ReadonlySet<string> = new Set([
  ...'àèìòùẁỳÀÈÌÒÙẀỲ', // grave
  ...'áéíóúẃýÁÉÍÓÚẂÝ', // acute
  ...'äëïöüẅÿÄËÏÖÜẄŸ', // diaeresis
  ...'âêîôûŵŷÂÊÎÔÛŴŶ', // circumflex
]);

/** What a text message may contain after sanitising. */
export const SMS_ALLOWED_CHARACTERS: ReadonlySet<string> = new Set([...GSM_CHARACTERS, ...WELSH_DIACRITICS]);

/** The Welsh letters outside GSM-7: one of them makes the whole message unicode. */
export const WELSH_NON_GSM_CHARACTERS: ReadonlySet<string> = new Set(
  [...WELSH_DIACRITICS].filter((c) => !GSM_CHARACTERS.has(c)),
);

/**
 * Characters outside SMS_ALLOWED_CHARACTERS whose canonical decomposition starts with an allowed character,
 * mapped to that character (ç → c, ǖ → ü, Ầ → Â, U+212B ANGSTROM SIGN → Å). Generated from Python's unicodedata by
 * scripts/sms-decompositions.py: Notify uses the one-level decomposition, which JavaScript does not expose.
 */
const DECOMPOSITIONS: ReadonlyMap<string, string> = new Map(
  Object.entries(
    (
      JSON.parse(readFileSync(new URL('./data/sms-decompositions.json', import.meta.url), 'utf8')) as {
        decompositions: Record<string, string>;
      }
    ).decompositions,
  ),
);

/**
 * SanitiseSMS.downgrade_character: the replacement for a character outside the allowed set, or null when
 * there is none. A character with a canonical decomposition is downgraded only through it (to its base
 * letter when that is allowed); the REPLACEMENT_CHARACTERS map serves the others. (Where Notify's
 * decomposition begins with a code point above U+FFFF its code raises an error; here it is null.)
 */
export function downgradeSmsCharacter(c: string): string | null {
  const decomposed = DECOMPOSITIONS.get(c);
  if (decomposed !== undefined) return decomposed;
  // Any other canonical decomposition starts with a character that is not allowed.
  if (c.normalize('NFD') !== c) return null;
  return REPLACEMENT_CHARACTERS.get(c) ?? null;
}

// Every character of the sets above is one UTF-16 code unit, so a table by char code answers "is it in the set"
// for a whole text in one pass without making a string per character; a code unit of a surrogate pair is in
// no set, as the pair's character is not. Each text is read once per question, not split into characters.
const ALLOWED = 1;
const EXTENDED = 2;
const WELSH_NON_GSM = 4;
const CHAR_CLASS = new Uint8Array(0x10000);
for (const c of SMS_ALLOWED_CHARACTERS) CHAR_CLASS[c.charCodeAt(0)] |= ALLOWED;
for (const c of EXTENDED_GSM_CHARACTERS) CHAR_CLASS[c.charCodeAt(0)] |= EXTENDED;
for (const c of WELSH_NON_GSM_CHARACTERS) CHAR_CLASS[c.charCodeAt(0)] |= WELSH_NON_GSM;

/** SanitiseSMS.encode: every character kept, downgraded, or `?`. */
export function smsEncode(text: string): string {
  // Most messages need nothing changed: then the text itself is the answer.
  let i = 0;
  while (i < text.length && CHAR_CLASS[text.charCodeAt(i)] & ALLOWED) i++;
  if (i === text.length) return text;
  // i is at a character boundary (the first unit of a pair is not allowed), so the rest reads as characters.
  let out = text.slice(0, i);
  for (const c of text.slice(i)) out += SMS_ALLOWED_CHARACTERS.has(c) ? c : (downgradeSmsCharacter(c) ?? '?');
  return out;
}

/** SanitiseSMS.get_non_gsm_characters: the characters smsEncode turns into `?`. */
export function smsCharactersWithoutDowngrade(text: string): Set<string> {
  const found = new Set<string>();
  for (const c of text) if (!SMS_ALLOWED_CHARACTERS.has(c) && downgradeSmsCharacter(c) === null) found.add(c);
  return found;
}

/**
 * Whether a message is sent as unicode: it has a Welsh letter outside GSM-7. Notify decides on the text before
 * sanitising, so an emoji (sent as `?`) leaves the message GSM.
 */
export function isUnicodeSms(unsanitised: string): boolean {
  for (let i = 0; i < unsanitised.length; i++) if (CHAR_CLASS[unsanitised.charCodeAt(i)] & WELSH_NON_GSM) return true;
  return false;
}

/** BaseSMSTemplate.count_extended_gsm_chars, counted in the text before sanitising. */
export function extendedGsmCharacterCount(unsanitised: string): number {
  let n = 0;
  for (let i = 0; i < unsanitised.length; i++) if (CHAR_CLASS[unsanitised.charCodeAt(i)] & EXTENDED) n++;
  return n;
}

/**
 * BaseSMSTemplate.fragment_count. `contentCount` is the length of the sanitised text (UTF-16 code units, as
 * Notify measures it); `extendedCount` the extension characters, which take two characters only in GSM-7.
 */
export function fragmentCountFor(contentCount: number, unicode: boolean, extendedCount = 0): number {
  if (unicode) return contentCount <= 70 ? 1 : Math.ceil(contentCount / 67);
  const characterCount = contentCount + extendedCount;
  return characterCount <= 160 ? 1 : Math.ceil(characterCount / 153);
}

/** Fragments for a text as it is written (whitespace normalised and sanitised as for sending). */
export function smsFragmentCount(text: string): number {
  const unsanitised = normaliseSms(text);
  return fragmentCountFor(
    smsEncode(unsanitised).length,
    isUnicodeSms(unsanitised),
    extendedGsmCharacterCount(unsanitised),
  );
}

// Python's str.split() / str.strip() whitespace (str.isspace), and str.splitlines() line boundaries, which
// differ from JavaScript's \s: they include \x1c-\x1f and \x85; \ufeff is not whitespace.
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN_RE = new RegExp(`[${PY_WHITESPACE}]+`, 'g');
const STRIP_RE = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's line boundaries include these separators
const LINE_BOUNDARY_RE = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
// formatters.py OBSCURE_FULL_WIDTH_WHITESPACE and OBSCURE_ZERO_WIDTH_WHITESPACE
const FULL_WIDTH_SPACE_RE = /[\u00a0\u202f]/g;
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is removed on its own, joiner included
const ZERO_WIDTH_RE = /[\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029]/g;
// formatters.py whitespace_before_punctuation
const SPACE_BEFORE_PUNCTUATION_RE = /(?<![ \t])[ \t]+([,.])/g;

// What normaliseSms's expressions act on: any whitespace but the ordinary space and \n (every other line break
// is whitespace too), the obscure spaces, a space or \n at either end, a space before a space, \n, `,` or `.`,
// a space after \n, and three \n in a row. A text without any has nothing to collapse, strip or remove on any
// line, and comes out as it went in.
const NEEDS_NORMALISING_RE = new RegExp(
  `[${PY_WHITESPACE.replace(' ', '').replace('\\n', '')}]|${FULL_WIDTH_SPACE_RE.source}|${ZERO_WIDTH_RE.source}|` +
    '^[ \\n]|[ \\n]$| [ \\n,.]|\\n |\\n\\n\\n',
);

function pyStrip(text: string): string {
  return text.replace(STRIP_RE, '');
}

/** formatters.normalise_whitespace: one line's spaces collapsed, zero-width characters removed, trimmed. */
function normaliseWhitespace(line: string): string {
  return pyStrip(line.replace(FULL_WIDTH_SPACE_RE, ' ').replace(ZERO_WIDTH_RE, '').replace(WHITESPACE_RUN_RE, ' '));
}

/**
 * The whitespace steps of BaseSMSTemplate.unsanitised_content: no space before `,` or `.`, each line's
 * whitespace normalised (every line break becomes \n), at most one blank line in a row, trimmed.
 */
export function normaliseSms(text: string): string {
  if (!NEEDS_NORMALISING_RE.test(text)) return text;
  const lines = text.replace(SPACE_BEFORE_PUNCTUATION_RE, '$1').split(LINE_BOUNDARY_RE);
  // str.splitlines() gives no empty last line after a final line break.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return pyStrip(
    lines
      .map(normaliseWhitespace)
      .join('\n')
      .replace(/\n{3,}/g, '\n\n'),
  );
}

export interface RenderedSms {
  /** The message as sent, without the prefix: what the API returns as the body. */
  body: string;
  /** What is sent: `"<service name>: " + body` when prefixed (whitespace normalised and sanitised as a whole). */
  bodyWithPrefix: string;
  /** Characters of body: what the 918 limit applies to and the too-long message reports. */
  contentCount: number;
  /** Characters of bodyWithPrefix as billed: extension characters twice unless the message is unicode. */
  characterCount: number;
  /** A Welsh letter outside GSM-7 makes the message unicode (70 / 67 characters a fragment). */
  isUnicode: boolean;
  /** Fragments of bodyWithPrefix: the message's billable units. */
  fragmentCount: number;
  isEmpty: boolean;
  isTooLong: boolean;
}

export interface SmsTemplate {
  content: string;
}

// Notify's MAGIC_SEQUENCE: stands in for every placeholder when there is no personalisation at all, and is
// removed only after whitespace is normalised (so "a ((x)) b" becomes "a  b").
const NOTHING = '\uE002';

/** BaseSMSTemplate's content with placeholders filled in (a list as "a, b and c"), before the prefix. */
function filledContent(content: string, personalisation: Personalisation | null | undefined): string {
  return personalisation && Object.keys(personalisation).length > 0
    ? fillPlaceholders(content, personalisation, 'inline')
    : withEveryPlaceholderAs(content, NOTHING);
}

/** BaseSMSTemplate.unsanitised_content from the filled-in content: the prefix added, whitespace normalised. */
function unsanitisedContent(filled: string, prefix: string) {
  const normalised = normaliseSms(prefix ? `${prefix.trim()}: ${filled}` : filled);
  return normalised.includes(NOTHING) ? normalised.replaceAll(NOTHING, '') : normalised;
}

export function renderSms(
  template: SmsTemplate,
  personalisation: Personalisation | null | undefined,
  options: { prefix?: string | null } = {},
): RenderedSms {
  // The API checks and returns the message without the prefix (Notify's API builds its SMSMessageTemplate
  // without one); delivery sends and bills it with the prefix.
  const filled = filledContent(template.content, personalisation);
  const unprefixed = unsanitisedContent(filled, '');
  const unsanitised = options.prefix ? unsanitisedContent(filled, options.prefix) : unprefixed;
  const body = smsEncode(unprefixed);
  const bodyWithPrefix = unsanitised === unprefixed ? body : smsEncode(unsanitised);
  const isUnicode = isUnicodeSms(unsanitised);
  const extended = isUnicode ? 0 : extendedGsmCharacterCount(unsanitised);
  // Every sanitised character is in the Basic Multilingual Plane, so length counts characters.
  const contentCount = body.length;
  return {
    body,
    bodyWithPrefix,
    contentCount,
    characterCount: bodyWithPrefix.length + extended,
    isUnicode,
    fragmentCount: fragmentCountFor(bodyWithPrefix.length, isUnicode, extended),
    isEmpty: contentCount === 0,
    isTooLong: contentCount > SMS_CHAR_COUNT_LIMIT,
  };
}

export function smsTooLongMessage(contentCount: number): string {
  return (
    `Your message is too long. Text messages cannot be longer than ${SMS_CHAR_COUNT_LIMIT} characters. ` +
    `Your message is ${contentCount} characters long.`
  );
}

/** Throws BadRequestError for an empty or too-long text message (validators.py messages). */
export function assertSmsSendable(rendered: RenderedSms): void {
  if (rendered.isEmpty) throw new BadRequestError(EMPTY_MESSAGE);
  if (rendered.isTooLong) throw new BadRequestError(smsTooLongMessage(rendered.contentCount));
}
