// Per-test-file database: a clone of the migrated template, dropped at the end.
import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { API_ROLE, AUTHENTICATOR_ROLE, withClient, withDatabase } from '../../src/db/bootstrap.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { AUTHENTICATOR_PASSWORD, startCluster, type Cluster } from './cluster.ts';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestDb {
  name: string;
  url: string;
  rootUrl: string;
  authUrl: string;
  /** As notify_api, the v2 API's role. */
  apiUrl: string;
  pool: pg.Pool;
  query<R extends pg.QueryResultRow = Record<string, any>>(sql: string, params?: unknown[]): Promise<R[]>;
  one<R extends pg.QueryResultRow = Record<string, any>>(sql: string, params?: unknown[]): Promise<R>;
}

let cluster: Promise<Cluster> | undefined;

/** The cluster prepared by test/run.ts (or started here when a file runs on its own). */
export function testCluster(): Promise<Cluster> {
  if (!cluster) {
    const rootUrl = process.env.NOTIFY_TEST_ROOT_URL;
    const template = process.env.NOTIFY_TEST_TEMPLATE;
    cluster = rootUrl && template ? Promise.resolve({ rootUrl, template, server: null }) : startCluster();
  }
  return cluster;
}

export async function createTestDb(t: Teardown, label = 'db'): Promise<TestDb> {
  const { rootUrl, template } = await testCluster();
  const caller = path
    .basename(process.argv[1] ?? 'test')
    .replace(/\W+/g, '_')
    .slice(0, 30);
  const name =
    `t_${caller}_${label.replace(/\W+/g, '_').slice(0, 16)}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase();
  await withClient(rootUrl, (c) => c.query(`create database ${name} template ${template}`));
  const url = withDatabase(rootUrl, name);
  const auth = new URL(url);
  auth.username = AUTHENTICATOR_ROLE;
  auth.password = AUTHENTICATOR_PASSWORD;
  const api = new URL(url);
  api.username = API_ROLE;
  api.password = AUTHENTICATOR_PASSWORD;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  t.teardown(async () => {
    await pool.end();
    await withClient(rootUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
  });
  return {
    name,
    url,
    rootUrl,
    authUrl: auth.toString(),
    apiUrl: api.toString(),
    pool,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async one(sql, params) {
      return (await pool.query(sql, params)).rows[0];
    },
  };
}

/** A configuration for tests: defaults plus overrides, never the developer's .env. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_JWT_SECRET: 'test-admin-jwt-secret-0123456789',
    ...overrides,
  });
}
