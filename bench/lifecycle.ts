// Data lifecycle benchmark (issue 6): nightly facts, yearly usage and archival on 1M
// notifications, each against a baseline measured in the same run.
//   node bin/node22.js bench/lifecycle.ts [rows]
// Uses the shared test server (test/helpers/cluster.ts): database bench_lifecycle is
// created from the migrated template, seeded by bench/seed.ts and dropped at the end.
import pg from 'pg';
import { withClient, withDatabase } from '../src/db/bootstrap.ts';
import { startCluster } from '../test/helpers/cluster.ts';
import { seedLifecycle } from './seed.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const DB = 'bench_lifecycle';
const out = (m: string) => process.stdout.write(`${m}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const cluster = await startCluster();
await withClient(cluster.rootUrl, async (c) => {
  await c.query(`drop database if exists ${DB} with (force)`);
  await c.query(`create database ${DB} template ${cluster.template}`);
});
const url = withDatabase(cluster.rootUrl, DB);
const c = new pg.Client({ connectionString: url });
const results: Array<{ what: string; ours: number; base: number; target: string }> = [];

async function time(sql: string, params: unknown[] = []): Promise<number> {
  const t = performance.now();
  await c.query(sql, params);
  return performance.now() - t;
}
async function median(n: number, sql: string, params: unknown[]): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) ts.push(await time(sql, params));
  ts.sort((a, b) => a - b);
  return ts[Math.floor(n / 2)];
}

try {
  out(`seeding ${rows} notifications into ${DB} …`);
  const info = await seedLifecycle(url, rows, (m) => out(`  ${m}`));
  await c.connect();
  const lo = info.days[0];
  const hi = info.days[info.days.length - 1];
  await c.query(`select count(*) from app_public.notifications`); // warm the cache for both sides

  // 1. Nightly facts for the 10 days vs one group by over the same rows.
  const base1 = await time(
    `select app_public.london_date(created_at), template_id, service_id, notification_type, notification_status, key_type,
            job_id, sent_by, rate_multiplier, international, postage, billable_units, count(*), sum(billable_units)
     from app_public.notifications_all_time_view
     where created_at >= app_public.london_midnight($1::date) and created_at < app_public.london_midnight($2::date + 1)
       and key_type in ('normal', 'team')
     group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
    [lo, hi],
  );
  let ours1 = 0;
  for (const day of info.days) {
    ours1 += await time(`select app_private.create_nightly_billing($1::date)`, [day]);
    ours1 += await time(`select app_private.create_nightly_notification_status($1::date)`, [day]);
  }
  results.push({ what: 'nightly ft_billing + ft_notification_status, 10 days', ours: ours1, base: base1, target: '≤ 3 s' });
  let rerun = 0;
  for (const day of info.days) {
    rerun += await time(`select app_private.create_nightly_billing($1::date), app_private.create_nightly_notification_status($1::date)`, [day]);
  }
  const facts = (await c.query(`select (select count(*) from app_public.ft_billing where bst_date between $1 and $2)::int as b,
                                       (select count(*) from app_public.ft_notification_status)::int as s`, [lo, hi])).rows[0];
  out(`  facts: ${facts.b} ft_billing rows, ${facts.s} ft_notification_status rows; idempotent rerun ${secs(rerun)}`);

  // 2. Yearly usage: ours (window over the year) vs a plain aggregate of the same rows.
  await c.query('analyze app_public.ft_billing');
  const svcBase = await median(21,
    `select date_trunc('month', bst_date), notification_type, rate, postage, sum(billable_units * rate_multiplier), sum(notifications_sent)
     from app_public.ft_billing where service_id = $1 and bst_date between make_date($2, 4, 1) and make_date($2 + 1, 3, 31)
     group by 1, 2, 3, 4`, [info.serviceId, info.financialYear]);
  const svcOurs = await median(21, `select * from app_public.service_usage_for_year($1, $2)`, [info.serviceId, info.financialYear]);
  results.push({ what: 'service_usage_for_year (busy service, full year)', ours: svcOurs, base: svcBase, target: '≤ 20 ms' });
  const orgBase = await median(21,
    `select f.service_id, sum(f.billable_units * f.rate_multiplier), sum(f.notifications_sent)
     from app_public.ft_billing f join app_public.services s on s.id = f.service_id
     where s.organisation_id = $1 and not s.restricted and f.notification_type = 'sms'
       and f.bst_date between make_date($2, 4, 1) and make_date($2 + 1, 3, 31)
     group by 1`, [info.organisationId, info.financialYear]);
  const orgOurs = await median(21, `select * from app_public.organisation_sms_usage_for_year($1, $2)`, [info.organisationId, info.financialYear]);
  const live = (await c.query(`select count(*)::int as n from app_public.services where organisation_id = $1 and not restricted`, [info.organisationId])).rows[0].n;
  results.push({ what: `organisation_sms_usage_for_year (${live} live services, full year)`, ours: orgOurs, base: orgBase, target: '≤ 20 ms' });
  const ftRows = (await c.query(`select count(*)::int as n from app_public.ft_billing where service_id = $1`, [info.serviceId])).rows[0].n;
  out(`  usage: the busy service has ${ftRows} ft_billing rows this year`);

  // 3. Archival: one insert…select + delete (rolled back, then vacuumed) vs our chunks.
  const viewBefore = (await c.query(`select count(*)::int as n from app_public.notifications_all_time_view where key_type <> 'test'`)).rows[0].n;
  const cond = `n.created_at < (select cutoff from app_public.services s left join app_public.service_data_retention r
                   on r.service_id = s.id and r.notification_type = n.notification_type,
                   lateral (select app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7)) as cutoff) x
                 where s.id = n.service_id)
                and not (n.notification_type = 'letter' and n.key_type <> 'test'
                         and n.notification_status in ('created', 'sending', 'pending-virus-check'))`;
  await c.query('begin');
  const tb = performance.now();
  await c.query(
    `insert into app_public.notification_history (id, job_id, job_row_number, service_id, template_id, template_version,
       api_key_id, key_type, billable_units, notification_type, created_at, sent_at, sent_by, updated_at, notification_status,
       reference, client_reference, international, phone_prefix, rate_multiplier, created_by_id, postage, document_download_count)
     select id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type, billable_units,
            notification_type, created_at, sent_at, sent_by, updated_at, notification_status, reference, client_reference,
            international, phone_prefix, rate_multiplier, created_by_id, postage, document_download_count
     from app_public.notifications n where n.key_type <> 'test' and ${cond}`,
  );
  const baseDeleted = (await c.query(`delete from app_public.notifications n where ${cond}`)).rowCount ?? 0;
  const base3 = performance.now() - tb;
  await c.query('rollback');
  await c.query('vacuum analyze app_public.notifications');
  await c.query('vacuum analyze app_public.notification_history');
  await c.query(`select count(*) from app_public.notifications`);

  let archived = 0;
  let deleted = 0;
  let chunks = 0;
  const ta = performance.now();
  // As the archive-notifications task does: the three types at once, one connection each.
  const archivePool = new pg.Pool({ connectionString: url, max: 3 });
  await Promise.all(
    (['sms', 'email', 'letter'] as const).map(async (type) => {
      let afterService: string | null = null;
      let after: Date | string = '-infinity';
      for (;;) {
        const r: pg.QueryResult<{ archived: number; deleted_test: number; last_service_id: string; last_created_at: Date }> =
          await archivePool.query(`select * from app_private.archive_notifications_batch($1, 50000, $2, $3)`, [type, afterService, after]);
        const b = r.rows[0];
        if (b.archived + b.deleted_test === 0) break;
        archived += b.archived;
        deleted += b.deleted_test;
        afterService = b.last_service_id;
        after = b.last_created_at;
        chunks++;
      }
    }),
  );
  await archivePool.end();
  const ours3 = performance.now() - ta;
  results.push({ what: `archive ${archived + deleted} rows (${chunks} chunks of ≤ 50 000)`, ours: ours3, base: base3, target: '≤ 10 s' });
  const viewAfter = (await c.query(`select count(*)::int as n from app_public.notifications_all_time_view where key_type <> 'test'`)).rows[0].n;
  const left = (await c.query(`select count(*)::int as n from app_public.notifications`)).rows[0].n;
  out(`  archival: ${archived} archived + ${deleted} test-key rows deleted (baseline moved ${baseDeleted}); ${left} left (letters in progress); view ${viewBefore} → ${viewAfter}`);

  // Facts again, now that the rows are in notification_history.
  let hist = 0;
  for (const day of info.days) {
    hist += await time(`select app_private.create_nightly_billing($1::date), app_private.create_nightly_notification_status($1::date)`, [day]);
  }
  out(`  nightly facts for the 10 days from notification_history: ${secs(hist)}`);

  out('');
  out('| measure | ours | baseline | ratio | target |');
  out('|---|---|---|---|---|');
  for (const r of results) {
    const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : secs(ms));
    out(`| ${r.what} | ${fmt(r.ours)} | ${fmt(r.base)} | ${(r.ours / r.base).toFixed(2)}× | ${r.target} |`);
  }
} finally {
  await c.end().catch(() => undefined);
  await withClient(cluster.rootUrl, (cl) => cl.query(`drop database if exists ${DB} with (force)`));
  // the shared test server keeps running (it is stopped only by whoever started it)
}
