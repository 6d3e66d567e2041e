import t from 'tap';
import { ValidationError } from '../../../src/lib/errors.ts';
import { schemaErrors, validate, pyRepr, parseIsoDateTime, queryToObject } from '../../../src/routes/v2/validate.ts';
import { isUuid } from '../../../src/lib/uuid.ts';
import {
  postSmsRequest,
  postEmailRequest,
  postLetterRequest,
  postPrecompiledLetterRequest,
  postTemplatePreviewRequest,
  getNotificationsQuery,
  getReceivedTextMessagesQuery,
  getTemplatesQuery,
  isPrecompiledLetterRequest,
  NOTIFICATION_STATUS_FILTERS,
  sendAFile,
} from '../../../src/routes/v2/schemas.ts';

const TEMPLATE = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';
const now = new Date('2024-05-01T12:00:00Z');
const errs = (schema: Parameters<typeof schemaErrors>[0], data: unknown) => schemaErrors(schema, data, { now });

t.test('python repr of instances', async (t) => {
  t.equal(pyRepr('foo'), "'foo'");
  t.equal(pyRepr("it's"), '"it\'s"');
  t.equal(pyRepr('a\nb'), "'a\\nb'");
  t.equal(pyRepr(null), 'None');
  t.equal(pyRepr(true), 'True');
  t.equal(pyRepr([1, 'a', false]), "[1, 'a', False]");
  t.equal(pyRepr({ a: 1, b: [null] }), "{'a': 1, 'b': [None]}");
});

t.test('valid sms request', async (t) => {
  const body = {
    phone_number: '07700 900123',
    template_id: TEMPLATE,
    personalisation: { name: 'Jo' },
    reference: 'ref',
    sms_sender_id: TEMPLATE,
    scheduled_for: '2024-05-01T18:00:00Z',
  };
  t.same(errs(postSmsRequest, body), []);
  t.equal(validate(postSmsRequest, body, { now }), body);
  t.same(errs(postSmsRequest, { ...body, scheduled_for: null }), []);
});

t.test('sms request errors in Notify wording and order', async (t) => {
  t.same(errs(postSmsRequest, {}), ['phone_number is a required property', 'template_id is a required property']);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: 'nope', foo: 1 }), [
    'template_id is not a valid UUID',
    'Additional properties are not allowed (foo was unexpected)',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, zeta: 1, alpha: 2 }), [
    'Additional properties are not allowed (alpha, zeta were unexpected)',
  ]);
  t.same(
    errs(postSmsRequest, { phone_number: '07700900123', template_id: 123 }),
    ['template_id is not a valid UUID'],
    'type error uses the uuid message, once',
  );
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, personalisation: 'foo' }), [
    'personalisation foo is not of type object',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, personalisation: ['a'] }), [
    'personalisation [a] is not of type object',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, reference: 'x'.repeat(1001) }), [
    `reference ${'x'.repeat(1001)} is too long`,
  ]);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, reference: 'x'.repeat(1000) }), []);
  t.same(errs(postSmsRequest, { phone_number: 7700900123, template_id: TEMPLATE }), [
    'phone_number 7700900123 is not of type string',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '0772345', template_id: TEMPLATE }), ['phone_number Not enough digits']);
  t.same(errs(postSmsRequest, { phone_number: '0772345678910', template_id: TEMPLATE }), [
    'phone_number Too many digits',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '0770090012a', template_id: TEMPLATE }), [
    'phone_number Must not contain letters or symbols',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '24741111', template_id: TEMPLATE }), [
    'phone_number Not a valid country prefix',
  ]);
  // As Notify's schema check: toll-free and premium numbers are not valid; landlines and foreign numbers are
  // (the service's permissions are checked later).
  t.same(errs(postSmsRequest, { phone_number: '0800 123 4567', template_id: TEMPLATE }), [
    'phone_number Number is not valid – double check the phone number you entered',
  ]);
  t.same(errs(postSmsRequest, { phone_number: '020 7946 0991', template_id: TEMPLATE }), []);
  t.same(errs(postSmsRequest, { phone_number: '+1 202 555 0104', template_id: TEMPLATE }), []);
  t.same(errs(postSmsRequest, { phone_number: '07700900123', template_id: TEMPLATE, sms_sender_id: 'x' }), [
    'sms_sender_id is not a valid UUID',
  ]);
  t.same(errs(postSmsRequest, null), ['None is not of type object']);
  t.same(errs(postSmsRequest, { phone_number: "it's", template_id: "o'neil" }), [
    'phone_number Must not contain letters or symbols',
    'template_id is not a valid UUID',
  ]);
});

