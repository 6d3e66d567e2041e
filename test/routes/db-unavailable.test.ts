// Postgres unreachable: the API answers 503 in Notify's error shape at once, not a 500 or a hang.
import pg from 'pg';
import t from 'tap';
import { buildApp, isDatabaseUnavailable } from '../../src/app.ts';
import { DatabaseBreaker } from '../../src/lib/db-breaker.ts';
import { createServiceWithKeys } from '../helpers/factories.ts';
import { createTestDb, testConfig } from '../helpers/db.ts';
import { freePort } from '../helpers/spawn.ts';

t.test('v2 request with the database down → 503 JSON quickly', async (t) => {
  const db = await createTestDb(t, 'dbdown');
  const s = await createServiceWithKeys(db);
  const url = `postgres://notify@127.0.0.1:${await freePort()}/notify`;
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  const app = await buildApp({ cfg: testConfig(), authPool: pool, ownerPool: pool, ownerUrl: url, graphql: false });
  t.teardown(async () => {
    await app.close();
    await pool.end();
  });
  const started = Date.now();
  const res = await app.inject({
    method: 'POST',
    url: '/v2/notifications/sms',
    headers: { authorization: s.normal.auth(), 'content-type': 'application/json' },
    payload: JSON.stringify({ phone_number: '07700900123', template_id: s.sms }),
  });
  t.equal(res.statusCode, 503, res.body);
  t.match(res.json(), { status_code: 503, errors: [{ error: 'Exception', message: /database/ }] });
  t.ok(Date.now() - started < 3000, 'answered within seconds');
  t.equal(res.headers['retry-after'], '1');

  // The next requests of a burst do not each try to connect: they are answered 503 at once, and only one request
  // per probe interval goes through to the database.
  let connects = 0;
  const connect = pool.connect.bind(pool);
  pool.connect = ((...args: Parameters<typeof pool.connect>) => {
    connects++;
    return (connect as (...a: unknown[]) => unknown)(...args);
  }) as typeof pool.connect;
  const burst = [];
  for (let i = 0; i < 20; i++) {
    burst.push(
      await app.inject({
        method: 'POST',
        url: '/v2/notifications/sms',
        headers: { authorization: s.normal.auth(), 'content-type': 'application/json' },
        payload: JSON.stringify({ phone_number: '07700900123', template_id: s.sms }),
      }),
    );
  }
  t.same(new Set(burst.map((r) => r.statusCode)), new Set([503]));
  t.same(burst[0].json(), res.json(), 'the same body as a request that tried');
  t.ok(connects <= 2, `at most a probe reached the pool (${connects} connects for 20 requests)`);

  const status = await app.inject({ method: 'GET', url: '/_status' });
  t.equal(status.statusCode, 503, '/_status says the database is unavailable');
});

t.test('isDatabaseUnavailable: connection failures yes, bugs and SQL errors no', async (t) => {
  t.ok(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
  t.ok(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])));
  t.ok(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' })));
  t.ok(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' })));
  t.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  t.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')));
  t.notOk(isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' })));
  t.notOk(isDatabaseUnavailable(new TypeError('undefined is not a function')));
  t.notOk(isDatabaseUnavailable(null));
});

t.test('DatabaseBreaker: open after a failure, one probe per interval, closed by an answer', async (t) => {
  let now = 10_000;
  const breaker = new DatabaseBreaker(1000, 250, () => now);
  t.notOk(breaker.shortCircuit(), 'closed: every request tries');
  breaker.trip();
  t.notOk(breaker.shortCircuit(), 'the first request after a failure is a probe');
  t.ok(breaker.shortCircuit(), 'then answered at once');
  now += 250;
  t.notOk(breaker.shortCircuit(), 'a probe every interval');
  t.ok(breaker.shortCircuit());
  breaker.close();
  t.notOk(breaker.isOpen);
  t.notOk(breaker.shortCircuit(), 'closed by an answer');
  breaker.trip();
  now += 1000;
  t.notOk(breaker.isOpen, 'open only for a while without new failures');
});
