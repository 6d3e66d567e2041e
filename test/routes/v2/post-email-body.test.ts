// The request-body rules of POST /v2/notifications/email (and the v2 JSON parser) as Notify's:
// email size, files by email, sanitise_content_for, bad text input and scheduled_for.
import t from 'tap';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/db.ts';
import { createServiceWithKeys, type ServiceWithKeys, type TestApiKey } from '../../helpers/factories.ts';
import { post } from '../../helpers/v2-requests.ts';
import { startTestS3 } from '../../helpers/s3.ts';
import { ALLOWED_FILE_TYPES_TEXT } from '../../../src/documents/file-types.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'v2body');
const port = new URL(s3Endpoint).port;
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: s3Endpoint, S3_LOCAL_PORT: port } });

type Errors = Array<{ error: string; message: string }>;
const errors = (body: { errors: Errors }) => body.errors;

async function serviceWithFileTemplate(opts: { contactLink?: boolean; restricted?: boolean } = {}) {
  const fx = await createServiceWithKeys(db, { permissions: ['email', 'sms'], restricted: opts.restricted });
  if (opts.contactLink !== false) {
    await db.query(`update app_public.services set contact_link = 'https://example.gov.uk/help' where id = $1`, [
      fx.serviceId,
    ]);
  }
  const tid = (
    await db.one(`select id from app_public.create_template($1, 'email', 'f', 'Download: ((doc))', 'File')`, [
      fx.serviceId,
    ])
  ).id as string;
  return { fx, tid };
}

const storedCount = async () => (await db.one('select count(*)::int as n from app_public.notifications')).n as number;

async function objectsOf(serviceId: string): Promise<string[]> {
  const out = await s3.send(
    new ListObjectsV2Command({ Bucket: cfg.DOCUMENT_DOWNLOAD_BUCKET, Prefix: `${serviceId}/` }),
  );
  return (out.Contents ?? []).map((o) => o.Key!);
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

t.test('email size: 2,000,000 bytes of body allowed, one more refused with Notify message', async (t) => {
  const fx = await createServiceWithKeys(db, { permissions: ['email'] });
  const tid = (
    await db.one(`select id from app_public.create_template($1, 'email', 'big', 'é((x))', 'Big')`, [fx.serviceId])
  ).id;
  const ok = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: tid,
    personalisation: { x: 'a'.repeat(1_999_998) },
  });
  t.equal(ok.status, 201, '"é" is two bytes: 2,000,000 in all');
  const before = await storedCount();
  const tooLong = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: tid,
    personalisation: { x: 'a'.repeat(1_999_999) },
  });
  t.equal(tooLong.status, 400);
  t.same(errors(tooLong.body), [
    {
      error: 'BadRequestError',
      message: 'Your message is too long. Emails cannot be longer than 2000000 bytes. Your message is 2000001 bytes.',
    },
  ]);
  t.equal(await storedCount(), before, 'nothing stored');
});

