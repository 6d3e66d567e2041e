// `npm run lint` (after Biome): no line of the TypeScript/JavaScript sources is longer than 120 characters.
// Biome's formatter wraps code at that width but leaves long strings and comments alone, so they are checked here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { projectRoot } from '../src/config.ts';

const MAX = 120;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js'], {
  cwd: projectRoot,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f && fs.existsSync(`${projectRoot}/${f}`));
const long: string[] = [];
for (const file of files) {
  fs.readFileSync(`${projectRoot}/${file}`, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if ([...line].length > MAX) long.push(`${file}:${i + 1}: ${[...line].length} characters`);
    });
}
if (long.length) {
  process.stderr.write(`${long.join('\n')}\n${long.length} line(s) longer than ${MAX} characters\n`);
  process.exit(1);
}
process.stdout.write(`${files.length} files, no line longer than ${MAX} characters\n`);
