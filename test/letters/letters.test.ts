// Letters get their PDFs: create_notifications queues create-letter-pdf (template letters) and
// scan-letter (precompiled ones); the tasks fill the letters PDF bucket that GET …/pdf serves.
import t from 'tap';
import { PDFDocument } from 'pdf-lib';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { ADDRESS, createServiceWithKeys, PDF } from '../helpers/factories.ts';
import { get, post } from '../helpers/v2-requests.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { letterPdfKey } from '../../src/routes/v2/state.ts';
import { MAX_LETTER_PAGES } from '../../src/letters/letters.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'letters');
// The tasks read the process configuration: point it at this S3 before any task runs.
process.env.S3_ENDPOINT = s3Endpoint;
process.env.LETTER_PRINT_RESPONSE_DELAY_MS = '0';
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: s3Endpoint } });
const fx = await createServiceWithKeys(db);

const queued = async (task: string, id: string) =>
  (
    await db.one<{ n: number }>(
      `select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks k
       on k.id = j.task_id
     where k.identifier = $1 and j.payload::jsonb->'ids' ? $2`,
      [task, id],
    )
  ).n;
const row = (id: string) =>
  db.one(
    `select notification_status, billable_units, reference, postage, created_at from app_public.notifications
     where id = $1`,
    [id],
  );
const pdfError = async (id: string) => (await get(app, fx.normal, `/v2/notifications/${id}/pdf`)).body.errors?.[0];

t.test('a template letter gets its PDF from create-letter-pdf', async (t) => {
  const r = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'Ffion Ŵyn' },
  });
  t.equal(r.status, 201);
  const id = r.body.id as string;
  t.equal(await queued('create-letter-pdf', id), 1, 'queued with the row');
  t.same(await pdfError(id), { error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' });

  const outcome = await runTask(db.url, 'create-letter-pdf', { ids: [id] });
  t.equal(outcome.status, 'completed', outcome.error ?? 'completed');
  const served = await get(app, fx.normal, `/v2/notifications/${id}/pdf`);
  t.equal(served.status, 200);
  t.equal(served.headers['content-type'], 'application/pdf');
  const doc = await PDFDocument.load(served.raw);
  t.equal(doc.getPageCount(), 1, 'one A4 page');
  t.equal(Math.round(doc.getPage(0).getWidth()), 595);
  t.equal(doc.getTitle(), 'Your letter', 'titled with the rendered subject');
  const after = await row(id);
  t.match(after, { notification_status: 'created', billable_units: 1 });

  // Run again: the same key is written again, nothing else changes.
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [id] })).status, 'completed');
  t.same(await row(id), after);
  const key = await letterPdfKey(db.pool, {
    reference: after.reference,
    postage: after.postage,
    createdAt: after.created_at,
  });
  t.ok(
    (await s3.send(new HeadObjectCommand({ Bucket: cfg.LETTERS_PDF_BUCKET, Key: key }))).ContentLength! > 500,
    'in the letters PDF bucket under its key',
  );

  // Test keys never print, but their letter's PDF is made as Notify makes it; no sheets are recorded and the
  // status stays the simulated final one.
  const tr = await post(app, fx.test, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'Test Person' },
  });
  t.equal(await queued('create-letter-pdf', tr.body.id), 1);
  const testPdf = async () => (await get(app, fx.test, `/v2/notifications/${tr.body.id}/pdf`)).body.errors?.[0];
  t.same(await testPdf(), { error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' });
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [tr.body.id] })).status, 'completed');
  const testServed = await get(app, fx.test, `/v2/notifications/${tr.body.id}/pdf`);
  t.equal(testServed.status, 200);
  t.equal(testServed.headers['content-type'], 'application/pdf');
  t.equal((await PDFDocument.load(testServed.raw)).getTitle(), 'Your letter');
  t.match(await row(tr.body.id), { notification_status: 'delivered', billable_units: 0 });
  t.match((await get(app, fx.test, `/v2/notifications/${tr.body.id}`)).body, {
    status: 'received',
    is_cost_data_ready: true,
    cost_in_pounds: 0,
    cost_details: { billable_sheets_of_paper: 0, postage: 'second' },
  });
  // A test-key precompiled letter's PDF is stored by the API: no job for it.
  const tp = await post(app, fx.test, '/v2/notifications/letter', { reference: 'tp', content: PDF.toString('base64') });
  t.equal(tp.status, 201);
  t.equal(await queued('create-letter-pdf', tp.body.id), 0);
  t.same((await get(app, fx.test, `/v2/notifications/${tp.body.id}/pdf`)).raw, PDF);

  // A bad payload is logged, not retried for ever.
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: ['not-a-uuid'] })).status, 'completed');
});

