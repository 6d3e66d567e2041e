// Archival of notifications and inbound texts, and the all-time view's snapshot property.
import pg from 'pg';
import t from 'tap';
import { runTask } from '../../src/lib/run-task.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { serviceOwner, type ServiceOwner } from '../helpers/factories.ts';

const ago = (days: number) => `now() - interval '${days} days'`;

interface World {
  s1: string; // default retention (7 days)
  s2: string; // sms retention 3 days
  ids: Record<string, string>;
}

/** Rows at 8, 5 and 1 days ago in two services; letters in progress; test keys. */
async function world(db: TestDb, f: ServiceOwner): Promise<World> {
  const s1 = await f.service('Seven days');
  const s2 = await f.service('Three days for texts');
  await db.query(
    `insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
     values ($1, 'sms', 3)`,
    [s2],
  );
  const ids: Record<string, string> = {};
  const at = async (days: number) => (await db.one(`select (${ago(days)})::text as t`)).t as string;
  for (const [svc, label] of [
    [s1, 's1'],
    [s2, 's2'],
  ] as const) {
    const sms = await f.template(svc, 'sms');
    const email = await f.template(svc, 'email');
    const letter = await f.template(svc, 'letter');
    for (const d of [8, 5, 1]) {
      ids[`${label}-sms-${d}`] = await f.notify({
        serviceId: svc,
        templateId: sms,
        type: 'sms',
        createdAt: await at(d),
      });
      ids[`${label}-email-${d}`] = await f.notify({
        serviceId: svc,
        templateId: email,
        type: 'email',
        createdAt: await at(d),
      });
      ids[`${label}-sms-test-${d}`] = await f.notify({
        serviceId: svc,
        templateId: sms,
        type: 'sms',
        createdAt: await at(d),
        keyType: 'test',
      });
    }
    for (const status of ['sending', 'created', 'pending-virus-check', 'delivered', 'returned-letter', 'cancelled']) {
      ids[`${label}-letter-${status}`] = await f.notify({
        serviceId: svc,
        templateId: letter,
        type: 'letter',
        createdAt: await at(8),
        status,
        reference: `REF${label}${status}`.toUpperCase(),
      });
    }
    ids[`${label}-letter-test`] = await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: await at(8),
      status: 'created',
      keyType: 'test',
    });
    // a busier hour so that small batches need several chunks
    await f.notify({ serviceId: svc, templateId: sms, type: 'sms', createdAt: await at(9), count: 7 });
  }
  return { s1, s2, ids };
}

const where = async (db: TestDb, id: string) => {
  const r = await db.one(
    `select (select count(*) from app_public.notifications where id = $1)::int as live,
            (select count(*) from app_public.notification_history where id = $1)::int as history`,
    [id],
  );
  return r.live ? 'live' : r.history ? 'history' : 'gone';
};

const viewCounts = (db: TestDb) =>
  db.query(`select service_id, notification_type, notification_status, count(*)::int as n
            from app_public.notifications_all_time_view where key_type <> 'test' group by 1, 2, 3 order by 1, 2, 3`);

t.test('retention per service and type, letters in progress kept, test keys gone, counts kept', async (t) => {
  const db = await createTestDb(t, 'retention');
  const f = await serviceOwner(db);
  const w = await world(db, f);
  const before = await viewCounts(db);
  const r = await db.one(`call app_private.archive_notifications('sms')`);
  t.equal(Number(r.rows_archived), 7 + 1 + 7 + 2, 'sms: s1 9-/8-day rows, s2 9-/8-/5-day rows');
  await db.one(`call app_private.archive_notifications('email', 1)`);
  const letters = await db.one(`call app_private.archive_notifications('letter')`);
  t.equal(Number(letters.rows_archived), 6, 'letters: delivered, returned-letter, cancelled of both services');
  const expect: Record<string, string> = {
    's1-sms-8': 'history',
    's1-sms-5': 'live',
    's1-sms-1': 'live',
    's2-sms-8': 'history',
    's2-sms-5': 'history',
    's2-sms-1': 'live',
    's1-email-8': 'history',
    's1-email-5': 'live',
    's2-email-8': 'history',
    's2-email-5': 'live', // sms retention only
    's1-sms-test-8': 'gone',
    's1-sms-test-5': 'live',
    's2-sms-test-5': 'gone',
    's2-sms-test-1': 'live',
    's1-letter-sending': 'live',
    's1-letter-created': 'live',
    's1-letter-pending-virus-check': 'live',
    's1-letter-delivered': 'history',
    's1-letter-returned-letter': 'history',
    's1-letter-cancelled': 'history',
    's2-letter-sending': 'live',
    's1-letter-test': 'gone',
    's2-letter-test': 'gone',
  };
  const got: Record<string, string> = {};
  for (const k of Object.keys(expect)) got[k] = await where(db, w.ids[k]);
  t.same(got, expect);
  t.same(await viewCounts(db), before, 'the view counts every non-test row exactly as before');
  const hist = await db.one(`select count(*)::int as n from app_public.notification_history where key_type = 'test'`);
  t.equal(hist.n, 0, 'no test-key row archived');
  const pii = await db.one(`select count(*)::int as n from information_schema.columns
                            where table_schema = 'app_public' and table_name = 'notification_history'
                              and column_name in ('to', '_personalisation')`);
  t.equal(pii.n, 0, 'history holds no PII columns');
  const again = await db.one(`call app_private.archive_notifications('sms')`);
  t.equal(Number(again.rows_archived), 0, 'a rerun finds nothing');
});

