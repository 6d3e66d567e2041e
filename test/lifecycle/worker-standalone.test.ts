// `npm run worker` (src/server.ts --worker-only) delivers through its own simulated providers, and on
// SIGTERM finishes its jobs and sends the providers' pending receipts, so no text is left `sending`.
import t from 'tap';
import { entry } from '../helpers/spawn.ts';
import { AUTHENTICATOR_PASSWORD } from '../helpers/cluster.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, waitFor, statuses } from '../helpers/delivery.ts';

t.test('standalone worker: simulated providers deliver; SIGTERM drains receipts before exit', async (t) => {
  // The in-test app is the API the worker's simulated providers post receipts to; no worker in-test.
  const d = await setupDelivery(t, { label: 'standalone', worker: false });
  const child = entry(['src/server.ts', '--worker-only'], {
    DATABASE_URL: d.db.url,
    // Roles are cluster-wide: start-up sets the authenticator's password, which every other test uses.
    AUTHENTICATOR_PASSWORD,
    API_HOST_NAME: d.platformUrl,
    // Long enough that receipts are still pending when the signal comes.
    STUB_RECEIPT_DELAY_MS: '60000',
    STUB_DELIVERED_RATIO: '1',
    STUB_PERMANENT_FAILURE_RATIO: '0',
    SHUTDOWN_TIMEOUT_MS: '10000',
    WORKER_CONCURRENCY: '2',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor('standalone worker', async () => out.includes('worker running'), 60_000).catch((e) => {
    throw new Error(`${(e as Error).message}: ${out}`);
  });
  t.match(out, /simulated SMS provider at/, 'the standalone worker started a simulated SMS provider');

  const ids = await createNotifications(
    d,
    'sms',
    Array.from({ length: 6 }, (_, i) => ({ to: `077009005${String(i).padStart(2, '0')}` })),
  );
  await waitFor(
    'texts handed to the simulated provider',
    async () => (await statuses(d.db, ids)).every((s) => s === 'sending'),
    30_000,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}: ${out}`);
  });
  t.notMatch(out, /not configured/, 'no deliver job failed for want of a provider');

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit after SIGTERM');
  t.same(
    await statuses(d.db, ids),
    ids.map(() => 'delivered'),
    'pending receipts were sent before exit: nothing left sending',
  );
});
