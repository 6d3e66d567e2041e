// `npm test`: prepares the test Postgres (embedded, .pgdata-test) and the migrated
// template database once, runs every test file with tap (files in parallel, each on
// its own cloned database), and ends with the line `N passed, N failed`.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../src/config.ts';
import { startCluster } from './helpers/cluster.ts';

async function findTests(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'helpers') out.push(...(await findTests(p)));
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(projectRoot, p));
  }
  return out.sort();
}
const requested = process.argv.slice(2);
const files = requested.length ? requested : await findTests(path.join(projectRoot, 'test'));
const started = Date.now();
const cluster = await startCluster({ cleanup: requested.length === 0 });
process.stdout.write(`test database template ready (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);

const tapBin = path.join(projectRoot, 'node_modules', '.bin', 'tap');
const outFile = path.join(projectRoot, '.tap', 'last-run.tap');
await fs.mkdir(path.dirname(outFile), { recursive: true });

const child = spawn(tapBin, ['--reporter=tap', ...files], {
  cwd: projectRoot,
  env: {
    ...process.env,
    NOTIFY_TEST_ROOT_URL: cluster.rootUrl,
    NOTIFY_TEST_TEMPLATE: cluster.template,
    NODE_ENV: 'test',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});

let tap = '';
child.stdout.on('data', (chunk: Buffer) => {
  tap += chunk.toString('utf8');
});
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
await fs.writeFile(outFile, tap);

// Count the tests inside each file (indent 4), files themselves when they have none,
// and report failures with their diagnostics.
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = tap.split('\n');
const failures: string[] = [];
let currentFile = '';
let fileHadTests = false;
for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const sub = /^ {4}(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*| # time=.*)?$/.exec(line);
  if (sub) {
    fileHadTests = true;
    if (sub[3]) skipped++;
    else if (sub[1] === 'ok') passed++;
    else {
      failed++;
      const diag: string[] = [];
      for (let j = i + 1; j < lines.length && /^ {6}/.test(lines[j]); j++) diag.push(lines[j]);
      failures.push(`✗ ${currentFile} › ${sub[2]}\n${diag.slice(0, 40).join('\n')}`);
    }
    continue;
  }
  const sub0 = /^# Subtest: (.*)$/.exec(line);
  if (sub0) {
    currentFile = sub0[1];
    fileHadTests = false;
    continue;
  }
  const top = /^(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*| # time=.*)?$/.exec(line);
  if (top) {
    const status = top[1] === 'ok' ? '✓' : '✗';
    process.stdout.write(`${status} ${top[2]}\n`);
    if (!fileHadTests || (top[1] === 'not ok' && failures.every((f) => !f.startsWith(`✗ ${top[2]} ›`)))) {
      if (top[1] === 'ok') passed++;
      else {
        failed++;
        const diag: string[] = [];
        for (let j = i + 1; j < lines.length && /^ {2}/.test(lines[j]); j++) diag.push(lines[j]);
        failures.push(`✗ ${top[2]}\n${diag.slice(0, 40).join('\n')}`);
      }
    }
  }
}
if (failures.length)
  process.stdout.write(`\nFailures:\n${failures.join('\n\n')}\n\n(full TAP output: .tap/last-run.tap)\n`);
// NOTIFY_TEST_KEEP_PG=1 leaves the test server running (for several runs at once).
if (!process.env.NOTIFY_TEST_KEEP_PG) await cluster.server?.stop();
if (code !== 0 && failed === 0) failed = 1;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
