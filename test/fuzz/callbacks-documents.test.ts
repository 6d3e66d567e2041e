// Property-based fuzzing of the routes that are not the v2 API: provider callbacks (delivery
// receipts, SES events, inbound texts) and the download page of files sent by email. Whatever comes
// in: never a 5xx (the database is up: a 503 would make a provider retry junk for ever), the
// route's own error shape, and nothing stored when it is refused.
// FUZZ_RUNS=5000 npm test -- test/fuzz/callbacks-documents.test.ts for a longer run.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { createNotifications, createServiceWithKeys } from '../helpers/factories.ts';
import { anyJson, around, check, contentType, enc, field, headerValue, queryString, text } from './fuzz.ts';

const cfg = testConfig();
const { endpoint } = await startTestS3(t, cfg, 'fuzz-callbacks');
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: endpoint } });
const fx = await createServiceWithKeys(db);
const target = { db, serviceId: fx.serviceId, smsTemplateId: fx.sms, emailTemplateId: fx.email };
const ids = [
  ...(await createNotifications(target, 'sms', [{ to: '07700900001' }, { to: '07700900002' }], { enqueue: false })),
  ...(await createNotifications(target, 'email', [{ to: 'a@example.com' }], { enqueue: false })),
];
await db.query(
  `update app_public.notifications set notification_status = 'sending', sent_at = now(),
                  reference = 'ses-' || id where id = any($1::uuid[])`,
  [ids],
);
await db.query(`select app_public.add_inbound_number(number => '07700900500', service_id => $1)`, [fx.serviceId]);
// The callback token as the tests configure it (none unless the configuration sets one).
const auth: Record<string, string> = cfg.PROVIDER_CALLBACK_TOKEN
  ? { authorization: `Bearer ${cfg.PROVIDER_CALLBACK_TOKEN}` }
  : {};

/** What a refusal must leave as it was: every notification's status and the texts received. */
const state = async () =>
  (
    await db.one<{ s: string }>(
      `select (select coalesce(string_agg(id || notification_status, ',' order by id), '')
               from app_public.notifications) || '|' || (select count(*) from app_public.inbound_sms) || '|' ||
              (select count(*) from app_public.complaints) as s`,
    )
  ).s;

const seen = new Map<number, number>();
function reached(t: Test, ...statuses: number[]) {
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
  for (const s of statuses) t.ok(seen.get(s), `some requests answered ${s}`);
  seen.clear();
}

/** A body as sent in the route's format: JSON, a form, or raw text. */
function encoded(body: unknown): fc.Arbitrary<{ type: string; payload: string }> {
  const form =
    body && typeof body === 'object' && !Array.isArray(body)
      ? new URLSearchParams(
          Object.entries(body).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : String(JSON.stringify(v)),
          ]),
        ).toString()
      : String(body);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ type: 'application/json', payload: JSON.stringify(body) }) },
    { weight: 2, arbitrary: fc.constant({ type: 'application/x-www-form-urlencoded', payload: form }) },
    { weight: 1, arbitrary: fc.constant({ type: 'text/plain', payload: JSON.stringify(body) }) },
    { weight: 1, arbitrary: fc.tuple(contentType, text).map(([type, payload]) => ({ type, payload })) },
  );
}

