// Second baseline of bench/api.ts, the reference point of its throughput target: durable
// single-row inserts of a Notify-shaped row (a copy of app_public.notifications with all its
// indexes), one transaction each, from CONNECTIONS clients for DURATION seconds, as a child
// process (raw `pg`, prepared) — what an API that inserts each request on its own would reach.
// Prints {"inserted": n, "duration": s, "p50": ms, "p99": ms} on stdout.
import pg from 'pg';

const url = process.env.DATABASE_URL!;
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 50);
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query('drop table if exists bench_inserts');
await admin.query(
  'create table bench_inserts (like app_public.notifications including defaults including indexes including storage)',
);
await admin.end();

const sql = {
  name: 'bench-insert',
  text: `insert into bench_inserts (id, "to", normalised_to, service_id, template_id, template_version, api_key_id,
           key_type, notification_type, notification_status, created_at, client_reference, _personalisation,
           billable_units, international, phone_prefix, rate_multiplier)
         values (gen_random_uuid(), '07700900123', '447700900123', $1, $2, 1, $3, 'normal', 'sms', 'created', now(),
                 'bench', $4, 0, false, '44', 1)`,
};
const pool = new pg.Pool({ connectionString: url, max: connections });
const params = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), Buffer.alloc(48, 7)];
const latencies: number[] = [];
let stop = false;
const started = performance.now();
setTimeout(() => (stop = true), duration * 1000);
await Promise.all(
  Array.from({ length: connections }, async () => {
    const client = await pool.connect();
    try {
      while (!stop) {
        const t0 = performance.now();
        await client.query({ ...sql, values: params });
        latencies.push(performance.now() - t0);
      }
    } finally {
      client.release();
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
await pool.query('drop table bench_inserts');
await pool.end();
latencies.sort((a, b) => a - b);
const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
process.stdout.write(
  `${JSON.stringify({ inserted: latencies.length, duration: elapsed, p50: at(0.5), p99: at(0.99) })}\n`,
);
