// Postal addresses and countries. Most cases are ported from notifications-utils,
// tests/recipient_validation/test_postal_address.py and tests/test_countries.py; data/country-synonyms.json
// is that repository's tests/country_synonyms.py (ALL and CROWDSOURCED_MISTAKES) as JSON, and
// data/notify-postal-addresses.jsonl is what Notify's own code makes of random addresses
// (data/notify-postal-addresses.py).
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import {
  CountryNotFoundError,
  findCountry,
  normaliseCountryName,
  ROYAL_MAIL_EUROPEAN,
} from '../../src/recipients/countries.ts';
import {
  ADDRESS_MESSAGES,
  formatPostcodeForPrinting,
  isUkPostcode,
  normalisePostcode,
  PostalAddress,
} from '../../src/recipients/postal-address.ts';
import {
  addressLinesFromPersonalisation,
  InvalidAddressError,
  InvalidRecipientError,
  postageFor,
  validateLetterAddress,
  validatePostalAddress,
} from '../../src/recipients/recipients.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const address = (raw: string, allowInternational = false) => new PostalAddress(raw, allowInternational);
const lines = (...values: string[]) => values.join('\n');

t.test('country of an address', async (t) => {
  const cases: Array<[string, string]> = [
    [lines('123 Example Street', 'City of Town', 'SW1A 1AA'), 'United Kingdom'],
    [lines('123 Example Street', 'City of Town', 'SW1A 1AA', 'United Kingdom'), 'United Kingdom'],
    [lines('123 Example Street', 'City of Town', 'Wales'), 'United Kingdom'],
    [lines('123 Example Straße', 'Deutschland'), 'Germany'],
    ['GBR', 'United Kingdom'],
  ];
  for (const [raw, country] of cases) t.equal(address(raw).country.canonicalName, country, raw);
});

t.test('enough lines, too many lines', async (t) => {
  const enough: Array<[string, boolean]> = [
    ['', false],
    [lines('123 Example Street', 'City of Town', 'SW1A 1AA'), true],
    [lines('123 Example Street', 'City of Town', 'United Kingdom'), false],
    [lines('123 Example Street', 'City of Town', 'Scotland', 'United Kingdom'), false],
    [lines('        123 Example Street', '', '', '        City of Town'), false],
    [lines('1', '2', '3', '4', '5', '6', '7', '8'), true],
  ];
  for (const [raw, expected] of enough) t.equal(address(raw).hasEnoughLines, expected, `enough: ${raw}`);
  const seven = ['Line 1', 'Line 2', 'Line 3', 'Line 4', 'Line 5', 'Line 6', 'Line 7'];
  const tooMany: Array<[string, boolean]> = [
    ['', false],
    [lines(...seven), false],
    [seven.join('\n\n'), false],
    [lines(...seven, 'Scotland'), false],
    [lines(...seven, 'Scotland', 'United Kingdom'), false],
    [lines(...seven, 'Line 8'), true],
  ];
  for (const [raw, expected] of tooMany) t.equal(address(raw).hasTooManyLines, expected, `too many: ${raw}`);
});

