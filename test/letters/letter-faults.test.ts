// Letters under faults: a precompiled PDF is refused before it costs a parse or an upload when a
// cheaper check fails, a hostile PDF cannot take the API down, and S3 failing at any call of
// scan-letter or collate-letters neither loses a letter nor prints one twice.
import t from 'tap';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { ADDRESS, createServiceWithKeys, PDF } from '../helpers/factories.ts';
import { faultyS3, s3Error, type S3Call, type Fault } from '../helpers/faulty-s3.ts';
import { post } from '../helpers/v2-requests.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { setProcessS3 } from '../../src/lib/s3.ts';
import { letterPdfKey } from '../../src/sending/sending.ts';
import { PDF_TIMEOUT_MESSAGE, PDF_TOO_COMPLEX_MESSAGE } from '../../src/sending/sending.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'letter-faults');
process.env.S3_ENDPOINT = s3Endpoint;
process.env.LETTER_PRINT_RESPONSE_DELAY_MS = '0';
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: s3Endpoint } });
const fx = await createServiceWithKeys(db);

const count = async (bucket: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).length;
const rows = async () => (await db.one<{ n: number }>('select count(*)::int as n from app_public.notifications')).n;
const row = (id: string) =>
  db.one<{ notification_status: string; billable_units: number; reference: string; postage: string; created_at: Date }>(
    `select notification_status, billable_units, reference, postage, created_at from app_public.notifications
     where id = $1`,
    [id],
  );
const statuses = async (ids: string[]) =>
  (
    await db.query<{ notification_status: string }>(
      'select notification_status from app_public.notifications where id = any($1::uuid[]) order by id',
      [ids],
    )
  ).map((r) => r.notification_status);
const exists = async (bucket: string, key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
const keysOf = async (id: string) => {
  const r = await row(id);
  const n = { reference: r.reference, postage: r.postage, createdAt: r.created_at };
  return { pdf: await letterPdfKey(db.pool, n), scan: await letterPdfKey(db.pool, n, false) };
};
/** Runs a task with `s3` failing where `fail` says; the process's client is restored after. */
const withFaults = async (task: string, payload: unknown, fail: (c: S3Call) => Fault, error?: (c: S3Call) => Error) => {
  const faulty = faultyS3(s3 as S3Client, fail, error);
  setProcessS3(faulty.client);
  try {
    return { outcome: await runTask(db.url, task, payload), faulty };
  } finally {
    setProcessS3(undefined);
  }
};

/** A PDF of many small nested objects: little to send, a great deal of heap to parse. */
function heavyPdf(): Buffer {
  const parts = ['%PDF-1.4\n'];
  for (let i = 1; i < 60_000; i++) parts.push(`${i} 0 obj [[[[[[[[1 2 3 4 5 6 7 8]]]]]]]] endobj\n`);
  return Buffer.from(parts.join(''));
}

t.test('precompiled letters: limits are checked before the PDF is read or uploaded', async (t) => {
  await db.query('update app_public.services set letter_message_limit = 1 where id = $1', [fx.serviceId]);
  t.teardown(() =>
    db.query('update app_public.services set letter_message_limit = 1000 where id = $1', [fx.serviceId]),
  );
  const ok = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'one',
    content: PDF.toString('base64'),
  });
  t.equal(ok.status, 201);
  const [files, stored] = [await count(cfg.LETTERS_SCAN_BUCKET), await rows()];
  // Over the daily limit: refused with the limit's message, and a PDF that would take the parse's whole
  // heap is never read.
  const over = await post(app, fx.normal, '/v2/notifications/letter', {
    reference: 'two',
    content: heavyPdf().toString('base64'),
  });
  t.same(over.body, {
    status_code: 429,
    errors: [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (letter: 1) for today' }],
  });
  t.equal(await count(cfg.LETTERS_SCAN_BUCKET), files, 'nothing uploaded');
  t.equal(await rows(), stored, 'nothing stored');

  // The rate limit, per key type, the same way.
  await db.query('update app_public.services set rate_limit = 1 where id = $1', [fx.serviceId]);
  t.teardown(() => db.query('update app_public.services set rate_limit = 3000 where id = $1', [fx.serviceId]));
  const testOk = await post(app, fx.test, '/v2/notifications/letter', {
    reference: 't',
    content: PDF.toString('base64'),
  });
  t.equal(testOk.status, 201);
  const pdfFiles = await count(cfg.LETTERS_PDF_BUCKET);
  const rated = await post(app, fx.test, '/v2/notifications/letter', {
    reference: 't2',
    content: PDF.toString('base64'),
  });
  t.same(rated.body.errors, [
    { error: 'RateLimitError', message: 'Exceeded rate limit for key type TEST of 1 requests per 60 seconds' },
  ]);
  t.equal(await count(cfg.LETTERS_PDF_BUCKET), pdfFiles, 'nothing uploaded');

  // The cheap refusals come before the limits too: bad base64 is a 400, not a 429.
  const bad = await post(app, fx.test, '/v2/notifications/letter', { reference: 'b', content: 'not base64!' });
  t.equal(bad.status, 400);
  t.equal(bad.body.errors[0].message, 'Cannot decode letter content (invalid base64 encoding)');
});