t.test('scheduled_for', async (t) => {
  const base = { phone_number: '07700900123', template_id: TEMPLATE };
  const at = (v: unknown) => errs(postSmsRequest, { ...base, scheduled_for: v });
  t.same(at('2024-05-01T12:30'), []);
  t.same(at('2024-05-01 13:00:00.123456'), []);
  t.same(at('2024-05-02T13:00:00+02:00'), [], '11:00 UTC next day');
  t.same(at('2024-05-02T12:00:00Z'), [], 'exactly 24 hours');
  t.same(at('2024-05-02T12:00:01Z'), ['scheduled_for datetime can only be 24 hours in the future']);
  t.same(at('20240501T1230'), [], 'basic format');
  t.same(at('2024-05-01X12:30'), [], 'fromisoformat takes any one character between date and time');
  t.same(at('2024-05-01T12:30:00,5'), [], 'comma before the fraction');
  t.same(at('2024-05-01T13:30:00+01'), [], 'hour-only zone: 12:30 UTC');
  t.same(at('2024-05-01T12:30:00+01:00'), ['scheduled_for datetime can not be in the past'], 'the zone counts');
  t.same(at(null), [], 'null: not scheduled');
  t.same(at('2024-05-01T11:59:59Z'), ['scheduled_for datetime can not be in the past']);
  const invalid = ['tomorrow', '2024-13-01T10:00', '2024-02-30', '01/05/2024 10:00', '', ' 2024-05-01T12:30'];
  for (const bad of [...invalid, '2024-05-01T12:30 ', '2024-05-01T12:30:00+25:00', '2024-05-01T1', '2024-05']) {
    t.same(
      at(bad),
      [
        'scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, ' +
          'https://en.wikipedia.org/wiki/ISO_8601',
      ],
      bad,
    );
  }
  t.same(at(5), ['scheduled_for 5 is not of type string, null']);
});

t.test('email requests', async (t) => {
  const base = { email_address: 'a@example.com', template_id: TEMPLATE };
  t.same(
    errs(postEmailRequest, {
      ...base,
      one_click_unsubscribe_url: 'https://example.com/unsub',
      sanitise_content_for: ['a'],
      email_reply_to_id: TEMPLATE,
    }),
    [],
  );
  t.same(errs(postEmailRequest, {}), ['email_address is a required property', 'template_id is a required property']);
  t.same(errs(postEmailRequest, { ...base, email_address: 'nope' }), ['email_address Not a valid email address']);
  t.same(errs(postEmailRequest, { ...base, one_click_unsubscribe_url: 'http://example.com' }), [
    'one_click_unsubscribe_url is not a valid https url',
  ]);
  t.same(errs(postEmailRequest, { ...base, one_click_unsubscribe_url: 'not a url' }), [
    'one_click_unsubscribe_url is not a valid https url',
  ]);
  t.same(errs(postEmailRequest, { ...base, email_reply_to_id: 'x' }), ['email_reply_to_id is not a valid UUID']);
  t.same(errs(postEmailRequest, { ...base, sanitise_content_for: 'a' }), [
    'sanitise_content_for a is not of type array, null',
  ]);
  t.same(errs(postEmailRequest, { ...base, sanitise_content_for: null }), [], 'null allowed (as Notify)');
  t.same(errs(postEmailRequest, { ...base, sanitise_content_for: [1] }), [
    'sanitise_content_for 1 is not of type string',
  ]);
  t.same(errs(postEmailRequest, { ...base, phone_number: '1' }), [
    'Additional properties are not allowed (phone_number was unexpected)',
  ]);
});

