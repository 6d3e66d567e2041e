// Returned letters and template statistics.
import t from 'tap';
import { createTestDb } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';

t.test('returned letters: ingest references in both tables, summary of the last 7 days', async (t) => {
  const db = await createTestDb(t, 'returned');
  const f = await serviceOwner(db);
  const svc = await f.service('Returns');
  const tpl = await f.template(svc, 'letter');
  t.same(await db.query(`select * from app_public.returned_letter_summary($1)`, [svc]), [
    { returned_letter_count: 0, most_recent_report: null },
  ]);

  const live = await f.notify({
    serviceId: svc,
    templateId: tpl,
    type: 'letter',
    createdAt: '2024-01-02 10:00Z',
    reference: 'LIVE1',
  });
  const old = await f.notify({
    serviceId: svc,
    templateId: tpl,
    type: 'letter',
    createdAt: '2023-12-02 10:00Z',
    reference: 'HIST1',
    history: true,
  });
  const n = await db.one(`select app_private.process_returned_letters(array['LIVE1', 'HIST1', 'NOPE', 'LIVE1']) as n`);
  t.equal(n.n, 2, 'two letters found, unknown references ignored');
  const statuses = await db.query(
    `select id, notification_status from app_public.notifications_all_time_view where id in ($1, $2)
     order by reference`,
    [old, live],
  );
  t.same(
    statuses.map((r) => r.notification_status),
    ['returned-letter', 'returned-letter'],
  );
  const summary = await db.one(
    `select returned_letter_count, most_recent_report::date = app_public.london_date(now()) as today
     from app_public.returned_letter_summary($1)`,
    [svc],
  );
  t.same(summary, { returned_letter_count: 2, today: true });

  // An old report only: count 0, date kept. A repeated report refreshes reported_at.
  await db.query(`update app_public.returned_letters set reported_at = current_date - 30`);
  const stale = await db.one(
    `select returned_letter_count, most_recent_report::date::text as d from app_public.returned_letter_summary($1)`,
    [svc],
  );
  t.same(stale, { returned_letter_count: 0, d: (await db.one(`select (current_date - 30)::text as d`)).d });
  await db.query(`select app_private.process_returned_letters(array['HIST1'])`);
  const fresh = await db.one(`select returned_letter_count from app_public.returned_letter_summary($1)`, [svc]);
  t.equal(fresh.returned_letter_count, 1);
  const rows = await db.one(`select count(*)::int as n from app_public.returned_letters`);
  t.equal(rows.n, 2, 'upsert: one row per letter');

  const tooMany = Array.from({ length: 5001 }, (_, i) => `R${i}`);
  await t.rejects(db.query(`select app_private.process_returned_letters($1)`, [tooMany]), { code: 'NTF01' });
});

t.test('template last used: live table first, then the facts, never test keys', async (t) => {
  const db = await createTestDb(t, 'lastused');
  const f = await serviceOwner(db);
  const svc = await f.service('Last used');
  const a = await f.template(svc, 'sms', 'A');
  const b = await f.template(svc, 'sms', 'B');
  const c = await f.template(svc, 'sms', 'C');
  await f.notify({ serviceId: svc, templateId: a, type: 'sms', createdAt: '2024-03-01 10:00Z' });
  await f.notify({ serviceId: svc, templateId: a, type: 'sms', createdAt: '2024-03-05 10:00Z', keyType: 'test' });
  await db.query(
    `insert into app_public.ft_notification_status (bst_date, template_id, service_id, job_id, notification_type,
       key_type, notification_status, notification_count)
     values ('2024-02-10', $1, $3, '00000000-0000-0000-0000-000000000000', 'sms', 'normal', 'delivered', 4),
            ('2024-02-20', $1, $3, '00000000-0000-0000-0000-000000000000', 'sms', 'test', 'delivered', 4),
            ('2024-02-11', $2, $3, '00000000-0000-0000-0000-000000000000', 'sms', 'normal', 'delivered', 1)`,
    [b, a, svc],
  );
  const last = await db.query(
    `select to_char(app_public.template_last_used(x) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as t
     from unnest($1::uuid[]) with ordinality u(x, i) order by i`,
    [[a, b, c]],
  );
  t.same(
    last.map((r) => r.t),
    ['2024-03-01 10:00', '2024-02-10 00:00', null],
    'live created_at; else London midnight of the latest fact day; else null',
  );
});

t.test('template usage over N days: facts for past days, live rows for today', async (t) => {
  const db = await createTestDb(t, 'usage');
  const f = await serviceOwner(db);
  const svc = await f.service('Usage counts');
  const a = await f.template(svc, 'sms', 'A');
  const b = await f.template(svc, 'email', 'B');
  await f.notify({
    serviceId: svc,
    templateId: a,
    type: 'sms',
    createdAt: (await db.one(`select now()::text as t`)).t,
    count: 2,
  });
  await f.notify({
    serviceId: svc,
    templateId: a,
    type: 'sms',
    createdAt: (await db.one(`select now()::text as t`)).t,
    keyType: 'test',
  });
  await db.query(
    `insert into app_public.ft_notification_status (bst_date, template_id, service_id, job_id, notification_type,
       key_type, notification_status, notification_count)
     select app_public.london_date(now()) - d, t, $3, '00000000-0000-0000-0000-000000000000', 'sms', 'normal',
            'delivered', 10
     from (values (1, $1::uuid), (6, $1), (7, $1), (3, $2)) v(d, t)`,
    [a, b, svc],
  );
  const rows = await db.query(
    `select template_name, template_type, notification_count::int from app_public.template_usage($1, 7)`,
    [svc],
  );
  t.same(rows, [
    // today 2 + days 1 and 6 (day 7 is outside 7 days incl. today)
    { template_name: 'A', template_type: 'sms', notification_count: 22 },
    { template_name: 'B', template_type: 'email', notification_count: 10 },
  ]);
});
