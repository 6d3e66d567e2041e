// Provider routes are how the outside world changes a notification's status and stores texts: with
// PROVIDER_CALLBACK_TOKEN nobody else can; a receipt applies only to its channel; a provider's timestamps
// are never in the future; a receipt for a reference nobody knows is retried a bounded number of times.
import t from 'tap';
import {
  applyReceipts,
  clampToNow,
  RECEIPT_MAX_ATTEMPTS,
  receiptRetryDelayS,
  sesEvent,
  type Receipt,
} from '../../src/delivery/receipts.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, statuses } from '../helpers/delivery.ts';

const TOKEN = 'provider-callback-token-0123456789';

t.test('with PROVIDER_CALLBACK_TOKEN a forged receipt or text changes nothing', async (t) => {
  const d = await setupDelivery(t, { label: 'forged', worker: false, callbackToken: TOKEN });
  const [sms] = await createNotifications(d, 'sms', [{ to: '07700900001' }], { enqueue: false });
  await d.db.query(`update app_public.notifications set notification_status = 'sending' where id = $1`, [sms]);
  await d.db.query(`select app_public.add_inbound_number(number => '07700900500', service_id => $1)`, [d.serviceId]);

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    d.app.inject({ method: 'POST', url, payload, headers });
  const forgedReceipt = { CID: sms, status: '5' };
  for (const [how, url, headers] of [
    ['no token', '/notifications/sms/mmg', {}],
    ['a wrong bearer token', '/notifications/sms/mmg', { authorization: `Bearer ${TOKEN}x` }],
    ['a wrong query token', '/notifications/sms/mmg?token=guess', {}],
    ['a token prefix', `/notifications/sms/mmg?token=${TOKEN.slice(0, 20)}`, {}],
  ] as const) {
    const res = await post(url, forgedReceipt, headers);
    t.equal(res.statusCode, 401, how);
  }
  t.same(await statuses(d.db, [sms]), ['sending'], 'the notification did not move');

  const text = { to: '07700900500', from: '07700900111', content: 'forged' };
  t.equal((await post('/notifications/sms/receive/stub', text)).statusCode, 401);
  t.equal((await post('/notifications/email/ses', { Type: 'Notification', Message: '{}' })).statusCode, 401);
  t.equal(
    (await d.db.one('select count(*)::int as n from app_public.inbound_sms where service_id = $1', [d.serviceId])).n,
    0,
    'no text stored',
  );

  const ok = await post('/notifications/sms/mmg', { CID: sms, status: '3' }, { authorization: `Bearer ${TOKEN}` });
  t.equal(ok.statusCode, 200, 'the real provider (bearer token)');
  t.same(await statuses(d.db, [sms]), ['delivered']);
  t.equal((await post(`/notifications/sms/receive/stub?token=${TOKEN}`, text)).statusCode, 200, 'query token');
});

t.test('a receipt applies only to a notification of its channel', async (t) => {
  const d = await setupDelivery(t, { label: 'channel', worker: false });
  const [sms] = await createNotifications(d, 'sms', [{ to: '07700900002' }], { enqueue: false });
  const [email] = await createNotifications(d, 'email', [{ to: 'x@example.com' }], { enqueue: false });
  await d.db.query(
    `update app_public.notifications set notification_status = 'sending', sent_at = now(),
       reference = case when notification_type = 'email' then 'ses-ref-1' else 'sms-ref-1' end
     where id = any($1::uuid[])`,
    [[sms, email]],
  );
  const post = (url: string, payload: object) => d.app.inject({ method: 'POST', url, payload });

  let res = await post('/notifications/sms/mmg', { CID: email, status: '5' });
  t.equal(res.statusCode, 404, 'an SMS receipt naming an email notification finds nothing');
  res = await post('/notifications/sms/firetext', { reference: email, status: '1', code: '101' });
  t.equal(res.statusCode, 404);
  res = await post('/notifications/sms/stub', { reference: email, status: 'permanent-failure' });
  t.equal(res.statusCode, 404);
  res = await post('/notifications/email/stub', { reference: sms, by_id: true, status: 'permanent-failure' });
  t.equal(res.statusCode, 404, 'an email receipt naming an SMS notification finds nothing');
  res = await post('/notifications/email/stub', {
    reference: 'sms-ref-1',
    by_id: false,
    status: 'permanent-failure',
    sent_at: new Date(Date.now() - 3600_000).toISOString(),
  });
  t.equal(res.statusCode, 404, "nor by an SMS provider's reference");
  t.same(await statuses(d.db, [sms, email]), ['sending', 'sending'], 'neither moved');

  res = await post('/notifications/email/stub', { reference: 'ses-ref-1', by_id: false, status: 'delivered' });
  t.equal(res.statusCode, 200);
  res = await post('/notifications/sms/mmg', { CID: sms, status: '3' });
  t.equal(res.statusCode, 200);
  t.same(await statuses(d.db, [sms, email]), ['delivered', 'delivered'], 'the right channel applies');
});

