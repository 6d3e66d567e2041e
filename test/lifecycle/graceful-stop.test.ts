// `npm start` under load gets SIGTERM: every request sent before the signal is answered (no reset
// connection), and the texts it handed to the simulated provider get their receipts (none left `sending`).
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { entry, freePort } from '../helpers/spawn.ts';
import { AUTHENTICATOR_PASSWORD } from '../helpers/cluster.ts';
import { createServiceWithKeys } from '../helpers/factories.ts';
import { createTestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/delivery.ts';

t.test('SIGTERM under load: in-flight requests answered, no text left sending', async (t) => {
  const db = await createTestDb(t, 'graceful');
  const s = await createServiceWithKeys(db);
  const port = await freePort();
  const child = entry(['src/server.ts'], {
    DATABASE_URL: db.url,
    // Roles are cluster-wide: start-up sets the authenticator's password, which every other test uses.
    AUTHENTICATOR_PASSWORD,
    PORT: String(port),
    S3_LOCAL_PORT: String(await freePort()),
    S3_LOCAL_DIR: path.join(os.tmpdir(), `notify-graceful-s3-${process.pid}`),
    STUB_RECEIPT_DELAY_MS: '30000',
    STUB_DELIVERED_RATIO: '1',
    STUB_PERMANENT_FAILURE_RATIO: '0',
    SHUTDOWN_TIMEOUT_MS: '10000',
    WORKER_CONCURRENCY: '2',
    NODE_ENV: 'test',
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
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

  const send = (i: number) =>
    fetch(`${base}/v2/notifications/sms`, {
      method: 'POST',
      headers: { authorization: s.normal.auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number: `0770090060${i % 10}`, template_id: s.sms, personalisation: { name: 'A' } }),
    }).then(
      (r) => r.status,
      (e: Error) => `${e.message} ${String((e as { cause?: unknown }).cause)}`,
    );
  // Some texts delivered to the provider (receipts pending), then a burst still in flight at the signal.
  const first = await Promise.all(Array.from({ length: 6 }, (_, i) => send(i)));
  t.same(
    first,
    first.map(() => 201),
    'first texts accepted',
  );
  await waitFor(
    'texts sending',
    async () =>
      (
        await db.one<{ n: number }>(
          "select count(*)::int as n from app_public.notifications where notification_status = 'sending'",
        )
      ).n > 0,
    30_000,
  );
  const burst = Array.from({ length: 20 }, (_, i) => send(i));
  await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGTERM');
  const results = await Promise.all(burst);
  t.ok(
    results.every((r) => r === 201),
    `every request sent before SIGTERM answered: ${JSON.stringify(results)}`,
  );
  t.equal(await exited, 0, `clean exit: ${out.slice(-2000)}`);
  const left = await db.one<{ n: number }>(
    "select count(*)::int as n from app_public.notifications where notification_status = 'sending'",
  );
  t.equal(left.n, 0, 'no text left sending');
});
