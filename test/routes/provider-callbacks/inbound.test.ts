// Inbound SMS: provider routes → inbound_sms for the owning service → forwarded to its callback;
// and the CLI commands that set the callbacks.
import t from 'tap';
import { cli } from '../../helpers/spawn.ts';
import { createNotifications } from '../../helpers/factories.ts';
import { setupDelivery, statuses, waitFor, waitForStatuses } from '../../helpers/delivery.ts';
import { startCallbackEndpoint } from '../../helpers/recording-server.ts';

t.test('a text received on an inbound number is stored and forwarded to the service', async (t) => {
  const d = await setupDelivery(t, { label: 'inbound' });
  const endpoint = await startCallbackEndpoint(t);
  await d.db.query(`select app_public.add_inbound_number(number => '07700900500', service_id => $1)`, [d.serviceId]);
  await d.db.query(`select app_public.set_service_callback_api($1, 'inbound_sms', $2, 'inbound-token-1')`, [
    d.serviceId,
    endpoint.url,
  ]);

  t.equal(
    await d.sms.sendInbound({ from: '07700900111', to: '07700900500', content: 'STOP please' }),
    200,
    'simulated provider → platform',
  );
  const res = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/mmg',
    payload: {
      ID: 'mmg-1',
      MSISDN: '447700900222',
      Number: '07700900500',
      Message: 'Hello%20there%21',
      DateRecieved: '2024-05-21+11%3A56%3A11',
    },
  });
  t.equal(res.statusCode, 200, 'MMG format');
  const fire = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/firetext',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'source=447700900333&destination=07700900500&message=Yes&time=2024-05-21+11%3A56%3A11',
  });
  t.equal(fire.statusCode, 200, 'Firetext format');

  const rows = await d.db.query(
    `select i.id, i.user_number, i.provider, i.provider_reference, app_hidden.inbound_sms_content(i.id) as content
     from app_public.inbound_sms i where service_id = $1 order by created_at`,
    [d.serviceId],
  );
  t.same(
    rows.map((r) => [r.user_number, r.provider, r.content]),
    [
      ['447700900111', 'sms-stub', 'STOP please'],
      ['447700900222', 'mmg', 'Hello there!'],
      ['447700900333', 'firetext', 'Yes'],
    ],
  );
  t.equal(rows[1].provider_reference, 'mmg-1');

  await waitFor('3 forwarded texts', async () => endpoint.requests.length >= 3);
  const fwd = endpoint.requests.find((r) => r.body.id === rows[0].id)!;
  t.equal(fwd.authorization, 'Bearer inbound-token-1');
  t.match(fwd.body, {
    id: rows[0].id,
    source_number: '447700900111',
    destination_number: '07700900500',
    message: 'STOP please',
  });
  t.match(fwd.body.date_received, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  const unknown = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/stub',
    payload: { from: '07700900111', to: '07700900999', content: 'x' },
  });
  t.equal(unknown.statusCode, 404, 'unknown inbound number → 404');
  const bad = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/stub',
    payload: { from: '07700900111' },
  });
  t.equal(bad.statusCode, 400);
});

