// Property-based fuzzing of the v2 API: random bodies, query strings and headers for POST
// sms / email / letter / precompiled letter and GET notifications. Whatever comes in: never a 500,
// always Notify's error shape ({status_code, errors: [{error, message}]}) with the HTTP status,
// and nothing stored (rows, uploaded files) when the request is refused.
// FUZZ_RUNS=5000 npm test -- test/fuzz/v2.test.ts for a longer run (FUZZ_SEED for another seed).
import t, { type Test } from 'tap';
import fc from 'fast-check';
import crypto from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { ADDRESS, createServiceWithKeys, createTemplate, PDF } from '../helpers/factories.ts';
import { anyJson, around, check, contentType, enc, field, headerValue, queryString, RUNS, text } from './fuzz.ts';

const cfg = testConfig();
const { endpoint, s3 } = await startTestS3(t, cfg, 'fuzz-v2');
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: endpoint } });
const fx = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter', 'international_sms'] });
// Limits out of the way (each refusal is checked on its own elsewhere), contact details for files.
await db.query(
  `update app_public.services set rate_limit = 1000000, sms_message_limit = 1000000, email_message_limit = 1000000,
     letter_message_limit = 1000000, contact_link = 'https://example.gov.uk/contact' where id = $1`,
  [fx.serviceId],
);
const fileTemplate = await createTemplate(db, {
  serviceId: fx.serviceId,
  type: 'email',
  name: 'with a file',
  subject: 'Your file',
  content: 'Download it: ((link))',
});
const trial = await createServiceWithKeys(db, { restricted: true });

const rowCount = async () => (await db.one<{ n: number }>('select count(*)::int as n from app_public.notifications')).n;
const fileCount = async () => {
  let n = 0;
  for (const Bucket of [cfg.LETTERS_SCAN_BUCKET, cfg.LETTERS_PDF_BUCKET, cfg.DOCUMENT_DOWNLOAD_BUCKET])
    n += ((await s3.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).length;
  return n;
};

/** An HS256 token of any claims (jsonwebtoken refuses to sign claims of the wrong types). */
function signed(claims: unknown, secret: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${crypto.createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** A good key, one of another type or service, or a broken token. */
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(() => fx.normal.auth()) },
  fc.constantFrom(
    () => fx.team.auth(),
    () => fx.test.auth(),
    () => trial.normal.auth(),
    () => '',
    () => 'Bearer',
    () => 'Bearer ',
    () => `Basic ${Buffer.from('a:b').toString('base64')}`,
  ),
  fc
    .record({ iss: field(fx.serviceId, fx.normal.serviceId.toUpperCase()), iat: field(Math.floor(Date.now() / 1000)) })
    .map((claims) => () => `Bearer ${signed(claims, fx.normal.secret)}`),
  headerValue.map((v) => () => v),
);

const extraHeaders = fc.dictionary(
  fc
    .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
    .filter((h) => !['host', 'content-length', 'transfer-encoding'].includes(h)),
  headerValue,
  { maxKeys: 2 },
);

/** The body as sent: JSON of a value, or raw text. */
const payloadOf = (body: unknown) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(JSON.stringify(body)) },
    fc.constant(JSON.stringify(body).slice(0, -1)),
    text,
  );

/** Statuses answered in the current test: the fuzz must reach the success path, not only refusals. */
const seen = new Map<number, number>();
function reached(t: Test, ...statuses: number[]) {
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
  for (const s of statuses) t.ok(seen.get(s), `some requests answered ${s}`);
  seen.clear();
}

interface Sent {
  status: number;
  body: unknown;
  raw: string;
}

async function send(
  method: 'GET' | 'POST',
  url: string,
  auth: () => string,
  extra: Record<string, string>,
  type: string | null,
  payload?: string,
): Promise<Sent> {
  const headers: Record<string, string> = { ...extra, authorization: auth() };
  if (type !== null) headers['content-type'] = type;
  const res = await (app as FastifyInstance).inject({ method, url, headers, payload });
  let body: unknown = null;
  try {
    body = res.json();
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, raw: res.body.slice(0, 500) };
}

/** Throws unless the answer is a success or Notify's error shape, and never a 5xx. */
function assertAnswer(r: Sent, what: string): void {
  if (r.status >= 500) throw new Error(`${what}: ${r.status} ${r.raw}`);
  if (r.status < 400) return;
  const b = r.body as { status_code?: unknown; errors?: Array<{ error?: unknown; message?: unknown }> } | undefined;
  const ok =
    b &&
    b.status_code === r.status &&
    Array.isArray(b.errors) &&
    b.errors.length > 0 &&
    b.errors.every((e) => typeof e.error === 'string' && typeof e.message === 'string' && e.message.length > 0);
  if (!ok) throw new Error(`${what}: ${r.status} not in Notify's error shape: ${r.raw}`);
}

