// A Fastify app wired to a test database (app.inject or a listening server).
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestDb, testConfig, type Teardown, type TestDb } from './db.ts';

export async function createTestApp(
  t: Teardown,
  opts: { graphql?: boolean; db?: TestDb; config?: Record<string, string> } = {},
): Promise<{ app: FastifyInstance; db: TestDb }> {
  const db = opts.db ?? (await createTestDb(t, 'app'));
  const cfg = testConfig(opts.config);
  const authPool = new pg.Pool({ connectionString: db.authUrl, max: 5 });
  authPool.on('error', () => undefined);
  // The v2 API as the server runs it: logged in as notify_api.
  const apiPool = new pg.Pool({ connectionString: db.apiUrl, max: 5 });
  apiPool.on('error', () => undefined);
  const app = await buildApp({
    cfg,
    authPool,
    ownerPool: db.pool,
    ownerUrl: db.url,
    apiPool,
    apiUrl: db.apiUrl,
    graphql: opts.graphql ?? false,
  });
  t.teardown(async () => {
    await app.close();
    await authPool.end();
    await apiPool.end();
  });
  return { app, db };
}
