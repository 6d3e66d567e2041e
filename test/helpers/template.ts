// The migrated template database every test file clones (create database … template …).
// Built once per `npm test` run by test/run.ts, rebuilt only when migrations or default
// data change (a hash of them is stored as the database's comment).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../src/config.ts';
import { migrateDatabase, withClient, withDatabase } from '../../src/db/bootstrap.ts';

export const TEMPLATE_DB = 'notify_test_template';

async function sourceHash(): Promise<string> {
  const hash = crypto.createHash('sha256');
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else files.push(p);
    }
  };
  await walk(path.join(projectRoot, 'migrations'));
  await walk(path.join(projectRoot, 'sql'));
  for (const f of files.sort()) {
    hash.update(f);
    hash.update(await fs.readFile(f));
  }
  return hash.digest('hex').slice(0, 32);
}

/** Make sure TEMPLATE_DB exists and is current; returns its name. */
export async function ensureTemplate(rootUrl: string): Promise<string> {
  const want = await sourceHash();
  const have = await withClient(rootUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [TEMPLATE_DB],
    );
    return rows[0]?.comment ?? null;
  });
  if (have === want) return TEMPLATE_DB;
  const building = `${TEMPLATE_DB}_build`;
  await withClient(rootUrl, async (c) => {
    await c.query(`drop database if exists ${building} with (force)`);
    await c.query(`create database ${building}`);
  });
  const url = withDatabase(rootUrl, building);
  await migrateDatabase(url, rootUrl, undefined, { current: true });
  await withClient(rootUrl, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [TEMPLATE_DB]);
    if (rowCount) await c.query(`alter database ${TEMPLATE_DB} with is_template false`);
    await c.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await c.query(`alter database ${building} rename to ${TEMPLATE_DB}`);
    await c.query(`comment on database ${TEMPLATE_DB} is '${want}'`);
    await c.query(`alter database ${TEMPLATE_DB} with is_template true`);
  });
  return TEMPLATE_DB;
}