t.test('files: prerequisites and schema, in Notify order', async (t) => {
  const { fx, tid } = await serviceWithFileTemplate({ contactLink: false });
  const send = (doc: unknown, key: TestApiKey = fx.normal, to = 'a@example.com') =>
    post(app, key, '/v2/notifications/email', { email_address: to, template_id: tid, personalisation: { doc } });
  const noContact = await send({ file: b64('hello') });
  t.equal(noContact.status, 400);
  t.same(errors(noContact.body), [
    {
      error: 'BadRequestError',
      message:
        'Send files by email has not been set up - add contact details for your service at ' +
        `https://www.notifications.service.gov.uk/services/${fx.serviceId}/service-settings/send-files-by-email`,
    },
  ]);
  // The value's schema is checked before the contact link, every message at once.
  const schema = await send({ file: b64('x'), retention_period: '80 weeks', is_csv: 'no', colour: 'red' });
  t.equal(schema.status, 400);
  t.same(errors(schema.body), [
    { error: 'ValidationError', message: 'Additional properties are not allowed (colour was unexpected)' },
    {
      error: 'ValidationError',
      message: 'is_csv Unsupported value for is_csv: no. Use a boolean true or false value.',
    },
    {
      error: 'ValidationError',
      message:
        'retention_period Unsupported value for retention_period: 80 weeks. Supported periods are from 1 to 78 weeks.',
    },
  ]);
  t.same(errors((await send({ file: b64('x'), filename: 'a.csv', is_csv: true })).body), [
    { error: 'ValidationError', message: 'Do not set a value for `is_csv` if `filename` is set.' },
  ]);
  t.same(errors((await send({ file: b64('x'), filename: 'report' })).body), [
    {
      error: 'ValidationError',
      message: 'filename `filename` must end with a file extension. For example, filename.csv',
    },
  ]);
  t.same(errors((await send({ file: b64('x'), confirm_email_before_download: 'yes' })).body), [
    {
      error: 'ValidationError',
      message:
        'confirm_email_before_download Unsupported value for confirm_email_before_download: yes. ' +
        'Use a boolean true or false value.',
    },
  ]);
  // Template and recipient checks come first (trial mode: a recipient outside the team).
  const trial = await serviceWithFileTemplate({ restricted: true });
  const refused = await post(app, trial.fx.normal, '/v2/notifications/email', {
    email_address: 'stranger@example.com',
    template_id: trial.tid,
    personalisation: { doc: { file: b64('hello'), retention_period: 'nope' } },
  });
  t.equal(refused.status, 400);
  t.match(errors(refused.body)[0].message, /^Can’t send to this recipient when service is in trial mode/);
  t.same(await objectsOf(trial.fx.serviceId), [], 'nothing uploaded');
  // An empty message is found with the template, before the recipient (as Notify's validate_template).
  const emptyTid = (
    await db.one(`select id from app_public.create_template($1, 'email', 'e', '((doc))', 'File')`, [trial.fx.serviceId])
  ).id;
  const empty = await post(app, trial.fx.normal, '/v2/notifications/email', {
    email_address: 'stranger@example.com',
    template_id: emptyTid,
    personalisation: { doc: '  ' },
  });
  t.same(errors(empty.body), [{ error: 'BadRequestError', message: 'Your message is empty.' }]);
});

t.test("files: document-download's checks and messages; nothing uploaded when refused", async (t) => {
  const { fx, tid } = await serviceWithFileTemplate();
  const send = (doc: unknown) =>
    post(app, fx.normal, '/v2/notifications/email', {
      email_address: 'a@example.com',
      template_id: tid,
      personalisation: { doc },
    });
  const before = await storedCount();
  const cases: Array<[unknown, string]> = [
    [{ file: 'abc' }, 'Document is not base64 encoded'],
    [{ file: '!!!' }, 'Document must not be empty'],
    [{ file: '' }, 'Document must not be empty'],
    [{ file: b64(Buffer.alloc(2 * 1024 * 1024 + 1025, 'a')) }, 'Uploaded file exceeds file size limit'],
    [{ file: b64('x'), filename: `${'a'.repeat(97)}.txt` }, '`filename` cannot be longer than 100 characters'],
    [
      { file: b64('x'), filename: 'run.EXE' },
      `Unsupported file type '.exe'. Supported types are: ${ALLOWED_FILE_TYPES_TEXT}`,
    ],
    [
      { file: b64(Buffer.from([0, 1, 2, 3, 0xff, 0xfe])) },
      `Unsupported file type 'application/octet-stream'. Supported types are: ${ALLOWED_FILE_TYPES_TEXT}`,
    ],
    [
      { file: b64(Buffer.from([0, 1, 2, 3, 0xff, 0xfe])), filename: 'a.pdf' },
      `Unsupported file type 'application/octet-stream'. Supported types are: ${ALLOWED_FILE_TYPES_TEXT}`,
    ],
    [
      { file: b64(Buffer.from('PK\u0003\u0004not an office file', 'latin1')) },
      `Unsupported file type 'application/zip'. Supported types are: ${ALLOWED_FILE_TYPES_TEXT}`,
    ],
  ];
  for (const [doc, message] of cases) {
    const r = await send(doc);
    t.equal(r.status, 400, message.slice(0, 40));
    t.same(errors(r.body), [{ error: 'BadRequestError', message }]);
  }
  t.match(ALLOWED_FILE_TYPES_TEXT, /^'\.csv', '\.doc', '\.docx', '\.jpeg', '\.jpg', '\.json', '\.odt', '\.pdf'/);
  t.equal(await storedCount(), before, 'no notification');
  t.same(await objectsOf(fx.serviceId), [], 'no file');
});

