// `npm run schema`: regenerate schema.sql (pg_dump --schema-only of a freshly migrated
// database) and schema.graphql (the PostGraphile schema). `--check` fails when the
// checked-in files are stale (CI).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { makeSchema } from 'postgraphile';
import { projectRoot } from '../src/config.ts';
import { migrateDatabase, withClient, withDatabase } from '../src/db/bootstrap.ts';
import { makePreset } from '../src/graphql/preset.ts';
import { startCluster } from '../test/helpers/cluster.ts';

const check = process.argv.includes('--check');
const cluster = await startCluster();
const name = 'notify_schema_dump';
await withClient(cluster.rootUrl, async (c) => {
  await c.query(`drop database if exists ${name} with (force)`);
  await c.query(`create database ${name}`);
});
const url = withDatabase(cluster.rootUrl, name);
let failed = false;
try {
  await migrateDatabase(url, cluster.rootUrl, undefined, { current: true });

  // pg_dump 15 (Debian's postgresql-client-15, on this project's machines) matches the
  // embedded server's major version.
  const pgDump = (args: string[]) => {
    try {
      return execFileSync('pg_dump', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error('pg_dump not found: install the PostgreSQL 15 client (apt-get install postgresql-client-15)');
      }
      throw e;
    }
  };
  const dump = pgDump(
    ['--schema-only', '--no-owner', '--schema=app_public', '--schema=app_hidden', '--schema=app_private', '--dbname', url],
  );
  // Drop the lines that vary between runs and machines.
  const sql = dump
    .split('\n')
    .filter((l) => !/^-- Dumped (from|by)/.test(l) && !/^\\(un)?restrict /.test(l))
    .join('\n');

  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const { schema } = await makeSchema(makePreset({ pool, ownerUrl: url, graphiql: false }));
  await pool.end();
  const graphql = `${printSchema(lexicographicSortSchema(schema))}\n`;

  for (const [file, content] of [
    ['schema.sql', sql],
    ['schema.graphql', graphql],
  ] as const) {
    const target = path.join(projectRoot, file);
    if (check) {
      const existing = await fs.readFile(target, 'utf8').catch(() => '');
      if (existing !== content) {
        failed = true;
        process.stderr.write(`${file} is stale: run \`npm run schema\` and commit the result.\n`);
      }
    } else {
      await fs.writeFile(target, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
} finally {
  await withClient(cluster.rootUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
  if (!process.env.NOTIFY_TEST_KEEP_PG) await cluster.server?.stop();
}
if (check && !failed) process.stdout.write('schema.sql and schema.graphql are up to date\n');
process.exit(failed ? 1 : 0);
