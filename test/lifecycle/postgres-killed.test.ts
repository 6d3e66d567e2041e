// `npm start` under load while Postgres is SIGKILLed and restarted: the process stays up, answers 503 JSON
// quickly while the database is away and 201 again within seconds of its return; the worker carries on.
// Afterwards every accepted notification exists once and reaches a final status; nothing else but 201 and
// 503 was answered, and the process holds no more descriptors or connections than before.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Agent, fetch } from 'undici';
import { entry, freePort } from '../helpers/spawn.ts';
import { AUTHENTICATOR_PASSWORD } from '../helpers/cluster.ts';
import { createServiceWithKeys } from '../helpers/factories.ts';
import { startKillablePostgres } from '../helpers/killable-postgres.ts';
import { waitFor } from '../helpers/delivery.ts';

// Requests per second, open loop. Timings are bounded loosely: the machine is shared (2 cores, other test runs).
const RATE = 200;
const FINAL = ['delivered', 'permanent-failure', 'temporary-failure', 'technical-failure'];

interface Outcome {
  sentAt: number;
  ms: number;
  status: number | string;
  reference: string;
  id?: string;
  body?: unknown;
}

t.test('Postgres SIGKILLed under load: 503 while away, 201 within seconds after, nothing lost', async (t) => {
  const pgs = await startKillablePostgres(t, 'pgkill');
  const db = pgs.db;
  const s = await createServiceWithKeys(db);
  await db.query('update app_public.services set rate_limit = 100000000 where id = $1', [s.serviceId]);
  const port = await freePort();
  const s3Dir = path.join(os.tmpdir(), `notify-pgkill-s3-${process.pid}`);
  t.teardown(() => fs.rm(s3Dir, { recursive: true, force: true }));
  const child = entry(['src/server.ts'], {
    DATABASE_URL: db.url,
    AUTHENTICATOR_PASSWORD,
    PORT: String(port),
    S3_LOCAL_PORT: String(await freePort()),
    S3_LOCAL_DIR: s3Dir,
    STUB_RECEIPT_DELAY_MS: '100',
    STUB_DELIVERED_RATIO: '1',
    STUB_PERMANENT_FAILURE_RATIO: '0',
    WORKER_CONCURRENCY: '4',
    WORKER_HEARTBEAT_MS: '500',
    WORKER_DEAD_AFTER_MS: '3000',
    DB_POOL_SIZE: '10',
    NODE_ENV: 'test',
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal as unknown as number)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'server',
    async () => {
      try {
        return (await fetch(`${base}/_status`)).status === 200;
      } catch {
        return false;
      }
    },
    60_000,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}: ${out}`);
  });

  // The load's own connections, closed before the server's descriptors are counted again.
  let agent = new Agent({ connections: 64 });
  let n = 0;
  const send = async (): Promise<Outcome> => {
    const reference = `pgkill-${++n}`;
    const sentAt = Date.now();
    try {
      const r = await fetch(`${base}/v2/notifications/sms`, {
        method: 'POST',
        headers: { authorization: s.normal.auth(), 'content-type': 'application/json' },
        body: JSON.stringify({
          // 07700901000–07700908999: clear of the simulated numbers (07700900000, …111, …222: not stored).
          phone_number: `0770090${1000 + (n % 8000)}`,
          template_id: s.sms,
          personalisation: { name: 'A' },
          reference,
        }),
        signal: AbortSignal.timeout(30_000),
        dispatcher: agent,
      });
      const body = (await r.json().catch(() => null)) as { id?: string } | null;
      return { sentAt, ms: Date.now() - sentAt, status: r.status, reference, id: body?.id, body };
    } catch (e) {
      return { sentAt, ms: Date.now() - sentAt, status: `${(e as Error).message}`, reference };
    }
  };
  const fds = async () => (await fs.readdir(`/proc/${child.pid}/fd`)).length;
  // A short warm-up, so the descriptors counted are those of a server that has served.
  const warm = await Promise.all(Array.from({ length: 20 }, () => send()));
  t.ok(
    warm.every((r) => r.status === 201),
    'warm-up accepted',
  );
  await agent.close();
  await new Promise((r) => setTimeout(r, 500));
  const fdsBefore = await fds();
  agent = new Agent({ connections: 64 });

  // Open-loop load: RATE requests a second for the whole run, whatever the answers.
  const outcomes: Promise<Outcome>[] = [];
  const loadStarted = Date.now();
  const timer = setInterval(() => {
    for (let i = 0; i < RATE / 50; i++) outcomes.push(send());
  }, 20);
  await new Promise((r) => setTimeout(r, 3000));
  await pgs.kill();
  // Backends finish what they are doing before they notice their postmaster is gone: counted from here.
  const killedAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const restartedAt = Date.now();
  await pgs.restart();
  const upAt = Date.now();
  await new Promise((r) => setTimeout(r, 15_000));
  clearInterval(timer);
  const results = await Promise.all(outcomes);
  await agent.close();
  t.equal(
    exitCode,
    undefined,
    `the server process is still running: ${exitCode === undefined ? '' : out.slice(-4000)}`,
  );

  const byStatus = new Map<string, number>();
  for (const r of results) byStatus.set(String(r.status), (byStatus.get(String(r.status)) ?? 0) + 1);
  const summary = JSON.stringify(Object.fromEntries(byStatus));
  t.ok(results.length > RATE * 5, `load kept up: ${results.length} requests in ${Date.now() - loadStarted} ms`);
  t.same(
    [...byStatus.keys()].filter((k) => k !== '201' && k !== '503'),
    [],
    `only 201 and 503 answered: ${summary}`,
  );
  const unavailable = results.filter((r) => r.status === 503);
  t.ok(unavailable.length > 0, `503 while the database was away (${unavailable.length})`);
  t.ok(
    unavailable.every((r) => (r.body as { status_code?: number } | undefined)?.status_code === 503),
    "503s in Notify's error shape",
  );
  const slow = unavailable.map((r) => r.ms).sort((a, b) => a - b);
  const p50 = slow[Math.floor(slow.length * 0.5)] ?? 0;
  const p99 = slow[Math.floor(slow.length * 0.99)] ?? 0;
  t.ok(p50 < 2000 && p99 < 10_000, `503s answered quickly (p50 ${p50} ms, p99 ${p99} ms, max ${slow.at(-1)} ms)`);
  const during = results.filter((r) => r.sentAt > killedAt + 200 && r.sentAt < restartedAt);
  t.ok(
    during.length > 0 && during.every((r) => r.status === 503),
    `every request sent while Postgres was down got 503 (${during.length})`,
  );
  const firstBack = results.find((r) => r.sentAt >= upAt && r.status === 201);
  t.ok(firstBack, 'served again after the restart');
  const recovery = firstBack ? firstBack.sentAt + firstBack.ms - upAt : Infinity;
  t.ok(recovery < 10_000, `first 201 within seconds of Postgres being back (${recovery} ms)`);
  const late = results.filter((r) => r.sentAt > upAt + 10_000 && r.status !== 201);
  t.equal(late.length, 0, 'every request from 10 s after the restart accepted');

  // Every accepted notification exists exactly once and reaches a final status.
  const accepted = [...warm, ...results].filter((r) => r.status === 201);
  const rows = await db.query<{ id: string; client_reference: string; notification_status: string }>(
    `select id, client_reference, notification_status from app_public.notifications
     where client_reference like 'pgkill-%'`,
  );
  const byReference = new Map<string, number>();
  for (const r of rows) byReference.set(r.client_reference, (byReference.get(r.client_reference) ?? 0) + 1);
  const notOnce = accepted.filter((r) => byReference.get(r.reference) !== 1);
  t.same(
    notOnce.map((r) => ({ ...r, rows: byReference.get(r.reference) ?? 0, sentAt: r.sentAt - killedAt })),
    [],
    `each of ${accepted.length} accepted notifications stored exactly once`,
  );
  const ids = new Set(rows.map((r) => r.id));
  t.ok(
    accepted.every((r) => r.id && ids.has(r.id)),
    'under the id the API answered',
  );
  // A request whose commit went through as the connection died answered 503 but left its row: allowed, counted.
  t.ok(
    rows.length - accepted.length <= unavailable.length,
    `rows of requests answered 503 (committed as the connection died): ${rows.length - accepted.length}`,
  );
  const finalStarted = Date.now();
  await waitFor(
    'every notification final',
    async () =>
      (
        await db.one<{ n: number }>(
          'select count(*)::int as n from app_public.notifications where notification_status <> all($1::text[])',
          [FINAL],
        )
      ).n === 0,
    120_000,
  ).catch(async (e) => {
    const left = await db.query(
      `select notification_status, count(*)::int as n from app_public.notifications group by 1`,
    );
    throw new Error(`${(e as Error).message}: ${JSON.stringify(left)}\n${out.slice(-3000)}`);
  });
  t.pass(`all ${rows.length} notifications final ${Date.now() - finalStarted} ms after the load ended`);

  // No descriptor or connection leak: the server holds what it held before (pools refill to their size).
  const fdsAfter = await fds();
  t.ok(fdsAfter <= fdsBefore + 30, `descriptors ${fdsBefore} before, ${fdsAfter} after`);
  const conns = await db.one<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where datname = 'notify' and pid <> pg_backend_pid()`,
  );
  t.ok(conns.n <= 10 + 10 + 4 + 2, `connections within the pools' size (${conns.n})`);
  t.notMatch(out, /uncaught|unhandled/i, 'no crash logged');
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
});
