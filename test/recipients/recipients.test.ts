import t from 'tap';
import {
  validateEmailAddress,
  isValidEmailAddress,
  InvalidEmailError,
  isSimulatedRecipient,
  isSimulatedPhoneNumber,
  isSimulatedEmailAddress,
  testKeyOutcome,
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

t.test('the last address’s answer, kept for the next call, is the answer for that address only', async (t) => {
  const answer = (raw: string) => {
    try {
      return validateEmailAddress(raw);
    } catch (e) {
      if (e instanceof InvalidEmailError) return e.message;
      throw e;
    }
  };
  const addresses = ['a@b.gov.uk', 'a@b.gov.uk', 'nope', 'nope', ' A@B.gov.uk ', 'a@b..uk', 'a@b.gov.uk'];
  const alone = addresses.map((raw) => {
    answer('other@example.com');
    return answer(raw);
  });
  t.same(
    addresses.map((raw) => answer(raw)),
    alone,
  );
  t.same(alone, [
    { address: 'a@b.gov.uk', normalised: 'a@b.gov.uk' },
    { address: 'a@b.gov.uk', normalised: 'a@b.gov.uk' },
    'Not a valid email address',
    'Not a valid email address',
    { address: 'A@B.gov.uk', normalised: 'a@b.gov.uk' },
    'Not a valid email address',
    { address: 'a@b.gov.uk', normalised: 'a@b.gov.uk' },
  ]);
  // What a caller does with the answer it was given does not change the next caller's.
  const first = validateEmailAddress('x@y.gov.uk');
  first.normalised = 'changed';
  t.equal(validateEmailAddress('x@y.gov.uk').normalised, 'x@y.gov.uk');
});
