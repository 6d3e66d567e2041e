// A chunk whose record or commit fails after the provider accepted its messages: the outcomes are
// recorded again, not sent again; when the database stays down the next claim records what was
// remembered; and a process that forgot (restarted) sends again with the same reference, which the
// simulated provider drops.
import t from 'tap';
import type pg from 'pg';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, statuses, type Delivery } from '../helpers/delivery.ts';
import {
  DeliveryCoalescer,
  deliveryRecordStats,
  forgetUnrecorded,
  type DeliverOptions,
} from '../../src/delivery/delivery.ts';

/** withPgClient over the test pool whose client fails the statements `fail` picks (counting down). */
function failing(d: Delivery, fail: { match: (sql: string) => boolean; times: number }): DeliverOptions {
  return {
    lastAttempt: false,
    withPgClient: async (fn) => {
      const client = await d.db.pool.connect();
      const proxy = new Proxy(client, {
        get(target, prop) {
          if (prop === 'query')
            return (sql: unknown, ...rest: unknown[]) => {
              if (typeof sql === 'string' && fail.match(sql) && fail.times > 0) {
                fail.times--;
                return Promise.reject(new Error('simulated: connection lost'));
              }
              return (target.query as (...a: unknown[]) => unknown)(sql, ...rest);
            };
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as pg.PoolClient;
      try {
        return await fn(proxy);
      } finally {
        client.release();
      }
    },
  };
}
const isRecord = (sql: string) => sql.includes('record_delivery_results');
const sent = (s: string) => s === 'sending' || s === 'delivered';

t.test('a failed record after the provider accepted is recorded again, not re-sent', async (t) => {
  // Receipts held back: the rows' statuses show what the worker recorded.
  const d = await setupDelivery(t, { label: 'record-fail', worker: false, receiptDelayMs: 600_000 });
  const texts = (from: number, n: number) =>
    createNotifications(
      d,
      'sms',
      Array.from({ length: n }, (_, i) => ({ to: `0770090${String(from + i).padStart(4, '0')}` })),
      { enqueue: false },
    );
  const coalescer = new DeliveryCoalescer('sms', Infinity, 50);
  const hits = (ids: string[]) => ids.map((id) => d.sms.hits.get(id) ?? 0);

  // The record fails once: the second try records it; one send each.
  const once = await texts(1000, 3);
  const before = { ...deliveryRecordStats };
  await coalescer.submit(once, failing(d, { match: isRecord, times: 1 }));
  t.same(hits(once), [1, 1, 1], 'each sent once');
  t.ok((await statuses(d.db, once)).every(sent), 'recorded');
  t.equal(deliveryRecordStats.recordedOnRetry, before.recordedOnRetry + 1);

  // The commit fails: the same.
  const commit = await texts(1100, 2);
  await coalescer.submit(commit, failing(d, { match: (sql) => sql === 'commit', times: 1 }));
  t.same(hits(commit), [1, 1]);
  t.ok((await statuses(d.db, commit)).every(sent));

  // The database stays down for the whole run: the job fails, the rows stay created; its retry
  // records what the provider accepted without a second send.
  const down = await texts(1200, 3);
  await t.rejects(coalescer.submit(down, failing(d, { match: isRecord, times: 10 })), /connection lost/);
  t.same(await statuses(d.db, down), ['created', 'created', 'created'], 'not recorded');
  t.same(hits(down), [1, 1, 1]);
  t.equal(deliveryRecordStats.unrecorded, before.unrecorded + 3, 'counted');
  await coalescer.submit(down, failing(d, { match: isRecord, times: 0 }));
  t.same(hits(down), [1, 1, 1], 'the retry did not send again');
  t.ok((await statuses(d.db, down)).every(sent), 'recorded by the retry');
  t.equal(deliveryRecordStats.recovered, before.recovered + 3);

  // A process that forgot (restarted) sends again with the same reference: the provider drops it.
  const lost = await texts(1300, 2);
  await t.rejects(coalescer.submit(lost, failing(d, { match: isRecord, times: 10 })));
  forgetUnrecorded();
  await coalescer.submit(lost, failing(d, { match: isRecord, times: 0 }));
  t.same(hits(lost), [2, 2], 'sent again');
  t.ok(
    lost.every((id) => d.sms.messages.get(id)?.reference === id),
    'accepted once each: the repeat was dropped by reference',
  );
  t.equal(d.sms.stats.duplicates, 2);
  t.ok((await statuses(d.db, lost)).every(sent));

  // A receipt that arrives before the record moves the row on: the retry records the send all the same.
  const early = await texts(1400, 1);
  await t.rejects(coalescer.submit(early, failing(d, { match: isRecord, times: 10 })));
  await d.db.query(`update app_public.notifications set notification_status = 'delivered' where id = $1`, early);
  await coalescer.submit(early, failing(d, { match: isRecord, times: 0 }));
  t.same(hits(early), [1]);
  t.match(
    await d.db.one('select notification_status, sent_by, sent_at from app_public.notifications where id = $1', early),
    { notification_status: 'delivered', sent_by: 'sms-stub', sent_at: Date },
  );
});
