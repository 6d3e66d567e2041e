import t from 'tap';
import {
  validateEmailAddress,
  isValidEmailAddress,
  InvalidEmailError,
  validatePostalAddress,
  validateLetterAddress,
  addressLinesFromPersonalisation,
  normaliseUkPostcode,
  InvalidAddressError,
  postageFor,
  isSimulatedRecipient,
  isSimulatedPhoneNumber,
  isSimulatedEmailAddress,
  testKeyOutcome,
  ADDRESS_MESSAGES,
} from '../../src/recipients/recipients.ts';

t.test('email addresses', async (t) => {
  t.same(validateEmailAddress('  Someone@Example.COM '), {
    address: 'Someone@Example.COM',
    normalised: 'someone@example.com',
  });
  for (const good of [
    'test@example.com',
    'first.last@example.co.uk',
    "o'neil+tag@sub.example.org",
    'a!#$%&*+/=?^_`{|}~-z@example.com',
    'x@xn--r8jz45g.xn--zckzah',
    'user@例え.テスト',
    'user@my-domain.gov.uk',
    'user@a--b.com',
    '\u200Btest@example.com',
  ]) {
    t.ok(isValidEmailAddress(good), good);
  }
  for (const bad of [
    '',
    'plainaddress',
    '@example.com',
    'test@',
    'test@example',
    'test@.example.com',
    'test@example..com',
    'te..st@example.com',
    'test@example.com.',
    'test@-example.com',
    'test@example-.com',
    'test@exa_mple.com',
    'test@example.c',
    'test@example.123',
    'te st@example.com',
    'test@exa mple.com',
    '"quoted"@example.com',
    'semi;colon@example.com',
    'two@@example.com',
    'a@b@example.com',
    `${'a'.repeat(310)}@example.com`,
    `test@${'a'.repeat(64)}.com`,
  ]) {
    t.notOk(isValidEmailAddress(bad), bad);
  }
  t.throws(() => validateEmailAddress('nope'), new InvalidEmailError('Not a valid email address'));
});

function addressError(lines: unknown[], options = {}): string {
  try {
    validatePostalAddress(lines, options);
  } catch (e) {
    if (e instanceof InvalidAddressError) return e.message;
    throw e;
  }
  return 'valid';
}

t.test('UK addresses', async (t) => {
  t.same(validatePostalAddress(['  Alice Smith ', '1 High Street,', '', 'London', 'sw1a1aa']), {
    lines: ['Alice Smith', '1 High Street', 'London', 'SW1A 1AA'],
    postcode: 'SW1A 1AA',
    country: null,
    international: false,
    postageZone: 'united-kingdom',
  });
  t.same(
    validatePostalAddress(['A', 'B', 'EC1A 1BB', 'United Kingdom']).lines,
    ['A', 'B', 'EC1A 1BB'],
    'UK country line dropped',
  );
  t.equal(normaliseUkPostcode('  ec1a  1bb '), 'EC1A 1BB');
  t.equal(normaliseUkPostcode('gir0aa'), 'GIR 0AA');
  t.equal(normaliseUkPostcode('W1A 0AX'), 'W1A 0AX');
  t.equal(normaliseUkPostcode('M1 1AE'), 'M1 1AE');
  t.equal(normaliseUkPostcode('JE2 3XP'), 'JE2 3XP');
  t.equal(normaliseUkPostcode('SW1A'), null);
  t.equal(normaliseUkPostcode('12345'), null);
});

