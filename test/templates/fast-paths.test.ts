// The shortcuts taken for speed in text message rendering and placeholder handling (a char-code table for the
// character sets, normalising skipped when it would change nothing, fields parsed once and cached, keys
// remembered) must give the answers of the plain definitions. Each plain definition is written out here, as
// the rule reads, and compared with the module over generated text.
import fc from 'fast-check';
import t from 'tap';
import {
  downgradeSmsCharacter,
  EXTENDED_GSM_CHARACTERS,
  extendedGsmCharacterCount,
  fillPlaceholders,
  isUnicodeSms,
  missingPersonalisation,
  normaliseSms,
  placeholderKey,
  placeholderNames,
  renderSms,
  SMS_ALLOWED_CHARACTERS,
  smsEncode,
  WELSH_NON_GSM_CHARACTERS,
} from '../../src/templates/template.ts';
import { check, RUNS } from '../fuzz/fuzz.ts';

// ---------------------------------------------------------------------------------------------
// The plain definitions
// ---------------------------------------------------------------------------------------------

const plainEncode = (text: string) => {
  let out = '';
  for (const c of text) out += SMS_ALLOWED_CHARACTERS.has(c) ? c : (downgradeSmsCharacter(c) ?? '?');
  return out;
};
const plainIsUnicode = (text: string) => [...text].some((c) => WELSH_NON_GSM_CHARACTERS.has(c));
const plainExtended = (text: string) => [...text].filter((c) => EXTENDED_GSM_CHARACTERS.has(c)).length;

// notifications-utils formatters.py, as src/templates/sms.ts spells it, without the shortcut.
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN_RE = new RegExp(`[${PY_WHITESPACE}]+`, 'g');
const STRIP_RE = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's line boundaries include these separators
const LINE_BOUNDARY_RE = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const pyStrip = (text: string) => text.replace(STRIP_RE, '');
const plainNormalise = (text: string) => {
  const lines = text.replace(/(?<![ \t])[ \t]+([,.])/g, '$1').split(LINE_BOUNDARY_RE);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const normalised = lines.map((line) =>
    pyStrip(
      line
        .replace(/[\u00a0\u202f]/g, ' ')
        // biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is removed alone
        .replace(/[\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029]/g, '')
        .replace(WHITESPACE_RUN_RE, ' '),
    ),
  );
  return pyStrip(normalised.join('\n').replace(/\n{3,}/g, '\n\n'));
};

const PLACEHOLDER_RE = /\(\(([^()]+)\)\)/g;
const plainKey = (name: string) => name.replace(/[\s_-]/g, '').toLowerCase();
const nameOf = (body: string) => (body.includes('??') ? body.slice(0, body.indexOf('??')) : body).trim();
const plainNames = (...fields: Array<string | null>) => {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const field of fields) {
    for (const m of (field ?? '').matchAll(PLACEHOLDER_RE)) {
      const key = plainKey(nameOf(m[1]));
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      names.push(nameOf(m[1]));
    }
  }
  return names;
};
const plainValues = (personalisation: Record<string, unknown>) =>
  new Map(Object.entries(personalisation).map(([k, v]) => [plainKey(k), v]));
const plainMissing = (fields: Array<string | null>, personalisation: Record<string, unknown>) => {
  const values = plainValues(personalisation);
  return plainNames(...fields).filter((name) => (values.get(plainKey(name)) ?? null) === null);
};
const TRUTHY = ['yes', 'y', 'true', 't', '1', 'include', 'show'];
const plainFill = (content: string, personalisation: Record<string, unknown>, lists: 'inline' | 'markdown') => {
  const values = plainValues(personalisation);
  return content.replace(PLACEHOLDER_RE, (whole, body: string) => {
    const value = values.get(plainKey(nameOf(body))) ?? null;
    if (value === null) return whole;
    if (body.includes('??')) {
      const shows = value === true || (value !== false && TRUTHY.includes(String(value).toLowerCase()));
      return shows ? body.slice(body.indexOf('??') + 2) : '';
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));
    if (Array.isArray(value)) {
      const items = value.filter((v) => v !== null && v !== undefined && v !== '').map(text);
      if (lists === 'markdown') return `\n\n${items.map((i) => `* ${i}`).join('\n')}\n`;
      return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
    }
    return typeof value === 'boolean' ? String(value) : text(value);
  });
};

