// `npm run bench [-- NAME...]`: runs bench/NAME.ts (default: every benchmark) one after
// another. Each prints its throughput and a ratio against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/config.ts';

const skip = new Set(['run.ts', 'seed.ts']);
const all = fs
  .readdirSync(path.join(projectRoot, 'bench'))
  .filter((f) => f.endsWith('.ts') && !skip.has(f) && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = false;
for (const name of wanted) {
  if (!all.includes(name)) {
    process.stderr.write(`no benchmark bench/${name}.ts (have: ${all.join(', ')})\n`);
    process.exit(2);
  }
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bench', `${name}.ts`)], { stdio: 'inherit', cwd: projectRoot });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
