// The embedded server survives the ways a development machine kills things:
// a SIGKILLed `npm start` (postmaster left running) and a SIGKILLed postmaster
// (stale postmaster.pid). And `npm start` stops everything on SIGINT/SIGTERM.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import pg from 'pg';
import { projectRoot } from '../../src/config.ts';
import { runningPostmaster, startEmbedded, stopEmbedded } from '../../src/db/embedded.ts';
import { entry, run } from '../helpers/spawn.ts';

const dir = path.join(projectRoot, '.pgdata-e2e-embedded');
const port = 5441;

async function selectOne(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('select 1 as n')).rows[0].n;
  } finally {
    await c.end();
  }
}

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

t.teardown(async () => {
  await stopEmbedded(dir);
  await fs.rm(dir, { recursive: true, force: true });
});

t.test('a postmaster left by a SIGKILLed process is adopted', async (t) => {
  const child = entry(['test/helpers/hold-embedded.ts', dir, String(port)]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const orphan = await runningPostmaster(dir);
  t.ok(orphan, 'the postmaster outlived its parent');

  const server = await startEmbedded(dir, port);
  t.equal(server.startedHere, false, 'adopted, not started twice');
  t.equal(await selectOne(server.url('postgres')), 1);
  await stopEmbedded(dir);
  t.equal(await runningPostmaster(dir), null, 'stopped');
});

t.test('a stale postmaster.pid left by a SIGKILLed postmaster is cleared', async (t) => {
  const first = await startEmbedded(dir, port);
  const pid = (await runningPostmaster(dir))!;
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => !alive(pid));
  // Backends notice the postmaster is gone and exit; the pid file stays behind.
  t.ok(await fs.stat(path.join(dir, 'postmaster.pid')).catch(() => null), 'pid file left behind');
  await waitFor(async () => {
    try {
      const s = await startEmbedded(dir, port);
      return s.startedHere;
    } catch {
      return false;
    }
  });
  t.equal(await selectOne(first.url('postgres')), 1, 'serves again');

  // A pid file naming a live process that is not postgres (pid reuse) is cleared too.
  await stopEmbedded(dir);
  await fs.writeFile(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`);
  const again = await startEmbedded(dir, port);
  t.equal(again.startedHere, true);
  t.equal(await selectOne(again.url('postgres')), 1);
  await again.stop();
});

t.test('npm start serves /_status and stops cleanly on SIGINT and SIGTERM', async (t) => {
  const serverDir = path.join(projectRoot, '.pgdata-e2e-server');
  const s3Dir = path.join(projectRoot, '.s3data-e2e-server');
  t.teardown(async () => {
    await stopEmbedded(serverDir);
    await fs.rm(serverDir, { recursive: true, force: true });
    await fs.rm(s3Dir, { recursive: true, force: true });
  });
  const env = {
    EMBEDDED_PG_DIR: '.pgdata-e2e-server',
    EMBEDDED_PG_PORT: '5442',
    PORT: '6031',
    S3_LOCAL_PORT: '6032',
    S3_LOCAL_DIR: '.s3data-e2e-server',
    DATABASE_URL: '',
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const server = entry(['src/server.ts'], env);
    let output = '';
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    await waitFor(async () => {
      try {
        const res = await fetch('http://127.0.0.1:6031/_status');
        return res.status === 200;
      } catch {
        return false;
      }
    }, 120_000).catch((e) => {
      throw new Error(`${e.message}: ${output}`);
    });
    const status = (await (await fetch('http://127.0.0.1:6031/_status')).json()) as Record<string, unknown>;
    t.match(status, { status: 'ok', database: 'ok', worker: 'running' }, `${signal}: status before`);
    if (signal === 'SIGINT') {
      // The CLI uses the running server's database, and leaves it running.
      const url = await run(['src/cli.ts', 'db-url', '--json'], env);
      t.equal(url.code, 0, url.stderr);
      t.match(JSON.parse(url.stdout).url, /:5442\/notify$/);
      const user = await run(
        [
          'src/cli.ts',
          'create-user',
          '--email',
          'live@e2e.gov.uk',
          '--name',
          'Live',
          '--mobile',
          '07700900123',
          '--json',
        ],
        env,
      );
      t.equal(user.code, 0, user.stderr);
      t.ok(await runningPostmaster(serverDir), 'server database still running after the CLI');
      const gql = await fetch('http://127.0.0.1:6031/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      t.equal(gql.status, 200, 'GraphQL is served');
    }
    server.kill(signal);
    t.equal(await exited, 0, `${signal}: clean exit`);
    t.equal(await runningPostmaster(serverDir), null, `${signal}: embedded Postgres stopped`);
  }
  // With nothing running, the CLI starts the embedded database for the command and stops it.
  const user = await run(
    [
      'src/cli.ts',
      'create-user',
      '--email',
      'offline@e2e.gov.uk',
      '--name',
      'Offline',
      '--mobile',
      '07700900123',
      '--json',
    ],
    env,
  );
  t.equal(user.code, 0, user.stderr);
  t.equal(JSON.parse(user.stdout).email_address, 'offline@e2e.gov.uk');
  t.equal(await runningPostmaster(serverDir), null, 'the CLI stopped the database it started');
});
