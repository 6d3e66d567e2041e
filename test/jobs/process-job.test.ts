// process-job: a job's rows stored in batches, each with its delivery jobs; killed part-way and run
// again, it stores exactly the missing rows (never one twice). Also the CLI: send-job and job-status.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { CheckedRows } from '../../src/jobs/checked-rows.ts';
import { createJob, type JobDeps, processJob, recheck, uploadAndCheck } from '../../src/jobs/jobs.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { makeS3Client } from '../../src/lib/s3.ts';
import { V2Cache } from '../../src/notifications/cache.ts';
import { testConfig } from '../helpers/db.ts';
import { createTestDb } from '../helpers/db.ts';
import { createServiceWithKeys, type ServiceWithKeys } from '../helpers/factories.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { run } from '../helpers/spawn.ts';

const { endpoint } = await startTestS3(t, testConfig(), 'process-job');
// The task reads the process configuration.
process.env.S3_ENDPOINT = endpoint;
const cfg = testConfig({ S3_ENDPOINT: endpoint });
const db = await createTestDb(t, 'process-job');
const fx = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
const deps: JobDeps = {
  cache: new V2Cache({ pool: db.pool, listenUrl: null, ttlMs: 0 }),
  pool: db.pool,
  s3: () => makeS3Client(cfg),
  cfg,
};

const phones = (n: number) => {
  const lines = ['phone number,name'];
  // 07700 901000 onwards: clear of the simulated numbers (07700 900000, …111, …222), which are not stored.
  for (let i = 0; i < n; i++) lines.push(`077009${String(1000 + (i % 8000)).padStart(5, '0')},Person ${i}`);
  return `${lines.join('\n')}\n`;
};

async function newJob(s: ServiceWithKeys, csv: string) {
  const report = await uploadAndCheck(
    deps,
    { userId: s.userId },
    { serviceId: s.serviceId, templateId: s.sms, fileName: 'rows.csv', body: Readable.from([csv]) },
  );
  if (!report.valid) throw new Error(JSON.stringify(report.errors));
  return createJob(db.pool, {
    serviceId: s.serviceId,
    templateId: s.sms,
    uploadId: report.upload_id,
    fileName: 'rows.csv',
    userId: s.userId,
  });
}

const counts = (jobId: string) =>
  db.one<{ n: number; distinct_rows: number; min: number; max: number; deliveries: number }>(
    `select count(*)::int as n, count(distinct job_row_number)::int as distinct_rows,
            min(job_row_number) as min, max(job_row_number) as max,
            (select count(*)::int from graphile_worker._private_jobs j
             join graphile_worker._private_tasks k on k.id = j.task_id
             where k.identifier = 'deliver-sms'
               and exists (select from app_public.notifications n2
                           where n2.job_id = $1 and j.payload::jsonb->'ids' ? n2.id::text)) as deliveries
     from app_public.notifications where job_id = $1`,
    [jobId],
  );