t.test(`a letter longer than ${MAX_LETTER_PAGES} pages is validation-failed, with no PDF`, async (t) => {
  const long = await db.one<{ id: string }>('select id from app_public.create_template($1, $2, $3, $4, $5)', [
    fx.serviceId,
    'letter',
    'Long letter',
    Array.from(
      { length: 400 },
      (_, i) => `Paragraph ${i + 1}: ((name)) ${'lorem ipsum dolor sit amet '.repeat(6)}`,
    ).join('\n\n'),
    'A long letter',
  ]);
  const r = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: long.id,
    personalisation: { ...ADDRESS, name: 'x' },
  });
  t.equal(r.status, 201);
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [r.body.id] })).status, 'completed');
  const after = await row(r.body.id);
  t.equal(after.notification_status, 'validation-failed');
  t.ok(after.billable_units > MAX_LETTER_PAGES / 2, `sheets recorded (${after.billable_units})`);
  // As Notify, which looks for it among the invalid PDFs: there is none.
  t.same(await pdfError(r.body.id), { error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' });

  // Sent with a test key: validation-failed too, as Notify, with no sheets recorded.
  const tr = await post(app, fx.test, '/v2/notifications/letter', {
    template_id: long.id,
    personalisation: { ...ADDRESS, name: 'x' },
  });
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [tr.body.id] })).status, 'completed');
  t.match(await row(tr.body.id), { notification_status: 'validation-failed', billable_units: 0 });
  t.match((await get(app, fx.test, `/v2/notifications/${tr.body.id}`)).body, {
    status: 'validation-failed',
    cost_in_pounds: 0,
    cost_details: { billable_sheets_of_paper: 0 },
  });
});

