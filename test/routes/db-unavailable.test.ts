// Postgres unreachable: the API answers 503 in Notify's error shape at once, not a 500 or a hang.
import pg from 'pg';
import t from 'tap';
import { buildApp, isDatabaseUnavailable } from '../../src/app.ts';
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
