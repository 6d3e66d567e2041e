// Callbacks to services: retried while the endpoint is down, delivered once; a URL that keeps
// failing is suspended with the reason. Timeouts and provider priority tasks.
import t from 'tap';
import { runTask } from '../../src/lib/run-task.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, waitFor, waitForStatuses } from '../helpers/delivery.ts';
import { startCallbackEndpoint } from '../helpers/recording-server.ts';

const final = (s: string) => ['delivered', 'temporary-failure', 'permanent-failure', 'technical-failure'].includes(s);

t.test('callback endpoint down then up: each status delivered once', async (t) => {
  const d = await setupDelivery(t, { label: 'cbretry' });
  // The first two calls fail (503, then a 429), later ones succeed.
  const endpoint = await startCallbackEndpoint(t, (n) => (n === 0 ? 503 : n === 1 ? 429 : 200));
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  const ids = await createNotifications(d, 'sms', [{ to: '07700900123' }]);
  await waitForStatuses(d.db, ids, final);
  await waitFor('a successful callback', async () => endpoint.requests.some((r) => r.answeredWith === 200), 30_000);
  await new Promise((r) => setTimeout(r, 500));
  t.same(
    endpoint.requests.map((r) => r.answeredWith),
    [503, 429, 200],
    'retried after 5xx and 429, then delivered once',
  );
  t.ok(endpoint.requests.every((r) => r.body.id === ids[0] && r.body.status === 'delivered'));
  const health = await d.db.one(
    'select consecutive_failures, last_success_at, suspended_at from app_private.service_callback_health',
  );
  t.equal(health.consecutive_failures, 0);
  t.ok(health.last_success_at);
});

t.test('a callback URL that keeps failing is suspended, with the reason recorded', async (t) => {
  const d = await setupDelivery(t, { label: 'cbsuspend' });
  const endpoint = await startCallbackEndpoint(t, () => 400); // 4xx: not retried
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  const ids = await createNotifications(
    d,
    'sms',
    Array.from({ length: 5 }, (_, i) => ({ to: `0770090020${i}` })),
    { batchSize: 1 },
  );
  await waitForStatuses(d.db, ids, final);
  const health = await waitFor('suspension', async () =>
    (
      await d.db.query(
        'select consecutive_failures, suspended_at, suspended_reason from app_private.service_callback_health',
      )
    )[0]?.suspended_at
      ? (await d.db.query('select * from app_private.service_callback_health'))[0]
      : null,
  );
  t.equal(health.consecutive_failures, 5);
  t.match(health.suspended_reason, /5 callbacks in a row failed \(last: HTTP 400\)/);
  const before = endpoint.requests.length;
  t.equal(before, 5);
  const more = await createNotifications(d, 'sms', [{ to: '07700900299' }]);
  await waitForStatuses(d.db, more, final);
  await waitFor(
    'callback job done',
    async () =>
      (
        await d.db.one(
          `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send-delivery-status'`,
        )
      ).n === 0,
  );
  t.equal(endpoint.requests.length, before, 'suspended URL not called');

  // Setting the callback again lifts the suspension.
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'new-secret-token-456')`, [
    d.serviceId,
    endpoint.url,
  ]);
  const again = await createNotifications(d, 'sms', [{ to: '07700900298' }]);
  await waitForStatuses(d.db, again, final);
  await waitFor('called again', async () => endpoint.requests.length > before);
  t.equal(endpoint.requests.at(-1)!.authorization, 'Bearer new-secret-token-456');
});

t.test('timeout-sending-notifications: 72 h in sending/pending → temporary-failure, with callbacks', async (t) => {
  const d = await setupDelivery(t, { label: 'timeout', worker: false });
  const endpoint = await startCallbackEndpoint(t);
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  const old = new Date(Date.now() - 73 * 3600_000);
  const recent = new Date(Date.now() - 71 * 3600_000);
  const ids = await createNotifications(
    d,
    'sms',
    [
      { to: '07700900001', createdAt: old },
      { to: '07700900002', createdAt: old },
      { to: '07700900003', createdAt: recent },
    ],
    { enqueue: false },
  );
  const [e] = await createNotifications(d, 'email', [{ to: 'x@example.com', createdAt: old }], { enqueue: false });
  await d.db.query(
    `update app_public.notifications set notification_status = 'sending', sent_at = created_at
     where id = any($1::uuid[])`,
    [[ids[0], ids[2], e]],
  );
  await d.db.query(
    `update app_public.notifications set notification_status = 'pending', sent_at = created_at where id = $1`,
    [ids[1]],
  );

  const outcome = await runTask(d.db.url, 'timeout-sending-notifications', { batch_size: 1 });
  t.equal(outcome.status, 'completed', outcome.error ?? '');
  const rows = await d.db.query(
    'select id, notification_status from app_public.notifications where id = any($1::uuid[])',
    [[...ids, e]],
  );
  const s = Object.fromEntries(rows.map((r) => [r.id, r.notification_status]));
  t.same(
    [s[ids[0]], s[ids[1]], s[ids[2]], s[e]],
    ['temporary-failure', 'temporary-failure', 'sending', 'temporary-failure'],
    'batched until none left; 71 h old untouched',
  );
  const { n } = await d.db.one(
    `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send-delivery-status'`,
  );
  t.equal(n, 3, 'callbacks queued');
});