// Two ways a job's rows are read: as the check kept them (app_private.csv_upload_rows), or, when those
// are gone (an unlogged table emptied by a crash of the database), from the file, checked again.
for (const from of ['the rows the check kept', 'the file'] as const) {
  t.test(`killed after a batch and run again: every row once, none twice (${from})`, async (t) => {
    // Job rows are not rate limited (Notify limits API requests, not a job's rows).
    await db.query('update app_public.services set rate_limit = 10 where id = $1', [fx.serviceId]);
    const job = await newJob(fx, phones(2500));
    if (from === 'the file') await db.query('delete from app_private.csv_upload_rows where upload_id = $1', [job.id]);
    await t.rejects(
      processJob(deps, job.id, {
        batchSize: 1000,
        // One batch at a time, so the crash leaves exactly the first stored (the gap test below has the rest).
        parallel: 1,
        afterBatch: (n) => {
          if (n === 1) throw new Error('killed');
        },
      }),
      /killed/,
    );
    t.match(await counts(job.id), { n: 1000, distinct_rows: 1000, min: 0, max: 999 });
    t.equal((await db.one('select job_status from app_public.jobs where id = $1', [job.id])).job_status, 'in progress');

    const again = await processJob(deps, job.id, { batchSize: 1000 });
    t.match(again, { status: 'finished', created: 1500, skipped: 1000, refused: 0 }, 'only the rows not stored');
    t.match(await counts(job.id), { n: 2500, distinct_rows: 2500, min: 0, max: 2499 });
    t.ok((await counts(job.id)).deliveries >= 3, 'deliveries queued with each batch');
    const j = await db.one('select * from app_public.jobs where id = $1', [job.id]);
    t.match(j, { job_status: 'finished' });
    t.ok(j.processing_finished >= j.processing_started);

    // A row stored already is skipped by create_notifications, not stored twice and not counted.
    const before = await db.one(
      `select coalesce(sum(sent), 0)::int as sent from app_private.daily_limit_counters where service_id = $1`,
      [fx.serviceId],
    );
    const row = await db.one('select * from app_public.notifications where job_id = $1 and job_row_number = 7', [
      job.id,
    ]);
    const replay = await db.query('select outcome from app_hidden.create_notifications($1::jsonb)', [
      JSON.stringify([
        {
          service_id: fx.serviceId,
          key_type: 'normal',
          notification_type: 'sms',
          template_id: fx.sms,
          template_version: 1,
          to: row.to,
          normalised_to: row.normalised_to,
          job_id: job.id,
          job_row_number: 7,
        },
      ]),
    ]);
    t.same(replay, [{ outcome: 'skipped' }]);
    const after = await db.one(
      `select coalesce(sum(sent), 0)::int as sent from app_private.daily_limit_counters where service_id = $1`,
      [fx.serviceId],
    );
    t.equal(after.sent, before.sent);
    t.equal((await counts(job.id)).n, 2500);
  });
}

t.test('the check keeps each row as it will be stored; the job stores them (encrypted) and forgets them', async (t) => {
  const s = await createServiceWithKeys(db);
  // A cell with what COPY's text format escapes: a backslash, a tab, a line break (quoted) and \N.
  const odd = 'Two\nlines \\ and\ta tab \\N';
  const csv =
    'phone number,name\n07700901001,Ann\n\n+44 7700 901002,Bob\n07700900111,Simulated\n' + `07700901003,"${odd}"\n`;
  const report = await uploadAndCheck(
    deps,
    { userId: s.userId },
    { serviceId: s.serviceId, templateId: s.sms, fileName: 'kept.csv', body: Readable.from([csv]) },
  );
  t.ok(report.valid, JSON.stringify(report.errors));
  const kept = await db.query(
    `select row_number, "to", normalised_to, persist, personalisation, billable_units
     from app_private.csv_upload_rows where upload_id = $1 order by row_number`,
    [report.upload_id],
  );
  t.match(kept, [
    {
      row_number: 0,
      to: '07700901001',
      normalised_to: '447700901001',
      personalisation: { name: 'Ann' },
      persist: true,
    },
    { row_number: 1, to: '+44 7700 901002', normalised_to: '447700901002', personalisation: { name: 'Bob' } },
    { row_number: 2, to: '07700900111', persist: false },
    { row_number: 3, personalisation: { name: odd } },
  ]);
  t.equal(
    (await db.one('select staged_rows from app_private.csv_uploads where id = $1', [report.upload_id])).staged_rows,
    4,
  );
  const job = await createJob(db.pool, {
    serviceId: s.serviceId,
    templateId: s.sms,
    uploadId: report.upload_id,
    fileName: 'kept.csv',
    userId: s.userId,
  });
  t.match(await processJob(deps, job.id), { status: 'finished', created: 4, skipped: 0, refused: 0 });
  const stored = await db.query(
    `select job_row_number, "to", normalised_to, created_by_id, key_type, api_key_id, template_version,
            billable_units, app_private.decrypt(_personalisation)::jsonb as personalisation
     from app_public.notifications where job_id = $1 order by job_row_number`,
    [job.id],
  );
  t.match(stored, [
    { job_row_number: 0, to: '07700901001', normalised_to: '447700901001', personalisation: { name: 'Ann' } },
    { job_row_number: 1, to: '+44 7700 901002', personalisation: { name: 'Bob' } },
    { job_row_number: 3, personalisation: { name: odd } },
  ]);
  t.equal(stored.length, 3, 'the simulated recipient is accepted, not stored');
  for (const r of stored) {
    t.match(r, {
      created_by_id: s.userId,
      key_type: 'normal',
      api_key_id: null,
      template_version: 1,
      billable_units: 1,
    });
  }
  t.same(await db.query('select row_count from app_private.job_rows_not_stored where job_id = $1', [job.id]), [
    { row_count: 1 },
  ]);
  t.equal(
    (await db.one('select count(*)::int as n from app_private.csv_upload_rows where upload_id = $1', [job.id])).n,
    0,
  );
});

