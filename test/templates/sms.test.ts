// Cases from notifications-utils tests/test_sanitise_text.py and tests/test_template_types.py.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { badRequest } from '../helpers/errors.ts';
import {
  assertSmsSendable,
  downgradeSmsCharacter,
  fragmentCountFor,
  isUnicodeSms,
  normaliseSms,
  renderSms,
  smsCharactersWithoutDowngrade,
  smsEncode,
  smsFragmentCount,
} from '../../src/templates/template.ts';

/** content_count: characters of the message as sent (prefix included). */
const contentCount = (content: string, personalisation: Record<string, unknown> = {}, prefix: string | null = null) =>
  renderSms({ content }, personalisation, { prefix }).bodyWithPrefix.length;

t.test('characters kept, downgraded or replaced by ?', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['a', 'a', 'ascii'],
    ['\t', ' ', 'tab'],
    ['ç', 'c', 'decomposed: C with cedilla'],
    ['–', '-', 'en dash'],
    ['—', '-', 'em dash'],
    ['‑', '-', 'non-breaking hyphen'],
    ['−', '-', 'minus sign'],
    ['…', '...', 'ellipsis'],
    ['\u200b', '', 'zero width space'],
    ['‘', "'", 'left single quote'],
    ['’', "'", 'right single quote'],
    ['‚', "'", 'single low-9 quote'],
    ['“', '"', 'left double quote'],
    ['”', '"', 'right double quote'],
    ['„', '"', 'double low-9 quote'],
    ['\xa0', ' ', 'no-break space'],
    ['\u202f', ' ', 'narrow no-break space'],
    ['😬', '?', 'emoji: no downgrade'],
    ['↉', '?', 'vulgar fraction: compatibility decomposition, not in the map'],
    ['嶲', '?', 'CJK compatibility ideograph: decomposes, but not to an allowed character'],
    ['™', '?', 'trade mark: compatibility decomposition'],
    ['\n', '\n', 'newline is GSM'],
    ['\r', '\r', 'carriage return is GSM'],
    ['à', 'à', 'GSM letter with accent'],
    ['€', '€', 'GSM extension'],
    ['â', 'â', 'Welsh, not GSM: kept'],
    ['Ŷ', 'Ŷ', 'Welsh capital y with circumflex: kept'],
    ['ë', 'ë', 'Welsh e with diaeresis: kept'],
    ['Ò', 'Ò', 'Welsh capital O with grave: kept'],
    ['í', 'í', 'Welsh i with acute: kept'],
    ['Ł', 'L', 'no decomposition, in the map'],
    ['ǖ', 'ü', 'one level of decomposition: u with diaeresis and macron keeps its diaeresis'],
    ['\u212b', 'Å', 'angstrom sign decomposes to Å, which is GSM'],
    ['Ầ', 'Â', 'A with circumflex and grave becomes the Welsh Â'],
    ['Ж', '?', 'Cyrillic'],
    ['中', '?', 'Chinese'],
    ['가', '?', 'Hangul syllable'],
  ];
  for (const [c, expected, why] of cases) t.equal(smsEncode(c), expected, why);
  t.equal(smsEncode('Łōdź'), 'Lodz');
  t.equal(smsEncode('It Just Works™'), 'It Just Works?');
  t.equal(smsEncode('The quick brown fox jumps over the lazy dog'), 'The quick brown fox jumps over the lazy dog');
  t.equal(smsEncode('ŵŷ ÂâÊêÎîÔôÛû Ŵ Ŷ ẃẁẅ ỳ ý á í ó ú'), 'ŵŷ ÂâÊêÎîÔôÛû Ŵ Ŷ ẃẁẅ ỳ ý á í ó ú', 'Welsh kept');
  t.equal(smsEncode('ñ ã õ ę ș'), 'ñ a o e s');
  t.equal(downgradeSmsCharacter('😬'), null);
});

t.test('characters with no downgrade', async (t) => {
  t.same(smsCharactersWithoutDowngrade('The quick brown fox jumps over the lazy dog'), new Set());
  t.same(smsCharactersWithoutDowngrade('The “quick” brown fox has some downgradable characters\xa0'), new Set());
  t.same(smsCharactersWithoutDowngrade('Need more 🐮🔔'), new Set(['🐮', '🔔']));
  t.same(smsCharactersWithoutDowngrade('Ŵêlsh chârâctêrs ârê cômpâtîblê wîth SanitiseSMS'), new Set());
  t.same(smsCharactersWithoutDowngrade('Lots of GSM chars that arent ascii compatible:\n\r€'), new Set());
  t.same(
    smsCharactersWithoutDowngrade('Obscure\u00a0whitespace\u202fcharacters which \u2028we \u2029normalise o\u180eut'),
    new Set(),
  );
});

