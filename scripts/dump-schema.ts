// `npm run schema`: regenerate schema.sql (pg_dump --schema-only of a freshly migrated
// database) and schema.graphql (the PostGraphile schema). `--check` fails when the
// checked-in files are stale (CI), and checks migrations/fixtures/ against the migrations:
// every function and view has exactly one fixture file of its name, and applying all of
// them (migrations/fixtures/all.sql) to the migrated database changes nothing in its dump.
//
// The scratch server is the test server (src/db/scratch-server.ts: .pgdata-test,
// NOTIFY_TEST_PG_PORT, or TEST_DATABASE_URL), so CI starts one server for both.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { makeSchema } from 'postgraphile';
import type { ParsedSettings } from 'graphile-migrate/dist/settings.js';
import { compileIncludes } from 'graphile-migrate/dist/migration.js';
import { projectRoot } from '../src/config.ts';
import { migrateDatabase, withClient, withDatabase } from '../src/db/bootstrap.ts';
import { startScratchServer } from '../src/db/scratch-server.ts';
import { makePreset } from '../src/graphql/preset.ts';

const check = process.argv.includes('--check');
const migrationsFolder = path.join(projectRoot, 'migrations');
const fixturesFolder = path.join(migrationsFolder, 'fixtures');
const projectSchemas = ['app_public', 'app_hidden', 'app_private'];

const { rootUrl, server } = await startScratchServer();
const name = 'notify_schema_dump';
const fixturesName = 'notify_schema_fixtures';
const dropScratch = () =>
  withClient(rootUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`drop database if exists ${fixturesName} with (force)`);
  });
await dropScratch();
await withClient(rootUrl, (c) => c.query(`create database ${name}`));
const url = withDatabase(rootUrl, name);
let failed = false;
const fail = (message: string) => {
  failed = true;
  process.stderr.write(`${message}\n`);
};
try {
  await migrateDatabase(url, rootUrl, undefined, { current: true });
  const sql = dumpSchema(url);

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
      if (existing !== content) fail(`${file} is stale: run \`npm run schema\` and commit the result.`);
    } else {
      await fs.writeFile(target, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  }

  if (check) {
    const fixtures = await readFixtures();
    for (const problem of await fixtureCoverage(url, fixtures)) fail(problem);
    for (const problem of await fixturesChangeNothing(fixtures, sql)) fail(problem);
  }
} finally {
  await dropScratch();
  if (!process.env.NOTIFY_TEST_KEEP_PG) await server?.stop();
}
if (check && !failed) {
  process.stdout.write('schema.sql and schema.graphql are up to date, and migrations/fixtures/ agrees with them\n');
}
process.exit(failed ? 1 : 0);

/** pg_dump --schema-only of the project's schemas, without the lines that vary between runs and machines. */
function dumpSchema(dbUrl: string): string {
  // pg_dump 15 (Debian's postgresql-client-15, on this project's machines) matches the
  // embedded server's major version.
  let dump: string;
  try {
    dump = execFileSync(
      'pg_dump',
      ['--schema-only', '--no-owner', ...projectSchemas.map((s) => `--schema=${s}`), '--dbname', dbUrl],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('pg_dump not found: install the PostgreSQL 15 client (apt-get install postgresql-client-15)');
    }
    throw e;
  }
  return dump
    .split('\n')
    .filter((l) => !/^-- Dumped (from|by)/.test(l) && !/^\\(un)?restrict /.test(l))
    .join('\n');
}

interface Fixture {
  /** Path under migrations/fixtures/, e.g. `delivery/claim_notifications.sql`. */
  file: string;
  /** The object the file is named after (its base name). */
  object: string;
  /** schema.name of each function, procedure or view the file creates. */
  defines: string[];
}

