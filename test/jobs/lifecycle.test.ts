// Jobs around the CSV pipeline: cancelling, starting scheduled jobs, stuck and short jobs queued
// again, CSV retention, outcome counts and the jobs list.
import fs from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseCrontab } from 'graphile-worker';
import t from 'tap';
import { projectRoot } from '../../src/config.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { objectExists } from '../../src/lib/s3.ts';
import { serviceFileKey } from '../../src/jobs/job-files.ts';
import { createTestDb, testConfig } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';
import { asUser, insertJob, queued, teamMember } from '../helpers/jobs.ts';
import { startTestS3 } from '../helpers/s3.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'jobs');
// The tasks read the process configuration: point it at this S3 before any task runs.
process.env.S3_ENDPOINT = s3Endpoint;

const db = await createTestDb(t, 'jobs');
const f = await serviceOwner(db);
const svc = await f.service('Jobs');
const sms = await f.template(svc, 'sms');
const email = await f.template(svc, 'email');
const letter = await f.template(svc, 'letter');
const otherOwner = await serviceOwner(db);
const status = async (id: string) =>
  await db.one<{ job_status: string; archived: boolean }>(
    'select job_status, archived from app_public.jobs where id = $1',
    [id],
  );
const clearQueue = () => db.query('delete from graphile_worker._private_jobs');

t.test('cancel_job: only a scheduled job whose time has not come', async (t) => {
  const future = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    scheduledFor: "now() + interval '1 hour'",
  });
  const past = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    scheduledFor: "now() - interval '1 minute'",
  });
  const pending = await insertJob(db, { serviceId: svc, templateId: sms, status: 'pending' });

  await t.rejects(
    asUser(db, otherOwner.userId, 'select * from app_public.cancel_job($1)', [future]),
    {
      code: 'NTF04',
      message: 'No result found',
    },
    "another service's user cannot tell the job exists",
  );
  const viewer = await teamMember(db, svc, ['view_activity']);
  await t.rejects(
    asUser(db, viewer, 'select * from app_public.cancel_job($1)', [future]),
    { code: 'NTF03' },
    'a team member without send_texts cannot cancel a text job',
  );
  t.equal((await status(future)).job_status, 'scheduled');

  const texter = await teamMember(db, svc, ['send_texts']);
  const [row] = await asUser(db, texter, 'select * from app_public.cancel_job($1)', [future]);
  t.equal(row.job_status, 'cancelled', 'cancelled, and the row is returned');
  await db.query('select app_public.cancel_job($1)', [future]);
  t.pass('(outside a user request, as the internal API)');
  t.equal((await status(future)).job_status, 'cancelled');
  await t.rejects(db.query('select app_public.cancel_job($1)', [future]), { code: 'NTF04' }, 'not twice');
  await t.rejects(db.query('select app_public.cancel_job($1)', [past]), { code: 'NTF04' }, 'not once its time came');
  await t.rejects(db.query('select app_public.cancel_job($1)', [pending]), { code: 'NTF04' }, 'not a pending job');
  await t.rejects(db.query('select app_public.cancel_job(gen_random_uuid())'), { code: 'NTF04' }, 'not a missing one');
  await db.query('delete from app_public.jobs');
});

t.test('run-scheduled-jobs: due jobs to pending with process-job queued', async (t) => {
  await clearQueue();
  const due = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    scheduledFor: "now() - interval '10 seconds'",
  });
  const later = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    scheduledFor: "now() + interval '10 minutes'",
  });
  const outcome = await runTask(db.url, 'run-scheduled-jobs', {});
  t.equal(outcome.status, 'completed', outcome.error ?? '');
  t.equal((await status(due)).job_status, 'pending');
  t.equal((await status(later)).job_status, 'scheduled', 'a job not due yet waits');
  t.same(await queued(db, 'process-job'), [{ key: `process-job:${due}`, payload: { jobId: due } }]);
  t.equal((await db.one('select app_private.run_scheduled_jobs() as n')).n, 0, 'nothing more to start');
  t.equal((await queued(db, 'process-job')).length, 1);
  await db.query('delete from app_public.jobs');
});

