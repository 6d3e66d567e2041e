import t from 'tap';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/db.ts';
import { ADDRESS, createServiceWithKeys, PDF } from '../../helpers/factories.ts';
import { get, post } from '../../helpers/v2-requests.ts';
import { startTestS3 } from '../../helpers/s3.ts';
import { letterPdfKey } from '../../../src/routes/v2/state.ts';
import { sha256, toS3Metadata } from '../../../src/documents/documents.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'v2');
const port = new URL(s3Endpoint).port;
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: s3Endpoint, S3_LOCAL_PORT: port } });
const fx = await createServiceWithKeys(db, {
  permissions: ['sms', 'email', 'letter', 'international_sms', 'international_letters'],
});
// Files by email need the service's contact details (Notify's send-files-by-email setting).
await db.query(`update app_public.services set contact_link = 'https://example.gov.uk/help' where id = $1`, [
  fx.serviceId,
]);
const errors = (body: { errors: Array<{ error: string; message: string }> }) => body.errors;

t.test('email: 201 body, reply-to, unsubscribe link, sanitised content', async (t) => {
  const reply = await db.one(`select id from app_public.add_email_reply_to($1, 'reply@example.gov.uk')`, [
    fx.serviceId,
  ]);
  const emailFrom = (await db.one('select email_from from app_public.services where id = $1', [fx.serviceId]))
    .email_from;
  const r = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'someone@example.com',
    template_id: fx.email,
    personalisation: { name: 'Jo', ref: 'www.evil.com' },
    email_reply_to_id: reply.id,
    one_click_unsubscribe_url: 'https://example.com/unsubscribe',
    sanitise_content_for: ['ref'],
    reference: 'e1',
  });
  t.equal(r.status, 201);
  t.same(Object.keys(r.body), ['id', 'reference', 'content', 'uri', 'template', 'scheduled_for', 'sanitised_content']);
  t.same(r.body.content, {
    from_email: `${emailFrom}@notifications.service.gov.uk`,
    body: 'Dear Jo,\r\n\r\nYour reference is www\\. evil\\. com.',
    subject: 'Hello Jo',
    one_click_unsubscribe_url: 'https://example.com/unsubscribe',
  });
  t.same(r.body.sanitised_content, { ref: { unsanitised: 'www.evil.com', sanitised: 'www\\. evil\\. com' } });
  const row = await db.one(
    'select reply_to_text, one_click_unsubscribe_url, normalised_to from app_public.notifications where id = $1',
    [r.body.id],
  );
  t.same(row, {
    reply_to_text: 'reply@example.gov.uk',
    one_click_unsubscribe_url: 'https://example.com/unsubscribe',
    normalised_to: 'someone@example.com',
  });
  const plain = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: fx.email,
    personalisation: { name: 'x', ref: 'y' },
  });
  t.same(plain.body.sanitised_content, {});
  t.equal(plain.body.content.one_click_unsubscribe_url, null);
});

t.test('email errors', async (t) => {
  const bad = '11111111-1111-4111-8111-111111111111';
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [
      { email_address: 'not-an-email', template_id: fx.email },
      'ValidationError',
      'email_address Not a valid email address',
    ],
    [
      { email_address: 'a@b.com', template_id: fx.email, one_click_unsubscribe_url: 'http://x.com' },
      'ValidationError',
      'one_click_unsubscribe_url is not a valid https url',
    ],
    [
      {
        email_address: 'a@b.com',
        template_id: fx.email,
        personalisation: { name: 'x', ref: 'y' },
        email_reply_to_id: bad,
      },
      'BadRequestError',
      `email_reply_to_id ${bad} does not exist in database for service id ${fx.serviceId}`,
    ],
    [
      { email_address: 'a@b.com', template_id: fx.email, personalisation: { name: 'x' } },
      'BadRequestError',
      'Missing personalisation: ref',
    ],
    [
      { email_address: 'a@b.com', template_id: fx.sms },
      'BadRequestError',
      'sms template is not suitable for email notification',
    ],
  ];
  for (const [body, error, message] of cases) {
    const r = await post(app, fx.normal, '/v2/notifications/email', body);
    t.same(errors(r.body), [{ error, message }], message);
  }
  const noEmail = await createServiceWithKeys(db, { permissions: ['sms'] });
  const r = await post(app, noEmail.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: noEmail.email,
    personalisation: { name: 'x', ref: 'y' },
  });
  t.same(errors(r.body), [{ error: 'BadRequestError', message: 'Service is not allowed to send emails' }]);
  const before = (await db.one('select count(*)::int as n from app_public.notifications')).n;
  const sim = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'simulate-delivered-2@notifications.service.gov.uk',
    template_id: fx.email,
    personalisation: { name: 'x', ref: 'y' },
  });
  t.equal(sim.status, 201);
  t.equal((await db.one('select count(*)::int as n from app_public.notifications')).n, before, 'simulated: not stored');
});