t.test('postcodes', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['', null],
    [lines('123 Example Street', 'City of Town', 'SW1A 1AA'), 'SW1A 1AA'],
    [lines('123 Example Street', 'City of Town', 'EH1 1TG', 'Scotland', 'United Kingdom'), 'EH1 1TG'],
    [lines('123 Example Street', 'City of Town', 'S W1 A 1 AA'), 'SW1A 1AA'],
    [lines('123 Example Straße', 'Deutschland'), null],
    [lines('123 Example Straße', 'SW1A 1AA', 'Deutschland'), null],
  ];
  for (const [raw, postcode] of cases) {
    t.equal(address(raw).postcode, postcode, raw);
    t.equal(address(raw).hasValidPostcode, postcode !== null, raw);
  }

  for (const [raw, normalised] of [
    ['SW1 3EF', 'SW13EF'],
    ['sw13ef', 'SW13EF'],
    ['Sw13ef', 'SW13EF'],
    [' SW1    3EF  ', 'SW13EF'],
  ]) {
    t.equal(normalisePostcode(raw), normalised, raw);
  }

  const real: Array<[string, boolean]> = [
    ['SW1 3EF', true],
    ['SW13EF', true],
    ['SE1 63EF', true],
    ['N5 1AA', true],
    ['SO14 6WB', true],
    ['so14 6wb', true],
    ['so14\u00a06wb', true],
    ['N5', false],
    ['SO144 6WB', false],
    ['SO14 6WBA', false],
    ['NF1 1AA', false], // NF is not a postcode area
    ['', false],
    ['Bad postcode', false],
    // British Forces Post Office numbers are not postcodes, their BF postcodes are
    ['BFPO1234', false],
    ['BFPO C/O 1234', false],
    ['BFPO 1234', false],
    ['BFPO', false],
    ['BF1 3AA', true],
    [' BF2 0FR ', true],
    ['GIR0AA', false], // Giro Bank's vanity postcode is deprecated
    ['GX111AA', false], // Gibraltar is in the Europe postal zone
    // The unit (last two letters) never uses C, I, K, M, O or V.
    ['SW1A 1AC', false],
    ['SW1A 1AI', false],
    ['SW1A 1KA', false],
    ['SW1A 1MA', false],
    ['SW1A 1AO', false],
    ['SW1A 1VA', false],
    ['SW1A 1AB', true],
    // Crown dependencies' postcodes are UK postcodes.
    ['JE2 3XP', true],
    ['GY1 1AA', true],
    ['IM1 1AA', true],
  ];
  for (const [raw, expected] of real) t.equal(isUkPostcode(raw), expected, `real: ${JSON.stringify(raw)}`);

  for (const [raw, printed] of [
    ['SW13EF', 'SW1 3EF'],
    ['N5     3EF', 'N5 3EF'],
    ['N53EF   ', 'N5 3EF'],
    ['n53Ef', 'N5 3EF'],
    ['n5 \u00a0 \t 3Ef', 'N5 3EF'],
    ['SO146WB', 'SO14 6WB'],
    ['GIR0AA', 'GIR 0AA'],
    ['BF11AA', 'BF1 1AA'],
  ]) {
    t.equal(formatPostcodeForPrinting(raw), printed, raw);
  }
});

t.test('invalid first characters', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['', false],
    [lines('1[23 Example Street)', 'C@ity of Town', 'SW1A 1AA'), false],
    [lines('[123 Example Street', '(ity of Town', ']S W1 A 1 AA'), true],
    [lines('123 Example Straße', 'SW1A 1AA', '\\Deutschland'), true],
    [lines('>123 Example Straße', 'SW1A 1AA', 'Deutschland'), true],
    [lines('~123 Example Street', 'City of Town', 'SW1 A 1 AA'), true],
  ];
  for (const [raw, expected] of cases) t.equal(address(raw).hasInvalidCharacters, expected, raw);
  for (const c of '@()=[]"\\/,<>~') {
    t.ok(address(lines('A', `${c}B`, 'SW1A 1AA')).hasInvalidCharacters, `line starting ${c}`);
  }
  t.notOk(address(lines('A', '#B', 'SW1A 1AA')).hasInvalidCharacters, '# is allowed');
});

t.test('no fixed abode', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['', false],
    [lines('123 Example Street', 'NFA NFA2024', 'SW1 A 1 AA'), false],
    [lines('User with no Fixed Address,', 'London', 'SW1 A 1 AA'), true],
    [lines('A Person', 'NFA', 'SW1A 1AA'), true],
    [lines('A Person', 'NFA,', 'SW1A 1AA'), true],
    [lines('A Person', 'no fixed Abode', 'SW1A 1AA'), true],
    [lines('A Person', 'NO FIXED ADDRESS', 'SW1A 1AA'), true],
    [lines('nfa', 'Berlin', 'Deutschland'), true],
  ];
  for (const [raw, expected] of cases) t.equal(address(raw).hasNoFixedAbodeAddress, expected, raw);
});