async function fuzzRoute(t: Test, url: string, body: fc.Arbitrary<unknown>, ok: number[] = [200]) {
  seen.clear();
  await check(
    fc.asyncProperty(
      body.chain(encoded),
      fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), headerValue, { maxKeys: 2 }),
      async ({ type, payload }, extra) => {
        const before = await state();
        const res = await app.inject({
          method: 'POST',
          url,
          headers: { ...extra, ...auth, 'content-type': type },
          payload,
        });
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const what = `POST ${url} (${type}) ${payload.slice(0, 300)}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(what);
        if (res.statusCode >= 400) {
          const b = res.json() as { result?: unknown; message?: unknown; status_code?: unknown; errors?: unknown };
          const ours = b.result === 'error' && typeof b.message === 'string';
          const notify = b.status_code === res.statusCode && Array.isArray(b.errors);
          if (!ours && !notify) throw new Error(`not an error shape: ${what}`);
          if ((await state()) !== before) throw new Error(`refused but stored: ${what}`);
        }
      },
    ),
  );
  reached(t, ...ok, 400);
}

const ref = field(...ids, ids[0].toUpperCase(), '00000000-0000-4000-8000-000000000000');
const when = field(new Date().toISOString(), '2017-05-21 11:56:11', '2017-05-21+11%3A56%3A11', '+275760-09-13', '');

t.test('delivery receipts: MMG, Firetext, Reach, the simulated providers', async (t) => {
  await fuzzRoute(
    t,
    '/notifications/sms/mmg',
    around(
      { CID: ids[0], MSISDN: '447700900001', status: '3', substatus: '1', deliverytime: new Date().toISOString() },
      {
        CID: ref,
        MSISDN: anyJson,
        status: field('3', '4', '5', 3, '2'),
        substatus: field('1', '5'),
        deliverytime: when,
      },
    ),
  );
  await fuzzRoute(
    t,
    '/notifications/sms/firetext',
    around(
      { reference: ids[1], mobile: '447700900002', status: '0', code: '000', time: '2026-01-01 10:00:00' },
      { reference: ref, mobile: anyJson, status: field('0', '1', '2'), code: field('101', '102', '999'), time: when },
    ),
  );
  await fuzzRoute(
    t,
    '/notifications/sms/reach',
    around(
      { reference: ids[0], status: 'delivered' },
      { reference: ref, status: field('expired', 'undeliverable', 'x') },
    ),
  );
  const receipt = around(
    { reference: ids[0], status: 'delivered', by_id: true, sent_at: new Date().toISOString() },
    {
      reference: fc.oneof(ref, fc.constant(`ses-${ids[2]}`)),
      status: field('temporary-failure', 'permanent-failure', 'sending', 'x'),
      by_id: field(true, false, 'true'),
      sent_at: when,
    },
  );
  await fuzzRoute(
    t,
    '/notifications/sms/stub',
    around(
      { receipts: [{ reference: ids[1], status: 'delivered', by_id: true }] },
      {
        receipts: fc.oneof(fc.array(receipt, { maxLength: 4 }), anyJson),
      },
    ),
  );
  await fuzzRoute(
    t,
    '/notifications/email/stub',
    around(
      { receipts: [{ reference: `ses-${ids[2]}`, status: 'delivered', by_id: false }] },
      {
        receipts: fc.oneof(fc.array(receipt, { maxLength: 4 }), anyJson),
      },
    ),
  );
});

t.test('SES events through SNS', async (t) => {
  const mail = (type: string, extra: Record<string, unknown>) => ({
    Type: 'Notification',
    Message: JSON.stringify({
      notificationType: type,
      mail: { messageId: `ses-${ids[2]}`, timestamp: new Date().toISOString() },
      ...extra,
    }),
  });
  const message = fc
    .tuple(
      field('Delivery', 'Bounce', 'Complaint', 'Open'),
      field(`ses-${ids[2]}`, 'unknown'),
      fc.record(
        {
          bounce: fc.record({ bounceType: field('Permanent', 'Transient', 'Undetermined'), bounceSubType: anyJson }),
          complaint: fc.record(
            { complaintFeedbackType: field('abuse'), feedbackId: anyJson, timestamp: when },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([type, id, extra]) => ({ notificationType: type, mail: { messageId: id }, ...extra }));
  await fuzzRoute(
    t,
    '/notifications/email/ses',
    around(mail('Delivery', {}), {
      Type: field('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'),
      Message: fc.oneof(
        message.map((m) => JSON.stringify(m)),
        anyJson,
      ),
      SubscribeURL: field('http://127.0.0.1:1/confirm', 'https://sns.eu-west-1.amazonaws.com/confirm'),
    }),
  );
});

t.test('inbound texts: MMG, Firetext, the simulated provider', async (t) => {
  const content = field('Hello', 'Caf%C3%A9+time', '%', '%E0%A4%A', '\u0000', 'x'.repeat(2000));
  await fuzzRoute(
    t,
    '/notifications/sms/receive/mmg',
    around(
      {
        Number: '07700900500',
        MSISDN: '447700900123',
        Message: 'Hello',
        ID: 'mmg-1',
        DateRecieved: '2017-05-21+11%3A56%3A11',
      },
      { Number: field('447700900500', '0'), MSISDN: anyJson, Message: content, ID: anyJson, DateRecieved: when },
    ),
  );
  await fuzzRoute(
    t,
    '/notifications/sms/receive/firetext',
    around(
      { destination: '07700900500', source: '447700900123', message: 'Hello', time: '2026-01-01 10:00:00' },
      { destination: field('447700900500', '0'), source: anyJson, message: content, time: when },
    ),
  );
  await fuzzRoute(
    t,
    '/notifications/sms/receive/stub',
    around(
      { to: '07700900500', from: '07700900123', content: 'Hello', reference: 'r', date: new Date().toISOString() },
      { to: field('447700900500', '0'), from: anyJson, content, reference: anyJson, date: when },
    ),
  );
});

t.test('the download page of a file sent by email: random ids, keys, forms', async (t) => {
  const id = fc.oneof(fc.uuid(), fc.constant(fx.serviceId), text);
  await check(
    fc.asyncProperty(
      id,
      id,
      queryString(['key'], ['abc', 'a'.repeat(100)]),
      fc.constantFrom('GET' as const, 'POST' as const),
      fc.oneof(
        fc
          .record({ email: field('a@example.com', '') })
          .map((b) => new URLSearchParams(b as Record<string, string>).toString()),
        text,
      ),
      contentType,
      async (serviceId, documentId, query, method, payload, type) => {
        const before = await state();
        const res = await app.inject({
          method,
          url: `/d/${enc(serviceId)}/${enc(documentId)}?${query}`,
          headers: method === 'POST' ? { 'content-type': type } : {},
          payload: method === 'POST' ? payload : undefined,
        });
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const what = `${method} /d/${serviceId}/${documentId}?${query}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (res.statusCode >= 500) throw new Error(what);
        const type_ = String(res.headers['content-type'] ?? '');
        if (res.statusCode >= 400 && !type_.includes('text/html') && !type_.includes('json')) throw new Error(what);
        if ((await state()) !== before) throw new Error(`stored: ${what}`);
      },
    ),
  );
  reached(t, 404);
});