t.test('files: stored with their type, confirm_email_before_download on by default, retention', async (t) => {
  const { fx, tid } = await serviceWithFileTemplate();
  const send = async (doc: unknown) => {
    const r = await post(app, fx.normal, '/v2/notifications/email', {
      email_address: 'Reader@Example.com',
      template_id: tid,
      personalisation: { doc },
    });
    t.equal(r.status, 201);
    const link = new URL((r.body.content.body as string).replace(/^Download: /, ''));
    return { id: r.body.id as string, url: `${link.pathname}?key=${link.searchParams.get('key')}` };
  };
  const guarded = await send({ file: b64(PDF), filename: 'letter.pdf' });
  const ask = await app.inject({ method: 'GET', url: guarded.url });
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /<form method="post">/, 'the address is asked for when not told otherwise');
  const got = await app.inject({
    method: 'POST',
    url: guarded.url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'email=reader%40example.com',
  });
  t.equal(got.statusCode, 200);
  t.match(got.headers['content-type'], /^application\/pdf/);
  const stored = await db.one(
    'select app_private.decrypt(_personalisation) as p from app_public.notifications where id = $1',
    [guarded.id],
  );
  t.match(JSON.stringify(stored), /\/d\//, 'the link is kept, not the file');
  t.notMatch(JSON.stringify(stored), /JVBER/, 'no base64 of the file');

  const csv = await send({ file: b64('a,b\n1,2\n'), is_csv: true, confirm_email_before_download: false });
  const open = await app.inject({ method: 'GET', url: csv.url });
  t.equal(open.statusCode, 200);
  t.match(open.headers['content-type'], /^text\/csv/, 'text read as CSV when is_csv says so');
  const json = await send({ file: b64('{"a": 1}'), confirm_email_before_download: false, retention_period: '1 week' });
  const jsonGet = await app.inject({ method: 'GET', url: json.url });
  t.match(jsonGet.headers['content-type'], /^application\/json/);
  const keys = await objectsOf(fx.serviceId);
  t.equal(keys.length, 3);
});

t.test('files: simulated recipients get the test link and nothing is stored', async (t) => {
  const { fx, tid } = await serviceWithFileTemplate();
  const r = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'simulate-delivered@notifications.service.gov.uk',
    template_id: tid,
    personalisation: { doc: { file: '!!!' } },
  });
  t.equal(r.status, 201);
  t.equal(
    r.body.content.body,
    `Download: https://documents.notifications.service.gov.uk/services/${fx.serviceId}/documents/test-document`,
  );
  t.same(await objectsOf(fx.serviceId), []);
});

t.test('files: a notification refused by its daily limit leaves no file behind', async (t) => {
  const { fx, tid } = await serviceWithFileTemplate();
  await db.query('update app_public.services set email_message_limit = 0 where id = $1', [fx.serviceId]);
  const r = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: tid,
    personalisation: { doc: { file: b64('hello'), filename: 'a.txt' } },
  });
  t.equal(r.status, 429);
  t.same(errors(r.body), [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (email: 0) for today' }]);
  t.same(await objectsOf(fx.serviceId), []);
});

t.test('sanitise_content_for: null allowed; only changed values listed', async (t) => {
  const fx: ServiceWithKeys = await createServiceWithKeys(db, { permissions: ['email'] });
  const nul = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: fx.email,
    personalisation: { name: 'Jo', ref: 'https://evil.com/x' },
    sanitise_content_for: null,
  });
  t.equal(nul.status, 201);
  t.same(nul.body.sanitised_content, {});
  t.match(nul.body.content.body, /https:\/\/evil\.com\/x/);
  const r = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: fx.email,
    personalisation: { Name: 'Jo', ref: 'Click https://evil.com/x or evil.com' },
    sanitise_content_for: ['NAME', 'ref'],
  });
  t.equal(r.status, 201);
  t.same(r.body.sanitised_content, {
    ref: { unsanitised: 'Click https://evil.com/x or evil.com', sanitised: 'Click  or evil\\. com' },
  });
  t.equal(r.body.content.body, 'Dear Jo,\r\n\r\nYour reference is Click  or evil\\. com.');
  const row = await db.one(
    'select app_private.decrypt(_personalisation) as p from app_public.notifications where id = $1',
    [r.body.id],
  );
  t.equal(JSON.parse(row.p).ref, 'Click  or evil\\. com', 'the sanitised value is what is stored');
});

