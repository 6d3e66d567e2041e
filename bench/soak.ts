// Bounded soak: `npm start` (the real server process, its worker and simulated providers in it) taking
// POST /v2/notifications/sms at a fixed rate for minutes. Reports the p99 latency against a bare Fastify
// route at the same rate in the same run, the server's RSS after the warm-up and at the end, and how long after
// the load every text was final. Fails when a request is refused, when 201s and stored rows disagree, when a
// text is not final within FINAL_WITHIN seconds, when a full run falls short of the rate, or when the server's
// RSS grows past twice its start.
// Run: `node bin/node22.js bench/soak.ts [--quick]` or `npm run bench -- soak [--quick]`. RATE (500 req/s;
// quick 200), DURATION (180 s; quick 10 s), CONNECTIONS (RATE / 2), FINAL_WITHIN (120 s), BASELINE_DURATION
// (30 s; quick 3 s).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import Fastify from 'fastify';
import { AUTHENTICATOR_PASSWORD, startCluster } from '../test/helpers/cluster.ts';
import { freePort } from '../test/helpers/spawn.ts';
import { withClient, withDatabase } from '../src/db/bootstrap.ts';
import { parseApiKey } from '../src/auth/jwt-auth.ts';
import { projectRoot } from '../src/config.ts';
import { check, envNumber, quick, recordFigure, waitUntil } from './_results.ts';

const RATE = envNumber('RATE', 500, 200);
const DURATION = envNumber('DURATION', 180, 10);
// autocannon's rate is per connection (RATE / CONNECTIONS each, closed loop): two a second each leaves room for
// latencies up to 500 ms before the offered rate drops.
const CONNECTIONS = envNumber('CONNECTIONS', Math.ceil(RATE / 2));
const FINAL_WITHIN = envNumber('FINAL_WITHIN', 120, 60);
const BASELINE_DURATION = envNumber('BASELINE_DURATION', 30, 3);

interface LoadResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p99: number; max: number };
}

/** bench/_load.ts in its own process (autocannon at RATE requests a second): its JSON result. */
function load(url: string, body: string, duration: number, auth?: { serviceId: string; secret: string }) {
  return new Promise<LoadResult>((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(projectRoot, 'bench', '_load.ts')], {
      env: {
        ...process.env,
        URL: url,
        BODY: body,
        DURATION: String(duration),
        CONNECTIONS: String(CONNECTIONS),
        RATE: String(RATE),
        SERVICE_ID: auth?.serviceId ?? '',
        SECRET: auth?.secret ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult)
        : reject(new Error(`load: ${code}`)),
    );
  });
}

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const cluster = await startCluster();
const name = `bench_soak_${crypto.randomBytes(4).toString('hex')}`;
await withClient(cluster.rootUrl, (c) => c.query(`create database ${name} template ${cluster.template}`));
const url = withDatabase(cluster.rootUrl, name);
const pool = new pg.Pool({ connectionString: url, max: 2 });
const cleanup: Array<() => Promise<unknown>> = [];
const s3Dir = path.join(os.tmpdir(), `notify-soak-s3-${process.pid}`);