t.test('international addresses and postage zones', async (t) => {
  const cases: Array<[string, boolean, string]> = [
    ['', false, 'united-kingdom'],
    [lines('123 Example Street', 'City of Town', 'SW1A 1AA'), false, 'united-kingdom'],
    [lines('123 Example Street', 'City of Town', 'United Kingdom'), false, 'united-kingdom'],
    [lines('123 Example Street', 'City of Town', 'Scotland'), false, 'united-kingdom'],
    [lines('123 Example Street', 'City of Town', 'Guernsey'), false, 'united-kingdom'],
    [lines('123 Example Street', 'Douglas', 'Isle of Man'), false, 'united-kingdom'],
    [lines('123 Example Straße', 'Deutschland'), true, 'europe'],
    [lines('123 Rue Example', "Côte d'Ivoire"), true, 'rest-of-world'],
  ];
  for (const [raw, international, postage] of cases) {
    t.equal(address(raw).international, international, raw);
    t.equal(address(raw).postage, postage, raw);
  }
});

t.test('normalised lines', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['', '', ''],
    [
      lines('', '        123 Example    St  .', '        City    of Town', '', '        S W1 A 1 AA', '        '),
      '123 Example St.\nCity of Town\nSW1A 1AA',
      '123 Example St., City of Town, SW1A 1AA',
    ],
    [
      '123 Example St. \t  ,    \n, , ,  ,   ,     ,        ,\nCity of Town, Region,\nSW1A 1AA,,\n',
      '123 Example St.\nCity of Town, Region\nSW1A 1AA',
      '123 Example St., City of Town, Region, SW1A 1AA',
    ],
    [
      lines('          123  Example Straße', 'Deutschland', '', ''),
      '123 Example Straße\nGermany',
      '123 Example Straße, Germany',
    ],
    [
      lines('Senedd Cymru', 'Cardiff', 'CF99 1SN', 'Cymru', 'UK'),
      'Senedd Cymru\nCardiff\nCF99 1SN',
      'Senedd Cymru, Cardiff, CF99 1SN',
    ],
    // Windows line ends, zero-width and non-breaking spaces
    ['A\r\nB\u200b\r\nSW1A\u00a01AA', 'A\nB\nSW1A 1AA', 'A, B, SW1A 1AA'],
  ];
  for (const [raw, normalised, singleLine] of cases) {
    t.equal(address(raw).normalised, normalised, JSON.stringify(raw));
    t.equal(address(raw).asSingleLine, singleLine, JSON.stringify(raw));
  }
  t.same(address(lines('Northern Ireland', 'United Kingdom')).normalised, '', 'only UK countries');
});

t.test('from personalisation: the postcode key, address_line_7 and key spellings', async (t) => {
  const expected = '123 Example Street\nCity of Town\nSW1A 1AA';
  const cases: Array<Record<string, unknown>> = [
    {
      address_line_1: '123 Example Street',
      address_line_3: 'City of Town',
      address_line_4: '',
      postcode: 'SW1A1AA',
      'ignore me': 'ignore me',
    },
    { address_line_1: '123 Example Street', address_line_3: 'City of Town', address_line_4: 'SW1A1AA' },
    { address_line_2: '123 Example Street', address_line_5: 'City of Town', address_line_7: 'SW1A1AA' },
    {
      address_line_1: '123 Example Street',
      address_line_3: 'City of Town',
      address_line_7: 'SW1A1AA',
      postcode: 'ignored if address line 7 provided',
    },
  ];
  for (const p of cases) t.equal(PostalAddress.fromPersonalisation(p).normalised, expected, JSON.stringify(p));
  const spelled = {
    'address line 1': '123 Example Street',
    ADDRESS_LINE_2: 'City of Town',
    'Address-Line-7': 'Sw1a  1aa',
  };
  t.equal(PostalAddress.fromPersonalisation(spelled, { insensitiveKeys: true }).normalised, expected);
  t.equal(PostalAddress.fromPersonalisation(spelled).normalised, '', 'the API reads snake_case keys only');
  t.equal(
    PostalAddress.fromPersonalisation({
      address_line_1: 123,
      address_line_2: 'Example Street',
      address_line_3: 'City of Town',
      address_line_4: 'SW1A1AA',
    }).normalised,
    '123\nExample Street\nCity of Town\nSW1A 1AA',
  );
  t.same(
    PostalAddress.fromPersonalisation(
      {
        addressline1: 'Notify user',
        addressline2: 'Notifyland',
        addressline3: null,
        addressline4: null,
        addressline7: 'SW1 1AA',
      },
      { insensitiveKeys: true },
    ).normalisedLines,
    ['Notify user', 'Notifyland', 'SW1 1AA'],
    'nulls are not "None"',
  );
  const onlyUk = PostalAddress.fromPersonalisation({ address_line_1: '', address_line_3: 'GBR', address_line_7: '' });
  t.equal(onlyUk.normalised, '');
  t.equal(onlyUk.postcode, null);
  t.equal(onlyUk.valid, false);

  t.same(
    addressLinesFromPersonalisation({
      address_line_1: 'A',
      'Address Line 2': 'B',
      address_line_3: null,
      address_line_5: 42,
      postcode: 'sw1a 1aa',
      other: 'x',
    }),
    ['A', 'B', '42', 'SW1A 1AA'],
    'printed lines: any key spelling, normalised',
  );
  t.same(addressLinesFromPersonalisation({ 'Address line 1': 'Jean', address_line_2: '1 Rue', postcode: 'france' }), [
    'Jean',
    '1 Rue',
    'France',
  ]);
  t.same(
    addressLinesFromPersonalisation({ address_line_1: 'A', postcode: 'sw1a 1aa' }),
    ['A', 'sw1a 1aa'],
    'too few lines: as written',
  );
  t.same(addressLinesFromPersonalisation({}), []);
});