t.test('precompiled letters are scanned: clean ones move to the PDF bucket, others fail', async (t) => {
  const send = async (bytes: Buffer, reference: string) => {
    const r = await post(app, fx.normal, '/v2/notifications/letter', { reference, content: bytes.toString('base64') });
    t.equal(r.status, 201, reference);
    t.equal(await queued('scan-letter', r.body.id), 1, `${reference}: scan queued`);
    return r.body.id as string;
  };
  const clean = await send(PDF, 'clean');
  const infected = await send(
    Buffer.concat([PDF, Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n')]),
    'infected',
  );
  const broken = await send(Buffer.from('%PDF-1.4\nthis is not really a PDF\n'), 'broken');
  const before = await row(clean);
  const scanKey = await letterPdfKey(
    db.pool,
    { reference: before.reference, postage: before.postage, createdAt: before.created_at },
    false,
  );
  t.same(await pdfError(clean), { error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' });

  const outcome = await runTask(db.url, 'scan-letter', { ids: [clean, infected, broken] });
  t.equal(outcome.status, 'completed', outcome.error ?? 'completed');

  t.match(await row(clean), { notification_status: 'created', billable_units: 1 });
  const served = await get(app, fx.normal, `/v2/notifications/${clean}/pdf`);
  t.equal(served.status, 200);
  t.same(served.raw, PDF, 'the same bytes, now from the letters PDF bucket');
  await t.rejects(
    s3.send(new GetObjectCommand({ Bucket: cfg.LETTERS_SCAN_BUCKET, Key: scanKey })),
    { name: 'NoSuchKey' },
    'gone from the scan bucket',
  );

  t.match(await row(infected), { notification_status: 'virus-scan-failed', billable_units: 0 });
  t.same(await pdfError(infected), { error: 'BadRequestError', message: 'File did not pass the virus scan' });
  t.match(await row(broken), { notification_status: 'validation-failed', billable_units: 0 });
  // As Notify serves a precompiled letter that failed validation: the PDF that was sent.
  const brokenPdf = await get(app, fx.normal, `/v2/notifications/${broken}/pdf`);
  t.equal(brokenPdf.status, 200);
  t.equal(brokenPdf.headers['content-type'], 'application/pdf');
  t.same(brokenPdf.raw, Buffer.from('%PDF-1.4\nthis is not really a PDF\n'));
  // technical-failure: Notify's own message.
  await db.query(`update app_public.notifications set notification_status = 'technical-failure' where id = $1`, [
    broken,
  ]);
  t.same(await pdfError(broken), {
    error: 'BadRequestError',
    message: 'PDF not available for letters in status technical-failure',
  });
  await db.query(`update app_public.notifications set notification_status = 'validation-failed' where id = $1`, [
    broken,
  ]);

  // A second scan finds nothing to do (statuses moved on).
  t.equal((await runTask(db.url, 'scan-letter', { ids: [clean, infected, broken] })).status, 'completed');
  t.match(await row(clean), { notification_status: 'created' });
});

t.test(
  'collation after 17:30: zips per postage and service to the printer, sending, then the response file',
  async (t) => {
    const other = await createServiceWithKeys(db);
    // A first-class template made before the API first reads it (no cache invalidation to wait for).
    const firstClass = await db.one<{ id: string }>('select id from app_public.create_template($1, $2, $3, $4, $5)', [
      fx.serviceId,
      'letter',
      'First class',
      'Dear ((name))',
      'Your letter',
    ]);
    await db.query(`update app_public.templates set postage = 'first' where id = $1`, [firstClass.id]);
    const letter = async (f: typeof fx, templateId = f.letter) => {
      const r = await post(app, f.normal, '/v2/notifications/letter', {
        template_id: templateId,
        personalisation: { ...ADDRESS, name: 'x' },
      });
      t.equal(r.status, 201);
      return r.body.id as string;
    };
    const first = await letter(fx, firstClass.id);
    const [second1, second2] = [await letter(fx), await letter(fx)];
    const otherService = await letter(other);
    const noPdf = await letter(fx);
    const late = await letter(fx);
    const early = [first, second1, second2, otherService, noPdf];
    // Before any deadline (two days ago) for all but `late`; PDFs made after, under the right keys.
    await db.query(
      `update app_public.notifications set created_at = now() - interval '2 days' where id = any($1::uuid[])`,
      [early],
    );
    t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [...early, late] })).status, 'completed');
    const gone = await row(noPdf);
    await s3.send(
      new DeleteObjectCommand({
        Bucket: cfg.LETTERS_PDF_BUCKET,
        Key: await letterPdfKey(db.pool, {
          reference: gone.reference,
          postage: gone.postage,
          createdAt: gone.created_at,
        }),
      }),
    );

    const outcome = await runTask(db.url, 'collate-letters', {});
    t.equal(outcome.status, 'completed', outcome.error ?? 'completed');
    const statuses = await db.query<{
      id: string;
      notification_status: string;
      sent_by: string | null;
      sent_at: Date | null;
    }>('select id, notification_status, sent_by, sent_at from app_public.notifications where id = any($1::uuid[])', [
      [...early, late],
    ]);
    const status = (id: string) => statuses.find((s) => s.id === id)!;
    for (const id of [first, second1, second2, otherService])
      t.match(status(id), { notification_status: 'sending', sent_by: 'dvla' }, 'collated');
    t.ok(status(first).sent_at);
    t.equal(status(late).notification_status, 'created', 'after the deadline: the next run');
    t.equal(status(noPdf).notification_status, 'created', 'no PDF: left for the next run');

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: cfg.LETTERS_PRINT_BUCKET }));
    const zips = (listed.Contents ?? []).map((o) => o.Key!).sort();
    t.equal(zips.length, 3, 'one zip per service and postage');
    const printDate = (
      await db.one(
        `select to_char((app_hidden.collation_deadline() at time zone 'Europe/London')::date, 'YYYY-MM-DD') as d`,
      )
    ).d;
    for (const name of zips)
      t.match(
        name,
        new RegExp(`^NOTIFY\\.${printDate}\\.(1|2)\\.\\d{3}\\.[0-9A-F]{20}\\.[0-9a-f-]{36}\\.None\\.ZIP$`),
        name,
      );
    const secondZip = zips.find((z) => z.split('.')[2] === '2' && z.includes(fx.serviceId))!;
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: cfg.LETTERS_PRINT_BUCKET, Key: secondZip }))
    ).Body!.transformToByteArray();
    const files = unzipSync(body);
    const refs = await db.query<{ reference: string }>(
      'select reference from app_public.notifications where id = any($1::uuid[]) order by reference',
      [[second1, second2]],
    );
    t.same(
      Object.keys(files)
        .map((f) => f.split('.')[1])
        .sort(),
      refs.map((r) => r.reference),
      'the two second-class letters of the service',
    );
    t.ok(
      Object.values(files).every((f) => Buffer.from(f.subarray(0, 5)).toString() === '%PDF-'),
      'PDFs inside',
    );

    // Run again: nothing left to send (the late and PDF-less letters stay created).
    t.equal((await runTask(db.url, 'collate-letters', {})).status, 'completed');
    t.equal(((await s3.send(new ListObjectsV2Command({ Bucket: cfg.LETTERS_PRINT_BUCKET }))).Contents ?? []).length, 3);

    // The simulated printer's response file was queued; applied, the letters are delivered.
    const jobs = await db.query<{ id: string; payload: { lines: string[] } }>(
      `select j.id, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks k
       on k.id = j.task_id where k.identifier = 'process-letter-responses'`,
    );
    const lines = jobs.flatMap((j) => j.payload.lines);
    t.equal(lines.length, 4);
    const firstRef = (await row(first)).reference;
    t.ok(lines.includes(`${firstRef}|Sent|2|Sorted`), 'reference|Sent|pages|sorted');
    await db.query('delete from graphile_worker._private_jobs where id = any($1::bigint[])', [jobs.map((j) => j.id)]);
    const otherRef = (await row(otherService)).reference;
    const failedLine = lines.find((l) => l.startsWith(otherRef))!.replace('|Sent|', '|Rejected|');
    const applied = await runTask(db.url, 'process-letter-responses', {
      lines: [...lines.filter((l) => !l.startsWith(otherRef)), failedLine, 'NOSUCHREFERENCE0|Sent|2|Sorted'],
    });
    t.equal(applied.status, 'completed');
    for (const id of [first, second1, second2]) t.equal((await row(id)).notification_status, 'delivered');
    t.equal((await row(otherService)).notification_status, 'temporary-failure', 'not Sent: temporary-failure');
    const again = await db.query('select * from app_private.process_letter_responses($1::text[])', [
      [`${firstRef}|Sent|2|Sorted`, 'NOSUCHREFERENCE0|Sent|2|Sorted', 'no separator'],
    ]);
    t.same(
      again,
      [
        { reference: firstRef, outcome: 'ignored' },
        { reference: 'NOSUCHREFERENCE0', outcome: 'not-found' },
      ],
      'repeats ignored, unknown reported, junk skipped',
    );
  },
);

