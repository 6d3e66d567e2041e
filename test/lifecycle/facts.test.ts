// ft_notification_status, the nightly tasks, their idempotency and schedule.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseCrontab } from 'graphile-worker';
import t from 'tap';
import { projectRoot } from '../../src/config.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';

const NIL = '00000000-0000-0000-0000-000000000000';

async function statusRows(db: TestDb, serviceId: string) {
  return db.query(
    `select bst_date::text, notification_type, job_id::text = $2 as no_job, key_type, notification_status,
            notification_count
     from app_public.ft_notification_status where service_id = $1
     order by bst_date, notification_type, no_job, key_type, notification_status`,
    [serviceId, NIL],
  );
}

t.test('ft_notification_status: per day, type, job and status; test keys out; vanished statuses go', async (t) => {
  const db = await createTestDb(t, 'status');
  const f = await serviceOwner(db);
  const svc = await f.service('Status');
  const sms = await f.template(svc, 'sms');
  const letter = await f.template(svc, 'letter');
  const job = await db.one(
    `insert into app_public.jobs (original_file_name, service_id, template_id, template_version, notification_count,
       created_by_id)
     values ('a.csv', $1, $2, 1, 3, $3) returning id`,
    [svc, sms, f.userId],
  );
  const day = '2023-06-15 12:00+01';
  await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: day, count: 2 });
  await f.notify({
    serviceId: svc,
    templateId: sms,
    type: 'sms',
    createdAt: day,
    status: 'permanent-failure',
    jobId: job.id,
  });
  await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: day, keyType: 'team', history: true });
  await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: day, keyType: 'test', count: 5 });
  // London 15th, UTC 14th
  await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: '2023-06-15 00:10+01' });
  const late = await f.notify({
    serviceId: svc,
    templateId: letter,
    type: 'letter',
    createdAt: day,
    status: 'sending',
  });
  await f.notify({
    serviceId: svc,
    templateId: letter,
    type: 'letter',
    createdAt: day,
    status: 'delivered',
    history: true,
  });

  const n = await db.one(`select app_private.create_nightly_notification_status('2023-06-15') as n`);
  t.equal(n.n, 5, 'five groups');
  t.same(await statusRows(db, svc), [
    {
      bst_date: '2023-06-15',
      notification_type: 'letter',
      no_job: true,
      key_type: 'normal',
      notification_status: 'delivered',
      notification_count: 1,
    },
    {
      bst_date: '2023-06-15',
      notification_type: 'letter',
      no_job: true,
      key_type: 'normal',
      notification_status: 'sending',
      notification_count: 1,
    },
    {
      bst_date: '2023-06-15',
      notification_type: 'sms',
      no_job: false,
      key_type: 'normal',
      notification_status: 'permanent-failure',
      notification_count: 1,
    },
    {
      bst_date: '2023-06-15',
      notification_type: 'sms',
      no_job: true,
      key_type: 'normal',
      notification_status: 'delivered',
      notification_count: 3,
    },
    {
      bst_date: '2023-06-15',
      notification_type: 'sms',
      no_job: true,
      key_type: 'team',
      notification_status: 'delivered',
      notification_count: 1,
    },
  ]);

  // A late letter: the letter left in sending is delivered and archived late;
  // re-aggregating the day (from the view) moves it, and the sending row goes.
  await db.query(`update app_public.notifications set notification_status = 'delivered' where id = $1`, [late]);
  await db.query(`select * from app_private.archive_notifications_batch('letter', 10)`); // 2023: long past retention
  await db.query(`select app_private.create_nightly_notification_status('2023-06-15', array['letter'])`);
  const letters = (await statusRows(db, svc)).filter((r) => r.notification_type === 'letter');
  t.same(letters, [
    {
      bst_date: '2023-06-15',
      notification_type: 'letter',
      no_job: true,
      key_type: 'normal',
      notification_status: 'delivered',
      notification_count: 2,
    },
  ]);
  t.equal((await statusRows(db, svc)).length, 4, 'sms rows untouched by a letters-only run');
});