t.test('email file attachment becomes a link and is stored in the documents bucket', async (t) => {
  const tid = (
    await db.one(`select id from app_public.create_template($1, 'email', 'f', 'Download: ((doc))', 'File')`, [
      fx.serviceId,
    ])
  ).id;
  const r = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: tid,
    personalisation: {
      doc: {
        file: Buffer.from('hello').toString('base64'),
        filename: 'a.txt',
        confirm_email_before_download: true,
        retention_period: '4 weeks',
      },
    },
  });
  t.equal(r.status, 201);
  t.match(r.body.content.body, /^Download: https:\/\/documents\.notifications\.service\.gov\.uk\/d\/.+\?key=/);
  const bad = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: tid,
    personalisation: { doc: { file: 'abc' } },
  });
  t.same(errors(bad.body), [{ error: 'BadRequestError', message: 'Document is not base64 encoded' }]);
});

t.test('file attachment links download the file: key, confirmed address, retention', async (t) => {
  const tid = (
    await db.one(`select id from app_public.create_template($1, 'email', 'dl', 'Download: ((doc))', 'File')`, [
      fx.serviceId,
    ])
  ).id;
  const send = async (doc: Record<string, unknown>) => {
    const r = await post(app, fx.normal, '/v2/notifications/email', {
      email_address: 'Reader@Example.com',
      template_id: tid,
      personalisation: { doc },
    });
    t.equal(r.status, 201);
    const link = new URL((r.body.content.body as string).replace(/^Download: /, ''));
    return { path: link.pathname, key: link.searchParams.get('key')! };
  };
  const csv = 'name,amount\nJo,12\n';
  const open = await send({
    file: Buffer.from(csv).toString('base64'),
    filename: 'report 1.csv',
    confirm_email_before_download: false,
  });
  const ok = await app.inject({ method: 'GET', url: `${open.path}?key=${open.key}` });
  t.equal(ok.statusCode, 200);
  t.equal(ok.body, csv, 'the bytes that were sent');
  t.match(ok.headers['content-type'], /^text\/csv/);
  t.match(ok.headers['content-disposition'], /^attachment; filename="report 1.csv"/);

  for (const url of [
    `${open.path}?key=${open.key}x`,
    `${open.path}`,
    `${open.path.replace(/[0-9a-f]{12}$/, '000000000000')}?key=${open.key}`,
    `/d/not-a-uuid/x?key=${open.key}`,
  ]) {
    const r = await app.inject({ method: 'GET', url });
    t.equal(r.statusCode, 404, `not found: ${url.slice(0, 60)}`);
    t.match(r.body, /File not found/);
  }

  const guarded = await send({
    file: Buffer.from('secret').toString('base64'),
    filename: 'a.txt',
    confirm_email_before_download: true,
  });
  const url = `${guarded.path}?key=${guarded.key}`;
  const ask = await app.inject({ method: 'GET', url });
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /<form method="post">/, 'asks for the address first');
  t.notMatch(ask.body, /secret/);
  const form = (email: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email }).toString(),
    });
  const wrong = await form('someone@example.com');
  t.equal(wrong.statusCode, 403);
  t.match(wrong.body, /not the email address the file was sent to/);
  const right = await form('  reader@example.COM ');
  t.equal(right.statusCode, 200, 'the address it was sent to, any case');
  t.equal(right.body, 'secret');

  // Past its retention period (an object stored with an expiry in the past): gone.
  const expiredId = '11111111-2222-4333-8444-555555555555';
  await s3.send(
    new PutObjectCommand({
      Bucket: cfg.DOCUMENT_DOWNLOAD_BUCKET,
      Key: `${fx.serviceId}/${expiredId}`,
      Body: 'old',
      Metadata: toS3Metadata({
        filename: 'old.txt',
        keyHash: sha256('k'),
        emailHash: null,
        expiresAt: new Date(Date.now() - 1000),
      }),
    }),
  );
  t.equal(
    (await app.inject({ method: 'GET', url: `/d/${fx.serviceId}/${expiredId}?key=k` })).statusCode,
    404,
    'expired',
  );
  t.equal((await app.inject({ method: 'GET', url: `/d/${fx.serviceId}/${expiredId}?key=wrong` })).statusCode, 404);
});