async function readFixtures(): Promise<Fixture[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith('.sql') && p !== path.join(fixturesFolder, 'all.sql')) files.push(p);
    }
  };
  await walk(fixturesFolder);
  return Promise.all(
    files.sort().map(async (p) => {
      const text = await fs.readFile(p, 'utf8');
      const creates = /^create\s+or\s+replace\s+(?:function|procedure|view)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)/gim;
      const defines = [...text.matchAll(creates)].map((m) => m[1].toLowerCase());
      return { file: path.relative(fixturesFolder, p), object: path.basename(p, '.sql'), defines };
    }),
  );
}

/**
 * Every function and view of the project (any schema but the job queue's, graphile-migrate's
 * and the system's; extension members excluded) has one fixture file named after it, each
 * fixture creates only objects of its own name, and each of those objects exists.
 */
async function fixtureCoverage(dbUrl: string, fixtures: Fixture[]): Promise<string[]> {
  const problems: string[] = [];
  const objects = await withClient(dbUrl, async (c) => {
    const { rows } = await c.query<{ object: string; kind: string }>(
      `select n.nspname || '.' || p.proname as object, 'function' as kind
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where ${projectObject('p.oid', 'pg_proc')}
       union
       select n.nspname || '.' || c.relname, 'view'
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm') and ${projectObject('c.oid', 'pg_class')}
       order by 1`,
    );
    return rows;
  });
  const existing = new Set(objects.map((o) => o.object));
  const byName = new Map<string, Fixture[]>();
  for (const f of fixtures) byName.set(f.object, [...(byName.get(f.object) ?? []), f]);
  for (const [object, files] of byName) {
    if (files.length > 1) problems.push(`${object} has several fixture files: ${files.map((f) => f.file).join(', ')}`);
  }
  for (const { object, kind } of objects) {
    if (!byName.has(object.split('.')[1])) {
      const file = `migrations/fixtures/<domain>/${object.split('.')[1]}.sql`;
      problems.push(`${kind} ${object} has no fixture file: add ${file} (and include it in all.sql)`);
    }
  }
  for (const f of fixtures) {
    if (!f.defines.length) {
      problems.push(`migrations/fixtures/${f.file} creates no function or view ("create or replace …")`);
    }
    for (const d of f.defines) {
      if (d.split('.')[1] !== f.object) {
        problems.push(`migrations/fixtures/${f.file} creates ${d}: each object has its own file, named after it`);
      } else if (!existing.has(d)) {
        problems.push(`migrations/fixtures/${f.file} defines ${d}, which the migrations do not create`);
      }
    }
  }
  return problems;
}

