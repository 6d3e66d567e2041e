// Run the project's entry points as real processes (CLI, server).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import { projectRoot } from '../../src/config.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without tap's loaders and settings, as a user's shell would have it. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k, v]) => v !== undefined && k !== 'NODE_OPTIONS' && !/^_?TAP/.test(k) && !k.startsWith('_TAPJS'),
    ),
  ) as Record<string, string>;
}

export function entry(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [path.join(projectRoot, 'bin', 'node22.js'), ...args], {
    cwd: projectRoot,
    env: { ...cleanEnv(), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const child = entry(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** `notify <args>` against the database at `url`; parses `--json` output. */
export async function cli(url: string, ...args: string[]): Promise<RunResult & { json: any }> {
  const r = await run(['src/cli.ts', ...args, '--json'], { DATABASE_URL: url });
  let json: any = null;
  try {
    json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    json = null;
  }
  return { ...r, json };
}

/** A TCP port nothing listens on right now (taken from the OS, then released): for a child server, or a dead end. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