t.test('as personalisation', async (t) => {
  const empty = { address_line_1: '', address_line_2: '', address_line_3: '', address_line_4: '' };
  const cases: Array<[string, Record<string, string>]> = [
    ['', { ...empty, address_line_5: '', address_line_6: '', address_line_7: '', postcode: '' }],
    [
      lines('123 Example Street', 'City of Town', 'SW1A1AA'),
      {
        ...empty,
        address_line_1: '123 Example Street',
        address_line_2: 'City of Town',
        address_line_5: '',
        address_line_6: '',
        address_line_7: 'SW1A 1AA',
        postcode: 'SW1A 1AA',
      },
    ],
    [
      lines('One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight'),
      {
        address_line_1: 'One',
        address_line_2: 'Two',
        address_line_3: 'Three',
        address_line_4: 'Four',
        address_line_5: 'Five',
        address_line_6: 'Six',
        address_line_7: 'Eight',
        postcode: 'Eight',
      },
    ],
    [
      lines('Mx One', 'BFPO', 'BFPO 123', 'BF1 1AA'),
      {
        ...empty,
        address_line_1: 'Mx One',
        address_line_5: '',
        address_line_6: 'BF1 1AA',
        address_line_7: 'BFPO 123',
        postcode: 'BF1 1AA',
      },
    ],
    [
      lines('Mx One', 'Unit 1', 'BFPO', 'BFPO 123'),
      {
        ...empty,
        address_line_1: 'Mx One',
        address_line_2: 'Unit 1',
        address_line_5: '',
        address_line_6: '',
        address_line_7: 'BFPO 123',
        postcode: '',
      },
    ],
  ];
  for (const [raw, expected] of cases) t.same(address(raw).asPersonalisation, expected, raw);
  t.equal(address('U.K.').asPersonalisation.postcode, '', 'no lines left once the UK line goes');
});