t.test('CLI: set-delivery-callback and set-inbound-callback', async (t) => {
  const d = await setupDelivery(t, { label: 'cli', worker: false });
  const ok = await cli(
    d.db.url,
    'set-delivery-callback',
    '--service',
    d.serviceId,
    '--url',
    'https://service.example/callback',
    '--bearer-token',
    'a-long-secret-token',
  );
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.json, {
    service_id: d.serviceId,
    callback_type: 'delivery_status',
    url: 'https://service.example/callback',
    version: 1,
  });
  const local = await cli(
    d.db.url,
    'set-inbound-callback',
    '--service',
    d.serviceId,
    '--url',
    'http://localhost:9999/inbound',
    '--bearer-token',
    'another-long-token',
  );
  t.equal(local.code, 0, local.stderr);
  t.match(local.json, { callback_type: 'inbound_sms', url: 'http://localhost:9999/inbound' });
  const stored = await d.db.one(
    `select bearer_token from app_public.service_callback_api where service_id = $1
     and callback_type = 'delivery_status'`,
    [d.serviceId],
  );
  t.not(Buffer.from(stored.bearer_token).toString('utf8'), 'a-long-secret-token', 'token stored encrypted');
  const tok = await d.db.one(`select bearer_token from app_hidden.service_callback($1, 'delivery_status')`, [
    d.serviceId,
  ]);
  t.equal(tok.bearer_token, 'a-long-secret-token');

  const insecure = await cli(
    d.db.url,
    'set-delivery-callback',
    '--service',
    d.serviceId,
    '--url',
    'http://service.example/callback',
    '--bearer-token',
    'a-long-secret-token',
  );
  t.equal(insecure.code, 1);
  t.match(insecure.json, { error: 'NTF01', message: 'url is not a valid https url' });
  const short = await cli(
    d.db.url,
    'set-inbound-callback',
    '--service',
    d.serviceId,
    '--url',
    'https://service.example/in',
    '--bearer-token',
    'short',
  );
  t.equal(short.code, 1);
  t.match(short.json, { error: 'NTF01', message: 'bearer_token must be at least 10 characters' });
  const missing = await cli(
    d.db.url,
    'set-delivery-callback',
    '--service',
    d.serviceId,
    '--url',
    'https://service.example/callback',
  );
  t.equal(missing.code, 2);
  t.match(missing.stderr, /--bearer-token/);
});

t.test('PROVIDER_CALLBACK_TOKEN: receipts and inbound texts only from callers with the token', async (t) => {
  const token = `cb-${'x'.repeat(20)}-${Date.now()}`;
  const d = await setupDelivery(t, { label: 'cbtoken', callbackToken: token });
  await d.db.query(`select app_public.add_inbound_number(number => '07700900501', service_id => $1)`, [d.serviceId]);

  // The simulated providers send the token: texts are delivered and receipts recorded end to end.
  const ids = await createNotifications(d, 'sms', [{ to: '07700900123' }, { to: '07700900124' }]);
  t.same(
    await waitForStatuses(d.db, ids, (s) => s !== 'created' && s !== 'sending'),
    ['delivered', 'delivered'],
    'receipts with the token recorded',
  );
  t.equal(
    await d.sms.sendInbound({ from: '07700900111', to: '07700900501', content: 'hi' }),
    200,
    'inbound text with the token',
  );

  // Anyone else: 401, nothing recorded.
  const [target] = await createNotifications(d, 'sms', [{ to: '07700900125' }], { enqueue: false });
  const forged = (headers: Record<string, string>, query = '') =>
    d.app.inject({
      method: 'POST',
      url: `/notifications/sms/reach${query}`,
      headers,
      payload: { reference: target, status: 'delivered' },
    });
  const none = await forged({});
  t.equal(none.statusCode, 401);
  t.same(none.json(), { result: 'error', message: 'Provider callback token missing' });
  const wrong = await forged({ authorization: 'Bearer not-the-token' });
  t.equal(wrong.statusCode, 401);
  t.same(wrong.json(), { result: 'error', message: 'Provider callback token invalid' });
  t.equal((await forged({}, '?token=wrong')).statusCode, 401, 'a wrong token in the URL');
  t.same(await statuses(d.db, [target]), ['created'], 'no forged receipt recorded');
  const inbound = await d.app.inject({
    method: 'POST',
    url: '/notifications/sms/receive/stub',
    payload: { from: '07700900111', to: '07700900501', content: 'forged' },
  });
  t.equal(inbound.statusCode, 401);
  const stored = await d.db.one('select count(*)::int as n from app_public.inbound_sms where service_id = $1', [
    d.serviceId,
  ]);
  t.equal(stored.n, 1, 'only the authenticated inbound text stored');

  // Providers that cannot send headers put it in the callback URL.
  await d.db.query(`update app_public.notifications set notification_status = 'sending' where id = $1`, [target]);
  const byQuery = await forged({}, `?token=${encodeURIComponent(token)}`);
  t.equal(byQuery.statusCode, 200, byQuery.body);
  t.same(await statuses(d.db, [target]), ['delivered']);
  // The v2 API is not behind the provider token.
  t.equal((await d.app.inject({ method: 'GET', url: '/v2/notifications' })).statusCode, 401);
  t.match((await d.app.inject({ method: 'GET', url: '/v2/notifications' })).json().errors[0].error, 'AuthError');
});
