// The v2 cache's LISTEN connection against an unreachable database: retries back off (one client at a
// time, no storm of connections), and a reachable database is listened to again.
import net from 'node:net';
import pg from 'pg';
import t from 'tap';
import { V2Cache } from '../../src/notifications/cache.ts';
import { createTestDb } from '../helpers/db.ts';

t.test('unreachable database: few attempts, backing off; closes cleanly', async (t) => {
  // A port nobody listens on: take a free one and release it.
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));

  const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${port}/none`, max: 1 });
  let errors = 0;
  const cache = new V2Cache({ pool, listenUrl: `postgres://x@127.0.0.1:${port}/none`, onError: () => errors++ });
  t.teardown(async () => {
    await cache.close();
    await pool.end();
  });
  await cache.start();
  await cache.start(); // a second start while one attempt is pending opens nothing more
  await new Promise((r) => setTimeout(r, 4000));
  // Backoff 0.5–1.5 s, then up to 2.5 s, …: at most 4 attempts in 4 s (each reports at most two errors).
  t.ok(errors >= 1, `the failure is reported (${errors})`);
  t.ok(errors <= 8, `no reconnect storm (${errors} errors in 4 s)`);
});

t.test('reachable database: one LISTEN connection is open', async (t) => {
  const db = await createTestDb(t, 'cachelisten');
  const cache = new V2Cache({ pool: db.pool, listenUrl: db.url });
  t.teardown(() => cache.close());
  await cache.start();
  t.ok((cache as unknown as { listener: unknown }).listener, 'one LISTEN connection open');
});