// ---------------------------------------------------------------------------------------------
// Generated text: the characters each rule looks at, and anything else
// ---------------------------------------------------------------------------------------------

const pieces = fc.constantFrom(
  'a',
  'Hello',
  ' ',
  '  ',
  '\t',
  ',',
  '.',
  ' ,',
  ' .',
  '\n',
  '\r\n',
  '\r',
  '\n\n\n',
  '\v',
  '\f',
  '\x1c',
  '\x1f',
  '\x85',
  '\u00a0',
  '\u202f',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u2029',
  '\u205f',
  '\u3000',
  '\u180e',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\ue002',
  '^',
  '{',
  '€',
  '[',
  '|',
  '\\',
  'ŵ',
  'ŷ',
  'â',
  'à',
  'é',
  'ç',
  'ǖ',
  'Å',
  '–',
  '…',
  '“',
  '😀',
  '\ud800',
  '\udc00',
  '中',
  '((name))',
  '((Name ))',
  '((first_name))',
  '((show??yes text))',
  '((show??))',
  '((list))',
  '(( ))',
  '((_))',
  '(((name)))',
  '((a(b))',
  '((',
  '))',
);
const smsText = fc.oneof(
  { weight: 4, arbitrary: fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')) },
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ minLength: 150, maxLength: 1200 }),
);
const value = fc.oneof(
  fc.constantFrom<unknown>('Jo', '', ' ', 'yes', 'No', 'TRUE', 1, 0, true, false, null, ['a', 'b', '', null, 3], []),
  fc.constantFrom('a  b', ' x ', 'line\nbreak', '😀', 'ŵ', '€', '\ue002'),
  fc.string(),
);
const personalisation = fc.dictionary(
  fc.constantFrom('name', 'NAME', 'first name', 'first-name', 'show', 'list', '', '_', 'other'),
  value,
  { maxKeys: 5 },
);

// ---------------------------------------------------------------------------------------------
// The comparisons
// ---------------------------------------------------------------------------------------------

t.test('encoding and counting by table give the per-character answers', async () => {
  await check(
    fc.asyncProperty(smsText, async (text) => {
      if (smsEncode(text) !== plainEncode(text)) throw new Error(`smsEncode ${JSON.stringify(text)}`);
      if (isUnicodeSms(text) !== plainIsUnicode(text)) throw new Error(`isUnicodeSms ${JSON.stringify(text)}`);
      if (extendedGsmCharacterCount(text) !== plainExtended(text)) throw new Error(`extended ${JSON.stringify(text)}`);
    }),
    RUNS * 5,
  );
});

/** A test name in ASCII (a line separator would break the TAP output). */
const asciiName = (text: string) =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

t.test('normalising gives the plain answer, skipped or not', async (t) => {
  await check(
    fc.asyncProperty(smsText, async (text) => {
      if (normaliseSms(text) !== plainNormalise(text)) throw new Error(`normaliseSms ${JSON.stringify(text)}`);
    }),
    RUNS * 5,
  );
  for (const text of [
    ...['a', 'a b', 'a, b. c', 'a ,b', 'a .b', ' a', 'a ', 'a  b', 'a\tb', 'a\u00a0b', 'a\u200bb', ''],
    ...['a\nb', 'a\n\nb', 'a\n\n\nb', 'a \nb', 'a\n b', '\na', 'a\n', 'a\r\nb', 'a\rb', 'a\u2028b', 'a\n\n'],
  ]) {
    t.equal(normaliseSms(text), plainNormalise(text), asciiName(text));
  }
});

