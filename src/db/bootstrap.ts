// Bring a database to a usable state: embedded server (unless DATABASE_URL), the
// database itself, the job queue schema, every committed migration, and default data.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { migrate, watch, Logger as MigrateLogger } from 'graphile-migrate';
import { clearAllPools } from 'graphile-migrate/dist/pgReal.js';
import { runMigrations as runWorkerMigrations, Logger as WorkerLogger } from 'graphile-worker';
import { projectRoot, type Config } from '../config.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';

export const AUTHENTICATOR_ROLE = 'notify_authenticator';
/** The v2 REST API's login role (select on what it reads, execute on what it calls). */
export const API_ROLE = 'notify_api';

export interface Database {
  /** Connection string of the owner (runs migrations, worker, CLI). */
  ownerUrl: string;
  /** Connection string the HTTP server uses (role notify_authenticator when `serveRequests`). */
  authUrl: string;
  /** Connection string of the v2 API (role notify_api when `serveRequests`), or null: use the owner's. */
  apiUrl: string | null;
  embedded: EmbeddedServer | null;
  /** Stop the embedded server if this process started it. */
  stop(): Promise<void>;
}

type Log = (message: string) => void;

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Create database `name` on the server of `rootUrl` if it does not exist yet. */
export async function ensureDatabaseExists(rootUrl: string, name: string, template?: string): Promise<void> {
  await withClient(rootUrl, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    const ident = c.escapeIdentifier(name);
    try {
      await c.query(`create database ${ident}${template ? ` template ${c.escapeIdentifier(template)}` : ''}`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // created concurrently
    }
  });
}

/** graphile-worker's schema (the migrations use its types and add_jobs): first, on every database. */
export async function installJobQueueSchema(ownerUrl: string): Promise<void> {
  await runWorkerMigrations({ connectionString: ownerUrl, logger: quietWorkerLogger() });
}

/**
 * Apply the job-queue schema, all committed migrations, and the default data.
 * `current`: also apply migrations/current.sql (work in progress; tests use it so
 * that work is tested before `graphile-migrate commit` freezes it; `npm start` never does).
 */
export async function migrateDatabase(
  ownerUrl: string,
  rootUrl: string,
  log: Log = () => undefined,
  opts: { current?: boolean } = {},
): Promise<void> {
  await installJobQueueSchema(ownerUrl);
  const settings = {
    connectionString: ownerUrl,
    rootConnectionString: rootUrl,
    migrationsFolder: path.join(projectRoot, 'migrations'),
    logger: quietMigrateLogger(log),
  };
  try {
    await migrate(settings, false);
    if (opts.current) await watch(settings, true, false);
  } finally {
    // graphile-migrate keeps its pools alive briefly and exits the process if one of
    // their idle connections errors (e.g. the server restarts): close them now.
    clearAllPools();
  }
  await loadDefaultData(ownerUrl);
}

/** Run sql/default-data.sql in one transaction: idempotent upserts, safe on every start. */
export async function loadDefaultData(ownerUrl: string): Promise<void> {
  const sql = await fs.readFile(path.join(projectRoot, 'sql', 'default-data.sql'), 'utf8');
  await withClient(ownerUrl, async (c) => {
    await c.query('begin');
    try {
      await c.query(sql);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    }
  });
}

async function setLoginPassword(ownerUrl: string, role: string, password: string): Promise<boolean> {
  return withClient(ownerUrl, async (c) => {
    try {
      await c.query(`alter role ${c.escapeIdentifier(role)} with login password ${c.escapeLiteral(password)}`);
      return true;
    } catch {
      return false;
    }
  });
}

const withLogin = (url: string, role: string, password: string) => {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
};

/** Everything `npm start`, the CLI and the worker need before they can run. */
export async function prepareDatabase(
  cfg: Config,
  log: Log = () => undefined,
  opts: { serveRequests?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let ownerUrl: string;
  let rootUrl: string;
  if (cfg.DATABASE_URL) {
    ownerUrl = cfg.DATABASE_URL;
    // graphile-migrate wants a different database as its root (only used by reset).
    rootUrl = withDatabase(cfg.DATABASE_URL, 'template1');
  } else {
    embedded = await startEmbedded(cfg.embeddedDir!, cfg.EMBEDDED_PG_PORT, log, {
      replaceLegacyPassword: cfg.exposed,
    });
    rootUrl = embedded.url('postgres');
    ownerUrl = embedded.url(cfg.DATABASE_NAME);
    await ensureDatabaseExists(rootUrl, cfg.DATABASE_NAME);
  }
  try {
    await migrateDatabase(ownerUrl, rootUrl, log);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  // Only the HTTP server logs in as the authenticator; the password is set by it
  // (roles are cluster-wide, so the CLI and worker leave it alone).
  // notify_api (the v2 API) gets the same password: one secret for the server's two request roles.
  let authUrl = cfg.AUTH_DATABASE_URL ?? ownerUrl;
  let apiUrl = cfg.API_DATABASE_URL ?? null;
  if (opts.serveRequests && !cfg.AUTH_DATABASE_URL) {
    if (await setLoginPassword(ownerUrl, AUTHENTICATOR_ROLE, cfg.AUTHENTICATOR_PASSWORD))
      authUrl = withLogin(ownerUrl, AUTHENTICATOR_ROLE, cfg.AUTHENTICATOR_PASSWORD);
    if (!apiUrl && (await setLoginPassword(ownerUrl, API_ROLE, cfg.AUTHENTICATOR_PASSWORD)))
      apiUrl = withLogin(ownerUrl, API_ROLE, cfg.AUTHENTICATOR_PASSWORD);
  }
  return {
    ownerUrl,
    authUrl,
    apiUrl,
    embedded,
    stop: async () => {
      await embedded?.stop();
    },
  };
}

function quietWorkerLogger() {
  // graphile-worker's Logger; only warnings and errors reach stderr.
  return new WorkerLogger((scope) => (level, message) => {
    if (level === 'error' || level === 'warning')
      process.stderr.write(`[worker:${scope.label ?? 'core'}] ${message}\n`);
  });
}

function quietMigrateLogger(log: Log) {
  return new MigrateLogger(() => (level, message) => {
    if (level === 'error' || level === 'warning') process.stderr.write(`[migrate] ${message}\n`);
    else if (/^graphile-migrate: Running migration/.test(message)) log(message);
  });
}