t.test('check-job-status: jobs stuck for 30 minutes are queued again, once', async (t) => {
  await clearQueue();
  const stuck = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'in progress',
    count: 5,
    processingStarted: "now() - interval '31 minutes'",
  });
  const busy = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'in progress',
    processingStarted: "now() - interval '10 minutes'",
  });
  const lostScheduled = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'pending',
    createdAt: "now() - interval '2 hours'",
    scheduledFor: "now() - interval '40 minutes'",
  });
  // became pending when its time came, 40 minutes ago, and nothing happened since
  await db.query(`update app_public.jobs set updated_at = scheduled_for where id = $1`, [lostScheduled]);
  const lostNow = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'pending',
    createdAt: "now() - interval '35 minutes'",
  });
  const fresh = await insertJob(db, { serviceId: svc, templateId: sms, status: 'pending' });
  // a stuck-looking job whose process-job is still waiting in the queue is left to it
  const waiting = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'pending',
    createdAt: "now() - interval '45 minutes'",
  });
  await db.query('select app_private.queue_process_jobs(array[$1::uuid])', [waiting]);
  const before = (await queued(db, 'process-job')).length;

  t.equal((await runTask(db.url, 'check-job-status', {})).status, 'completed');
  t.equal((await status(stuck)).job_status, 'pending', 'in progress → pending, so process-job resumes it');
  t.equal((await status(busy)).job_status, 'in progress');
  const keys = (await queued(db, 'process-job')).map((j) => j.key).sort();
  t.same(keys, [stuck, lostScheduled, lostNow, waiting].map((id) => `process-job:${id}`).sort());
  t.equal(keys.length, before + 3);
  t.notOk(keys.includes(`process-job:${fresh}`), 'a fresh pending job is not stuck');

  t.equal((await db.one('select app_private.requeue_stuck_jobs() as n')).n, 0, 'queued jobs are not queued again');
  // process-job used all its attempts without finishing: 30 minutes on, the job is stuck again
  await db.query(`update graphile_worker._private_jobs set attempts = max_attempts where key = $1`, [
    `process-job:${stuck}`,
  ]);
  t.equal((await db.one('select app_private.requeue_stuck_jobs() as n')).n, 0, 'not before 30 minutes');
  await db.query(`update app_public.jobs set updated_at = now() - interval '31 minutes' where id = $1`, [stuck]);
  t.equal((await db.one('select app_private.requeue_stuck_jobs() as n')).n, 1, 'then queued again');
  t.equal(
    (await db.one('select attempts from graphile_worker._private_jobs where key = $1', [`process-job:${stuck}`]))
      .attempts,
    0,
    'the same queue entry, given its attempts back',
  );
  await db.query('delete from app_public.jobs');
});

t.test('check-for-missing-rows-in-completed-jobs: short finished jobs run again', async (t) => {
  await clearQueue();
  const job = (finished: string, count: number) =>
    insertJob(db, {
      serviceId: svc,
      templateId: sms,
      status: 'finished',
      count,
      processingStarted: `${finished} - interval '1 minute'`,
      processingFinished: finished,
    });
  const short = await job("now() - interval '30 minutes'", 3);
  const whole = await job("now() - interval '30 minutes'", 2);
  const recent = await job("now() - interval '5 minutes'", 3);
  const old = await job("now() - interval '2 days'", 3);
  const empty = await job("now() - interval '1 hour'", 2);
  for (const id of [short, whole, recent, old])
    await f.notify({
      serviceId: svc,
      templateId: sms,
      type: 'sms',
      createdAt: new Date().toISOString(),
      jobId: id,
      count: 2,
    });
  await db.query(
    `update app_public.notifications set job_row_number = r.n
     from (select id, row_number() over (partition by job_id order by id) - 1 as n from app_public.notifications) r
     where r.id = notifications.id`,
  );
  t.equal((await runTask(db.url, 'check-for-missing-rows-in-completed-jobs', {})).status, 'completed');
  t.same(
    (await queued(db, 'process-job')).map((j) => j.key).sort(),
    [short, empty].map((id) => `process-job:${id}`).sort(),
    'only jobs finished 20 minutes to a day ago with fewer rows than the CSV',
  );
  t.equal((await status(short)).job_status, 'pending');
  t.equal((await status(whole)).job_status, 'finished');
  t.equal((await db.one('select app_private.requeue_jobs_missing_rows() as n')).n, 0, 'not queued twice');
  await db.query('delete from app_public.notifications');
  await db.query('delete from app_public.jobs');
});