t.test('nightly tasks: one day by payload, the window by none, twice changes nothing', async (t) => {
  const db = await createTestDb(t, 'tasks');
  const f = await serviceOwner(db);
  const svc = await f.service('Tasks');
  const sms = await f.template(svc, 'sms');
  const email = await f.template(svc, 'email');
  const letter = await f.template(svc, 'letter');
  for (let d = 1; d <= 11; d++) {
    const at = `now() - interval '${d} days'`;
    const createdAt = (await db.one(`select (${at})::text as t`)).t;
    await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt, units: d, count: 2 });
    await f.notify({ serviceId: svc, templateId: email, type: 'email', createdAt });
    await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt,
      status: d % 2 ? 'sending' : 'delivered',
    });
  }
  // The crontab form: no payload queues one job per day, deduplicated by job_key.
  for (const task of ['create-nightly-billing', 'create-nightly-notification-status']) {
    const r = await runTask(db.url, task, {});
    t.equal(r.status, 'completed', `${task} (window) completed`);
  }
  // (those runs' workers may already have taken some of the queued days: count a fresh queue)
  await db.query(`delete from graphile_worker._private_jobs`);
  await db.query(`select app_private.enqueue_nightly_facts('create-nightly-billing'),
                         app_private.enqueue_nightly_facts('create-nightly-notification-status')`);
  const queued = await db.query(
    `select t.identifier as task, count(*)::int as n, count(distinct j.key)::int as keys,
            count(*) filter (where (j.payload->'notification_types')::text = '["letter"]')::int as letters_only
     from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     where t.identifier like 'create-nightly-%' group by 1 order by 1`,
  );
  t.same(
    queued,
    [
      { task: 'create-nightly-billing', n: 10, keys: 10, letters_only: 0 },
      { task: 'create-nightly-notification-status', n: 10, keys: 10, letters_only: 6 },
    ],
    'one job per day: billing 10 days; status sms/email 4 days, letters 10',
  );
  await db.query(`select app_private.enqueue_nightly_facts('create-nightly-billing')`);
  const again = await db.one(
    `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'create-nightly-billing'`,
  );
  t.equal(again.n, 10, 'queuing the window again does not double the jobs');
  await db.query(`delete from graphile_worker._private_jobs`);

  // One day by payload, for every day of the window: run each task twice.
  const snapshot = () =>
    db.query(`select 'b' as t, xmin::text, created_at, updated_at, bst_date, template_id, billable_units,
                     notifications_sent as n
              from app_public.ft_billing
              union all
              select 's', xmin::text, created_at, updated_at, bst_date, template_id, 0, notification_count
              from app_public.ft_notification_status order by 1, 5, 6, 7, 8`);
  const days = (
    await db.query(`select (app_public.london_date(now()) - g)::text as d from generate_series(1, 10) g`)
  ).map((r) => r.d);
  for (const day of days) {
    for (const task of ['create-nightly-billing', 'create-nightly-notification-status']) {
      const r = await runTask(db.url, task, { day });
      if (r.status !== 'completed') t.fail(`${task} ${day}: ${r.error}`);
    }
  }
  const first = await snapshot();
  t.ok(first.length > 40, `facts built (${first.length} rows)`);
  for (const day of days.slice(0, 3)) {
    await runTask(db.url, 'create-nightly-billing', { day });
    await runTask(db.url, 'create-nightly-notification-status', { day });
  }
  for (const day of days) {
    await db.query(
      `select app_private.create_nightly_billing($1::date), app_private.create_nightly_notification_status($1::date)`,
      [day],
    );
  }
  t.same(await snapshot(), first, 'second runs write nothing: same rows, same xmin, same timestamps');

  const today = await runTask(db.url, 'update-ft-billing-for-today', {});
  t.equal(today.status, 'completed');

  // A changed status after the first run is picked up by the rerun of its day.
  await db.query(`update app_public.notifications set notification_status = 'technical-failure'
                  where notification_type = 'sms' and created_at < now() - interval '1 day'
                    and created_at > now() - interval '2 days'`);
  const changed = await db.one(`select app_public.london_date(created_at)::text as d from app_public.notifications
                                 where notification_status = 'technical-failure' limit 1`);
  await runTask(db.url, 'create-nightly-billing', { day: changed.d });
  const sent = await db.one(
    `select count(*)::int as n from app_public.ft_billing where notification_type = 'sms' and bst_date = $1`,
    [changed.d],
  );
  t.equal(sent.n, 0, 'texts that failed after the first run leave ft_billing on the rerun');
});

t.test('crontab lines parse and name existing tasks', async (t) => {
  const text = await fs.readFile(path.join(projectRoot, 'tasks', 'crontab'), 'utf8');
  const items = parseCrontab(text);
  const mine = [
    'create-nightly-billing',
    'create-nightly-notification-status',
    'update-ft-billing-for-today',
    'archive-inbound-sms',
    'archive-notifications',
  ];
  for (const task of mine) {
    t.ok(
      items.some((i) => i.task === task),
      `${task} scheduled`,
    );
    await fs.access(path.join(projectRoot, 'tasks', `${task}.ts`));
  }
});