t.test('chunks: a killed run keeps committed chunks, the rerun ends in the same state', async (t) => {
  const db = await createTestDb(t, 'resume');
  const f = await serviceOwner(db);
  const w = await world(db, f);
  const before = await viewCounts(db);

  // First chunk committed, then the process "dies".
  const first = await db.one(`select * from app_private.archive_notifications_batch('sms', 3)`);
  t.equal(first.archived + first.deleted_test, 3, 'a chunk is capped at batch_size');
  // A second chunk killed half way: its transaction never commits.
  const victim = new pg.Client({ connectionString: db.url });
  await victim.connect();
  victim.on('error', () => undefined);
  await victim.query('begin');
  await victim.query(`select * from app_private.archive_notifications_batch('sms', 3)`);
  const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid;
  await db.query('select pg_terminate_backend($1)', [pid]);
  await victim.end().catch(() => undefined);
  const mid = await db.one(`select count(*)::int as n from app_public.notification_history`);
  t.equal(mid.n, 3, 'only the committed chunk is in history');

  // A stale copy in history (a row updated after an older archival attempt) is refreshed.
  await db.query(
    `insert into app_public.notification_history (id, service_id, template_id, template_version, key_type,
       billable_units, notification_type, created_at, notification_status)
     select id, service_id, template_id, template_version, key_type, billable_units, notification_type, created_at,
            'sending'
     from app_public.notifications where id = $1`,
    [w.ids['s2-sms-5']],
  );
  const r = await runTask(db.url, 'archive-notifications', { notification_type: 'sms', batch_size: 2 });
  t.equal(r.status, 'completed');
  t.equal(await where(db, w.ids['s2-sms-5']), 'history');
  const refreshed = await db.one(`select notification_status from app_public.notification_history where id = $1`, [
    w.ids['s2-sms-5'],
  ]);
  t.equal(refreshed.notification_status, 'delivered', 'upsert refreshed the stale copy');
  const moved = await db.one(
    `select count(*)::int as n from app_public.notification_history where notification_type = 'sms'`,
  );
  t.equal(moved.n, 17, 'every sms past retention archived once');
  t.same(await viewCounts(db), before, 'counts identical through the view');

  // The whole task (all types) afterwards: letters too, and nothing twice.
  const all = await runTask(db.url, 'archive-notifications', {});
  t.equal(all.status, 'completed', `all types: ${all.error ?? 'ok'}`);
  t.same(await viewCounts(db), before);
  t.equal(await where(db, w.ids['s1-letter-sending']), 'live');
  t.equal(await where(db, w.ids['s1-letter-delivered']), 'history');
});

