// Deliver jobs that wait at the same time go as one chunk (DeliveryCoalescer): one claim, one
// provider request, one record for several jobs; each job still succeeds or fails on its own.
import t from 'tap';
import type pg from 'pg';
import { DeliveryCoalescer, type DeliverOptions } from '../../src/delivery/delivery.ts';
import { configureProviders, invalidateProviderCache } from '../../src/delivery/providers/index.ts';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, statuses } from '../helpers/delivery.ts';
import { startCallbackEndpoint } from '../helpers/recording-server.ts';

t.test('jobs that wait are merged; each job fails only for its own messages', async (t) => {
  const d = await setupDelivery(t, { label: 'coalesce', worker: false });
  // Numbers ending 2 are refused for now (retried), the rest accepted.
  const p = await startCallbackEndpoint(t, (_n, body) => ({
    status: 200,
    body: JSON.stringify({
      results: (body as { messages: Array<Record<string, unknown>> }).messages.map((m) =>
        String(m.to).endsWith('2') ? { error: 'throttled' } : { id: String(m.reference) },
      ),
    }),
  }));
  configureProviders({ SMS_STUB_URL: p.url });
  invalidateProviderCache();
  t.teardown(() => configureProviders({ SMS_STUB_URL: `${d.sms.url}/sms` }));

  const withPgClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await d.db.pool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  };
  const opts = (lastAttempt = false): DeliverOptions => ({ withPgClient, lastAttempt });
  const make = (...numbers: string[]) =>
    createNotifications(
      d,
      'sms',
      numbers.map((to) => ({ to })),
      { enqueue: false },
    );

  const a = await make('07700900100');
  const b = await make('07700900101', '07700900102');
  const c = await make('07700900103');
  const e = await make('07700900112');
  const coalescer = new DeliveryCoalescer('sms', 1, 50);
  // a starts at once; b, c and e arrive while it runs and wait: they go together.
  const settled = await Promise.allSettled([
    coalescer.submit(a, opts()),
    coalescer.submit(b, opts()),
    coalescer.submit(c, opts()),
    coalescer.submit(e, opts(true)),
  ]);
  t.same(coalescer.stats, { chunks: 2, jobs: 4 });
  t.equal(p.requests.length, 2, 'two provider requests for four jobs');
  const second = (p.requests[1].body.messages as Array<{ reference: string }>).map((m) => m.reference).sort();
  t.same(second, [...b, ...c, ...e].sort(), "the waiting jobs' texts in one request");

  t.equal(settled[0].status, 'fulfilled', 'a: sent');
  t.equal(settled[1].status, 'rejected', 'b: one of its texts is to be retried');
  t.match(
    (settled[1] as PromiseRejectedResult).reason.message,
    /^1 of 2 sms notifications not sent, will retry: .*throttled/,
  );
  t.equal(settled[2].status, 'fulfilled', "c: merged with b, not failed by b's text");
  t.equal(settled[3].status, 'fulfilled', 'e: on its last attempt, its refused text failed for good');
  t.same(await statuses(d.db, [...a, ...b, ...c, ...e]), [
    'sending',
    'sending',
    'created',
    'sending',
    'technical-failure',
  ]);

  // A merged chunk that fails as a whole is tried again job by job: one job's trouble is not the others'.
  const f = await make('07700900104');
  const g = await make('07700900105');
  const h = await make('07700900106');
  let calls = 0;
  const flaky: DeliverOptions = {
    lastAttempt: false,
    withPgClient: (fn) => (++calls === 1 ? Promise.reject(new Error('connection lost')) : withPgClient(fn)),
  };
  const before = p.requests.length;
  const blocker = coalescer.submit(f, opts());
  const merged = await Promise.allSettled([blocker, coalescer.submit(g, flaky), coalescer.submit(h, opts())]);
  t.same(
    merged.map((s) => s.status),
    ['fulfilled', 'fulfilled', 'fulfilled'],
    'each job delivered on its own after the merged chunk failed',
  );
  t.equal(calls, 2, "the merged chunk used the first job's connection and failed; g alone then succeeded");
  t.same(await statuses(d.db, [...f, ...g, ...h]), ['sending', 'sending', 'sending']);
  t.equal(p.requests.length - before, 3, 'f, then g and h one by one');
});
