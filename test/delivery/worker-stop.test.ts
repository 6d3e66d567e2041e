// Stopping the worker under load (SIGTERM of `npm start` / `npm run worker`) leaves no job locked:
// jobs its local queue had fetched but not started go back to the queue at once, not after
// graphile-worker's 4-hour lock timeout. (graphile-worker 0.18.0 logs "Cannot background something
// when the queue is already released" on this path: its local queue starts returning the jobs, then
// fails to track that call; the jobs are returned all the same, which is what this test checks.)
import t from 'tap';
import { startWorker } from '../../src/worker.ts';
import { createNotifications } from '../helpers/factories.ts';
import { DELIVERY_TASKS, setupDelivery, waitFor } from '../helpers/delivery.ts';

t.test('jobs fetched but not run when the worker stops are unlocked', async (t) => {
  const d = await setupDelivery(t, { label: 'stop', worker: false });
  d.sms.behaviour.responseDelayMs = 300;
  // 40 jobs of one text each: the worker runs 2 and holds more in its local queue.
  for (let i = 0; i < 40; i++) await createNotifications(d, 'sms', [{ to: `0770090${String(1000 + i)}` }]);
  const runner = await startWorker({ pgPool: d.db.pool, concurrency: 2, crontab: false, only: DELIVERY_TASKS });
  await waitFor('the provider busy', async () => d.sms.stats.requests >= 2);
  await runner.stop();
  const locked = await d.db.query(
    `select id, locked_by from graphile_worker._private_jobs where locked_at is not null`,
  );
  t.same(locked, [], 'no job left locked');
  const queued = await d.db.one(
    `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'deliver-sms'`,
  );
  t.ok(queued.n > 0, 'the unstarted jobs are still queued');
  // A new worker picks them up and delivers everything.
  d.sms.behaviour.responseDelayMs = 0;
  const again = await startWorker({ pgPool: d.db.pool, concurrency: 4, crontab: false, only: DELIVERY_TASKS });
  t.teardown(() => again.stop());
  await waitFor(
    'all 40 handed over',
    async () =>
      (await d.db.one(`select count(*)::int as n from app_public.notifications where sent_at is not null`)).n === 40,
    30_000,
  );
  t.pass('delivered after the restart');
});