t.test('found by the fuzz: bad text and bad escapes are a 400 (or kept), never a 500 or 503', async (t) => {
  const post = (url: string, body: string, type = 'application/json') =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': type }, payload: body });
  const before = await state();
  const nul = await post('/notifications/sms/reach', `{"reference": "${ids[0]}\\u0000", "status": "delivered"}`);
  t.same(
    [nul.statusCode, nul.json()],
    [400, { result: 'error', message: 'reference must not contain NUL characters' }],
  );
  const surrogate = await post(
    '/notifications/sms/stub',
    `{"receipts": [{"reference": "\\ud800", "status": "delivered"}]}`,
  );
  t.same(surrogate.json(), { result: 'error', message: 'receipts must not contain unpaired surrogate characters' });
  const form = await post(
    '/notifications/sms/firetext',
    'reference=a%00b&status=0',
    'application/x-www-form-urlencoded',
  );
  t.equal(form.statusCode, 400, 'a NUL from a form too');
  const decodedNul = await post(
    '/notifications/sms/receive/mmg',
    JSON.stringify({ Number: '07700900500', MSISDN: '447700900123', Message: 'a%00b', ID: 'x' }),
  );
  t.same(decodedNul.json(), { result: 'error', message: 'content must not contain NUL characters' });
  const sesNul = await post(
    '/notifications/email/ses',
    JSON.stringify({
      Type: 'Notification',
      Message: JSON.stringify({ notificationType: 'Delivery', mail: { messageId: 'a\u0000' } }),
    }),
  );
  t.same(sesNul.json(), { result: 'error', message: 'SNS Message: mail must not contain NUL characters' });
  for (const message of ['null', '[]', '"text"', '1'])
    t.same(
      (
        await post(
          '/notifications/email/ses',
          `Type=Notification&Message=${message}`,
          'application/x-www-form-urlencoded',
        )
      ).json(),
      { result: 'error', message: 'SNS Message is not a JSON object' },
      `Message ${message} (was a 500)`,
    );
  t.equal(await state(), before, 'nothing stored');

  // A complaint whose timestamp Postgres cannot read is dated when it arrives (it was a 503).
  const complaint = await post(
    '/notifications/email/ses',
    JSON.stringify({
      Type: 'Notification',
      Message: JSON.stringify({
        notificationType: 'Complaint',
        mail: { messageId: `ses-${ids[2]}` },
        complaint: { complaintFeedbackType: 'abuse', feedbackId: 'regression-1', timestamp: '\u{10882d}2026' },
      }),
    }),
  );
  t.equal(complaint.statusCode, 200);
  const dated = await db.one<{ complaint_date: Date }>(
    `select complaint_date from app_public.complaints where ses_feedback_id = 'regression-1'`,
  );
  t.ok(Math.abs(dated.complaint_date.getTime() - Date.now()) < 60_000, 'dated now');

  // A '%' that starts no escape is kept, as Python's unquote keeps it (Notify's reading of MMG's fields).
  const percent = await post(
    '/notifications/sms/receive/mmg',
    JSON.stringify({ Number: '07700900500', MSISDN: '447700900123', Message: '100%+sure%2C+caf%C3%A9%E0%A4', ID: 'y' }),
  );
  t.equal(percent.statusCode, 200);
  const stored = await db.one<{ content: string }>(
    `select app_hidden.inbound_sms_content(id) as content from app_public.inbound_sms where provider_reference = 'y'`,
  );
  t.equal(stored.content, '100% sure, café\ufffd');
});
