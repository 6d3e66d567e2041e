import t from 'tap';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { createTestApp } from './helpers/app.ts';
import { testConfig } from './helpers/db.ts';

t.test('GET /_status reports the database and worker', async (t) => {
  const { app } = await createTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/_status' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), {
    status: 'ok',
    database: 'ok',
    worker: 'external',
    workers_alive: false,
    db_version: /^\d{6}\.sql$/,
  });
});

t.test('/_status says whether a worker elsewhere is alive, from the workers’ heartbeats', async (t) => {
  const { app, db } = await createTestApp(t);
  await db.query(`insert into app_private.worker_heartbeats (worker_id, beat_at) values ('elsewhere', now())`);
  t.teardown(() => db.query(`delete from app_private.worker_heartbeats where worker_id = 'elsewhere'`));
  t.match((await app.inject({ method: 'GET', url: '/_status' })).json(), { worker: 'external', workers_alive: true });
  await db.query(`update app_private.worker_heartbeats set beat_at = now() - interval '1 day'
                  where worker_id = 'elsewhere'`);
  t.match((await app.inject({ method: 'GET', url: '/_status' })).json(), { workers_alive: false }, 'silent: not alive');
});

t.test('unknown routes and methods answer in Notify’s error shape', async (t) => {
  const { app } = await createTestApp(t);
  const notFound = await app.inject({ method: 'GET', url: '/v2/no-such-thing' });
  t.equal(notFound.statusCode, 404);
  t.same(notFound.json(), {
    status_code: 404,
    errors: [{ error: 'NotFound', message: 'The requested URL was not found on the server.' }],
  });
  const notAllowed = await app.inject({ method: 'DELETE', url: '/_status' });
  t.equal(notAllowed.statusCode, 405);
  t.same(notAllowed.json(), {
    status_code: 405,
    errors: [{ error: 'MethodNotAllowed', message: 'The method is not allowed for the requested URL.' }],
  });
  t.equal(notAllowed.headers.allow, 'GET');
});

t.test('an unexpected failure is a 500 in Notify’s shape, and /_status says when the database is down', async (t) => {
  const dead = new pg.Pool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
  dead.on('error', () => undefined);
  const app = await buildApp({
    cfg: testConfig(),
    authPool: dead,
    ownerPool: dead,
    ownerUrl: 'postgres://nobody:x@127.0.0.1:1/none',
    graphql: false,
  });
  app.get('/boom', async () => {
    throw new Error('kaboom');
  });
  t.teardown(() => app.close());
  const boom = await app.inject({ method: 'GET', url: '/boom' });
  t.equal(boom.statusCode, 500);
  t.same(boom.json(), { status_code: 500, errors: [{ error: 'Exception', message: 'Internal server error' }] });
  const status = await app.inject({ method: 'GET', url: '/_status' });
  t.equal(status.statusCode, 503);
  t.same(status.json(), { status: 'error', database: 'unavailable' }, 'no error text (it named the role and host)');
  t.notMatch(status.body, /nobody|127\.0\.0\.1|ECONNREFUSED|connect/);
});

t.test('/_status runs only cheap queries: nothing over the job queue or notifications', async (t) => {
  const { db } = await createTestApp(t);
  const seen: string[] = [];
  const recording = new Proxy(db.pool, {
    get(target, prop, receiver) {
      if (prop === 'query')
        return (text: unknown, ...rest: unknown[]) => {
          seen.push(typeof text === 'string' ? text : JSON.stringify(text));
          return (target.query as (...a: unknown[]) => unknown).call(target, text, ...rest);
        };
      return Reflect.get(target, prop, receiver);
    },
  });
  const app = await buildApp({
    cfg: testConfig(),
    authPool: db.pool,
    ownerPool: recording,
    ownerUrl: db.url,
    graphql: false,
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/_status' });
  t.equal(res.statusCode, 200);
  t.ok(seen.length > 0);
  for (const q of seen) t.notMatch(q, /count\s*\(|graphile_worker|notifications/i, q);
});