t.test('a report sees one snapshot while archival moves rows', async (t) => {
  const db = await createTestDb(t, 'snapshot');
  const f = await serviceOwner(db);
  await world(db, f);
  const total = (
    await db.one(`select count(*)::int as n from app_public.notifications_all_time_view where key_type <> 'test'`)
  ).n;

  // 1. REPEATABLE READ: a report transaction started before archival keeps its counts.
  const reader = new pg.Client({ connectionString: db.url });
  await reader.connect();
  t.teardown(() => reader.end());
  await reader.query('begin isolation level repeatable read');
  const count = async () =>
    (
      await reader.query(
        `select count(*)::int as n from app_public.notifications_all_time_view where key_type <> 'test'`,
      )
    ).rows[0].n;
  t.equal(await count(), total);
  await db.query(`call app_private.archive_notifications('sms', 2)`);
  t.equal(await count(), total, 'same count inside the report transaction after archival committed');
  await reader.query('commit');
  t.equal(await count(), total, 'and after it: rows moved, none doubled or lost');

  // 2. READ COMMITTED, one statement: both halves of the view read the statement's
  // snapshot even when archival commits while the statement runs (between the two
  // subqueries, which are 0.6 s apart).
  const report = reader.query(
    `select (select count(*) from app_public.notifications_all_time_view where key_type <> 'test')::int as first,
            (select count(*) from app_public.notification_history)::int as history_first,
            pg_sleep(0.6)::text as pause,
            (select count(*) from app_public.notifications_all_time_view where key_type <> 'test'
              and pg_sleep(0) is not null)::int as second,
            (select count(*) from app_public.notification_history
              where pg_sleep(0) is not null)::int as history_second`,
  );
  await new Promise((r) => setTimeout(r, 200));
  const moved = await db.one(`call app_private.archive_notifications('email', 1)`);
  t.ok(Number(moved.rows_archived) > 0, 'archival committed while the report ran');
  const row = (await report).rows[0];
  t.equal(row.first, total);
  t.equal(row.second, total, 'no double count, no missing row');
  t.equal(row.history_second, row.history_first, 'the statement did not see the archival commit');
  const after = (await db.one(`select count(*)::int as n from app_public.notification_history`)).n;
  t.ok(after > row.history_second, 'which a new statement sees');
});

t.test('inbound SMS archival: retention from the sms setting, no content kept, rerun-safe', async (t) => {
  const db = await createTestDb(t, 'inbound');
  const f = await serviceOwner(db);
  const s1 = await f.service('Inbound seven');
  const s2 = await f.service('Inbound three');
  await db.query(
    `insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
     values ($1, 'sms', 3)`,
    [s2],
  );
  const add = (svc: string, days: number, n = 1) =>
    db.query(
      `insert into app_public.inbound_sms (created_at, service_id, notify_number, user_number, provider, content)
       select now() - make_interval(days => $2), $1, '07700900001', '07700900002', 'mmg', '\\x00'::bytea
         from generate_series(1, $3)`,
      [svc, days, n],
    );
  await add(s1, 8, 3);
  await add(s1, 5);
  await add(s2, 5, 2);
  await add(s2, 1);
  // a copy already in history (a previous run whose delete failed)
  await db.query(`insert into app_public.inbound_sms_history (id, created_at, service_id, notify_number, provider)
                  select id, created_at, service_id, notify_number, provider from app_public.inbound_sms
                  where created_at < now() - interval '7 days' limit 1`);
  const r = await runTask(db.url, 'archive-inbound-sms', {});
  t.equal(r.status, 'completed');
  const left = await db.query(
    `select service_id = $1 as s1, count(*)::int as n from app_public.inbound_sms group by 1 order by 1`,
    [s1],
  );
  t.same(left, [
    { s1: false, n: 1 },
    { s1: true, n: 1 },
  ]);
  const hist = await db.one(`select count(*)::int as n from app_public.inbound_sms_history`);
  t.equal(hist.n, 5);
  const again = await db.one(`call app_private.archive_inbound_sms()`);
  t.equal(Number(again.rows_archived), 0);
});

t.test('a test-key letter’s PDF goes with it, as a live letter’s does', async (t) => {
  const db = await createTestDb(t, 'test-letter-pdfs');
  const f = await serviceOwner(db);
  const svc = await f.service('Letters');
  const letter = await f.template(svc, 'letter');
  const at = (await db.one(`select (${ago(8)})::text as t`)).t as string;
  const made = async (keyType: 'normal' | 'test', reference: string) => {
    const id = await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: at,
      status: 'delivered',
      reference,
      keyType,
    });
    return (
      await db.one(
        `select app_private.letter_pdf_key(reference, postage, created_at) as key
         from app_public.notifications where id = $1`,
        [id],
      )
    ).key as string;
  };
  const live = await made('normal', 'LIVEREF0000000001');
  const test = await made('test', 'TESTREF0000000001');
  const r = await db.one(`select * from app_private.archive_notifications_batch('letter')`);
  t.equal(r.archived, 1);
  t.equal(r.deleted_test, 1);
  t.same([...r.letter_pdf_keys].sort(), [live, test].sort());
});
