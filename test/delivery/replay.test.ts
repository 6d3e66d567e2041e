// replay-created-notifications and timeout-sending-notifications read only rows they have not
// seen (app_private.scan_watermarks): no index on the status any more (delivery updates are HOT).
import t from 'tap';
import { runTask } from '../../src/lib/run-task.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, statuses } from '../helpers/delivery.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

t.test('replay: each stuck row is re-queued once, in the first run after it turns 5 minutes old', async (t) => {
  const d = await setupDelivery(t, { label: 'replay', worker: false });
  const [stuck, abandoned, young, delivered] = await createNotifications(
    d,
    'sms',
    [
      { to: '07700900501', createdAt: hoursAgo(2) },
      { to: '07700900502', createdAt: hoursAgo(2) },
      { to: '07700900503', createdAt: minutesAgo(2) },
      { to: '07700900504', createdAt: hoursAgo(2) },
    ],
    { enqueue: false },
  );
  const [scheduled] = await createNotifications(d, 'email', [{ to: 'later@example.com', createdAt: hoursAgo(3) }], {
    enqueue: false,
  });
  await d.db.query(`update app_public.notifications set scheduled_for = now() + interval '1 day' where id = $1`, [
    scheduled,
  ]);
  // A claim whose worker died before the provider answered (sending, no sent_at, claimed long ago).
  await d.db.query(
    `update app_public.notifications set notification_status = 'sending', updated_at = now() - interval '30 minutes'
     where id = $1`,
    [abandoned],
  );
  await d.db.query(
    `update app_public.notifications set notification_status = 'delivered', sent_at = now() where id = $1`,
    [delivered],
  );

  const queued = async () =>
    (
      await d.db.query<{ id: string }>(
        `select jsonb_array_elements_text(j.payload::jsonb->'ids') as id from graphile_worker._private_jobs j
         join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'deliver-sms'`,
      )
    )
      .map((r) => r.id)
      .sort();

  const first = await runTask(d.db.url, 'replay-created-notifications', {});
  t.equal(first.status, 'completed', first.error ?? '');
  t.same(
    await queued(),
    [stuck, abandoned].sort(),
    'the created row and the abandoned claim, not the young, delivered or scheduled ones',
  );
  const mark = await d.db.one<{ scanned_until: Date }>(
    `select scanned_until from app_private.scan_watermarks where name = 'replay_created_notifications'`,
  );
  t.ok(Math.abs(mark.scanned_until.getTime() - minutesAgo(5).getTime()) < 30_000, 'watermark at now - 5 minutes');

  await d.db.query(`delete from graphile_worker._private_jobs`);
  const again = await runTask(d.db.url, 'replay-created-notifications', {});
  t.equal(again.status, 'completed', again.error ?? '');
  t.same(await queued(), [], 'a second run does not read them again');

  // The young row turns 5 minutes old (created after the watermark) and the next run picks it up.
  await d.db.query(`update app_public.notifications set created_at = now() - interval '6 minutes' where id = $1`, [
    young,
  ]);
  await runTask(d.db.url, 'replay-created-notifications', {});
  t.same(await queued(), [young], 'next run: the row that has just turned 5 minutes old');

  // Forgetting the watermark reads the whole table again.
  await d.db.query(`delete from graphile_worker._private_jobs`);
  await d.db.query(`delete from app_private.scan_watermarks`);
  await runTask(d.db.url, 'replay-created-notifications', {});
  t.same(await queued(), [stuck, abandoned, young].sort(), 'watermark deleted → everything still stuck');
  t.same(
    await statuses(d.db, [stuck, young, delivered]),
    ['created', 'created', 'delivered'],
    'replay only queues; statuses unchanged',
  );
});

t.test('timeout: a second run reads only rows that reached 72 h since the first', async (t) => {
  const d = await setupDelivery(t, { label: 'timeout-mark', worker: false });
  const [old, later] = await createNotifications(
    d,
    'sms',
    [
      { to: '07700900601', createdAt: hoursAgo(100) },
      { to: '07700900602', createdAt: hoursAgo(71.9) },
    ],
    { enqueue: false },
  );
  await d.db.query(
    `update app_public.notifications set notification_status = 'pending', sent_at = created_at
     where id = any($1::uuid[])`,
    [[old, later]],
  );
  t.equal((await runTask(d.db.url, 'timeout-sending-notifications', {})).status, 'completed');
  t.same(await statuses(d.db, [old, later]), ['temporary-failure', 'pending']);
  const mark = await d.db.one<{ scanned_until: Date }>(
    `select scanned_until from app_private.scan_watermarks where name = 'timeout_notifications'`,
  );
  t.ok(Math.abs(mark.scanned_until.getTime() - hoursAgo(72).getTime()) < 60_000, 'watermark at now - 72 h');

  // Time passes: the second row is now past 72 h (it was created after the watermark).
  await d.db.query(
    `update app_public.notifications set created_at = now() - interval '72 hours 5 minutes' where id = $1`,
    [later],
  );
  t.equal((await runTask(d.db.url, 'timeout-sending-notifications', {})).status, 'completed');
  t.same(await statuses(d.db, [later]), ['temporary-failure']);
});