t.test('valid, with and without international letters', async (t) => {
  const cases: Array<[string, boolean, boolean]> = [
    [lines('UK address', 'Service can’t send internationally', 'SW1A 1AA'), false, true],
    [lines('UK address', 'Service can send internationally', 'SW1A 1AA'), true, true],
    [lines('Overseas address', 'Service can’t send internationally', 'Guinea-Bissau'), false, false],
    [lines('Overseas address', 'Service can send internationally', 'Guinea-Bissau'), true, true],
    [lines('Overly long address', '2', '3', '4', '5', '6', '7', '8'), true, false],
    [lines('Address too short', '2'), true, false],
    [lines('House', 'No fixed abode', 'France'), false, false],
    [lines('No postcode or country', 'Service can’t send internationally', '3'), false, false],
    [lines('No postcode or country', 'Service can send internationally', '3'), true, false],
    [lines('Postcode and country', 'Service can’t send internationally', 'SW1 1AA', 'France'), false, false],
    [lines('International BFPO', 'No country for BFPO', 'BFPO 1', 'BF1 1AA', 'France'), true, false],
  ];
  for (const [raw, international, valid] of cases) {
    t.equal(address(raw, international).valid, valid, raw);
    t.equal(address(raw, international).hasValidLastLine, valid, raw);
  }
  for (const raw of [
    lines('Too short, valid postcode', 'SW1A 1AA'),
    lines('Too short, valid country', 'Bhutan'),
    lines('Too long, valid postcode', '2', '3', '4', '5', '6', '7', 'SW1A 1AA'),
    lines('Too long, valid country', '2', '3', '4', '5', '6', '7', 'Bhutan'),
  ]) {
    t.equal(address(raw, true).valid, false, raw);
    t.equal(address(raw, true).hasValidLastLine, true, raw);
  }
  t.equal(address('Valid\nExcept\n[For one character\nBhutan\n', true).valid, false);
  const alnum: Array<[string, boolean]> = [
    [lines('!!!', '123 Example Street', 'SW1A 1AA'), false],
    [lines('Mr. Recipient', '???', 'SW1A 1AA'), false],
    [lines('Mr. Recipient', 'SW1A 1AA'), true],
    ['', false],
    // ASCII letters and digits only, as Notify checks
    [lines('Ελένη', 'Οδός 1', 'SW1A 1AA'), false],
  ];
  for (const [raw, expected] of alnum) {
    t.equal(address(raw).hasAlphanumericCharacterInAddressLines1And2, expected, raw);
  }
});

t.test('BFPO addresses', async (t) => {
  const numbers: Array<[string, number | null]> = [
    ['Mr X\nLondon\nSW1 1AA', null],
    ['Mr X\nBF1 1AA', null], // BFPO postcodes are not resolved to numbers
    ['Mr X\nBFPO 1', 1],
    ['Mr X\nBFPO 5432', 5432],
    ['Mr X\nBFPO C/O 1', 1],
    ['Mr X\nBFPO1', 1],
    ['Mr X\nBFPOC/O1', 1],
    ['Mr X\nBFPO 5432\nBF1 1AA', 5432],
    ['Mr X\nUnit 5\nBFPO\nBFPO 5432\nLondon\nBF1 1AA', 5432],
  ];
  for (const [raw, n] of numbers) {
    t.equal(address(raw).bfpoNumber, n, raw);
    t.equal(address(raw).isBfpoAddress, n !== null, raw);
  }
  const normalised: Array<[string, string[]]> = [
    ['Mr X\nBFPO 1', ['Mr X', 'BFPO 1']],
    ['Mr X\nBFPO 1\nBF1 1AA', ['Mr X', 'BF1 1AA', 'BFPO 1']], // postcode before the BFPO number
    ['Mr X\nBFPO\nBFPO 1', ['Mr X', 'BFPO 1']],
    ['Mr X\nbfpo\nBF1 1AA\nbfpo1', ['Mr X', 'BF1 1AA', 'BFPO 1']],
    ['Mr X\nbfpo\nbf11aa\nbfpo1', ['Mr X', 'BF1 1AA', 'BFPO 1']],
    ['International BFPO\nBFPO 1\nBF1 1AA\nusa', ['International BFPO', 'BF1 1AA', 'BFPO 1', 'United States']],
  ];
  for (const [raw, expected] of normalised) t.same(address(raw).normalisedLines, expected, raw);
  t.same(address('Mr X\nBFPO 1\nBF1 1AA').bfpoAddressLines, ['Mr X']);
  t.same(address('Mr X\nbfpo\nBF1 1AA\nbfpo1').bfpoAddressLines, ['Mr X']);
  t.throws(() => address('Mr X\nLondon\nSW1 1AA').bfpoAddressLines);

  // A BFPO number makes the last line valid without a postcode, and the letter goes at UK postage.
  const bfpo = validatePostalAddress(['Corporal A Person', 'Unit 5', 'BFPO 1234']);
  t.same(bfpo, {
    lines: ['Corporal A Person', 'Unit 5', 'BFPO 1234'],
    postcode: null,
    country: null,
    international: false,
    postageZone: 'united-kingdom',
    bfpoNumber: 1234,
  });
  t.equal(postageFor(bfpo, 'first'), 'first');
  t.same(validatePostalAddress(['Corporal A Person', 'BFPO 1234', 'bf1 1aa']).lines, [
    'Corporal A Person',
    'BF1 1AA',
    'BFPO 1234',
  ]);
});

