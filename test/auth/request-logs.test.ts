// Request logs carry the path only: a document download's ?key= (or any ?token=) must not reach the logs.
import t from 'tap';
import pg from 'pg';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.ts';
import { pathOnly } from '../../src/lib/log-serializers.ts';
import { createTestDb, testConfig } from '../helpers/db.ts';

t.test('pathOnly', async (t) => {
  t.equal(pathOnly('/d/a/b?key=secret'), '/d/a/b');
  t.equal(pathOnly('/x#frag?y'), '/x');
  t.equal(pathOnly('/v2/notifications'), '/v2/notifications');
  t.equal(pathOnly('?token=x'), '');
});

t.test('request logs leave out query strings', async (t) => {
  const db = await createTestDb(t, 'logs');
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const authPool = new pg.Pool({ connectionString: db.authUrl, max: 1 });
  authPool.on('error', () => undefined);
  const app = await buildApp({
    cfg: testConfig(),
    authPool,
    ownerPool: db.pool,
    ownerUrl: db.url,
    graphql: false,
    logger: { level: 'info', stream },
  });
  t.teardown(async () => {
    await app.close();
    await authPool.end();
  });

  const doc = await app.inject({ method: 'GET', url: '/d/not-a-service/not-a-document?key=SECRETKEY123' });
  t.equal(doc.statusCode, 404);
  const other = await app.inject({ method: 'GET', url: '/nowhere/at/all?token=SECRETTOKEN456&x=1' });
  t.equal(other.statusCode, 404);

  const all = lines.join('\n');
  t.ok(lines.length >= 4, 'requests were logged');
  t.notMatch(all, /SECRETKEY123|SECRETTOKEN456|\?key=|\?token=/, 'no query string in the logs');
  const urls = lines
    .map((l) => JSON.parse(l) as { req?: { url?: string } })
    .flatMap((l) => (l.req?.url ? [l.req.url] : []));
  t.same(urls, ['/d/not-a-service/not-a-document', '/nowhere/at/all'], 'the paths are logged');
});
