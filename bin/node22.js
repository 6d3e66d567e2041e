#!/usr/bin/env node
// Entry shim: runs a TypeScript entry point (Node's type stripping) on Node 22+.
// On an older Node it re-executes itself with the Node 22 installed in node_modules
// (the `node` devDependency), or stops with a clear message.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [, , entry, ...args] = process.argv;
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const local = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local)) {
    const r = spawnSync(local, [fileURLToPath(import.meta.url), entry, ...args], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  process.stderr.write(
    `This project needs Node 22 or newer; this is Node ${process.versions.node}. Run \`npm install\` first ` +
      '(it installs Node 22 into node_modules), then use the npm scripts or npx notify.\n',
  );
  process.exit(1);
}
// Grafast's development checks, unless running in production.
process.env.GRAPHILE_ENV ??= process.env.NODE_ENV === 'production' ? 'production' : 'development';
// The entry point sees itself as argv[1], as if run directly.
process.argv.splice(1, 2, path.resolve(root, entry));
await import(pathToFileURL(path.resolve(root, entry)).href);