function addressError(lines: unknown[], allowInternational = false): string {
  try {
    validatePostalAddress(lines, { allowInternational });
  } catch (e) {
    if (e instanceof InvalidAddressError) return e.message;
    throw e;
  }
  return 'valid';
}

t.test('errors, with Notify’s words and in its order', async (t) => {
  t.equal(ADDRESS_MESSAGES.tooFewLines, 'Address must be at least 3 lines');
  t.equal(ADDRESS_MESSAGES.tooManyLines, 'Address must be no more than 7 lines');
  t.equal(
    ADDRESS_MESSAGES.invalidCharacters,
    'Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >',
  );
  const M = ADDRESS_MESSAGES;
  const cases: Array<[unknown[], boolean, string]> = [
    [['A', 'SW1A 1AA'], false, M.tooFewLines],
    [['A', '', '  ', 'SW1A 1AA'], false, M.tooFewLines],
    [['A', 'B', 'Scotland', 'UK'], false, M.tooFewLines],
    [['1', '2', '3', '4', '5', '6', '7', 'SW1A 1AA'], false, M.tooManyLines],
    [['1', '2', '3', '4', '5', '6', 'SW1A 1AA'], false, 'valid'],
    [['1', '2', '3', '4', '5', '6', 'SW1A 1AA', 'England', 'United Kingdom'], false, 'valid'],
    [['A', 'B', 'Not a postcode'], false, M.notUkPostcode],
    [['A', 'B', 'France'], false, M.notUkPostcode],
    [['A', 'B', 'Atlantis'], true, M.notPostcodeOrCountry],
    [['A', 'B', 'NF1 1AA'], true, M.notPostcodeOrCountry],
    [['A', 'B', 'France'], true, 'valid'],
    [['A', 'B', 'SW1A 1AA', 'France'], true, 'valid'],
    [['A', 'B', 'SW1A 1AA', 'France'], false, M.notUkPostcode],
    [['...', 'B', 'SW1A 1AA'], false, M.firstLinesNeedAlphanumeric],
    [['A', '- -', 'SW1A 1AA'], false, M.firstLinesNeedAlphanumeric],
    [['A', 'BFPO 1', 'BF1 1AA', 'France'], true, M.bfpoWithCountry],
    [['A', 'BFPO 1', 'BF1 1AA', 'France'], false, M.bfpoWithCountry],
    [['A', '(B)', 'SW1A 1AA'], false, M.invalidCharacters],
    [['Bob', 'No fixed abode', 'SW1A 1AA'], false, M.noFixedAbode],
    [['Bob', 'NFA', 'London', 'SW1A 1AA'], false, M.noFixedAbode],
    // which error comes first
    [['...', 'SW1A 1AA'], false, M.tooFewLines],
    [['...', '2', '3', '4', '5', '6', '7', 'Nowhere'], false, M.tooManyLines],
    [['...', 'B', 'Nowhere'], false, M.firstLinesNeedAlphanumeric],
    [['<A>', 'B', 'Nowhere'], false, M.notUkPostcode],
    [['<A>', 'No fixed abode', 'SW1A 1AA'], false, M.invalidCharacters],
    [['NFA', '=B', 'Atlantis'], true, M.notPostcodeOrCountry],
  ];
  for (const [input, international, expected] of cases) {
    t.equal(addressError(input, international), expected, `${JSON.stringify(input)} international=${international}`);
  }
  const error = thrown(() => validatePostalAddress(['A']));
  t.ok(error instanceof InvalidAddressError && error instanceof InvalidRecipientError);
});

