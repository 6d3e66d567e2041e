// The worker as its own process for bench/api.ts (WORKER_PROCESS=1), as `npm run worker` runs it
// beside `npm start` with WORKER_IN_PROCESS=false. Usage: bench/_worker.ts <database url> <concurrency>;
// SMS_STUB_URL from the environment. Prints "ready" once it takes jobs; stops on SIGTERM.
import pg from 'pg';
import { startWorker } from '../src/worker.ts';
import { configureProviders } from '../src/lib/providers/index.ts';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 6 });
pool.on('error', () => undefined);
configureProviders({ SMS_STUB_URL: process.env.SMS_STUB_URL });
const runner = await startWorker({ pgPool: pool, concurrency: Number(process.argv[3] ?? 4), crontab: false });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runner.stop().finally(() => pool.end().finally(() => process.exit(0)));
});