t.test('unicode only for Welsh letters outside GSM-7', async (t) => {
  t.notOk(isUnicodeSms('à'), 'Welsh letter in GSM');
  t.ok(isUnicodeSms('ÿ'));
  t.ok(isUnicodeSms('ÿŴ'));
  t.notOk(isUnicodeSms('🚀'), 'emoji is sent as ?');
  t.notOk(isUnicodeSms('…'));
  t.notOk(isUnicodeSms('中文'));
  t.notOk(isUnicodeSms('“quotes” – dash… ‘single’'));
  t.ok(isUnicodeSms('Croeso i Gymru! Mae’r tŷ yn ŵyr â’r môr.'));
  const r = renderSms({ content: '((x))' }, { x: 'ÿ🚀' });
  t.equal(r.isUnicode, true, 'a Welsh letter in a value counts');
  t.equal(r.body, 'ÿ?');
  t.equal(renderSms({ content: 'GSM-7 only' }, {}, { prefix: 'Gwasanaeth ŵ' }).isUnicode, true, 'prefix counts');
});

t.test('fragments: Welsh and emoji', async (t) => {
  const cases: Array<[string, number]> = [
    ['à'.repeat(71), 1],
    ['à'.repeat(160), 1],
    ['à'.repeat(161), 2],
    ['à'.repeat(306), 2],
    ['à'.repeat(307), 3],
    ['à'.repeat(612), 4],
    ['à'.repeat(613), 5],
    ['à'.repeat(918), 6],
    ['à'.repeat(919), 7],
    ['ÿ'.repeat(70), 1],
    ['ÿ'.repeat(71), 2],
    ['ÿ'.repeat(134), 2],
    ['ÿ'.repeat(135), 3],
    ['ÿ'.repeat(268), 4],
    ['ÿ'.repeat(269), 5],
    ['ÿ'.repeat(402), 6],
    ['ÿ'.repeat(403), 7],
    [`${'à'.repeat(70)}ÿ`, 2],
    ['🚀'.repeat(160), 1],
    ['🚀'.repeat(161), 2],
    ['ŵ'.repeat(70), 1],
    ['ŵ'.repeat(71), 2],
  ];
  for (const [content, fragments] of cases) {
    t.equal(renderSms({ content }, {}).fragmentCount, fragments, `${content[0]} × ${[...content].length}`);
    t.equal(smsFragmentCount(content), fragments);
  }
  t.equal(fragmentCountFor(0, false), 1);
  t.equal(smsFragmentCount(''), 1);
});

t.test('fragments: extension characters count twice in GSM-7 only', async (t) => {
  const cases: Array<[string, number]> = [
    ['^'.repeat(80), 1],
    ['^'.repeat(81), 2],
    [`${'a'.repeat(158)}|`, 1],
    [`${'a'.repeat(159)}|`, 2],
    [`${'a'.repeat(304)}[`, 2],
    [`${'a'.repeat(304)}[]`, 3],
    [`${'â'.repeat(69)}{`, 1],
    [`${'â'.repeat(70)}{`, 2],
    [`${'â'.repeat(133)}}`, 2],
    [`${'â'.repeat(134)}}`, 3],
    [`${'a'.repeat(160)}(( placeholder with â ))`, 1],
    [`${'a'.repeat(160)}(( placeholder with | ))`, 1],
  ];
  for (const [content, fragments] of cases) t.equal(renderSms({ content }, {}).fragmentCount, fragments, content);
  for (const c of '^{}\\[~]|€') {
    const r = renderSms({ content: c }, {});
    t.equal(r.characterCount, 2, c);
    t.equal(r.isUnicode, false);
  }
  t.equal(renderSms({ content: 'ŵ€' }, {}).characterCount, 2, 'unicode: € is one character');
});

t.test('content count: whitespace, placeholders, prefix', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string | null, number, number]> = [
    ['深', {}, null, 1, 1],
    ['Ŵ', {}, null, 1, 1],
    ["'First line.\n", {}, null, 12, 12],
    ['\t\n\r', {}, null, 0, 0],
    ['Content with ((placeholder))', { placeholder: 'something extra here' }, null, 13, 33],
    ['Content with ((placeholder))', { placeholder: '' }, null, 13, 12],
    ['Just content', {}, null, 12, 12],
    ['((placeholder))  ', { placeholder: '  ' }, null, 0, 0],
    ['  ', {}, null, 0, 0],
    ['Content with ((placeholder))', { placeholder: 'something extra here' }, 'GDS', 18, 38],
    ['Just content', {}, 'GDS', 17, 17],
    ['((placeholder))  ', { placeholder: '  ' }, 'GDS', 5, 4],
    ['  ', {}, 'GDS', 4, 4],
    ['  G      D       S  ', {}, null, 5, 5],
    ['P1 \n\n\n\n\n\n P2', {}, null, 6, 6],
    ['a    ((placeholder))    b', { placeholder: '' }, null, 4, 3],
  ];
  for (const [content, values, prefix, withoutValues, withValues] of cases) {
    t.equal(contentCount(content, {}, prefix), withoutValues, `${JSON.stringify(content)} without values`);
    t.equal(contentCount(content, values, prefix), withValues, `${JSON.stringify(content)} with values`);
  }
  t.equal(contentCount('嶲', {}, '👨‍👩‍👧‍👦'), 7, '????: ?');
  t.equal(renderSms({ content: '嶲' }, {}, { prefix: '👨‍👩‍👧‍👦' }).contentCount, 1);
  t.equal(contentCount('– — “ ” …'), 11, '- - " " ...');
});

