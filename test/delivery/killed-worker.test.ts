// A worker killed in the middle of a batch: nothing is lost and no recorded send is repeated.
import t from 'tap';
import { entry } from '../helpers/spawn.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, waitFor, waitForStatuses } from '../helpers/delivery.ts';

t.test(
  'worker killed mid-batch → its open chunk is re-sent by the next run, ' +
    'recorded chunks never, each text delivered once',
  async (t) => {
    const d = await setupDelivery(t, { label: 'killed', worker: false });
    d.sms.behaviour.responseDelayMs = 300;
    const child = entry(['test/delivery/worker-child.ts', d.db.url], {
      SMS_STUB_URL: `${d.sms.url}/sms`,
      DELIVERY_SEND_CONCURRENCY: '4',
      DELIVERY_CHUNK_SIZE: '4',
      NODE_ENV: 'test',
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await waitFor('child worker', async () => out.includes('ready'), 30_000);

    const ids = await createNotifications(
      d,
      'sms',
      Array.from({ length: 16 }, (_, i) => ({ to: `077009004${String(i).padStart(2, '0')}` })),
    );
    await waitFor(
      'some sends recorded',
      async () =>
        d.sms.stats.accepted >= 8 &&
        (await d.db.one('select count(*)::int as n from app_public.notifications where sent_at is not null')).n > 0,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Let receipts of what was accepted arrive.
    await new Promise((r) => setTimeout(r, 800));

    const before = await d.db.query<{ id: string; notification_status: string; sent_at: Date | null }>(
      'select id, notification_status, sent_at from app_public.notifications order by id',
    );
    const recorded = before.filter((r) => r.sent_at !== null);
    const orphaned = before.filter((r) => r.sent_at === null);
    t.ok(
      recorded.length > 0 && orphaned.length > 0,
      `killed mid-batch (${recorded.length} recorded, ${orphaned.length} not recorded)`,
    );
    t.equal(recorded.length % 4, 0, 'whole chunks recorded (one transaction each)');
    t.ok(
      orphaned.every((r) => r.notification_status === 'created' || r.notification_status === 'delivered'),
      'the open chunk rolled back: created (or delivered by a receipt that waited for its lock)',
    );

    // The job runs again (a live worker's heartbeat releases the dead worker's jobs, see dead-worker.test.ts;
    // the replay task re-queues rows still created after 5 minutes): only rows still created are sent.
    d.sms.behaviour.responseDelayMs = 0;
    const replay = await runTask(d.db.url, 'deliver-sms', { ids });
    t.equal(replay.status, 'completed', replay.error ?? '');

    t.ok((await waitForStatuses(d.db, ids, (s) => s === 'delivered')).length === 16, 'nothing lost: all 16 delivered');
    t.equal(d.sms.messages.size, 16, 'each text reached the provider');
    for (const r of recorded) t.equal(d.sms.hits.get(r.id), 1, 'a recorded send is never repeated');
    const after = await d.db.query<{ id: string; sent_at: Date }>(
      'select id, sent_at from app_public.notifications where id = any($1::uuid[])',
      [recorded.map((r) => r.id)],
    );
    t.same(
      after.map((r) => r.sent_at.getTime()).sort(),
      recorded.map((r) => r.sent_at!.getTime()).sort(),
      'recorded sent_at kept',
    );
    t.ok(
      [...d.sms.hits.values()].every((n) => n <= 2),
      'at most one repeat, for texts in flight when the worker died (dropped by reference)',
    );
  },
);