t.test('template letters', async (t) => {
  const r = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'Jo' },
    reference: 'l1',
  });
  t.equal(r.status, 201);
  t.same(r.body, {
    id: r.body.id,
    reference: 'l1',
    content: { body: 'Dear Jo', subject: 'Your letter' },
    uri: `http://localhost:6011/v2/notifications/${r.body.id}`,
    template: {
      id: fx.letter,
      version: 1,
      uri: `http://localhost:6011/services/${fx.serviceId}/templates/${fx.letter}`,
    },
    scheduled_for: null,
  });
  const row = await db.one(
    'select "to", postage, notification_status, international from app_public.notifications where id = $1',
    [r.body.id],
  );
  t.same(row, {
    to: 'Ms A Person\n1 High Street\nSW1A 1AA',
    postage: 'second',
    notification_status: 'created',
    international: false,
  });
  const intl = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { address_line_1: 'A', address_line_2: '1 Rue', address_line_3: 'France', name: 'x' },
  });
  t.equal(intl.status, 201);
  t.equal(
    (await db.one('select postage from app_public.notifications where id = $1', [intl.body.id])).postage,
    'europe',
  );

  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ template_id: fx.letter }, 'ValidationError', 'personalisation is a required property'],
    [
      { template_id: fx.letter, personalisation: { address_line_1: 'a', name: 'x' } },
      'ValidationError',
      'Address must be at least 3 lines',
    ],
    [
      { template_id: fx.letter, personalisation: { address_line_1: 'a', address_line_2: 'b', name: 'x' } },
      'ValidationError',
      'Address must be at least 3 lines',
    ],
    [
      {
        template_id: fx.letter,
        personalisation: { address_line_1: 'a', address_line_2: 'b', address_line_3: 'c', name: 'x' },
      },
      'ValidationError',
      'Last line of address must be a real UK postcode or another country',
    ],
    [
      {
        template_id: fx.letter,
        personalisation: {
          address_line_1: 'a',
          address_line_2: 'b',
          address_line_3: 'c',
          address_line_4: 'd',
          address_line_5: 'e',
          address_line_6: 'f',
          address_line_7: 'g',
          postcode: 'SW1A 1AA',
          name: 'x',
        },
      },
      'ValidationError',
      // With an address_line_7 key Notify does not read `postcode`: 'g' is the last line.
      'Last line of address must be a real UK postcode or another country',
    ],
    [
      {
        template_id: fx.letter,
        personalisation: { address_line_1: '..', address_line_2: 'b', address_line_3: 'SW1A 1AA', name: 'x' },
      },
      'ValidationError',
      'The first 2 lines of the address must both include at least one alphanumeric character',
    ],
    [
      {
        template_id: fx.letter,
        personalisation: {
          address_line_1: 'A',
          address_line_2: 'No fixed abode',
          address_line_3: 'SW1A 1AA',
          name: 'x',
        },
      },
      'ValidationError',
      'Must be a real address',
    ],
    [{ template_id: fx.letter, personalisation: { ...ADDRESS } }, 'BadRequestError', 'Missing personalisation: name'],
  ];
  for (const [body, error, message] of cases) {
    const res = await post(app, fx.normal, '/v2/notifications/letter', body);
    t.same(errors(res.body), [{ error, message }], message);
  }
  const ukOnly = await createServiceWithKeys(db, { permissions: ['letter'] });
  const res = await post(app, ukOnly.normal, '/v2/notifications/letter', {
    template_id: ukOnly.letter,
    personalisation: { address_line_1: 'a', address_line_2: 'b', address_line_3: 'France', name: 'x' },
  });
  t.same(errors(res.body), [{ error: 'ValidationError', message: 'Must be a real UK postcode' }]);
  const noLetters = await createServiceWithKeys(db, { permissions: ['sms'] });
  const nl = await post(app, noLetters.normal, '/v2/notifications/letter', {
    template_id: noLetters.letter,
    personalisation: { ...ADDRESS, name: 'x' },
  });
  t.same(errors(nl.body), [{ error: 'BadRequestError', message: 'Service is not allowed to send letters' }]);
  const team = await post(app, fx.team, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'x' },
  });
  t.same(team.body, {
    status_code: 403,
    errors: [{ error: 'BadRequestError', message: 'Cannot send letters with a team api key' }],
  });
  const trial = await createServiceWithKeys(db, { restricted: true });
  const tr = await post(app, trial.normal, '/v2/notifications/letter', {
    template_id: trial.letter,
    personalisation: { ...ADDRESS, name: 'x' },
  });
  t.same(tr.body, {
    status_code: 403,
    errors: [{ error: 'BadRequestError', message: 'Cannot send letters when service is in trial mode' }],
  });
});