t.test('newlines and whitespace normalised', async (t) => {
  for (const content of [
    'one newline\ntwo newlines\n\nend',
    'one newline\r\ntwo newlines\r\n\r\nend',
    'one newline\rtwo newlines\r\rend',
    '\t\t\n\r one newline\ntwo newlines\r\r\nend\n\n  \r \n \t ',
  ]) {
    t.equal(renderSms({ content }, {}).body, 'one newline\ntwo newlines\n\nend', JSON.stringify(content));
  }
  t.equal(renderSms({ content: "  Hi\u00a0there\u00a0 what's\u200d up\t" }, {}).body, "Hi there what's up");
  t.equal(normaliseSms('Hello , world .'), 'Hello, world.', 'no space before , or .');
  t.equal(normaliseSms('a\u2028b'), 'a\nb', 'line separator is a line break');
  t.equal(normaliseSms('a\x85b\x1cc'), 'a\nb\nc');
  t.equal(normaliseSms('a\u3000\u2003b'), 'a b', 'wide spaces collapse');
  const r = renderSms({ content: '  Hello ((name)) ,\r\nYour code is ((code))\r\n\r\n' }, { name: 'Jo', code: 1234 });
  t.equal(r.body, 'Hello Jo,\nYour code is 1234');
  t.equal(r.contentCount, 27);
});

t.test('body and prefix', async (t) => {
  const r = renderSms({ content: 'Dear ((name)), it’s “done” – ok…' }, { name: 'Zoë' }, { prefix: ' Tax  Office ' });
  t.equal(r.body, 'Dear Zoë, it\'s "done" - ok...', 'ë is Welsh: kept');
  t.equal(r.bodyWithPrefix, 'Tax Office: Dear Zoë, it\'s "done" - ok...');
  t.equal(r.isUnicode, true);
  t.equal(r.characterCount, r.bodyWithPrefix.length);
  t.equal(r.contentCount, r.body.length);
  const plain = renderSms({ content: 'Hello' }, {}, { prefix: 'Tax Office' });
  t.equal(plain.body, 'Hello');
  t.equal(plain.bodyWithPrefix, 'Tax Office: Hello');
  t.equal(plain.characterCount, 17);
  t.equal(plain.contentCount, 5, 'the prefix is not counted against the limit');
  t.equal(renderSms({ content: 'Bring ((things)).' }, { things: ['a', 'b', 'c'] }).body, 'Bring a, b and c.');
  t.equal(renderSms({ content: 'Hi ((name))' }, { other: 1 }).body, 'Hi ((name))', 'missing value is left as it is');
});

t.test('918 characters, prefix excluded; empty message', async (t) => {
  const ok = renderSms({ content: `${'b'.repeat(917)}((foo))` }, { foo: 'c' }, { prefix: 'a'.repeat(100) });
  t.equal(ok.isTooLong, false);
  t.equal(
    badRequest(() => assertSmsSendable(ok)),
    'no error',
  );
  t.equal(ok.fragmentCount, 7, 'billed with the prefix');
  for (const [character, count, reported] of [
    ['b', 917, 919],
    ['b', 1000, 1002],
    ['Ŵ', 917, 919],
    ['Ŵ', 1000, 1002],
    ['🏳️‍🌈', 917, 2753],
  ] as const) {
    const long = renderSms(
      { content: `${character.repeat(count)}((foo))` },
      { foo: 'cc' },
      { prefix: 'a'.repeat(100) },
    );
    t.equal(long.isTooLong, true, `${character} × ${count}`);
    t.equal(
      badRequest(() => assertSmsSendable(long)),
      'Your message is too long. Text messages cannot be longer than 918 characters. ' +
        `Your message is ${reported} characters long.`,
    );
  }
  for (const [content, values, prefix, empty] of [
    ['', {}, null, true],
    ['', {}, 'GDS', true],
    ['((placeholder))', { placeholder: '' }, 'GDS', true],
    ['((placeholder))', { placeholder: 'Some content' }, null, false],
    ['Some content', {}, 'GDS', false],
    ['((x))  ', { x: ' \u200b ' }, null, true],
  ] as const) {
    const r = renderSms({ content }, values, { prefix });
    t.equal(r.isEmpty, empty, `${JSON.stringify(content)} ${JSON.stringify(values)} ${prefix}`);
    if (empty)
      t.equal(
        badRequest(() => assertSmsSendable(r)),
        'Your message is empty.',
      );
  }
});

t.test('the decomposition table agrees with Unicode normalisation', async (t) => {
  const { decompositions } = JSON.parse(
    readFileSync(new URL('../../src/templates/data/sms-decompositions.json', import.meta.url), 'utf8'),
  ) as { decompositions: Record<string, string> };
  const entries = Object.entries(decompositions);
  t.ok(entries.length > 300);
  for (const [c, base] of entries) {
    if (!c.normalize('NFD').startsWith(base.normalize('NFD'))) t.fail(`${c} does not decompose to ${base}`);
    if (smsEncode(c) !== base) t.fail(`${c} is not downgraded to ${base}`);
  }
});