t.test('a check with errors keeps nothing, and a new check replaces what the last one kept', async (t) => {
  const s = await createServiceWithKeys(db);
  const upload = (csv: string) =>
    uploadAndCheck(
      deps,
      { userId: s.userId },
      { serviceId: s.serviceId, templateId: s.sms, fileName: 'r.csv', body: Readable.from([csv]) },
    );
  const bad = await upload('phone number,name\n07700901001,Ann\nnot a number,Bob\n');
  t.notOk(bad.valid);
  const uploadRow = (id: string) =>
    db.one(
      `select u.staged_rows, u.has_errors,
              (select count(*)::int from app_private.csv_upload_rows r where r.upload_id = u.id) as kept
       from app_private.csv_uploads u where u.id = $1`,
      [id],
    );
  t.match(await uploadRow(bad.upload_id), { staged_rows: null, has_errors: true, kept: 0 });

  const good = await upload('phone number,name\n07700901001,Ann\n07700901002,Bob\n');
  t.match(await uploadRow(good.upload_id), { staged_rows: 2, has_errors: false, kept: 2 });
  // The template changes and the file is checked again: the rows kept are the new check's.
  await db.query(`select app_public.update_template(template_id => $1, content => 'Changed ((name))')`, [s.sms]);
  const again = await recheck(deps, { userId: s.userId }, s.serviceId, good.upload_id, s.sms);
  t.ok(again.valid);
  t.match(await uploadRow(good.upload_id), { staged_rows: 2, has_errors: false, kept: 2 });
  // A job made from a check that has no kept rows reads the file instead.
  await db.query('delete from app_private.csv_upload_rows where upload_id = $1', [good.upload_id]);
  const job = await createJob(db.pool, {
    serviceId: s.serviceId,
    templateId: s.sms,
    uploadId: good.upload_id,
    fileName: 'r.csv',
    userId: s.userId,
  });
  t.match(await processJob(deps, job.id), { status: 'finished', created: 2 });
  t.match(await counts(job.id), { n: 2, distinct_rows: 2 });
});

t.test('through the worker queue; an inactive service’s job is cancelled', async (t) => {
  const s = await createServiceWithKeys(db);
  const job = await newJob(s, phones(30));
  const outcome = await runTask(db.url, 'process-job', { jobId: job.id });
  t.equal(outcome.status, 'completed', String(outcome.error));
  t.match(await counts(job.id), { n: 30, distinct_rows: 30 });
  t.equal((await db.one('select job_status from app_public.jobs where id = $1', [job.id])).job_status, 'finished');

  const gone = await createServiceWithKeys(db);
  const cancelled = await newJob(gone, phones(3));
  await db.query('update app_public.services set active = false where id = $1', [gone.serviceId]);
  t.match(await processJob(deps, cancelled.id), { status: 'cancelled' });
  t.equal((await counts(cancelled.id)).n, 0);
});