t.test('letter requests', async (t) => {
  const personalisation = { address_line_1: 'A', address_line_2: 'B', address_line_3: 'SW1A 1AA' };
  t.same(errs(postLetterRequest, { template_id: TEMPLATE, personalisation }), []);
  t.same(errs(postLetterRequest, {}), ['template_id is a required property', 'personalisation is a required property']);
  // No address line is required by name (the address check counts lines later).
  t.same(errs(postLetterRequest, { template_id: TEMPLATE, personalisation: { address_line_3: 'A' } }), []);
  t.same(
    errs(postLetterRequest, {
      template_id: TEMPLATE,
      personalisation: { ...personalisation, address_line_4: { x: 1 } },
    }),
    ['personalisation {x: 1} is not of type string, number, null'],
  );
  t.same(errs(postPrecompiledLetterRequest, { reference: 'r', content: 'JVBERi0=' }), []);
  t.same(errs(postPrecompiledLetterRequest, { reference: 'r', content: 'JVBERi0=', postage: 'first' }), []);
  t.same(errs(postPrecompiledLetterRequest, { reference: 'r', content: 'JVBERi0=', postage: 'third' }), [
    'postage invalid. It must be either first, second or economy.',
  ]);
  t.same(errs(postPrecompiledLetterRequest, {}), [
    'reference is a required property',
    'content is a required property',
  ]);
  t.ok(isPrecompiledLetterRequest({ reference: 'r', content: 'x' }));
  t.notOk(isPrecompiledLetterRequest({ template_id: TEMPLATE, personalisation }));
});

t.test('template preview', async (t) => {
  t.same(errs(postTemplatePreviewRequest, { personalisation: { a: 1 } }), []);
  t.same(errs(postTemplatePreviewRequest, {}), []);
  t.same(errs(postTemplatePreviewRequest, { personalisation: 'x' }), ['personalisation x is not of type object']);
});

t.test('GET /v2/notifications query', async (t) => {
  const query = queryToObject(getNotificationsQuery, {
    status: 'delivered',
    template_type: ['sms', 'email'],
    reference: ['a', 'b'],
    older_than: TEMPLATE,
    include_jobs: 'true',
  });
  t.same(query, {
    status: ['delivered'],
    template_type: ['sms', 'email'],
    reference: 'a',
    older_than: TEMPLATE,
    include_jobs: 'true',
  });
  t.same(errs(getNotificationsQuery, query), []);
  for (const s of NOTIFICATION_STATUS_FILTERS) t.same(errs(getNotificationsQuery, { status: [s] }), [], s);
  t.same(errs(getNotificationsQuery, { template_type: ['fax'] }), [
    'template_type fax is not one of [sms, email, letter]',
  ]);
  t.same(errs(getNotificationsQuery, { status: ['elephant', 'delivered', 'elephant'] }), [
    `status elephant is not one of [${NOTIFICATION_STATUS_FILTERS.join(', ')}]`,
  ]);
  t.same(errs(getNotificationsQuery, { older_than: 'x' }), ['older_than is not a valid UUID']);
  t.same(errs(getNotificationsQuery, { include_jobs: 'yes' }), ['include_jobs yes is not one of [true, True]']);
  t.same(errs(getNotificationsQuery, { page: '1' }), ['Additional properties are not allowed (page was unexpected)']);
  t.same(errs(getReceivedTextMessagesQuery, { older_than: 'x', foo: 'y' }), [
    'older_than is not a valid UUID',
    'Additional properties are not allowed (foo was unexpected)',
  ]);
  t.same(errs(getTemplatesQuery, { type: 'fax' }), ['type fax is not one of [sms, email, letter]']);
});

