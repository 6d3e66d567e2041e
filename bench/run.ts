// `npm run bench [-- NAME...] [--quick] [--json [PATH]]`: runs bench/NAME.ts (default: every
// benchmark) one after another. Each prints its throughput and a ratio against a baseline
// measured in the same run, and exits non-zero when one of its checks fails.
//   --quick        small data, a few seconds each: proves that every benchmark still runs (CI)
//   --json [PATH]  writes the run's figures, date and machine to PATH (default bench/results.json)
//   --table [PATH] runs nothing: renders docs/performance.md's table from PATH (bench/results.json)
// The test server (test/helpers/cluster.ts, NOTIFY_TEST_PG_PORT) is started once here and the
// benchmarks use it; it is stopped at the end if this run started it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config.ts';
import { withClient } from '../src/db/bootstrap.ts';
import { startCluster } from '../test/helpers/cluster.ts';
import { machine, quick, renderInto, type Figure, type Results } from './_results.ts';

const skip = new Set(['run.ts', 'seed.ts']);
const all = fs
  .readdirSync(path.join(projectRoot, 'bench'))
  .filter((f) => f.endsWith('.ts') && !skip.has(f) && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const defaultResults = path.join(projectRoot, 'bench', 'results.json');
const doc = path.join(projectRoot, 'docs', 'performance.md');

const args = process.argv.slice(2);
/** The path after a flag, when the next argument is neither a flag nor a benchmark's name. */
const pathAfter = (flag: string): string | null => {
  const i = args.indexOf(flag);
  if (i < 0) return null;
  const next = args[i + 1];
  if (next && !next.startsWith('--') && !all.includes(next)) {
    args.splice(i + 1, 1);
    return path.resolve(next);
  }
  return defaultResults;
};
const tableFrom = pathAfter('--table');
const jsonTo = pathAfter('--json');

if (tableFrom) {
  const results = JSON.parse(fs.readFileSync(tableFrom, 'utf8')) as Results;
  fs.writeFileSync(doc, renderInto(fs.readFileSync(doc, 'utf8'), results));
  const rel = (p: string) => path.relative(projectRoot, p);
  process.stdout.write(`${rel(doc)}: table rendered from ${rel(tableFrom)}\n`);
  process.exit(0);
}

const unknownFlags = args.filter((a) => a.startsWith('--') && !['--quick', '--json'].includes(a));
const wanted = args.filter((a) => !a.startsWith('--'));
const missing = wanted.filter((name) => !all.includes(name));
if (unknownFlags.length || missing.length) {
  process.stderr.write(
    unknownFlags.map((f) => `unknown option ${f}\n`).join('') +
      missing.map((n) => `no benchmark bench/${n}.ts\n`).join('') +
      `usage: npm run bench -- [${all.join('|')}...] [--quick] [--json [path]] | --table [path]\n`,
  );
  process.exit(2);
}
const names = wanted.length ? wanted : all;

const cluster = await startCluster();
const postgres = await withClient(
  cluster.rootUrl,
  async (c) => (await c.query('show server_version')).rows[0].server_version as string,
);
const figuresFile = path.join(os.tmpdir(), `notify-bench-${process.pid}.jsonl`);
fs.rmSync(figuresFile, { force: true });
const failed: string[] = [];
const started = Date.now();
try {
  for (const name of names) {
    process.stdout.write(`\n=== bench/${name}.ts${quick ? ' (quick)' : ''} ===\n`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(projectRoot, 'bench', `${name}.ts`)], {
      stdio: 'inherit',
      cwd: projectRoot,
      env: { ...process.env, BENCH_FIGURES: figuresFile, ...(quick ? { BENCH_QUICK: '1' } : {}) },
      // A quick run that hangs is a failure, not a stuck CI job.
      ...(quick ? { timeout: 180_000, killSignal: 'SIGKILL' as const } : {}),
    });
    if (r.status !== 0) {
      failed.push(name);
      process.stderr.write(`✗ bench/${name}.ts failed (${r.signal ? `killed by ${r.signal}` : `exit ${r.status}`})\n`);
    } else process.stdout.write(`(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
} finally {
  // NOTIFY_TEST_KEEP_PG=1 leaves a test server this run started running (others may share it).
  if (!process.env.NOTIFY_TEST_KEEP_PG) await cluster.server?.stop();
}

const figures: Figure[] = fs.existsSync(figuresFile)
  ? fs
      .readFileSync(figuresFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Figure)
  : [];
fs.rmSync(figuresFile, { force: true });
const took = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`\n${names.length - failed.length} of ${names.length} benchmarks passed in ${took} s\n`);
if (failed.length) {
  // A results file of a partial run would make the table lie: none is written.
  const unwritten = jsonTo ? ` (${path.relative(projectRoot, jsonTo)} not written)` : '';
  process.stderr.write(`failed: ${failed.join(', ')}${unwritten}\n`);
  process.exit(1);
}
if (jsonTo) {
  const results: Results = { date: new Date().toISOString(), machine: machine(postgres), benches: names, figures };
  fs.writeFileSync(jsonTo, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${figures.length} figures written to ${path.relative(projectRoot, jsonTo)}\n`);
}