t.test('create_job: Notify’s refusals', async (t) => {
  const s = await createServiceWithKeys(db);
  const checked = async (templateId = s.sms, csv = 'phone number,name\n07700901001,A\n') =>
    (
      await uploadAndCheck(
        deps,
        { userId: s.userId },
        { serviceId: s.serviceId, templateId, fileName: 'f.csv', body: Readable.from([csv]) },
      )
    ).upload_id;
  const call = (scheduledFor: string | null, template = s.sms, uploadId?: string) =>
    Promise.resolve(uploadId ?? checked(template === fx.sms ? s.sms : template)).then((id) =>
      db.query('select * from app_public.create_job($1, $2, $3, $4, $5::timestamptz)', [
        s.serviceId,
        template,
        id,
        'f.csv',
        scheduledFor,
      ]),
    );
  await t.rejects(call(new Date(Date.now() - 60_000).toISOString()), { message: 'Date cannot be in the past' });
  await t.rejects(call(new Date(Date.now() + 8 * 86400_000).toISOString()), {
    message: 'Date cannot be more than 7 days in the future',
  });
  const [scheduled] = await call(new Date(Date.now() + 86400_000).toISOString());
  t.equal(scheduled.job_status, 'scheduled');
  const queued = await db.one(
    `select count(*)::int as n from graphile_worker._private_jobs where payload->>'jobId' = $1`,
    [scheduled.id],
  );
  t.equal(queued.n, 0, 'a scheduled job waits for run-scheduled-jobs');
  await t.rejects(call(null, fx.sms), { message: 'Template not found' });
  const emailUpload = await checked(s.email, 'email address\na@example.gov.uk\n');
  await db.query('update app_public.templates set archived = true where id = $1', [s.email]);
  await t.rejects(call(null, s.email, emailUpload), { message: 'Template has been deleted' });
  const trial = await createServiceWithKeys(db, { restricted: true });
  await t.rejects(
    db.query('select * from app_public.create_job($1, $2, gen_random_uuid(), $3)', [
      trial.serviceId,
      trial.letter,
      'f.csv',
    ]),
    { message: 'Create letter job is not allowed for service in trial mode' },
  );
});

t.test(
  'create_job: only a file checked without errors, against this template, with the check’s row count',
  async (t) => {
    const s = await createServiceWithKeys(db);
    const upload = (templateId: string, csv: string) =>
      uploadAndCheck(
        deps,
        { userId: s.userId },
        { serviceId: s.serviceId, templateId, fileName: 'f.csv', body: Readable.from([csv]) },
      );
    const make = (uploadId: string, templateId = s.sms, serviceId = s.serviceId) =>
      db.query('select * from app_public.create_job($1, $2, $3, $4)', [serviceId, templateId, uploadId, 'f.csv']);

    await t.rejects(make(crypto.randomUUID()), { code: 'NTF04', message: /not found: upload the file and check it/ });
    const bad = await upload(s.sms, 'phone number,name\n07700901001,A\nnot a number,B\n');
    t.equal(bad.valid, false);
    await t.rejects(make(bad.upload_id), { code: 'NTF01', message: /has errors and cannot be sent/ });
    t.equal((await db.query('select 1 from app_public.jobs where id = $1', [bad.upload_id])).length, 0);

    const good = await upload(s.sms, 'phone number,name\n07700901001,A\n07700901002,B\n');
    t.equal(good.valid, true);
    const other = await createServiceWithKeys(db);
    await t.rejects(make(good.upload_id, other.sms, other.serviceId), { code: 'NTF04', message: /not found/ });
    const otherSms = await db.one<{ id: string }>(
      `select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'Other',
     content => 'Hi ((name))')`,
      [s.serviceId],
    );
    await t.rejects(make(good.upload_id, otherSms.id), { code: 'NTF01', message: /checked against another template/ });
    await db.query(`select app_public.update_template($1, content => 'Changed ((name))')`, [s.sms]);
    await t.rejects(make(good.upload_id), { code: 'NTF01', message: /template has changed since/ });

    // Checked again against the template as it is now: the job takes its row count from the check (the caller has
    // no say: create_job takes none).
    const again = await upload(s.sms, 'phone number,name\n07700901001,A\n07700901002,B\n');
    const [job] = await make(again.upload_id);
    t.match(job, { id: again.upload_id, notification_count: 2, job_status: 'pending' });
    await t.rejects(make(again.upload_id), { code: 'NTF02' });
  },
);