t.test('address errors', async (t) => {
  t.equal(addressError(['A', 'SW1A 1AA']), ADDRESS_MESSAGES.tooFewLines);
  t.equal(addressError(['A', '', '  ', 'SW1A 1AA']), ADDRESS_MESSAGES.tooFewLines);
  t.equal(addressError(['1', '2', '3', '4', '5', '6', '7', 'SW1A 1AA']), ADDRESS_MESSAGES.tooManyLines);
  t.equal(addressError(['1', '2', '3', '4', '5', '6', 'SW1A 1AA']), 'valid', '7 lines is fine');
  t.equal(addressError(['A', 'B', 'Not a postcode']), ADDRESS_MESSAGES.notUkPostcode);
  t.equal(addressError(['A', 'B', 'France']), ADDRESS_MESSAGES.notUkPostcode, 'no international permission');
  t.equal(addressError(['A', 'B', 'Atlantis'], { allowInternational: true }), ADDRESS_MESSAGES.notPostcodeOrCountry);
  t.equal(addressError(['...', 'B', 'SW1A 1AA']), ADDRESS_MESSAGES.firstLinesNeedAlphanumeric);
  t.equal(addressError(['A', '- -', 'SW1A 1AA']), ADDRESS_MESSAGES.firstLinesNeedAlphanumeric);
  t.equal(addressError(['Bob', 'No fixed abode', 'SW1A 1AA']), ADDRESS_MESSAGES.noFixedAbode);
  t.equal(addressError(['Bob', 'NFA', 'London', 'SW1A 1AA']), ADDRESS_MESSAGES.noFixedAbode);
});

t.test('international addresses and postage', async (t) => {
  const france = validatePostalAddress(['Jean', '1 Rue de Rivoli', '75001 Paris', 'france'], {
    allowInternational: true,
  });
  t.same(france, {
    lines: ['Jean', '1 Rue de Rivoli', '75001 Paris', 'France'],
    postcode: null,
    country: 'France',
    international: true,
    postageZone: 'europe',
  });
  t.equal(postageFor(france, 'first'), 'europe');
  const usa = validatePostalAddress(['Jo', '1 Main St', 'Springfield IL', 'U.S.A.'], { allowInternational: true });
  t.equal(usa.postageZone, 'rest-of-world');
  t.equal(postageFor(usa), 'rest-of-world');
  const uk = validatePostalAddress(['A', 'B', 'SW1A 1AA'], { allowInternational: true });
  t.equal(postageFor(uk), 'second');
  t.equal(postageFor(uk, 'economy'), 'economy');
});

t.test('address lines from personalisation', async (t) => {
  t.same(
    addressLinesFromPersonalisation({
      address_line_1: 'A',
      'Address Line 2': 'B',
      address_line_3: null,
      address_line_5: 42,
      postcode: 'sw1a 1aa',
      other: 'x',
    }),
    ['A', 'B', '42', 'sw1a 1aa'],
  );
  t.same(validateLetterAddress({ address_line_1: 'A', address_line_2: 'B', address_line_3: 'sw1a1aa' }).lines, [
    'A',
    'B',
    'SW1A 1AA',
  ]);
});

t.test('simulated recipients and test-key outcomes', async (t) => {
  for (const n of ['07700900000', '+447700900111', '07700 900 222']) t.ok(isSimulatedPhoneNumber(n), n);
  t.notOk(isSimulatedPhoneNumber('07700900333'));
  t.notOk(isSimulatedPhoneNumber('garbage'));
  for (const e of [
    'simulate-delivered@notifications.service.gov.uk',
    'Simulate-Delivered-2@notifications.service.gov.uk',
    ' simulate-delivered-3@notifications.service.gov.uk',
  ]) {
    t.ok(isSimulatedEmailAddress(e), e);
  }
  t.notOk(isSimulatedEmailAddress('simulate-delivered-4@notifications.service.gov.uk'));
  t.ok(isSimulatedRecipient('sms', '07700900000'));
  t.ok(isSimulatedRecipient('email', 'simulate-delivered@notifications.service.gov.uk'));
  t.notOk(isSimulatedRecipient('letter', 'anything'));

  t.equal(testKeyOutcome('sms', '07700900003'), 'temporary-failure');
  t.equal(testKeyOutcome('sms', '+44 7700 900002'), 'permanent-failure');
  t.equal(testKeyOutcome('sms', '07700900123'), 'delivered');
  t.equal(testKeyOutcome('email', 'temp-fail@simulator.notify'), 'temporary-failure');
  t.equal(testKeyOutcome('email', 'PERM-FAIL@simulator.notify'), 'permanent-failure');
  t.equal(testKeyOutcome('email', 'someone@example.com'), 'delivered');
  t.equal(testKeyOutcome('letter', 'x'), 'delivered');
});
