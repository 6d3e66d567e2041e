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

/**
 * Make sure the template for the current migrations exists; returns its name.
 * The name carries a hash of migrations/ and sql/, so concurrent test runs on
 * different work never rebuild a template another run is cloning.
 */
export async function ensureTemplate(rootUrl: string, opts: { cleanup?: boolean } = {}): Promise<string> {
  const hash = await sourceHash();
  const name = `${TEMPLATE_DB}_${hash.slice(0, 12)}`;
  const exists = await withClient(rootUrl, async (c) =>
    Boolean((await c.query('select 1 from pg_database where datname = $1', [name])).rowCount),
  );
  if (exists) {
    if (opts.cleanup) await dropStaleTemplates(rootUrl, name);
    return name;
  }
  const building = `${TEMPLATE_DB}_build_${process.pid}`;
  await withClient(rootUrl, async (c) => {
    await c.query(`drop database if exists ${building} with (force)`);
    await c.query(`create database ${building}`);
  });
  const url = withDatabase(rootUrl, building);
  await migrateDatabase(url, rootUrl, undefined, { current: true });
  await withClient(rootUrl, async (c) => {
    try {
      await c.query(`alter database ${building} rename to ${name}`);
      await c.query(`alter database ${name} with is_template true`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // built concurrently by another run
      await c.query(`drop database if exists ${building} with (force)`);
    }
  });
  if (opts.cleanup) await dropStaleTemplates(rootUrl, name);
  return name;
}

/** Best effort: drop templates of other sources (full runs only; a single-file run may be cloning one). */
async function dropStaleTemplates(rootUrl: string, keep: string): Promise<void> {
  await withClient(rootUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and datname <> $2 and datname not like $3`,
      [`${TEMPLATE_DB}_%`, keep, `${TEMPLATE_DB}_build_%`],
    );
    for (const { datname } of rows) {
      await c.query(`alter database ${datname} with is_template false`).catch(() => undefined);
      await c.query(`drop database if exists ${datname}`).catch(() => undefined);
    }
  });
}
