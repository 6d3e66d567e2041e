// A Postgres server of the test's own (not the shared test cluster), which the test may SIGKILL and restart:
// embedded, in a temporary directory, with a migrated database cloned from its own template.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { API_ROLE, AUTHENTICATOR_ROLE, withClient, withDatabase } from '../../src/db/bootstrap.ts';
import { runningPostmaster, startEmbedded, stopEmbedded } from '../../src/db/embedded.ts';
import { AUTHENTICATOR_PASSWORD } from './cluster.ts';
import type { Teardown, TestDb } from './db.ts';
import { freePort } from './spawn.ts';
import { ensureTemplate } from './template.ts';

export interface KillablePostgres {
  db: TestDb;
  /** SIGKILL the postmaster, then wait until its backends have gone too. */
  kill(): Promise<void>;
  /** Start the server again on the same data directory and port (crash recovery runs). */
  restart(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of the postmaster's children (backends, checkpointer …), which outlive it by a moment. */
async function children(pid: number): Promise<number[]> {
  const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

export async function startKillablePostgres(t: Teardown, label: string): Promise<KillablePostgres> {
  const dir = path.join(os.tmpdir(), `notify-killable-${label}-${process.pid}`);
  await fs.rm(dir, { recursive: true, force: true });
  const port = await freePort();
  let server = await startEmbedded(dir, port);
  const rootUrl = server.url('postgres');
  const template = await ensureTemplate(rootUrl);
  await withClient(rootUrl, async (c) => {
    for (const role of [AUTHENTICATOR_ROLE, API_ROLE]) {
      await c.query(`alter role ${role} with login password '${AUTHENTICATOR_PASSWORD}'`);
    }
    await c.query(`create database notify template ${template}`);
  });
  const url = withDatabase(rootUrl, 'notify');
  const auth = new URL(url);
  auth.username = AUTHENTICATOR_ROLE;
  auth.password = AUTHENTICATOR_PASSWORD;
  const api = new URL(url);
  api.username = API_ROLE;
  api.password = AUTHENTICATOR_PASSWORD;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  t.teardown(async () => {
    await pool.end().catch(() => undefined);
    await stopEmbedded(dir);
    await fs.rm(dir, { recursive: true, force: true });
  });
  const db: TestDb = {
    name: 'notify',
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
  return {
    db,
    async kill() {
      const pid = await runningPostmaster(dir);
      if (!pid) throw new Error('postmaster not running');
      const kids = await children(pid);
      process.kill(pid, 'SIGKILL');
      const started = Date.now();
      while ([pid, ...kids].some(alive)) {
        if (Date.now() - started > 20_000) throw new Error('Postgres backends outlived their postmaster');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async restart() {
      server = await startEmbedded(dir, port);
    },
  };
}