t.test('provider timestamps are never later than now', async (t) => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  t.equal(clampToNow('2031-06-01T00:00:00Z', now), '2030-01-01T00:00:00.000Z');
  t.equal(clampToNow('2029-06-01T00:00:00Z', now), '2029-06-01T00:00:00.000Z');
  t.equal(clampToNow('yesterday', now), null);
  t.equal(clampToNow({}, now), null);

  const future = new Date(Date.now() + 365 * 86400_000).toISOString();
  const delivery = sesEvent({
    Type: 'Notification',
    Message: JSON.stringify({ notificationType: 'Delivery', mail: { messageId: 'm', timestamp: future } }),
  });
  t.ok(Date.parse(delivery.receipt!.sent_at!) <= Date.now(), 'SES mail timestamp');
  const complaint = sesEvent({
    notificationType: 'Complaint',
    mail: { messageId: 'm' },
    complaint: { timestamp: future },
  });
  t.ok(Date.parse(complaint.complaint!.date!) <= Date.now(), 'SES complaint timestamp');

  const d = await setupDelivery(t, { label: 'future', worker: false });
  await d.db.query(`select app_public.add_inbound_number(number => '07700900501', service_id => $1)`, [d.serviceId]);
  const res = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/stub',
    payload: { to: '07700900501', from: '07700900111', content: 'hi', date: future },
  });
  t.equal(res.statusCode, 200);
  const row = await d.db.one('select provider_date <= now() as ok from app_public.inbound_sms where id = $1', [
    res.json().id,
  ]);
  t.equal(row.ok, true, 'an inbound text is not dated in the future');
});

t.test('a receipt for an unknown reference is retried a bounded number of times, then dropped', async (t) => {
  const d = await setupDelivery(t, { label: 'bounded', worker: false });
  const jobs = async () =>
    d.db.query<{ payload: { attempt: number; receipts: Receipt[] }; delay: number }>(
      `select j.payload, round(extract(epoch from j.run_at - now()))::int as delay
       from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
       where k.identifier = 'retry-delivery-receipt' order by j.id`,
    );
  // A sent_at a year ahead used to keep the receipt "young", and so retried, for a year.
  const receipt: Receipt = {
    reference: 'never-sent',
    by_id: false,
    status: 'permanent-failure',
    provider: 'ses',
    channel: 'email',
    sent_at: new Date(Date.now() + 365 * 86400_000).toISOString(),
  };
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) };

  const first = await applyReceipts(d.db.pool, [receipt], { log });
  t.match(first, { retrying: 1, unknown: [] });
  let queued = await jobs();
  t.equal(queued.length, 1);
  t.equal(queued[0].payload.attempt, 1);
  t.ok(queued[0].delay >= receiptRetryDelayS(1) - 1 && queued[0].delay <= receiptRetryDelayS(1) + 1);

  const last = await applyReceipts(d.db.pool, [receipt], { attempt: RECEIPT_MAX_ATTEMPTS, log });
  t.match(last, { retrying: 0, unknown: ['never-sent'] }, `dropped after ${RECEIPT_MAX_ATTEMPTS} retries`);
  queued = await jobs();
  t.equal(queued.length, 1, 'no further retry queued');
  t.match(warnings.at(-1), /dropped after 8 retries.*never-sent/);

  const delays = Array.from({ length: RECEIPT_MAX_ATTEMPTS }, (_, i) => receiptRetryDelayS(i + 1));
  t.same(delays.slice(0, 4), [5, 10, 20, 40], 'backoff');
  const total = delays.reduce((a, b) => a + b, 0);
  t.ok(total >= 240 && total <= 400, `about five minutes in all (${total} s)`);
});