try {
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  const user = await one(`select id from app_public.create_user('soak@example.gov.uk', 'Soak', '07700900123')`);
  const service = await one(`select id from app_public.create_service('Soak service', $1, restricted => false)`, [
    user.id,
  ]);
  // Room for the whole run (3,000 a minute by default; 500 req/s for 3 minutes is 90,000).
  await one(`update app_public.services set rate_limit = 100000000, sms_message_limit = 100000000 where id = $1`, [
    service.id,
  ]);
  const key = await one(`select * from app_public.create_api_key($1, 'soak', 'normal')`, [service.id]);
  const template = await one(
    `select id from app_public.create_template($1, 'sms', 'Soak', 'Hello ((name)), your code is ((code))')`,
    [service.id],
  );
  const { secret } = parseApiKey(key.key);

  // The server as `npm start` runs it (in-process worker, simulated providers with their 1 s receipts).
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(projectRoot, 'bin', 'node22.js'), 'src/server.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: url,
      AUTHENTICATOR_PASSWORD,
      PORT: String(port),
      S3_LOCAL_PORT: String(await freePort()),
      S3_LOCAL_DIR: s3Dir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  cleanup.push(async () => {
    if (server.exitCode !== null) return;
    server.kill('SIGTERM');
    await exited;
  });
  await waitUntil(
    'the server answering',
    async () => {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
      return fetch(`http://127.0.0.1:${port}/_status`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    60_000,
  );

  const bare = Fastify({ logger: false });
  bare.post('/json', async (request) => ({
    ok: true,
    got: (request.body as { template_id?: string }).template_id ?? null,
  }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  cleanup.push(() => bare.close());
  const barePort = (bare.server.address() as { port: number }).port;

  const body = JSON.stringify({
    phone_number: '07700900123',
    template_id: template.id,
    personalisation: { name: 'Alex', code: '123456' },
    reference: 'soak',
  });
  const api = `http://127.0.0.1:${port}/v2/notifications/sms`;
  const auth = { serviceId: service.id, secret };
  const count = async () => Number((await one('select count(*) from app_public.notifications')).count);

  // Warm-up (JIT, caches, pools), not measured; the RSS it leaves is the start figure.
  await load(api, body, quick ? 2 : 10, auth);
  // Requests still in flight when a load stops commit after it (with the latencies of a busy machine):
  // counted once the count stops moving.
  const settled = async () => {
    for (let last = -1; ; ) {
      await new Promise((r) => setTimeout(r, 1000));
      const n = await count();
      if (n === last) return n;
      last = n;
    }
  };
  const before = await settled();
  const rssStart = rssMb(server.pid!);
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    if (server.exitCode === null) rssPeak = Math.max(rssPeak, rssMb(server.pid!));
  }, 1000);
  const soak = await load(api, body, DURATION, auth);
  clearInterval(sampler);
  const loadEnded = performance.now();
  const rssEnd = rssMb(server.pid!);
  const stored = (await settled()) - before;
  // Final: delivered, or failed as the simulated provider decides for some (STUB_*_RATIO, as with `npm start`).
  const undelivered = `select count(*) from app_public.notifications
    where notification_status not in ('delivered', 'permanent-failure', 'temporary-failure', 'technical-failure')`;
  let finalAfter = Number.NaN;
  await waitUntil('every text final', async () => Number((await one(undelivered)).count) === 0, FINAL_WITHIN * 1000)
    .then(() => (finalAfter = (performance.now() - loadEnded) / 1000))
    .catch(async (e) => {
      const left = await pool.query(
        'select notification_status, count(*)::int from app_public.notifications group by 1',
      );
      check(false, `${(e as Error).message}: ${JSON.stringify(left.rows)}`);
    });
  const base = await load(`http://127.0.0.1:${barePort}/json`, body, BASELINE_DURATION);

  const accepted = soak['2xx'] / soak.duration;
  const delivered = Number.isNaN(finalAfter) ? `NOT within ${FINAL_WITHIN} s` : `${finalAfter.toFixed(1)} s`;
  const line = (label: string, r: LoadResult, rate: number) =>
    `${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   ` +
    `p99 ${String(r.latency.p99).padStart(4)} ms   max ${String(r.latency.max).padStart(5)} ms   ` +
    `non-2xx ${r.non2xx}   errors ${r.errors}`;
  process.stdout.write(
    [
      `${RATE} req/s offered for ${DURATION} s, ${CONNECTIONS} connections; the server is \`npm start\` ` +
        '(API, worker and simulated provider in one process) on 2 cores shared with Postgres and the load',
      line('POST /v2/notifications/sms (201)', soak, accepted),
      line(`bare Fastify POST /json (${BASELINE_DURATION} s)`, base, base['2xx'] / base.duration),
      `p99 ratio API / baseline: ${(soak.latency.p99 / Math.max(base.latency.p99, 1)).toFixed(1)}`,
      `201 responses ${soak['2xx']}, rows stored ${stored}: ` +
        `${stored - soak['2xx'] >= 0 && stored - soak['2xx'] <= CONNECTIONS ? 'consistent' : 'MISMATCH'}`,
      `every text final (delivered or failed by the provider) ${delivered} after the load ended`,
      `server RSS: ${rssStart.toFixed(0)} MB after the warm-up, ${rssEnd.toFixed(0)} MB at the end, ` +
        `peak ${rssPeak.toFixed(0)} MB`,
      '',
    ].join('\n'),
  );
  recordFigure(
    'soak',
    {
      name:
        `POST /v2/notifications/sms p99 at ${RATE} req/s for ${DURATION} s, worker delivering ` +
        `(RSS ${rssStart.toFixed(0)} → ${rssEnd.toFixed(0)} MB; all final ${finalAfter.toFixed(1)} s after)`,
      value: soak.latency.p99,
      unit: 'ms',
    },
    { name: 'bare Fastify POST /json at the same rate, p99', value: Math.max(base.latency.p99, 1), unit: 'ms' },
  );
  check(server.exitCode === null, 'the server ran throughout');
  check(
    soak['2xx'] > 0 && soak.non2xx === 0 && soak.errors === 0,
    `every request answered 201 (${soak.non2xx} other, ${soak.errors} errors)`,
  );
  // A timing, so never checked in quick mode (a proof that the benchmark runs, on a busy machine).
  if (!quick)
    check(accepted >= RATE * 0.9, `the server kept up with the rate (${accepted.toFixed(0)} of ${RATE} req/s)`);
  check(stored >= soak['2xx'] && stored - soak['2xx'] <= CONNECTIONS, '201 responses and stored rows agree');
  check(rssEnd < rssStart * 2, `the server's memory stayed bounded (${rssStart.toFixed(0)} → ${rssEnd.toFixed(0)} MB)`);
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await pool.end();
  fs.rmSync(s3Dir, { recursive: true, force: true });
  await withClient(cluster.rootUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
  // NOTIFY_TEST_KEEP_PG=1 leaves a test server this run started running (others may share it).
  if (!process.env.NOTIFY_TEST_KEEP_PG) await cluster.server?.stop();
}