t.test('validated addresses and postage', async (t) => {
  t.same(validatePostalAddress(['  Alice Smith ', '1 High Street,', '', 'London', 'sw1a1aa']), {
    lines: ['Alice Smith', '1 High Street', 'London', 'SW1A 1AA'],
    postcode: 'SW1A 1AA',
    country: null,
    international: false,
    postageZone: 'united-kingdom',
    bfpoNumber: null,
  });
  t.same(validatePostalAddress(['A', 'B', 'EC1A 1BB', 'United Kingdom']).lines, ['A', 'B', 'EC1A 1BB']);
  // Crown dependencies are UK addresses: UK postage, and they need their (JE, GY, IM) postcode.
  const jersey = validatePostalAddress(['A', '1 Rue', 'St Helier', 'je2 3xp', 'Jersey'], { allowInternational: true });
  t.same(
    [jersey.lines, jersey.international, postageFor(jersey, 'economy')],
    [['A', '1 Rue', 'St Helier', 'JE2 3XP'], false, 'economy'],
  );
  t.equal(addressError(['A', '1 Rue', 'St Helier', 'Jersey'], true), ADDRESS_MESSAGES.notPostcodeOrCountry);
  t.equal(addressError(['A', 'St Helier', 'Jersey'], true), ADDRESS_MESSAGES.tooFewLines, 'the Jersey line goes');

  const france = validatePostalAddress(['Jean', '1 Rue de Rivoli', '75001 Paris', 'france'], {
    allowInternational: true,
  });
  t.same(france, {
    lines: ['Jean', '1 Rue de Rivoli', '75001 Paris', 'France'],
    postcode: null,
    country: 'France',
    international: true,
    postageZone: 'europe',
    bfpoNumber: null,
  });
  t.equal(postageFor(france, 'first'), 'europe');
  const usa = validatePostalAddress(['Jo', '1 Main St', 'Springfield IL', 'U.S.A.'], { allowInternational: true });
  t.same([usa.lines[3], usa.postageZone, postageFor(usa)], ['United States', 'rest-of-world', 'rest-of-world']);
  const welsh = validatePostalAddress(['Siân', '1 Stryd', 'Yr Almaen'], { allowInternational: true });
  t.same([welsh.country, welsh.postageZone], ['Germany', 'europe']);
  const uk = validatePostalAddress(['A', 'B', 'SW1A 1AA'], { allowInternational: true });
  t.equal(postageFor(uk), 'second');
  t.equal(postageFor(uk, 'economy'), 'economy');

  t.same(validateLetterAddress({ address_line_1: 'A', address_line_2: 'B', postcode: 'sw1a1aa' }).lines, [
    'A',
    'B',
    'SW1A 1AA',
  ]);
  t.throws(
    () => validateLetterAddress({ address_line_1: 'A', address_line_2: 'B', address_line_7: '', postcode: 'SW1A 1AA' }),
    new InvalidAddressError(ADDRESS_MESSAGES.tooFewLines),
    'an address_line_7 key, even empty, means postcode is not read',
  );
});