t.test("the collation deadline is 17:30 London, yesterday's before it, in GMT and BST", async (t) => {
  const cases: Array<[string, string]> = [
    ['2026-12-01T17:29:00Z', '2026-11-30T17:30:00.000Z'],
    ['2026-12-01T17:31:00Z', '2026-12-01T17:30:00.000Z'],
    ['2026-07-01T16:29:00Z', '2026-06-30T16:30:00.000Z'],
    ['2026-07-01T16:31:00Z', '2026-07-01T16:30:00.000Z'],
  ];
  for (const [at, deadline] of cases) {
    t.equal((await db.one('select app_hidden.collation_deadline($1) as d', [at])).d.toISOString(), deadline, at);
  }
});

t.test('letters whose PDF or scan job was lost are queued again, once each', async (t) => {
  const tpl = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'lost' },
  });
  const pre = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'lost-scan',
    content: PDF.toString('base64'),
  });
  const ids = [tpl.body.id as string, pre.body.id as string];
  // Their jobs are gone (a queue wiped, a job failed for good) and they are two hours old.
  await db.query(`delete from graphile_worker._private_jobs where payload::jsonb->'ids' ?| $1::text[]`, [ids]);
  await db.one('select app_private.replay_letter_jobs() as n');
  t.equal(
    (await queued('create-letter-pdf', ids[0])) + (await queued('scan-letter', ids[1])),
    0,
    'letters younger than an hour are not replayed',
  );
  await db.query(
    `update app_public.notifications set created_at = now() - interval '2 hours' where id = any($1::uuid[])`,
    [ids],
  );
  // Keys move with created_at: put the files where the new keys point.
  const made = await row(ids[1]);
  await s3.send(
    new PutObjectCommand({
      Bucket: cfg.LETTERS_SCAN_BUCKET,
      Key: await letterPdfKey(
        db.pool,
        { reference: made.reference, postage: made.postage, createdAt: made.created_at },
        false,
      ),
      Body: PDF,
    }),
  );

  t.equal((await runTask(db.url, 'replay-created-notifications', {})).status, 'completed');
  t.equal(await queued('create-letter-pdf', ids[0]), 1);
  t.equal(await queued('scan-letter', ids[1]), 1);
  t.equal((await runTask(db.url, 'replay-created-notifications', {})).status, 'completed');
  t.equal(
    (await queued('create-letter-pdf', ids[0])) + (await queued('scan-letter', ids[1])),
    2,
    'a second run replaces, does not add',
  );

  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [ids[0]] })).status, 'completed');
  t.equal((await runTask(db.url, 'scan-letter', { ids: [ids[1]] })).status, 'completed');
  t.equal((await get(app, fx.normal, `/v2/notifications/${ids[0]}/pdf`)).status, 200);
  t.equal((await row(ids[1])).notification_status, 'created');

  // A precompiled letter whose file is not in the scan bucket stays pending (logged), no crash.
  const orphan = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'orphan',
    content: PDF.toString('base64'),
  });
  await db.query(`update app_public.notifications set created_at = now() - interval '1 day' where id = $1`, [
    orphan.body.id,
  ]);
  t.equal((await runTask(db.url, 'scan-letter', { ids: [orphan.body.id] })).status, 'completed');
  t.equal((await row(orphan.body.id)).notification_status, 'pending-virus-check');
});

