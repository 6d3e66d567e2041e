// Notify's text sanitising shared by SMS encoding, phone numbers and country names (from
// notifications-utils, sanitise_text.py: SanitiseText.REPLACEMENT_CHARACTERS and SanitiseASCII).

/** SanitiseText.REPLACEMENT_CHARACTERS: downgrades for characters with no canonical decomposition. */
export const REPLACEMENT_CHARACTERS: ReadonlyMap<string, string> = new Map([
  ['\u2011', '-'], // NON-BREAKING HYPHEN
  ['\u2013', '-'], // EN DASH
  ['\u2014', '-'], // EM DASH
  ['\u2212', '-'], // MINUS SIGN
  ['\u2026', '...'], // HORIZONTAL ELLIPSIS
  ['\u2018', "'"], // LEFT SINGLE QUOTATION MARK
  ['\u2019', "'"], // RIGHT SINGLE QUOTATION MARK
  ['\u201C', '"'], // LEFT DOUBLE QUOTATION MARK
  ['\u201D', '"'], // RIGHT DOUBLE QUOTATION MARK
  ['\u201A', "'"], // SINGLE LOW-9 QUOTATION MARK
  ['\u201E', '"'], // DOUBLE LOW-9 QUOTATION MARK
  ['\u180E', ''], // MONGOLIAN VOWEL SEPARATOR
  ['\u200B', ''], // ZERO WIDTH SPACE
  ['\u200C', ''], // ZERO WIDTH NON-JOINER
  ['\u200D', ''], // ZERO WIDTH JOINER
  ['\u2060', ''], // WORD JOINER
  ['\uFEFF', ''], // ZERO WIDTH NO-BREAK SPACE
  ['\u2028', ''], // LINE SEPARATOR
  ['\u2029', ''], // PARAGRAPH SEPARATOR
  ['\u00A0', ' '], // NO-BREAK SPACE
  ['\u202F', ' '], // NARROW NO-BREAK SPACE
  ['\t', ' '], // TAB
  ['\u0141', 'L'], // LATIN CAPITAL LETTER L WITH STROKE
  ['\u0142', 'l'], // LATIN SMALL LETTER L WITH STROKE
]);

function isPrintableAscii(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code >= 32 && code <= 126;
}

/**
 * Notify's SanitiseASCII for one character: printable ASCII is kept; a letter whose (one-step, canonical)
 * decomposition starts with an ASCII character becomes that character (é → e); a few punctuation and
 * space characters are replaced; anything else becomes '?'.
 */
export function asciiCharacter(c: string): string {
  if (isPrintableAscii(c)) return c;
  const decomposed = [...c.normalize('NFD')];
  if (decomposed.length > 1 || decomposed[0] !== c) {
    // Python's unicodedata.decomposition is one step and at most two characters: a base and one mark.
    // A character that needs more steps (ǖ = ü + macron) or is a singleton (Å sign) is not downgraded.
    const oneStep = decomposed.length === 2 && decomposed.join('').normalize('NFC') === c;
    return oneStep && isPrintableAscii(decomposed[0]) ? decomposed[0] : '?';
  }
  return REPLACEMENT_CHARACTERS.get(c) ?? '?';
}

/** SanitiseASCII.encode: every character kept, downgraded to ASCII, or '?'. */
export function sanitiseAscii(text: string): string {
  let out = '';
  for (const c of text) out += asciiCharacter(c);
  return out;
}
