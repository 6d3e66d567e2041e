// A worker process SIGKILLed mid-delivery: another worker's heartbeat finds it silent and releases the jobs it
// had locked (graphile-worker alone would leave them for four hours), so everything is delivered within the
// dead-worker threshold (seconds here, minutes by default), and no recorded send is repeated.
import t from 'tap';
import { entry } from '../helpers/spawn.ts';
import type { Teardown } from '../helpers/db.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, waitFor, waitForStatuses, type Delivery } from '../helpers/delivery.ts';

const THRESHOLDS = { WORKER_HEARTBEAT_MS: '250', WORKER_DEAD_AFTER_MS: '2000' };

function startChild(t: Teardown, d: Delivery, label: string) {
  const child = entry(['test/delivery/worker-child.ts', d.db.url, '4'], {
    SMS_STUB_URL: `${d.sms.url}/sms`,
    DELIVERY_SEND_CONCURRENCY: '4',
    DELIVERY_CHUNK_SIZE: '4',
    DELIVERY_CHUNKS_IN_FLIGHT: '0',
    NODE_ENV: 'test',
    ...THRESHOLDS,
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    output: () => out,
    ready: () => waitFor(`${label} worker`, async () => out.includes('ready'), 30_000),
  };
}

t.test('worker SIGKILLed mid-delivery → its locked jobs run on the live worker within seconds, once', async (t) => {
  const d = await setupDelivery(t, { label: 'deadworker', worker: false });
  d.sms.behaviour.responseDelayMs = 400;
  const first = startChild(t, d, 'first');
  await first.ready();

  // One job per text, so the killed worker holds several jobs locked (running and in its local queue).
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    ids.push(...(await createNotifications(d, 'sms', [{ to: `077009007${String(i).padStart(2, '0')}` }])));
  }
  await waitFor(
    'some sends recorded',
    async () =>
      (await d.db.one('select count(*)::int as n from app_public.notifications where sent_at is not null')).n > 0,
  );
  const locked = await d.db.one<{ n: number }>(
    'select count(*)::int as n from graphile_worker._private_jobs where locked_by is not null',
  );
  t.ok(locked.n > 0, `the worker holds jobs locked when it dies (${locked.n})`);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const recorded = await d.db.query<{ id: string; sent_at: Date }>(
    'select id, sent_at from app_public.notifications where sent_at is not null',
  );
  t.ok(recorded.length < ids.length, `killed mid-delivery (${recorded.length} of ${ids.length} recorded)`);

  d.sms.behaviour.responseDelayMs = 0;
  const killedAt = Date.now();
  const second = startChild(t, d, 'second');
  await second.ready();
  t.ok(
    (await waitForStatuses(d.db, ids, (s) => s === 'delivered', 30_000)).length === ids.length,
    'nothing lost: all delivered',
  );
  const took = Date.now() - killedAt;
  t.ok(took < 20_000, `delivered within the dead-worker threshold and a few heartbeats (${took} ms)`);
  t.match(second.output(), /released \d+ jobs of workers silent/, 'the live worker released the dead one’s jobs');
  // A delivery job completes just after its texts are recorded (graphile-worker batches completions): wait for the
  // queue to drain rather than look at it at the instant the last receipt lands.
  const left = async () =>
    (await d.db.one<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs')).n;
  await waitFor('the queue drained', async () => (await left()) === 0, 10_000).catch(() => undefined);
  t.equal(await left(), 0, 'no job left locked or queued');
  t.equal(d.sms.messages.size, ids.length, 'each text reached the provider');
  for (const r of recorded) t.equal(d.sms.hits.get(r.id), 1, 'a recorded send is never repeated');
  t.ok(
    [...d.sms.hits.values()].every((n) => n <= 2),
    'at most one repeat, for texts in flight when the worker died (dropped by reference)',
  );
  const beats = await d.db.query<{ worker_id: string }>('select worker_id from app_private.worker_heartbeats');
  t.equal(beats.length, 1, 'the dead worker’s heartbeat is gone, the live one’s remains');
});