t.test('validate throws one ValidationError with every message', async (t) => {
  try {
    validate(postSmsRequest, { foo: 1 }, { now });
    t.fail('should throw');
  } catch (e) {
    t.ok(e instanceof ValidationError);
    t.same((e as ValidationError).toBody(), {
      status_code: 400,
      errors: [
        { error: 'ValidationError', message: 'phone_number is a required property' },
        { error: 'ValidationError', message: 'template_id is a required property' },
        { error: 'ValidationError', message: 'Additional properties are not allowed (foo was unexpected)' },
      ],
    });
  }
});

t.test('a file sent by email (send_a_file_validation)', async (t) => {
  const file = 'aGVsbG8=';
  const at = (v: Record<string, unknown>) => errs(sendAFile, { file, ...v });
  t.same(at({}), []);
  t.same(at({ filename: 'a.pdf', confirm_email_before_download: false, retention_period: ' 78 Weeks ' }), []);
  t.same(at({ retention_period: '1 week', filename: null, confirm_email_before_download: null }), []);
  const period = (v: string) =>
    `retention_period Unsupported value for retention_period: ${v}. Supported periods are from 1 to 78 weeks.`;
  t.same(at({ retention_period: '0 weeks' }), [period('0 weeks')]);
  t.same(at({ retention_period: '79 weeks' }), [period('79 weeks')]);
  t.same(at({ retention_period: 'forever' }), [period('forever')]);
  t.same(at({ retention_period: 4 }), [period('4')]);
  t.same(at({ filename: 'noextension' }), [
    'filename `filename` must end with a file extension. For example, filename.csv',
  ]);
  t.same(at({ filename: 5 }), ['filename `filename` must end with a file extension. For example, filename.csv']);
  t.same(at({ is_csv: 'yes' }), ['is_csv Unsupported value for is_csv: yes. Use a boolean true or false value.']);
  t.same(at({ confirm_email_before_download: 1 }), [
    'confirm_email_before_download Unsupported value for confirm_email_before_download: 1. ' +
      'Use a boolean true or false value.',
  ]);
  t.same(at({ is_csv: false, filename: 'a.csv' }), ['Do not set a value for `is_csv` if `filename` is set.']);
  t.same(
    at({ is_csv: null, filename: 'a.csv' }),
    ['Do not set a value for `is_csv` if `filename` is set.'],
    'even null',
  );
  t.same(at({ is_csv: null }), []);
  t.same(at({ extra: 1, other: 2 }), ['Additional properties are not allowed (extra, other were unexpected)']);
  t.same(errs(sendAFile, { file: 42 }), ['file 42 is not of type string']);
  t.same(at({ extra: 1, is_csv: 'x', filename: 'a.csv' }), [
    'Additional properties are not allowed (extra was unexpected)',
    'is_csv Unsupported value for is_csv: x. Use a boolean true or false value.',
    'Do not set a value for `is_csv` if `filename` is set.',
  ]);
});

t.test('helpers', async (t) => {
  t.ok(isUuid(TEMPLATE));
  t.ok(isUuid(TEMPLATE.toUpperCase()));
  t.ok(isUuid(TEMPLATE.replace(/-/g, '')));
  t.ok(isUuid(`{${TEMPLATE}}`));
  t.notOk(isUuid(`{${TEMPLATE}`));
  t.notOk(isUuid(TEMPLATE.slice(1)));
  t.equal(parseIsoDateTime('2024-05-01')?.toISOString(), '2024-05-01T00:00:00.000Z');
  t.equal(parseIsoDateTime('2024-05-01T10:00:00.5-0130')?.toISOString(), '2024-05-01T11:30:00.500Z');
  t.equal(parseIsoDateTime('20240501T1000')?.toISOString(), '2024-05-01T10:00:00.000Z');
  t.equal(parseIsoDateTime('2024-05-01T25:00'), null);
});