/** SQL condition: the object is the project's (not the system's, an extension's, the queue's or the migrator's). */
function projectObject(oid: string, catalog: string): string {
  return `n.nspname not in ('graphile_worker', 'graphile_migrate', 'information_schema')
          and n.nspname !~ '^pg_'
          and not exists (select from pg_depend d
                           where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
}

/**
 * Apply migrations/fixtures/all.sql (includes compiled by graphile-migrate itself) in one
 * transaction to a copy of the migrated database, and compare its dump with the original's:
 * identical dumps prove that the fixtures hold the definitions the migrations left (bodies,
 * settings, comments, privileges). The copy is dropped afterwards; pg_dump cannot see a
 * transaction that is still open, so a copy stands in for the rollback.
 */
async function fixturesChangeNothing(fixtures: Fixture[], before: string): Promise<string[]> {
  const problems: string[] = [];
  const allSql = await fs.readFile(path.join(fixturesFolder, 'all.sql'), 'utf8');
  const included = new Set([...allSql.matchAll(/^--![ \t]*include[ \t]+(.*\.sql)[ \t]*$/gm)].map((m) => m[1]));
  for (const f of fixtures) {
    if (!included.has(f.file)) {
      problems.push(`migrations/fixtures/${f.file} is not included by migrations/fixtures/all.sql`);
    }
  }
  let compiled: string;
  try {
    compiled = await compileIncludes({ migrationsFolder } as ParsedSettings, allSql, new Set());
  } catch (e) {
    return [...problems, `migrations/fixtures/all.sql: ${(e as Error).message}`];
  }
  // compileIncludes wraps each file in `--! Included <file>` … `--! EndIncluded <file>`; each
  // file runs as its own statement batch, so an error names the file it came from.
  const chunks = [...compiled.matchAll(/^--! Included (.*)\n([\s\S]*?)^--! EndIncluded \1$/gm)].map((m) => ({
    file: m[1],
    sql: m[2],
  }));
  await withClient(rootUrl!, (c) => c.query(`create database ${fixturesName} template ${name}`));
  const copyUrl = withDatabase(rootUrl!, fixturesName);
  const applied = await withClient(copyUrl, async (c) => {
    await c.query('begin');
    // `create or replace` keeps an object's comment and privileges: remove them first, so
    // that only the fixtures' own `comment on` and `grant` statements can bring them back.
    await c.query(`do $$
      declare r record;
      begin
        for r in
          select case p.prokind when 'p' then 'procedure' else 'function' end as kind, p.oid::regprocedure::text as obj,
                 (select string_agg(case a.grantee when 0 then 'public' else a.grantee::regrole::text end, ', ')
                    from aclexplode(p.proacl) a where a.grantee <> p.proowner) as grantees
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where ${projectObject('p.oid', 'pg_proc')}
          union all
          select 'view', c.oid::regclass::text,
                 (select string_agg(case a.grantee when 0 then 'public' else a.grantee::regrole::text end, ', ')
                    from aclexplode(c.relacl) a where a.grantee <> c.relowner)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind = 'v' and ${projectObject('c.oid', 'pg_class')}
        loop
          execute format('comment on %s %s is null', r.kind, r.obj);
          if r.grantees is not null then
            execute format('revoke all on %s %s from %s', case r.kind when 'view' then 'table' else r.kind end,
                           r.obj, r.grantees);
          end if;
        end loop;
      end $$`);
    for (const { file, sql } of chunks) {
      try {
        await c.query(sql);
      } catch (e) {
        await c.query('rollback');
        problems.push(`migrations/fixtures/${file} does not apply to the migrated database: ${(e as Error).message}`);
        return false;
      }
    }
    await c.query('commit');
    return true;
  });
  if (!applied) return problems;
  const after = dumpSchema(copyUrl);
  if (after !== before) {
    const changed = changedDumpObjects(before, after);
    const fileOf = new Map(fixtures.map((f) => [f.object, f.file]));
    for (const object of changed) {
      const file = fileOf.get(object.replace(/\(.*$/, '').split('.')[1]);
      problems.push(
        `${object} differs from its migrated definition after applying the fixtures` +
          (file ? `: migrations/fixtures/${file} does not match the migrations` : ''),
      );
    }
    if (!changed.length) problems.push('applying migrations/fixtures/all.sql changes the schema dump');
  }
  return problems;
}

/** Names (schema.name(args) or schema.name) of the pg_dump entries that differ between two dumps. */
function changedDumpObjects(before: string, after: string): string[] {
  const entries = (dump: string) => {
    const map = new Map<string, string>();
    // Each pg_dump entry starts with a header `-- Name: …; Type: …; Schema: …; Owner: …`.
    for (const part of dump.split(/^--\n(?=-- Name: )/m)) {
      const m = /^-- Name: (.*?); Type: (.*?); Schema: (.*?);/.exec(part);
      if (!m) continue;
      const key = `${m[2]}\t${m[3]}.${m[1].replace(/^(FUNCTION|PROCEDURE|VIEW|TABLE|COLUMN) /, '')}`;
      map.set(key, (map.get(key) ?? '') + part);
    }
    return map;
  };
  const a = entries(before);
  const b = entries(after);
  const changed = new Set<string>();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) changed.add(key.split('\t')[1]);
  }
  return [...changed].sort();
}
