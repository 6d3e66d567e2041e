import t from 'tap';
import { createTestApp } from './helpers/app.ts';

t.test('GET /_status reports the database and worker', async (t) => {
  const { app } = await createTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/_status' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'ok', database: 'ok', worker: 'external' });
});