t.test('remove-job-files: CSVs past retention deleted, then the jobs archived', async (t) => {
  const other = await f.service('Ten days for texts');
  const otherSms = await f.template(other, 'sms');
  await db.query(
    `insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
     values ($1, 'sms', 10)`,
    [other],
  );
  const put = async (serviceId: string, id: string) =>
    s3.send(
      new PutObjectCommand({ Bucket: cfg.CSV_UPLOAD_BUCKET, Key: serviceFileKey(serviceId, id), Body: 'phone\n1' }),
    );
  const oldSms = await insertJob(db, { serviceId: svc, templateId: sms, createdAt: "now() - interval '8 days'" });
  const oldEmailNoFile = await insertJob(db, {
    serviceId: svc,
    templateId: email,
    createdAt: "now() - interval '9 days'",
  });
  const oldLetter = await insertJob(db, { serviceId: svc, templateId: letter, createdAt: "now() - interval '8 days'" });
  const scheduledLate = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    createdAt: "now() - interval '9 days'",
    scheduledFor: "now() - interval '2 days'",
  });
  const young = await insertJob(db, { serviceId: svc, templateId: sms, createdAt: "now() - interval '3 days'" });
  const keptLonger = await insertJob(db, {
    serviceId: other,
    templateId: otherSms,
    createdAt: "now() - interval '8 days'",
  });
  for (const id of [oldSms, oldLetter, scheduledLate, young]) await put(svc, id);
  await put(other, keptLonger);

  const run = await runTask(db.url, 'remove-job-files', { notification_types: ['sms', 'email'] });
  t.equal(run.status, 'completed', run.error ?? '');
  const exists = (serviceId: string, id: string) =>
    objectExists(s3, cfg.CSV_UPLOAD_BUCKET, serviceFileKey(serviceId, id));
  t.notOk(await exists(svc, oldSms), 'the old CSV is gone');
  t.ok((await status(oldSms)).archived, 'and its job archived');
  t.ok((await status(oldEmailNoFile)).archived, 'a CSV already missing is fine');
  t.ok(await exists(svc, oldLetter), 'letters wait for their own run');
  t.notOk((await status(oldLetter)).archived);
  t.ok(await exists(svc, scheduledLate), 'retention counts from when a scheduled job was due');
  t.ok(await exists(svc, young));
  t.ok(await exists(other, keptLonger), "the service's own retention for texts");
  t.notOk((await status(keptLonger)).archived);

  t.equal((await runTask(db.url, 'remove-job-files', { notification_types: ['letter'] })).status, 'completed');
  t.notOk(await exists(svc, oldLetter));
  t.ok((await status(oldLetter)).archived);
  const bad = await runTask(db.url, 'remove-job-files', { notification_types: ['fax'] });
  t.equal(bad.status, 'failed', 'an unknown type is refused');

  // A crash after the deletion but before the archiving: the rerun deletes again and records it.
  await db.query('update app_public.jobs set archived = false where id = $1', [oldSms]);
  t.equal((await runTask(db.url, 'remove-job-files', { notification_types: ['sms'] })).status, 'completed');
  t.ok((await status(oldSms)).archived);
  await t.rejects(s3.send(new GetObjectCommand({ Bucket: cfg.CSV_UPLOAD_BUCKET, Key: serviceFileKey(svc, oldSms) })));
  await db.query('delete from app_public.jobs');
});