t.test('bad text input: 400 in Notify shape, never 500, nothing stored', async (t) => {
  const fx = await createServiceWithKeys(db, { permissions: ['email', 'sms'] });
  const raw = (payload: string | Buffer) =>
    app.inject({
      method: 'POST',
      url: '/v2/notifications/email',
      headers: { authorization: fx.normal.auth(), 'content-type': 'application/json' },
      payload,
    });
  const before = await storedCount();
  const body = (personalisation: unknown) =>
    JSON.stringify({ email_address: 'a@example.com', template_id: fx.email, personalisation });
  const cases: Array<[string | Buffer, number, string, string]> = [
    [body({ name: 'Jo\u0000', ref: 'x' }), 400, 'ValidationError', 'personalisation must not contain NUL characters'],
    [body({ 'na\u0000me': 'Jo', ref: 'x' }), 400, 'ValidationError', 'personalisation must not contain NUL characters'],
    [
      body({ name: ['a', { b: 'c\u0000' }], ref: 'x' }),
      400,
      'ValidationError',
      'personalisation must not contain NUL characters',
    ],
    [
      JSON.stringify({ email_address: 'a@example.com', template_id: fx.email, 'x\u0000': 1 }),
      400,
      'ValidationError',
      'Request body must not contain NUL characters',
    ],
    [
      Buffer.concat([
        Buffer.from('{"email_address": "a@example.com", "reference": "'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
      400,
      'BadRequestError',
      'Invalid JSON supplied in POST data',
    ],
    [Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), 400, 'BadRequestError', 'Invalid JSON supplied in POST data'],
    [
      `{"personalisation": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      400,
      'BadRequestError',
      'Invalid JSON supplied in POST data',
    ],
    ['{"email_address": ', 400, 'BadRequestError', 'Invalid JSON supplied in POST data'],
    ['', 400, 'BadRequestError', 'Invalid JSON supplied in POST data'],
  ];
  for (const [payload, status, error, message] of cases) {
    const r = await raw(payload);
    t.equal(r.statusCode, status, message);
    t.same(r.json(), { status_code: status, errors: [{ error, message }] });
  }
  const huge = await raw(body({ name: 'x'.repeat(3_000_000), ref: 'y' }));
  t.equal(huge.statusCode, 400, 'a huge value: too long, not a crash');
  t.match(huge.json().errors[0].message, /^Your message is too long/);
  const sms = await app.inject({
    method: 'POST',
    url: '/v2/notifications/sms',
    headers: { authorization: fx.normal.auth(), 'content-type': 'application/json' },
    payload: JSON.stringify({ phone_number: '07700900123', template_id: fx.sms, reference: 'a\u0000' }),
  });
  t.same(sms.json(), {
    status_code: 400,
    errors: [{ error: 'ValidationError', message: 'reference must not contain NUL characters' }],
  });
  t.equal(await storedCount(), before, 'nothing stored');
});

t.test('scheduled_for: Notify messages for bad, past and too-far times', async (t) => {
  const fx = await createServiceWithKeys(db, { permissions: ['email'] });
  const at = (scheduled_for: unknown) =>
    post(app, fx.normal, '/v2/notifications/email', {
      email_address: 'a@example.com',
      template_id: fx.email,
      personalisation: { name: 'Jo', ref: 'x' },
      scheduled_for,
    });
  const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
  const cases: Array<[unknown, string]> = [
    [
      'next tuesday',
      'scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, ' +
        'https://en.wikipedia.org/wiki/ISO_8601',
    ],
    [iso(-3600_000), 'scheduled_for datetime can not be in the past'],
    [iso(25 * 3600_000), 'scheduled_for datetime can only be 24 hours in the future'],
    [42, 'scheduled_for 42 is not of type string, null'],
  ];
  for (const [value, message] of cases) {
    const r = await at(value);
    t.equal(r.status, 400);
    t.same(errors(r.body), [{ error: 'ValidationError', message }]);
  }
  const soon = iso(3600_000).replace('Z', '');
  const ok = await at(soon);
  t.equal(ok.status, 201, 'no zone: UTC');
  t.equal(ok.body.scheduled_for, soon);
  t.equal((await at(null)).status, 201);
});
