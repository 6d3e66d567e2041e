// What the benchmarks share: quick mode, the figures they report and the checks that make a
// broken benchmark exit non-zero, and the results file (bench/results.json) that
// docs/performance.md's table is rendered from, so that the table is never typed by hand.
import fs from 'node:fs';
import os from 'node:os';

/** A measured quantity: `value` in `unit` (req/s, rows/s, ms, …). */
export interface Measure {
  name: string;
  value: number;
  unit: string;
}

/**
 * What a figure should reach, as its ratio to the baseline of the same run: absolute targets
 * move with the host's speed, the ratio much less.
 */
export interface Target {
  ratio: number;
  better: 'higher' | 'lower';
}

export interface Figure extends Measure {
  /** The benchmark that measured it (bench/<bench>.ts). */
  bench: string;
  baseline: Measure;
  /** value / baseline.value */
  ratio: number;
  /** Measured in quick mode: small data and short runs, a proof that the benchmark works. */
  quick: boolean;
  target?: Target;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
}

export interface Results {
  date: string;
  machine: Machine;
  benches: string[];
  figures: Figure[];
}

/**
 * Quick mode (`--quick`, or BENCH_QUICK=1 as bench/run.ts passes it): the same code paths end to
 * end, baselines included, on small data for a few seconds, so that CI notices a benchmark
 * that no longer runs. Its timings mean nothing and are never asserted.
 */
export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** The command line's arguments other than flags (`--quick`). */
export const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/** A number from the environment, or `fallback` (in quick mode `quickFallback`). */
export function envNumber(name: string, fallback: number, quickFallback = fallback): number {
  const raw = process.env[name];
  return raw ? Number(raw) : quick ? quickFallback : fallback;
}

/**
 * Reports a figure: appended as a JSON line to the file named by BENCH_FIGURES (set by
 * bench/run.ts, which gathers them into the results file); without it, nothing is kept.
 */
export function recordFigure(bench: string, figure: Measure, baseline: Measure, target?: Target): void {
  const file = process.env.BENCH_FIGURES;
  if (!file) return;
  // Two decimals (four for the ratio) are more than any run repeats.
  const round = (m: Measure, places = 2): Measure => ({ ...m, value: Number(m.value.toFixed(places)) });
  const ratio = Number((figure.value / baseline.value).toFixed(4));
  const f: Figure = { bench, ...round(figure), baseline: round(baseline), ratio, quick, ...(target ? { target } : {}) };
  fs.appendFileSync(file, `${JSON.stringify(f)}\n`);
}

/**
 * A correctness check (never a timing): a failure is printed and makes the process exit
 * non-zero, after the benchmark has cleaned up.
 */
export function check(ok: boolean, what: string): boolean {
  if (!ok) {
    process.stderr.write(`✗ check failed: ${what}\n`);
    process.exitCode = 1;
  }
  return ok;
}

/** Polls `done` every 20 ms; rejects after `limitMs`, so that a stuck pipeline fails instead of hanging. */
export async function waitUntil(what: string, done: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`${what}: not done after ${(limitMs / 1000).toFixed(0)} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function machine(postgres: string): Machine {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
  };
}

const BEGIN = '<!-- results table: rendered from bench/results.json by `npm run bench:table`; do not edit -->';
const END = '<!-- end of results table -->';

function formatValue(m: Measure): string {
  if (m.unit === 'ms') return m.value < 1000 ? `${m.value.toFixed(1)} ms` : `${(m.value / 1000).toFixed(2)} s`;
  return `${Math.round(m.value).toLocaleString('en-GB')} ${m.unit}`;
}

function formatTarget(f: Figure): string {
  if (!f.target) return '';
  const { ratio, better } = f.target;
  const wanted = `${better === 'higher' ? '≥' : '≤'} ${ratio}`;
  if (f.quick) return wanted;
  const met = better === 'higher' ? f.ratio >= ratio : f.ratio <= ratio;
  return `${wanted} (${met ? 'met' : 'not met'})`;
}

/** The Markdown between the markers: when and where the results were measured, then one row per figure. */
export function renderTable(r: Results): string {
  const m = r.machine;
  const quickRun = r.figures.some((f) => f.quick);
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC (${r.benches.join(', ')})`,
    `on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}.`,
    ...(quickRun
      ? [
          '',
          '**Quick mode**: small data and runs of a few seconds, which prove that every benchmark works end',
          'to end. These are not performance figures; a full run (`npm run bench -- --json`) replaces them.',
        ]
      : []),
    '',
    '| benchmark | figure | value | baseline (same run) | ratio | target ratio |',
    '|---|---|---|---|---|---|',
    ...r.figures.map(
      (f) =>
        `| ${f.bench}${f.quick ? ' (quick)' : ''} | ${f.name} | ${formatValue(f)} ` +
        `| ${f.baseline.name}: ${formatValue(f.baseline)} | ${f.ratio.toFixed(3)} | ${formatTarget(f)} |`,
    ),
  ];
  return lines.join('\n');
}

/** Replaces what lies between the markers in `doc` (Markdown) with the table of `results`. */
export function renderInto(doc: string, results: Results): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the markers are missing:\n${BEGIN}\n${END}`);
  return `${doc.slice(0, start + BEGIN.length)}\n${renderTable(results)}\n${doc.slice(end)}`;
}