t.test('job outcomes: notifications while young, ft_notification_status after', async (t) => {
  const young = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    count: 3,
    processingStarted: "now() - interval '1 hour'",
  });
  await f.notify({
    serviceId: svc,
    templateId: sms,
    type: 'sms',
    createdAt: new Date().toISOString(),
    jobId: young,
    count: 2,
  });
  await f.notify({
    serviceId: svc,
    templateId: sms,
    type: 'sms',
    createdAt: new Date().toISOString(),
    jobId: young,
    status: 'permanent-failure',
  });
  const old = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    count: 7,
    createdAt: "now() - interval '5 days'",
    processingStarted: "now() - interval '5 days'",
  });
  // a live row the facts already counted: the facts are what an old job reports
  const fiveDaysAgo = (await db.one(`select (now() - interval '5 days')::text as t`)).t as string;
  await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: fiveDaysAgo, jobId: old });
  const archivedYoung = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    count: 1,
    processingStarted: "now() - interval '1 day'",
  });
  await db.query(
    `insert into app_public.ft_notification_status (bst_date, template_id, service_id, job_id, notification_type,
       key_type, notification_status, notification_count)
     values (current_date - 5, $1, $2, $3, 'sms', 'normal', 'delivered', 4),
            (current_date - 4, $1, $2, $3, 'sms', 'normal', 'delivered', 2),
            (current_date - 5, $1, $2, $3, 'sms', 'normal', 'temporary-failure', 1),
            (current_date - 1, $1, $2, $4, 'sms', 'normal', 'sent', 1)`,
    [sms, svc, old, archivedYoung],
  );
  const unstarted = await insertJob(db, { serviceId: svc, templateId: sms, status: 'pending', count: 2 });

  const stats = async (id: string) => db.query('select * from app_public.job_statistics($1)', [id]);
  t.same(await stats(young), [
    { status: 'delivered', count: 2 },
    { status: 'permanent-failure', count: 1 },
  ]);
  t.same(
    await stats(old),
    [
      { status: 'delivered', count: 6 },
      { status: 'temporary-failure', count: 1 },
    ],
    'summed over days from ft_notification_status',
  );
  t.same(await stats(archivedYoung), [{ status: 'sent', count: 1 }], 'rows already archived: the facts');
  t.same(await stats(unstarted), [], 'nothing before processing starts');

  await t.rejects(asUser(db, otherOwner.userId, 'select * from app_public.job_statistics($1)', [young]), {
    code: 'NTF04',
  });
  const viewer = await teamMember(db, svc, ['view_activity']);
  t.equal((await asUser(db, viewer, 'select * from app_public.job_statistics($1)', [young])).length, 2);
  const [computed] = await asUser(
    db,
    viewer,
    'select app_public.jobs_statistics(j) as s from app_public.jobs j where id = $1',
    [old],
  );
  t.same(computed.s, [
    { status: 'delivered', count: 6 },
    { status: 'temporary-failure', count: 1 },
  ]);
  const forged = await asUser(
    db,
    otherOwner.userId,
    'select app_public.jobs_statistics(j) from app_public.jobs j where id = $1',
    [young],
  );
  t.same(forged, [], "another service's user does not see the job");
  await t.rejects(
    asUser(
      db,
      otherOwner.userId,
      `select app_public.jobs_statistics(jsonb_populate_record(null::app_public.jobs,
         jsonb_build_object('id', $1::uuid, 'service_id', $2::uuid, 'processing_started', now())))`,
      [young, svc],
    ),
    { code: 'NTF04' },
    'nor the counts of a job row built by hand',
  );
  await db.query('delete from app_public.ft_notification_status');
  await db.query('delete from app_public.notifications');
  await db.query('delete from app_public.jobs');
});

t.test('service_jobs: newest first, without one-off sends, by contact list', async (t) => {
  const list = await db.one(
    `select id from app_public.create_contact_list(gen_random_uuid(), $1, 'list.csv', 2, 'sms', $2)`,
    [svc, f.userId],
  );
  const a = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    createdAt: "now() - interval '3 days'",
    processingStarted: "now() - interval '3 days'",
  });
  const b = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    createdAt: "now() - interval '2 days'",
    processingStarted: "now() - interval '1 day'",
    contactListId: list.id,
  });
  const scheduled = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    createdAt: "now() - interval '4 days'",
    scheduledFor: "now() + interval '1 day'",
  });
  await insertJob(db, { serviceId: svc, templateId: sms, fileName: 'Test message' });
  await insertJob(db, { serviceId: svc, templateId: sms, fileName: 'Report' });
  const ids = async (sql: string, params: unknown[]) => (await db.query(sql, params)).map((r) => r.id);
  t.same(await ids('select id from app_public.service_jobs($1)', [svc]), [scheduled, b, a]);
  t.same(await ids('select id from app_public.service_jobs($1, contact_list_id => $2)', [svc, list.id]), [b]);
  t.same(await ids('select id from app_public.service_jobs($1, limit_days => 2)', [svc]), [b]);
  t.same(await ids(`select id from app_public.service_jobs($1, statuses => '{scheduled}')`, [svc]), [scheduled]);
  t.same(await ids('select id from app_public.service_jobs($1) limit 1 offset 1', [svc]), [b], 'pages');
  await t.rejects(asUser(db, otherOwner.userId, 'select * from app_public.service_jobs($1)', [svc]), { code: 'NTF04' });
  await db.query('delete from app_public.jobs');
});

t.test('the crontab runs these tasks', async (t) => {
  const items = parseCrontab(await fs.readFile(path.join(projectRoot, 'tasks', 'crontab'), 'utf8'));
  for (const task of [
    'run-scheduled-jobs',
    'check-job-status',
    'check-for-missing-rows-in-completed-jobs',
    'remove-job-files',
  ]) {
    t.ok(
      items.some((i) => i.task === task),
      `${task} scheduled`,
    );
    await fs.access(path.join(projectRoot, 'tasks', `${task}.ts`));
  }
  t.same(
    items.filter((i) => i.task === 'remove-job-files').map((i) => i.payload),
    [{ notification_types: ['sms', 'email'] }, { notification_types: ['letter'] }],
    'texts and emails, then letters',
  );
});