t.test('a PDF too complex or too slow to read is refused; the API carries on', async (t) => {
  const [files, stored] = [await count(cfg.LETTERS_SCAN_BUCKET), await rows()];
  // A small parse heap makes the hostile PDF run out quickly; the other tests read ordinary PDFs with the
  // default heap (in 16 MB a busy host has seen an ordinary one refused too).
  const tight = await createTestApp(t, { db, config: { S3_ENDPOINT: s3Endpoint, PDF_PARSE_HEAP_MB: '16' } });
  const heavy = await post(tight.app, fx.normal, '/v2/notifications/letter', {
    reference: 'heavy',
    content: heavyPdf().toString('base64'),
  });
  t.same(heavy.body, { status_code: 400, errors: [{ error: 'ValidationError', message: PDF_TOO_COMPLEX_MESSAGE }] });
  t.equal(await count(cfg.LETTERS_SCAN_BUCKET), files, 'nothing uploaded');
  t.equal(await rows(), stored, 'nothing stored');

  const slow = await createTestApp(t, { db, config: { S3_ENDPOINT: s3Endpoint, PDF_PARSE_TIMEOUT_MS: '100' } });
  const timedOut = await post(slow.app, fx.normal, '/v2/notifications/letter', {
    reference: 'slow',
    content: PDF.toString('base64'),
  });
  t.same(timedOut.body, { status_code: 400, errors: [{ error: 'ValidationError', message: PDF_TIMEOUT_MESSAGE }] });
  t.equal(await rows(), stored, 'nothing stored');

  const after = await post(tight.app, fx.normal, '/v2/notifications/letter', {
    reference: 'ok',
    content: PDF.toString('base64'),
  });
  t.equal(after.status, 201, 'the next letter is taken as usual');
  t.equal(after.body.postage, 'second');
});

