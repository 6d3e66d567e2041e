// A worker in its own process: the "worker killed mid-batch" test (SIGKILLed by it) and
// bench/api.ts WORKER_PROCESS=1 (`npm run worker` beside `npm start`).
// Usage: node bin/node22.js test/delivery/worker-child.ts <database url> [concurrency = 1] [tasks = deliver-sms | all];
// providers from the environment (SMS_STUB_URL …). Prints "ready" once it takes jobs.
import pg from 'pg';
import { startWorker } from '../../src/worker.ts';

const [, , url, concurrency = '1', tasks = 'deliver-sms'] = process.argv;
const pool = new pg.Pool({ connectionString: url, max: Number(concurrency) + 3 });
pool.on('error', () => undefined);
const runner = await startWorker({
  pgPool: pool,
  concurrency: Number(concurrency),
  crontab: false,
  only: tasks === 'all' ? undefined : tasks.split(','),
});
process.stdout.write('ready\n');
// SIGTERM: stop cleanly (a --cpu-prof profile is written on a normal exit only).
process.once('SIGTERM', () => void runner.stop().finally(() => process.exit(0)));
