// A worker in its own process, for the "worker killed mid-batch" test (SIGKILLed by the test).
// Usage: node bin/node22.js test/delivery/worker-child.ts <database url>; providers from env.
import pg from 'pg';
import { startWorker } from '../../src/worker.ts';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 4 });
pool.on('error', () => undefined);
await startWorker({ pgPool: pool, concurrency: 1, crontab: false, only: ['deliver-sms'] });
process.stdout.write('ready\n');