t.test('letters that missed the print run or their scan are reported', async (t) => {
  const stale = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'stale' },
  });
  const scanning = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'slow-scan',
    content: PDF.toString('base64'),
  });
  const recent = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'recent-scan',
    content: PDF.toString('base64'),
  });
  await db.query(`update app_public.notifications set created_at = now() - interval '3 days' where id = $1`, [
    stale.body.id,
  ]);
  await db.query(`update app_public.notifications set created_at = now() - interval '2 hours' where id = $1`, [
    scanning.body.id,
  ]);
  const found = await db.query<{ id: string; problem: string }>(
    'select id, problem from app_private.letters_needing_attention()',
  );
  const byId = new Map(found.map((r) => [r.id, r.problem]));
  t.match(byId.get(stale.body.id), /^still created after the print run of \d{4}-\d{2}-\d{2} 17:30$/);
  t.match(byId.get(scanning.body.id), /^pending virus check for 1[12]\d minutes$/);
  t.notOk(byId.has(recent.body.id), 'a scan under 90 minutes old is not late');
  // As of just before that letter was created, nothing about it is late yet.
  const before = await db.query<{ id: string }>(
    `select id from app_private.letters_needing_attention(now() - interval '3 days')`,
  );
  t.notOk(
    before.some((r) => r.id === stale.body.id),
    'as of its own creation it was not late',
  );
  t.equal((await runTask(db.url, 'check-letters', {})).status, 'completed');
});