/** A POST: the answer's shape, and on a refusal no row and no file stored. */
async function postChecked(
  url: string,
  auth: () => string,
  extra: Record<string, string>,
  type: string,
  payload: string,
) {
  const [rows, files] = [await rowCount(), url.includes('letter') || url.includes('email') ? await fileCount() : 0];
  const r = await send('POST', url, auth, extra, type, payload);
  seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
  assertAnswer(r, `POST ${url} ${payload.slice(0, 300)}`);
  if (r.status >= 400) {
    if ((await rowCount()) !== rows) throw new Error(`POST ${url} refused (${r.status}) but a row was stored`);
    if ((url.includes('letter') || url.includes('email')) && (await fileCount()) !== files)
      throw new Error(`POST ${url} refused (${r.status}) but a file was uploaded: ${r.raw}`);
  }
  return r;
}

const junkPersonalisation = fc.oneof(fc.dictionary(text, anyJson, { maxKeys: 4 }), anyJson);
const junkTemplate = field(fx.sms, fx.email, fx.letter, '00000000-0000-4000-8000-000000000000');

/** The answered statuses must include a success and a refusal: the fuzz reaches both paths. */
async function fuzzPost(t: Test, url: string, body: fc.Arbitrary<unknown>, runs = RUNS) {
  await check(
    fc.asyncProperty(
      body.chain((b) => fc.tuple(payloadOf(b), authorization, extraHeaders, contentType)),
      async ([payload, auth, extra, type]) => {
        await postChecked(url, auth, extra, type, payload);
      },
    ),
    runs,
  );
  reached(t, 201, 400);
}

t.test('POST /v2/notifications/sms: never a 500, Notify errors, nothing stored on refusal', async (t) => {
  await fuzzPost(
    t,
    '/v2/notifications/sms',
    around(
      { phone_number: '07700900123', template_id: fx.sms, personalisation: { name: 'Ffion' }, reference: 'r' },
      {
        phone_number: field('+447700900456', '+1 202 555 0100', '07700 900000', '123', '+44 7700 900 111 '),
        template_id: junkTemplate,
        personalisation: junkPersonalisation,
        reference: anyJson,
        scheduled_for: field(new Date(Date.now() + 3600_000).toISOString(), '2020-01-01 10:00', '2099-01-01T00:00'),
        sms_sender_id: field('00000000-0000-4000-8000-000000000001'),
      },
    ),
  );
});

t.test('POST /v2/notifications/email (files included)', async (t) => {
  const file = around(
    { file: Buffer.from('name,amount\n').toString('base64'), filename: 'report.csv' },
    {
      file: field(PDF.toString('base64'), '!!!', '', 'aGVsbG8'),
      filename: field('a.exe', 'x'.repeat(2000), '.csv', 'a/b.csv'),
      confirm_email_before_download: field(true, false),
      retention_period: field('1 weeks', '80 weeks', '78 weeks'),
      is_csv: field(true, false),
    },
  );
  await fuzzPost(
    t,
    '/v2/notifications/email',
    around(
      { email_address: 'a@example.com', template_id: fx.email, personalisation: { name: 'x', ref: 'y' } },
      {
        email_address: field('simulate-delivered@notifications.service.gov.uk', 'a@b', '@', 'a@example.com '),
        template_id: junkTemplate,
        personalisation: fc.oneof(junkPersonalisation, fc.record({ link: file })),
        reference: anyJson,
        email_reply_to_id: field('00000000-0000-4000-8000-000000000002'),
        one_click_unsubscribe_url: field('https://example.gov.uk/unsubscribe', 'javascript:alert(1)'),
        sanitise_content_for: field(['subject'], [], ['x']),
        scheduled_for: field(new Date(Date.now() + 3600_000).toISOString()),
      },
    ).chain((b) =>
      // Half of them with a file, to the template that has a place for one.
      fc.oneof(
        fc.constant(b),
        file.map((f) =>
          b && typeof b === 'object' && !Array.isArray(b)
            ? { ...b, template_id: fileTemplate, personalisation: { link: f } }
            : b,
        ),
      ),
    ),
  );
});

t.test('POST /v2/notifications/letter (template letters)', async (t) => {
  const address = fc.dictionary(
    fc.constantFrom('address_line_1', 'address_line_2', 'address_line_3', 'address_line_7', 'postcode', 'name'),
    field('SW1A 1AA', 'France', '1 High Street', 'Ms A Person', '', 'BFPO 1234'),
    { maxKeys: 7 },
  );
  await fuzzPost(
    t,
    '/v2/notifications/letter',
    around(
      { template_id: fx.letter, personalisation: { ...ADDRESS, name: 'x' } },
      {
        template_id: junkTemplate,
        personalisation: fc.oneof(
          address.map((a) => ({ ...a, name: 'x' })),
          junkPersonalisation,
          fc.tuple(fc.constantFrom(...Object.keys(ADDRESS)), anyJson).map(([k, v]) => ({ ...ADDRESS, [k]: v })),
        ),
        reference: anyJson,
        postage: field('first', 'europe'),
      },
    ),
  );
});

