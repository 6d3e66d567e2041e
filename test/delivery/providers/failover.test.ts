// Provider outage → failover recorded in provider_details_history; retries; technical failure.
import t from 'tap';
import { configureProviders, chooseProvider, invalidateProviderCache } from '../../../src/delivery/providers/index.ts';
import { startStubProvider } from '../../../src/dev/simulators/providers.ts';
import { createNotifications } from '../../helpers/factories.ts';
import { setupDelivery, waitFor, waitForStatuses } from '../../helpers/delivery.ts';
import { startCallbackEndpoint } from '../../helpers/recording-server.ts';

const final = (s: string) => ['delivered', 'temporary-failure', 'permanent-failure', 'technical-failure'].includes(s);

t.test('weighted choice among active providers', async (t) => {
  const rows = [
    { identifier: 'a', priority: 70, supports_international: false },
    { identifier: 'b', priority: 30, supports_international: true },
  ];
  t.equal(
    chooseProvider(rows, false, () => 0.1),
    'a',
  );
  t.equal(
    chooseProvider(rows, false, () => 0.75),
    'b',
  );
  t.equal(
    chooseProvider(rows, true, () => 0.1),
    'b',
    'international only among providers that support it',
  );
  t.equal(chooseProvider([], false), null);
  t.equal(
    chooseProvider([rows[0]], false, () => 0.99),
    'a',
    'one candidate = 100 %',
  );
});

t.test(
  'a provider outage deprioritises it (history row with the reason); messages are retried and delivered',
  async (t) => {
    const d = await setupDelivery(t, { label: 'failover' });
    const reach = await startStubProvider({ channel: 'sms', platformUrl: d.platformUrl, receiptDelayMs: 20 });
    t.teardown(() => reach.close());
    configureProviders({ REACH_URL: `${reach.url}/reach` });
    await d.db.query(
      `update app_public.provider_details set active = true, priority = 50, updated_at = now() - interval '2 hours'
     where identifier in ('reach', 'sms-stub')`,
    );
    invalidateProviderCache();
    reach.behaviour.failWith = 500;

    const ids = await createNotifications(
      d,
      'sms',
      Array.from({ length: 20 }, (_, i) => ({ to: `077009001${String(i).padStart(2, '0')}` })),
      { batchSize: 5 },
    );
    const history = await waitFor(
      'failover history row',
      async () =>
        (
          await d.db.query(
            `select identifier, priority, reason, version, created_by_id from app_public.provider_details_history
             where reason is not null order by version`,
          )
        ).filter((r) => r.identifier === 'reach')[0],
    );
    t.equal(history.priority, 40, 'reach lost 10 points');
    t.match(history.reason, /reach: HTTP 500/);
    t.equal(history.created_by_id, '6af522d0-2915-4e52-83a3-3690455a5fe6', 'changed by the Notify service user');
    const stub = await d.db.one(
      `select priority, reason from app_public.provider_details where identifier = 'sms-stub'`,
    );
    t.equal(stub.priority, 60, 'the other provider gained 10');
    t.match(stub.reason, /^reach failed/);

    reach.behaviour.failWith = null; // outage over: retries (with backoff) go through
    t.ok(
      (await waitForStatuses(d.db, ids, final, 60_000)).every((s) => s === 'delivered'),
      'all delivered in the end',
    );
    const accepted = d.sms.stats.accepted + reach.stats.accepted;
    t.equal(accepted, 20, 'each text accepted once in all');
    t.equal(d.sms.stats.duplicates + reach.stats.duplicates, 0);
    t.ok(reach.stats.rejected > 0, 'reach was tried during the outage');
    const by = await d.db.query(`select sent_by, count(*)::int as n from app_public.notifications group by 1`);
    t.equal(
      by.reduce((s, r) => s + r.n, 0),
      20,
    );
    if (reach.stats.accepted > 0)
      t.ok(
        by.find((r) => r.sent_by === 'reach'),
        'receipts in Reach format recorded',
      );
  },
);

t.test('the last attempt ends in technical-failure, with a callback', async (t) => {
  const d = await setupDelivery(t, { label: 'techfail' });
  const endpoint = await startCallbackEndpoint(t);
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  d.email.behaviour.failWith = 503;
  const ids = await createNotifications(d, 'email', [{ to: 'a@example.com' }, { to: 'b@example.com' }], {
    enqueue: false,
  });
  await d.db.query(
    `select graphile_worker.add_job('deliver-email', json_build_object('ids', $1::uuid[]), max_attempts => 1)`,
    [ids],
  );
  t.same(await waitForStatuses(d.db, ids, final), ['technical-failure', 'technical-failure']);
  await waitFor('callbacks', async () => endpoint.requests.length >= 2);
  t.same(
    endpoint.requests.map((r) => r.body.status),
    ['technical-failure', 'technical-failure'],
  );
  const row = await d.db.one('select sent_at, sent_by from app_public.notifications where id = $1', [ids[0]]);
  t.equal(row.sent_at, null, 'never sent');

  // Inactive service: technical-failure without any provider call.
  d.email.behaviour.failWith = null;
  await d.db.query('update app_public.services set active = false where id = $1', [d.serviceId]);
  const [late] = await createNotifications(d, 'email', [{ to: 'c@example.com' }]);
  t.same(await waitForStatuses(d.db, [late], final), ['technical-failure']);
  t.equal(d.email.stats.accepted, 0);
});