t.test('scan-letter: S3 failing at any step loses no letter, and a re-run finishes the job', async (t) => {
  const send = async (reference: string) => {
    const res = await post(app, fx.normal, '/v2/notifications/letter', { reference, content: PDF.toString('base64') });
    // Said in full if the letter is refused, so a failure names its cause.
    if (res.status !== 201) throw new Error(`letter ${reference}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  // The delete of the scanned file fails: the letter was recorded first, its PDF is in the letters bucket.
  const a = await send('delete-fails');
  const keysA = await keysOf(a);
  const first = await withFaults('scan-letter', { ids: [a] }, (c) =>
    c.command === 'DeleteObjectCommand' ? 'before' : null,
  );
  t.equal(first.outcome.status, 'failed', 'the task reports the fault');
  t.match(await row(a), { notification_status: 'created', billable_units: 1 }, 'recorded before the delete');
  t.ok(await exists(cfg.LETTERS_PDF_BUCKET, keysA.pdf), 'its PDF where GET …/pdf serves it');
  t.ok(await exists(cfg.LETTERS_SCAN_BUCKET, keysA.scan), 'the scanned file still there');
  const again = await withFaults('scan-letter', { ids: [a] }, () => null);
  t.equal(again.outcome.status, 'completed');
  t.notOk(await exists(cfg.LETTERS_SCAN_BUCKET, keysA.scan), 'the re-run deletes the file left behind');
  t.equal(again.faulty.of('CopyObjectCommand').length, 0, 'and scans nothing twice');

  // The copy is made but its answer lost: still pending, still in the scan bucket; the re-run copies again.
  const b = await send('copy-answer-lost');
  const keysB = await keysOf(b);
  const lost = await withFaults('scan-letter', { ids: [b] }, (c) =>
    c.command === 'CopyObjectCommand' ? 'after' : null,
  );
  t.equal(lost.outcome.status, 'failed');
  t.equal((await row(b)).notification_status, 'pending-virus-check');
  t.ok(await exists(cfg.LETTERS_SCAN_BUCKET, keysB.scan), 'nothing deleted before the record');
  t.equal((await runTask(db.url, 'scan-letter', { ids: [b] })).status, 'completed');
  t.match(await row(b), { notification_status: 'created', billable_units: 1 });
  t.notOk(await exists(cfg.LETTERS_SCAN_BUCKET, keysB.scan));
  const served = await s3.send(new GetObjectCommand({ Bucket: cfg.LETTERS_PDF_BUCKET, Key: keysB.pdf }));
  t.same(Buffer.from(await served.Body!.transformToByteArray()), PDF);

  // The read fails: nothing changes.
  const c = await send('read-fails');
  const read = await withFaults('scan-letter', { ids: [c] }, (x) =>
    x.command === 'GetObjectCommand' ? 'before' : null,
  );
  t.equal(read.outcome.status, 'failed');
  t.equal((await row(c)).notification_status, 'pending-virus-check');
  t.equal((await runTask(db.url, 'scan-letter', { ids: [c] })).status, 'completed');
  t.equal((await row(c)).notification_status, 'created');
});

t.test('collate-letters: passing faults are retried, a lost run is finished, no letter printed twice', async (t) => {
  // Letters from earlier tests are not for this one.
  await db.query(`update app_public.notifications set notification_status = 'cancelled'
                  where notification_type = 'letter' and notification_status = 'created'`);
  const letters = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await post(app, fx.normal, '/v2/notifications/letter', {
        template_id: fx.letter,
        personalisation: { ...ADDRESS, name: `n${i}` },
      });
      ids.push(r.body.id as string);
    }
    await db.query(
      `update app_public.notifications set created_at = now() - interval '2 days' where id = any($1::uuid[])`,
      [ids],
    );
    t.equal((await runTask(db.url, 'create-letter-pdf', { ids })).status, 'completed');
    return ids.sort();
  };
  const zips = () => count(cfg.LETTERS_PRINT_BUCKET);
  const put = (c: S3Call) => c.command === 'PutObjectCommand';

  // Two 500s, then the upload goes through: printed, not failed.
  const flaky = await letters(2);
  const zipsBefore = await zips();
  const retried = await withFaults('collate-letters', {}, (c) => (put(c) && c.nth <= 2 ? 'before' : null));
  t.equal(retried.outcome.status, 'completed', retried.outcome.error ?? '');
  t.equal(retried.faulty.of('PutObjectCommand').length, 3, 'tried three times');
  t.same(await statuses(flaky), ['sending', 'sending']);
  t.equal(await zips(), zipsBefore + 1);

  // S3 down for the whole run: the run fails, the letters stay created (not technical-failure), held in
  // their collation; the next run uploads them once.
  const down = await letters(2);
  const outage = await withFaults('collate-letters', {}, (c) => (put(c) ? 'before' : null));
  t.equal(outage.outcome.status, 'failed');
  t.same(await statuses(down), ['created', 'created'], 'not failed for a passing fault');
  const held = await db.query('select * from app_private.letters_to_collate(now(), null, 100)');
  t.equal(held.length, 0, 'held by their open collation');
  const resumed = await withFaults('collate-letters', {}, () => null);
  t.equal(resumed.outcome.status, 'completed');
  t.equal(resumed.faulty.of('PutObjectCommand').length, 1, 'uploaded once');
  t.same(await statuses(down), ['sending', 'sending']);
  t.equal(await zips(), zipsBefore + 2);

  // The upload lands but every answer is lost (a run that dies between the upload and the record):
  // the next run finds the zip with the printer and records it without uploading it again.
  const landed = await letters(1);
  const crashed = await withFaults('collate-letters', {}, (c) => (put(c) ? 'after' : null));
  t.equal(crashed.outcome.status, 'failed');
  t.same(await statuses(landed), ['created']);
  t.equal(await zips(), zipsBefore + 3, 'the zip is in the inbox');
  const finished = await withFaults('collate-letters', {}, () => null);
  t.equal(finished.outcome.status, 'completed');
  t.equal(finished.faulty.of('PutObjectCommand').length, 0, 'not uploaded again');
  t.same(await statuses(landed), ['sending']);
  t.equal(await zips(), zipsBefore + 3);
  const responses = await db.query<{ lines: string[] }>(
    `select j.payload->'lines' as lines from graphile_worker._private_jobs j
     join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'process-letter-responses'`,
  );
  const reference = (await row(landed[0])).reference;
  t.equal(responses.flatMap((r) => r.lines).filter((l) => l.startsWith(reference)).length, 1, 'one printer response');

  // The printer refuses the zip (403): its letters technical-failure, as before.
  const refused = await letters(1);
  const no = await withFaults(
    'collate-letters',
    {},
    (c) => (put(c) ? 'before' : null),
    () => s3Error(403, 'AccessDenied'),
  );
  t.equal(no.outcome.status, 'completed');
  t.equal(no.faulty.of('PutObjectCommand').length, 1, 'a refusal is not retried');
  t.same(await statuses(refused), ['technical-failure']);

  // Nothing is left open and nothing more is sent.
  t.same(await db.query(`select status, count(*)::int as n from app_private.letter_collations group by 1 order by 1`), [
    { status: 'recorded', n: 3 },
    { status: 'refused', n: 1 },
  ]);
  const last = await withFaults('collate-letters', {}, () => null);
  t.equal(last.outcome.status, 'completed');
  t.equal(last.faulty.of('PutObjectCommand').length, 0);
});