t.test('placeholders from parsed fields give the plain answers', async () => {
  await check(
    fc.asyncProperty(smsText, fc.option(smsText), personalisation, async (content, subject, values) => {
      const names = placeholderNames(subject, content);
      if (JSON.stringify(names) !== JSON.stringify(plainNames(subject, content))) {
        throw new Error(`placeholderNames ${JSON.stringify([subject, content])}`);
      }
      const missing = missingPersonalisation([subject, content], values);
      if (JSON.stringify(missing) !== JSON.stringify(plainMissing([subject, content], values))) {
        throw new Error(`missingPersonalisation ${JSON.stringify([subject, content, values])}`);
      }
      for (const lists of ['inline', 'markdown'] as const) {
        if (fillPlaceholders(content, values, lists) !== plainFill(content, values, lists)) {
          throw new Error(`fillPlaceholders ${lists} ${JSON.stringify([content, values])}`);
        }
      }
    }),
    RUNS * 5,
  );
});

t.test('a rendered text message is the plain steps put together', async () => {
  await check(
    fc.asyncProperty(
      smsText,
      fc.option(personalisation),
      fc.option(fc.constantFrom('Service', ' Service name ', 'A\tB', 'Ŵales', '')),
      async (content, values, prefix) => {
        const rendered = renderSms({ content }, values, { prefix });
        // BaseSMSTemplate: placeholders filled (each a marker when there is no personalisation at all), the
        // prefix added, whitespace normalised, the markers removed; counted before sanitising.
        const filled =
          values && Object.keys(values).length > 0
            ? plainFill(content, values, 'inline')
            : content.replace(PLACEHOLDER_RE, '\ue002');
        const unsanitised = (p: string | null) =>
          plainNormalise(p ? `${p.trim()}: ${filled}` : filled).replaceAll('\ue002', '');
        const withPrefix = unsanitised(prefix);
        const unicode = plainIsUnicode(withPrefix);
        const extended = unicode ? 0 : plainExtended(withPrefix);
        const body = plainEncode(unsanitised(null));
        const bodyWithPrefix = plainEncode(withPrefix);
        const count = bodyWithPrefix.length + extended;
        const expected = {
          body,
          bodyWithPrefix,
          contentCount: body.length,
          characterCount: count,
          isUnicode: unicode,
          fragmentCount: unicode
            ? bodyWithPrefix.length <= 70
              ? 1
              : Math.ceil(bodyWithPrefix.length / 67)
            : count <= 160
              ? 1
              : Math.ceil(count / 153),
          isEmpty: body.length === 0,
          isTooLong: body.length > 918,
        };
        if (JSON.stringify(rendered) !== JSON.stringify(expected)) {
          throw new Error(`renderSms ${JSON.stringify([content, values, prefix, rendered, expected])}`);
        }
      },
    ),
    RUNS * 5,
  );
});

t.test('keys are the same once remembered, and after many names have pushed them out', async (t) => {
  const names = ['First name', 'first_name', 'FIRST-NAME', ' a b ', 'Ŵ x', 'a\u00a0b', 'x'.repeat(101), ''];
  for (const name of names) t.equal(placeholderKey(name), plainKey(name), JSON.stringify(name));
  for (let i = 0; i < 2500; i++) placeholderKey(`Column ${i}`);
  for (const name of names) t.equal(placeholderKey(name), plainKey(name), `${JSON.stringify(name)} again`);
  // The same content parsed again after many others have pushed it out of the cache.
  const content = 'Hi ((First name)), ((show??shown)) ((list))';
  const values = { first_name: 'Jo', show: 'yes', list: ['a', 'b', 'c'] };
  const first = fillPlaceholders(content, values, 'inline');
  for (let i = 0; i < 300; i++) fillPlaceholders(`((field ${i})) ${content}`, values);
  t.equal(fillPlaceholders(content, values, 'inline'), first);
  t.equal(first, 'Hi Jo, shown a, b and c');
});