t.test('countries: synonyms, Welsh names, Crown dependencies, ended countries', async (t) => {
  const cases: Array<[string, string]> = [
    ['u.s.a', 'United States'],
    ['america', 'United States'],
    ['United States America', 'United States'],
    ['ROI', 'Ireland'],
    ['Irish Republic', 'Ireland'],
    ['RepOfIreland', 'Ireland'],
    ['deutschland', 'Germany'],
    ['UK', 'United Kingdom'],
    ['England', 'United Kingdom'],
    ['Northern Ireland', 'United Kingdom'],
    ['N. Ireland', 'United Kingdom'],
    ['GB', 'United Kingdom'],
    ['NIR', 'United Kingdom'],
    ['SCT', 'United Kingdom'],
    ['WLS', 'United Kingdom'],
    ['gambia', 'The Gambia'],
    ['Jersey', 'United Kingdom'],
    ['Guernsey', 'United Kingdom'],
    ['Sark', 'United Kingdom'],
    ['Lubnān', 'Lebanon'],
    ['ESPAÑA', 'Spain'],
    ['ESPANA', 'Spain'],
    ["the democratic people's republic of korea", 'North Korea'],
    ['ALAND', 'Åland Islands'],
    ['Sao Tome + Principe', 'Sao Tome and Principe'],
    ['Sao Tome & Principe', 'Sao Tome and Principe'],
    ['Antigua, and Barbuda', 'Antigua and Barbuda'],
    ['Canaries', 'Canary Islands'],
    ['Região Autónoma da Madeira', 'Madeira'],
    ['Corse', 'Corsica'],
    ['Curacao (former Netherlands Antilles)', 'Curaçao'],
    ['Virgin Islands, British', 'British Virgin Islands'],
    ['Yr Almaen', 'Germany'],
    ['Y Deyrnas Unedig', 'United Kingdom'],
    ['Yr Alban', 'United Kingdom'],
    ['Almaen', 'Germany'], // 'yr' is tried in front
    ['Ffrainc', 'France'],
    ['East Germany', 'Germany'],
    ['Czechoslovakia', 'Czechia'],
  ];
  for (const [name, canonical] of cases) t.equal(findCountry(name).canonicalName, canonical, name);

  const zones: Array<[string, string]> = [
    ['u.s.a', 'rest-of-world'],
    ['Rep of Ireland', 'europe'],
    ['deutschland', 'europe'],
    ['UK', 'united-kingdom'],
    ['Jersey', 'united-kingdom'],
    ['Channel Islands', 'united-kingdom'],
    ['isle-of-man', 'united-kingdom'],
    ['ESPAÑA', 'europe'],
  ];
  for (const [name, zone] of zones) t.equal(findCountry(name).postageZone, zone, name);
  for (const name of ROYAL_MAIL_EUROPEAN) t.equal(findCountry(name).postageZone, 'europe', name);

  for (const name of ['Qumran', 'Kumrahn', 'Yugoslavia', 'USSR', 'SW1A 1AA']) {
    t.ok(thrown(() => findCountry(name)) instanceof CountryNotFoundError, name);
  }
  t.throws(() => findCountry('Qumran'), new CountryNotFoundError('Not a known country or territory (Qumran)'));
  // Names with digits in the data are not supported: a digit means a postcode.
  for (const name of ['UM-67', 'UM-95', 'Россия1'])
    t.ok(thrown(() => findCountry(name)) instanceof CountryNotFoundError, name);
  t.throws(() => normaliseCountryName('123'), new Error('Name of country 123 contains a number'));
});

t.test('countries: every synonym in Notify’s test data', async (t) => {
  const data = JSON.parse(readFileSync(new URL('./data/country-synonyms.json', import.meta.url), 'utf8')) as {
    ALL: Array<[string, string]>;
    CROWDSOURCED_MISTAKES: Array<[string, string | null, string | null]>;
  };
  const wrong = data.ALL.filter(([name, canonical]) => findCountry(name).canonicalName !== canonical);
  t.same(wrong, [], `${data.ALL.length} synonyms`);
  for (const [name, canonical, zone] of data.CROWDSOURCED_MISTAKES) {
    if (!canonical && !zone) continue;
    t.same([findCountry(name).canonicalName, findCountry(name).postageZone], [canonical, zone], name);
  }
});

t.test('a thousand random addresses: the same as Notify’s own code', async (t) => {
  const text = readFileSync(new URL('./data/notify-postal-addresses.jsonl', import.meta.url), 'utf8');
  const cases = text
    .split('\n')
    .filter((line) => line !== '')
    .map(
      (line) =>
        JSON.parse(line) as {
          raw?: string;
          personalisation?: Record<string, unknown>;
          allowInternational: boolean;
          expected: Record<string, unknown>;
        },
    );
  t.ok(cases.length > 900);
  const different = cases.filter(({ raw, personalisation, allowInternational, expected }) => {
    const a =
      raw === undefined
        ? PostalAddress.fromPersonalisation(personalisation ?? {}, { allowInternational })
        : new PostalAddress(raw, allowInternational);
    const actual = {
      normalisedLines: a.normalisedLines,
      postcode: a.postcode,
      country: a.country.canonicalName,
      postage: a.postage,
      international: a.international,
      bfpoNumber: a.bfpoNumber,
      valid: a.valid,
      error: a.error,
    };
    return !isDeepStrictEqual(actual, expected);
  });
  t.same(different, []);
});