t.test('blank rows are not rows: notification_count, job_row_number and the missing-rows check agree', async (t) => {
  const s = await createServiceWithKeys(db);
  const csv = 'phone number,name\n,\n07700901001,A\n,,\n\n07700901002,B\n ,\n07700901003,C\n,\n';
  const job = await newJob(s, csv);
  t.equal(job.notification_count, 3);
  t.match(await processJob(deps, job.id), { status: 'finished', created: 3 });
  t.match(await counts(job.id), { n: 3, distinct_rows: 3, min: 0, max: 2 });
  // Finished half an hour ago and nothing queued for it: a complete job is not sent round again.
  await db.query(`delete from graphile_worker._private_jobs where key = 'process-job:' || $1`, [job.id]);
  await db.query(`update app_public.jobs set processing_finished = now() - interval '30 minutes' where id = $1`, [
    job.id,
  ]);
  await db.query('select app_private.requeue_jobs_missing_rows()');
  t.equal((await db.one('select job_status from app_public.jobs where id = $1', [job.id])).job_status, 'finished');
});

t.test('simulated recipients are not stored, and the job is not taken for short', async (t) => {
  const s = await createServiceWithKeys(db);
  const job = await newJob(s, 'phone number,name\n07700901001,A\n07700900111,Simulated\n07700901002,B\n');
  t.equal(job.notification_count, 3);
  t.match(await processJob(deps, job.id), { status: 'finished', created: 3 });
  t.match(await counts(job.id), { n: 2 }, 'the simulated recipient is accepted, not stored');
  t.same(await db.query('select row_count from app_private.job_rows_not_stored where job_id = $1', [job.id]), [
    { row_count: 1 },
  ]);
  await db.query(`delete from graphile_worker._private_jobs where key = 'process-job:' || $1`, [job.id]);
  await db.query(`update app_public.jobs set processing_finished = now() - interval '30 minutes' where id = $1`, [
    job.id,
  ]);
  t.equal((await db.one('select app_private.requeue_jobs_missing_rows() as n')).n, 0);
  t.equal((await db.one('select job_status from app_public.jobs where id = $1', [job.id])).job_status, 'finished');
});

t.test('a gap in the middle (a lost batch) is filled on a re-run', async (t) => {
  const s = await createServiceWithKeys(db);
  await db.query('update app_public.services set rate_limit = 10 where id = $1', [s.serviceId]);
  const job = await newJob(s, phones(50));
  t.match(await processJob(deps, job.id, { batchSize: 10 }), { status: 'finished', created: 50 });
  const gone = await db.query<{ id: string }>(
    'select id from app_public.notifications where job_id = $1 and job_row_number between 20 and 29',
    [job.id],
  );
  await db.query('delete from app_public.notifications where id = any($1::uuid[])', [gone.map((r) => r.id)]);
  t.match(await counts(job.id), { n: 40, max: 49 });
  // What the missing-rows check does: the job back to pending and process-job run again.
  await db.query(`delete from graphile_worker._private_jobs where key = 'process-job:' || $1`, [job.id]);
  await db.query(`update app_public.jobs set processing_finished = now() - interval '30 minutes' where id = $1`, [
    job.id,
  ]);
  t.equal((await db.one('select app_private.requeue_jobs_missing_rows() as n')).n, 1);
  t.match(await processJob(deps, job.id, { batchSize: 10 }), { status: 'finished', created: 10, refused: 0 });
  t.match(await counts(job.id), { n: 50, distinct_rows: 50, min: 0, max: 49 });
});

