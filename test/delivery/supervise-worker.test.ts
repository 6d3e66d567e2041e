// The supervised worker (npm start, npm run worker): a runner that ends without being asked to — as graphile-worker
// ends its pool when it cannot record completed or failed jobs, its promise resolving rather than rejecting —
// is replaced by a new one, which takes jobs; after stop() none is started again.
import pg from 'pg';
import t from 'tap';
import { superviseWorker } from '../../src/worker.ts';
import { createTestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/delivery.ts';

t.test('a runner that ends is restarted; stop() ends supervision', async (t) => {
  const db = await createTestDb(t, 'supervise');
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const logged: string[] = [];
  const log = {
    info: (m: string) => logged.push(m),
    warn: (_e: unknown, m: string) => logged.push(m),
    error: (_e: unknown, m: string) => logged.push(m),
  };
  const worker = await superviseWorker({ pgPool: pool, concurrency: 1, only: ['noop'], crontab: false, log });
  t.teardown(async () => {
    await worker.stop();
    await pool.end();
  });
  t.ok(worker.running(), 'running');
  const first = worker.current()!;
  // What graphile-worker does itself when it cannot record a job's outcome: it stops its pool.
  await first.kill('simulated: could not record jobs');
  await waitFor('a new runner', async () => worker.running() && worker.current() !== first, 15_000);
  t.match(
    logged.join('\n'),
    /worker stopped unexpectedly; restarting[\s\S]*worker running again/,
    'the restart is logged',
  );

  const { rows } = await pool.query<{ id: string }>("select id from graphile_worker.add_job('noop', '{}')");
  await waitFor(
    'the new runner takes jobs',
    async () => (await pool.query('select 1 from graphile_worker.jobs where id = $1', [rows[0].id])).rowCount === 0,
    15_000,
  );
  t.pass('a job queued after the restart ran');

  await worker.stop();
  t.notOk(worker.running(), 'stopped');
  await new Promise((r) => setTimeout(r, 2000));
  t.notOk(worker.running(), 'and not restarted');
});