t.test('POST /v2/notifications/letter (precompiled)', async (t) => {
  // Each PDF read is a worker thread: a quarter of the runs.
  await fuzzPost(
    t,
    '/v2/notifications/letter',
    around(
      { reference: 'ref', content: PDF.toString('base64') },
      {
        reference: anyJson,
        content: fc.oneof(
          fc.constant(PDF.subarray(0, 40).toString('base64')),
          fc
            .uint8Array({ maxLength: 300 })
            .map((b) => Buffer.concat([Buffer.from('%PDF-1.4\n'), b]).toString('base64')),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
          fc.constant(`${PDF.toString('base64')}\n==`),
          anyJson,
        ),
        postage: field('first', 'second', 'economy', 'europe'),
      },
    ),
    Math.max(10, Math.ceil(RUNS / 4)),
  );
});

t.test('GET /v2/notifications and /v2/notifications/{id}: random query strings, ids and headers', async (t) => {
  const made = await send(
    'POST',
    '/v2/notifications/sms',
    () => fx.normal.auth(),
    {},
    'application/json',
    `{"phone_number": "07700900123", "template_id": "${fx.sms}", "personalisation": {"name": "x"}}`,
  );
  t.equal(made.status, 201);
  const known = (await db.query<{ id: string }>('select id from app_public.notifications limit 3')).map((r) => r.id);
  const query = queryString(
    ['template_type', 'status', 'reference', 'older_than', 'include_jobs'],
    ['sms', 'email', 'letter', 'delivered', 'failed', 'created', 'true', 'false', ...known],
  );
  const path = fc.oneof(
    query.map((q) => `/v2/notifications?${q}`),
    fc.oneof(fc.constantFrom(...known, known[0]?.toUpperCase() ?? 'x'), fc.uuid(), text).map((id) => {
      const seg = enc(id);
      return `/v2/notifications/${seg}`;
    }),
    fc.oneof(fc.constantFrom(...known), fc.uuid(), text).map((id) => `/v2/notifications/${enc(id)}/pdf`),
  );
  await check(
    fc.asyncProperty(
      path,
      authorization,
      extraHeaders,
      fc.option(contentType),
      fc.option(text),
      async (url, auth, extra, type, payload) => {
        const rows = await rowCount();
        const r = await send('GET', url, auth, extra, type, payload ?? undefined);
        if (r.status === 200 && !url.endsWith('/pdf') && typeof r.body !== 'object')
          throw new Error(`GET ${url}: 200 without JSON`);
        if (!(r.status === 200 && url.endsWith('/pdf'))) assertAnswer(r, `GET ${url}`);
        if ((await rowCount()) !== rows) throw new Error(`GET ${url} changed the rows`);
      },
    ),
  );
  t.pass(`${RUNS} requests`);
});

t.test('found by the fuzz: an unpaired surrogate ("\\ud800") is refused as a 400, not stored as a 500', async (t) => {
  const rows = await rowCount();
  const cases: Array<[string, string, string]> = [
    [
      '/v2/notifications/letter',
      `{"template_id": "${fx.letter}", "personalisation": {"address_line_1": "A", "address_line_2": "B",` +
        ` "address_line_3": "SW1A 1AA", "name": "x"}, "reference": "\\ud800"}`,
      'reference must not contain unpaired surrogate characters',
    ],
    [
      '/v2/notifications/sms',
      `{"phone_number": "07700900123", "template_id": "${fx.sms}", "personalisation": {"name": "a\\udc00b"}}`,
      'personalisation must not contain unpaired surrogate characters',
    ],
    [
      '/v2/notifications/sms',
      `{"phone_number": "07700900123", "template_id": "${fx.sms}", "personalisation": {"\\ud83d": "x", "name": "y"}}`,
      'personalisation must not contain unpaired surrogate characters',
    ],
  ];
  for (const [url, payload, message] of cases) {
    const r = await send('POST', url, () => fx.normal.auth(), {}, 'application/json', payload);
    t.same(r.body, { status_code: 400, errors: [{ error: 'ValidationError', message }] }, message);
  }
  // A pair is a character like any other.
  const pair = await send(
    'POST',
    '/v2/notifications/sms',
    () => fx.normal.auth(),
    {},
    'application/json',
    `{"phone_number": "07700900123", "template_id": "${fx.sms}", "personalisation": {"name": "\\ud83d\\ude00"}}`,
  );
  t.equal(pair.status, 201);
  t.equal(await rowCount(), rows + 1, 'only the good one stored');
});
