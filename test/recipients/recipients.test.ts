import t from 'tap';
import {
  validatePhoneNumber,
  normalisePhoneNumber,
  InvalidPhoneError,
  validateEmailAddress,
  isValidEmailAddress,
  InvalidEmailError,
  isSimulatedRecipient,
  isSimulatedPhoneNumber,
  isSimulatedEmailAddress,
  testKeyOutcome,
  rateMultiplierFor,
  countryPrefixOf,
  PHONE_MESSAGES,
} from '../../src/recipients/recipients.ts';

function phoneError(raw: string, options = {}): string {
  try {
    validatePhoneNumber(raw, options);
  } catch (e) {
    if (e instanceof InvalidPhoneError) return e.message;
    throw e;
  }
  return 'valid';
}

t.test('UK mobiles in any common format normalise to E.164 digits', async (t) => {
  for (const raw of [
    '07700900123',
    '07700 900123',
    '07700 900 123',
    '+447700900123',
    '+44 7700 900123',
    '+44 (0)7700 900123',
    '+44(0)7700900123',
    '(0)7700 900123',
    '447700900123',
    '00447700900123',
    '0044 7700 900 123',
    '7700900123',
    '07700-900-123',
    ' 07700900123 ',
    '\u200B07700900123\uFEFF',
    '(07700) 900123',
  ]) {
    const info = validatePhoneNumber(raw);
    t.same(
      info,
      {
        normalised: '447700900123',
        international: false,
        phonePrefix: '44',
        rateMultiplier: 1,
        isUkLandline: false,
        crownDependency: false,
      },
      JSON.stringify(raw),
    );
  }
});

t.test('UK mobile errors', async (t) => {
  t.equal(phoneError('0770090012'), PHONE_MESSAGES.tooShort);
  t.equal(phoneError('077009001234'), PHONE_MESSAGES.tooLong);
  t.equal(phoneError('+44 7700 900 12'), PHONE_MESSAGES.tooShort);
  t.equal(phoneError('+44 7700 900 1234'), PHONE_MESSAGES.tooLong);
  t.equal(phoneError('07700 900abc'), PHONE_MESSAGES.badCharacters);
  t.equal(phoneError('07700.900.123'), PHONE_MESSAGES.badCharacters);
  t.equal(phoneError('07700/900123'), PHONE_MESSAGES.badCharacters);
  t.equal(phoneError('0800 123 4567'), PHONE_MESSAGES.notUkMobile);
  t.equal(phoneError('0900 123 4567'), PHONE_MESSAGES.notUkMobile);
  t.equal(phoneError(''), PHONE_MESSAGES.tooShort, 'as Notify: not UK-looking, so read as international');
  t.equal(phoneError('+1 202 555 0123', { allowInternational: false }), PHONE_MESSAGES.notUkMobile);
});

t.test('TV and drama numbers 07700 900xxx are valid and not crown dependency', async (t) => {
  for (const n of ['07700900000', '07700900999', '07700900003']) {
    const info = validatePhoneNumber(n);
    t.equal(info.international, false);
    t.equal(info.crownDependency, false);
  }
});

t.test('crown dependency mobiles are international at the UK rate', async (t) => {
  const jersey = validatePhoneNumber('07797 123456');
  t.same(jersey, {
    normalised: '447797123456',
    international: true,
    phonePrefix: '44',
    rateMultiplier: 1,
    isUkLandline: false,
    crownDependency: true,
  });
  t.equal(validatePhoneNumber('+44 7624 123456').crownDependency, true, 'Isle of Man');
});

t.test('UK landlines are allowed and flagged, unless landlines are refused', async (t) => {
  for (const n of ['020 7946 0123', '+44 20 7946 0123', '0161 496 0000', '0300 123 4567', '01632 960123']) {
    const info = validatePhoneNumber(n);
    t.equal(info.isUkLandline, true, n);
    t.equal(info.international, false);
    t.match(info.normalised, /^44[123]\d{8,9}$/);
  }
  t.equal(phoneError('020 7946 0123', { allowLandline: false }), PHONE_MESSAGES.notUkMobile);
  t.equal(phoneError('020 7946 012'), PHONE_MESSAGES.tooShort);
  t.equal(phoneError('020 7946 01234'), PHONE_MESSAGES.tooLong);
});

t.test('international numbers', async (t) => {
  t.same(validatePhoneNumber('+1 202 555 0123'), {
    normalised: '12025550123',
    international: true,
    phonePrefix: '1',
    rateMultiplier: 1,
    isUkLandline: false,
    crownDependency: false,
  });
  const irish = validatePhoneNumber('00353 87 123 4567');
  t.equal(irish.normalised, '353871234567');
  t.equal(irish.phonePrefix, '353');
  const german = validatePhoneNumber('+49 1512 3456789');
  t.equal(german.phonePrefix, '49');
  t.equal(german.rateMultiplier, 2);
  t.equal(validatePhoneNumber('+880 1712 345678').rateMultiplier, 12);
  t.equal(validatePhoneNumber('+7 912 345 6789').phonePrefix, '7');
  t.equal(validatePhoneNumber('+299 123456 78').rateMultiplier, 1, 'unlisted prefix costs 1');
  t.equal(phoneError('+1 202 555'), PHONE_MESSAGES.tooShort);
  t.equal(phoneError('+1 202 555 0123 45678'), PHONE_MESSAGES.tooLong);
  t.equal(phoneError('+1 (202) 555-0123 x12'), PHONE_MESSAGES.badCharacters);
  t.equal(phoneError('+999 1234 5678'), PHONE_MESSAGES.badPrefix);
  t.equal(phoneError('+80 1234 5678'), PHONE_MESSAGES.badPrefix);
});

t.test('prefix and rate helpers', async (t) => {
  t.equal(countryPrefixOf('12025550123'), '1');
  t.equal(countryPrefixOf('353871234567'), '353');
  t.equal(countryPrefixOf('999123'), null);
  t.equal(rateMultiplierFor('44'), 1);
  t.equal(rateMultiplierFor('971'), 3);
  t.equal(normalisePhoneNumber('+44 7700 900123'), '447700900123');
  t.equal(normalisePhoneNumber('nonsense'), null);
});

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

// Postal addresses: test/recipients/postal-address.test.ts.

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