t.test('precompiled letters and the PDF endpoint', async (t) => {
  const content = PDF.toString('base64');
  const r = await post(app, fx.normal, '/v2/notifications/letter', { reference: 'my-pdf', content });
  t.equal(r.status, 201);
  t.same(r.body, { id: r.body.id, reference: 'my-pdf', postage: 'second' });
  const row = await db.one(
    `select n.notification_status, n.billable_units, n.reference, n.postage, n.created_at, t.hidden, t.name
     from app_public.notifications n join app_public.templates t on t.id = n.template_id where n.id = $1`,
    [r.body.id],
  );
  t.match(row, {
    notification_status: 'pending-virus-check',
    billable_units: 1,
    postage: 'second',
    hidden: true,
    name: 'Pre-compiled PDF',
  });
  const pending = await get(app, fx.normal, `/v2/notifications/${r.body.id}/pdf`);
  t.same(pending.body, {
    status_code: 400,
    errors: [{ error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' }],
  });
  // The scan passes: the PDF moves to the letters bucket and the letter is created.
  await db.query(`update app_public.notifications set notification_status = 'created' where id = $1`, [r.body.id]);
  const notYet = await get(app, fx.normal, `/v2/notifications/${r.body.id}/pdf`);
  t.equal(notYet.body.errors[0].error, 'PDFNotReadyError', 'not in the bucket yet');
  await s3.send(
    new PutObjectCommand({
      Bucket: cfg.LETTERS_PDF_BUCKET,
      Key: await letterPdfKey(db.pool, { reference: row.reference, postage: row.postage, createdAt: row.created_at }),
      Body: PDF,
    }),
  );
  const served = await get(app, fx.normal, `/v2/notifications/${r.body.id}/pdf`);
  t.equal(served.status, 200);
  t.equal(served.headers['content-type'], 'application/pdf');
  t.same(served.raw, PDF);
  for (const [status, message] of [
    ['virus-scan-failed', 'File did not pass the virus scan'],
    ['technical-failure', 'PDF not available for letters in status technical-failure'],
  ]) {
    await db.query(`update app_public.notifications set notification_status = $2 where id = $1`, [r.body.id, status]);
    t.same((await get(app, fx.normal, `/v2/notifications/${r.body.id}/pdf`)).body, {
      status_code: 400,
      errors: [{ error: 'BadRequestError', message }],
    });
  }
  // validation-failed: the PDF as sent, from the scan bucket where a PDF that failed the checks stays (as Notify
  // serves it from its invalid-PDF bucket).
  await db.query(`update app_public.notifications set notification_status = 'validation-failed' where id = $1`, [
    r.body.id,
  ]);
  t.same((await get(app, fx.normal, `/v2/notifications/${r.body.id}/pdf`)).raw, PDF);
  const sms = await post(app, fx.normal, '/v2/notifications/sms', {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: { name: 'x' },
  });
  t.same((await get(app, fx.normal, `/v2/notifications/${sms.body.id}/pdf`)).body, {
    status_code: 400,
    errors: [{ error: 'BadRequestError', message: 'Notification is not a letter' }],
  });

  // Test keys: no virus scan, PDF served at once.
  const tr = await post(app, fx.test, '/v2/notifications/letter', { reference: 'test-pdf', content, postage: 'first' });
  t.same(tr.body, { id: tr.body.id, reference: 'test-pdf', postage: 'first' });
  const testPdf = await get(app, fx.test, `/v2/notifications/${tr.body.id}/pdf`);
  t.equal(testPdf.status, 200);
  t.same(testPdf.raw, PDF);

  const badPostage = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'x',
    content,
    postage: 'third',
  });
  t.same(errors(badPostage.body), [
    { error: 'ValidationError', message: 'postage invalid. It must be either first, second or economy.' },
  ]);
  const noRef = await post(app, fx.normal, '/v2/notifications/letter', { content });
  t.same(errors(noRef.body), [{ error: 'ValidationError', message: 'reference is a required property' }]);
  const notB64 = await post(app, fx.normal, '/v2/notifications/letter', { reference: 'x', content: 'not base64!' });
  t.same(errors(notB64.body), [
    { error: 'ValidationError', message: 'Cannot decode letter content (invalid base64 encoding)' },
  ]);
});
