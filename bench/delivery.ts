// Delivery benchmark (issue 5): end-to-end throughput created → delivered with the simulated
// SMS provider (claim, render, HTTP hand-off, receipt over HTTP back to the app, status update),
// against graphile-worker no-op jobs in the same run (the queue's own ceiling).
//   node bin/node22.js bench/delivery.ts [notifications] [batch size] [worker concurrency]
// Uses the shared test server (test/helpers/cluster.ts): a clone of the migrated template,
// dropped at the end. Target: ≥ 2,000 notifications/s on 2 cores.
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { withClient, withDatabase } from '../src/db/bootstrap.ts';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { startWorker } from '../src/worker.ts';
import { configureProviders } from '../src/delivery/providers/index.ts';
import { startStubProvider } from '../src/dev/simulators/providers.ts';
import { startCluster } from '../test/helpers/cluster.ts';

const N = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 100);
const CONCURRENCY = Number(process.argv[4] ?? 8);
const DB = `bench_delivery_${process.pid}`;
const out = (m: string) => process.stdout.write(`${m}\n`);

const cluster = await startCluster();
await withClient(cluster.rootUrl, (c) => c.query(`create database ${DB} template ${cluster.template}`));
const url = withDatabase(cluster.rootUrl, DB);
const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 6 });
pool.on('error', () => undefined);
const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

try {
  const cfg = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await buildApp({ cfg, authPool: pool, ownerPool: pool, ownerUrl: url, graphql: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const platformUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const sms = await startStubProvider({ channel: 'sms', platformUrl, receiptDelayMs: 0 });
  configureProviders({ SMS_STUB_URL: `${sms.url}/sms` });

  const user = await one(`select id from app_public.create_user(email_address => 'bench@dept.gov.uk', name => 'Bench', mobile_number => '07700900123')`);
  const svc = await one(`select id from app_public.create_service(name => 'Bench', user_id => $1, restricted => false)`, [user.id]);
  const tpl = await one(`select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'B', content => 'Hello ((name)), your code is ((code))')`, [svc.id]);

  out(`${N} notifications, ${BATCH} per job, worker concurrency ${CONCURRENCY}`);

  // Baseline: N no-op jobs through the same queue and worker settings.
  const noopRunner = await startWorker({ pgPool: pool, concurrency: CONCURRENCY, crontab: false, only: ['noop'] });
  let t0 = performance.now();
  await pool.query(`select graphile_worker.add_jobs(array(select row('noop', '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec from generate_series(1, $1)))`, [N]);
  await waitUntil(async () => (await one(`select count(*)::int as n from graphile_worker.jobs`)).n === 0);
  const noopMs = performance.now() - t0;
  await noopRunner.stop();

  // Delivery: rows inserted first (as the API would have), then the jobs queued at t0.
  await pool.query(
    `insert into app_public.notifications (service_id, template_id, template_version, notification_type, key_type, "to", normalised_to, _personalisation)
     select $1, $2, 1, 'sms', 'normal', '07700' || lpad(g::text, 6, '0'), '447700' || lpad(g::text, 6, '0'),
            app_private.encrypt(json_build_object('name', 'Person ' || g, 'code', g)::text)
     from generate_series(1, $3) g`,
    [svc.id, tpl.id, N],
  );
  await pool.query('vacuum analyze app_public.notifications');
  const runner = await startWorker({ pgPool: pool, concurrency: CONCURRENCY, crontab: false, only: ['deliver-sms'] });
  t0 = performance.now();
  await pool.query(`select app_hidden.enqueue_delivery(array(select id from app_public.notifications), $1)`, [BATCH]);
  let handedMs = 0;
  await waitUntil(async () => {
    const r = await one(`select count(*) filter (where notification_status = 'delivered')::int as delivered, count(*) filter (where sent_at is not null)::int as sent from app_public.notifications`);
    if (!handedMs && r.sent === N) handedMs = performance.now() - t0;
    return r.delivered === N;
  });
  const deliveryMs = performance.now() - t0;
  await runner.stop();
  await sms.close();
  await app.close();

  const rate = (ms: number) => Math.round((N * 1000) / ms);
  out(`no-op jobs:                       ${rate(noopMs).toLocaleString('en-GB')} jobs/s (${(noopMs / 1000).toFixed(2)} s)`);
  out(`handed to provider (sent_at set): ${rate(handedMs).toLocaleString('en-GB')} notifications/s (${(handedMs / 1000).toFixed(2)} s)`);
  out(`created → delivered (receipts):   ${rate(deliveryMs).toLocaleString('en-GB')} notifications/s (${(deliveryMs / 1000).toFixed(2)} s)`);
  out(`ratio delivered / no-op jobs:     ${(noopMs / deliveryMs).toFixed(2)}  (target ≥ 2,000 notifications/s: ${rate(deliveryMs) >= 2000 ? 'met' : 'NOT met'})`);
  out(`provider: ${sms.stats.accepted} accepted, ${sms.stats.duplicates} repeats, ${sms.stats.receiptsSent} receipts`);
} finally {
  await pool.end();
  await withClient(cluster.rootUrl, (c) => c.query(`drop database if exists ${DB} with (force)`));
}