t.test('slow delivery switch and tend back', async (t) => {
  const d = await setupDelivery(t, { label: 'slow', worker: false });
  await d.db.query(
    `update app_public.provider_details set active = true, priority = 50, updated_at = now() - interval '2 hours'
     where identifier in ('reach', 'sms-stub')`,
  );
  const ids = await createNotifications(
    d,
    'sms',
    Array.from({ length: 10 }, (_, i) => ({ to: `0770090030${i}`, createdAt: new Date(Date.now() - 6 * 60_000) })),
    { enqueue: false },
  );
  // reach: 4 of 5 still sending 6 minutes after sent_at; sms-stub: delivered within a minute.
  await d.db.query(
    `update app_public.notifications
     set notification_status = 'sending', sent_by = 'reach', sent_at = now() - interval '6 minutes'
     where id = any($1::uuid[])`,
    [ids.slice(0, 4)],
  );
  await d.db.query(
    `update app_public.notifications
     set notification_status = 'delivered', sent_by = 'reach', sent_at = now() - interval '6 minutes',
     updated_at = now() - interval '5 minutes 30 seconds' where id = $1`,
    [ids[4]],
  );
  await d.db.query(
    `update app_public.notifications
     set notification_status = 'delivered', sent_by = 'sms-stub', sent_at = now() - interval '6 minutes',
     updated_at = now() - interval '5 minutes' where id = any($1::uuid[])`,
    [ids.slice(5)],
  );
  let outcome = await runTask(d.db.url, 'switch-sms-provider-on-slow-delivery', {});
  t.equal(outcome.status, 'completed', outcome.error ?? '');
  const reach = await d.db.one(`select priority, reason from app_public.provider_details where identifier = 'reach'`);
  t.equal(reach.priority, 40);
  t.match(reach.reason, /slow delivery: 80%/);
  t.equal(
    (await d.db.one(`select priority from app_public.provider_details where identifier = 'sms-stub'`)).priority,
    50,
  );
  t.ok(
    await d.db.one(
      `select 1 as x from app_public.provider_details_history where identifier = 'reach' and priority = 40
       and reason like 'slow delivery%'`,
    ),
  );

  outcome = await runTask(d.db.url, 'tend-providers-back-to-middle', {});
  t.equal(
    (await d.db.one(`select priority from app_public.provider_details where identifier = 'reach'`)).priority,
    40,
    'no tend back within an hour of a change',
  );
  await d.db.query(
    `update app_public.provider_details set updated_at = now() - interval '2 hours' where notification_type = 'sms'`,
  );
  outcome = await runTask(d.db.url, 'tend-providers-back-to-middle', {});
  t.equal(outcome.status, 'completed', outcome.error ?? '');
  t.equal(
    (await d.db.one(`select priority from app_public.provider_details where identifier = 'reach'`)).priority,
    50,
    'back to its resting point',
  );
});