t.test('CLI: send-job and job-status', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'send-job-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'people.csv');
  await fs.writeFile(good, phones(12));
  const cli = async (...args: string[]) => {
    const r = await run(['src/cli.ts', ...args, '--json'], { DATABASE_URL: db.url, S3_ENDPOINT: endpoint });
    let json: any = null;
    try {
      json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    } catch {
      json = null;
    }
    return { ...r, json };
  };
  const sent = await cli(
    'send-job',
    '--service',
    fx.serviceId,
    '--template',
    fx.sms,
    '--file',
    good,
    '--user',
    fx.userId,
  );
  t.equal(sent.code, 0, sent.stderr);
  t.match(sent.json, { job_status: 'pending', notification_count: 12, original_file_name: 'people.csv' });
  t.equal(sent.json.created_by_id, fx.userId);
  const outcome = await runTask(db.url, 'process-job', { jobId: sent.json.id });
  t.equal(outcome.status, 'completed', String(outcome.error));
  const status = await cli('job-status', '--job', sent.json.id);
  t.equal(status.code, 0, status.stderr);
  t.match(status.json, { id: sent.json.id, job_status: 'finished', processed: 12, statistics: { created: 12 } });

  const bad = path.join(dir, 'bad.csv');
  await fs.writeFile(bad, 'phone number,name\n0770090,Ann\n');
  const refused = await cli('send-job', '--service', fx.serviceId, '--template', fx.sms, '--file', bad);
  t.equal(refused.code, 1);
  t.match(refused.json, { valid: false, rows_with_errors: 1, row_errors: [{ row_number: 2 }] });

  const binary = path.join(dir, 'book.xlsx');
  await fs.writeFile(binary, 'PK\x03\x04');
  const notCsv = await cli('send-job', '--service', fx.serviceId, '--template', fx.sms, '--file', binary);
  t.equal(notCsv.code, 1);
  t.match(notCsv.json, { error: 'BadRequestError', message: /^Could not read book\.xlsx/ });

  const missing = await cli('job-status', '--job', '00000000-0000-4000-8000-000000000000');
  t.equal(missing.code, 1);
  t.match(missing.json, { error: 'NoResultFound' });
});

t.test('forget_checked_rows: the kept rows no job will read', async (t) => {
  const s = await createServiceWithKeys(db);
  const check = async (csv: string) => {
    const report = await uploadAndCheck(
      deps,
      { userId: s.userId },
      { serviceId: s.serviceId, templateId: s.sms, fileName: 'f.csv', body: Readable.from([csv]) },
    );
    t.ok(report.valid);
    return report.upload_id;
  };
  const kept = async (id: string) =>
    (await db.one('select count(*)::int as n from app_private.csv_upload_rows where upload_id = $1', [id])).n;
  const scheduled = (uploadId: string) =>
    createJob(db.pool, {
      serviceId: s.serviceId,
      templateId: s.sms,
      uploadId,
      fileName: 'f.csv',
      scheduledFor: new Date(Date.now() + 3600_000).toISOString(),
      userId: s.userId,
    });
  const recent = await check(phones(3));
  const old = await check(phones(4));
  await db.query(`update app_private.csv_uploads set checked_at = now() - interval '8 days' where id = $1`, [old]);
  const cancelled = await check(phones(5));
  await scheduled(cancelled);
  await db.query(`update app_public.jobs set job_status = 'cancelled' where id = $1`, [cancelled]);
  const waiting = await check(phones(6));
  await scheduled(waiting);
  await db.query(`update app_private.csv_uploads set checked_at = now() - interval '8 days' where id = $1`, [waiting]);
  // Other tests' uploads share the database: at least this test's 4 + 5 go.
  t.ok((await db.one('select app_private.forget_checked_rows() as n')).n >= 9, 'the old upload’s and the job’s');
  t.same(
    [await kept(recent), await kept(old), await kept(cancelled), await kept(waiting)],
    [3, 0, 0, 6],
    'an upload checked lately and a scheduled job keep theirs',
  );
});

t.test('rows the database will not take cost the shortcut, not the check', async (t) => {
  const uploadId = crypto.randomUUID();
  const kept = new CheckedRows(db.pool, uploadId);
  await kept.start();
  const item = (n: unknown) =>
    ({ to: '07700900001', normalised_to: '447700900001', personalisation: null, billable_units: n }) as never;
  t.equal(kept.add(0, item(1)), undefined);
  // Not an integer: the COPY fails when the database reads it.
  kept.add(1, item('many'));
  for (let i = 2; i < 5000; i++) await kept.add(i, item(1));
  await t.rejects(kept.finish(), /integer/);
  await kept.discard();
  t.equal(
    (await db.one('select count(*)::int as n from app_private.csv_upload_rows where upload_id = $1', [uploadId])).n,
    0,
  );
  t.equal((await db.one('select 1 as ok')).ok, 1, 'the pool is fine');
});
