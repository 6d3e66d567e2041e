// Bulk sending benchmark: a recipients CSV of N rows (100,000, Notify's maximum) from upload to
// every notification row created — streamed to S3 (local s3rver), checked by streaming it back,
// create_job, then process-job's batches through create_notifications (rows, counters, delivery
// jobs) — against a COPY of the same rows, shaped as notification rows, into a copy of the
// notifications table (with all its indexes) in the same run. Prints throughput, the ratio and the
// process's peak RSS (the file is never held whole in memory, so it should stay flat as N grows).
//   node bin/node22.js bench/jobs.ts [rows] [--quick]     (quick mode: 2,000 rows)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { withClient, withDatabase } from '../src/db/bootstrap.ts';
import { createJob, type JobDeps, processJob, uploadAndCheck } from '../src/jobs/jobs.ts';
import { ensureBuckets, makeS3Client, startLocalS3 } from '../src/lib/s3.ts';
import { V2Cache } from '../src/notifications/cache.ts';
import { startCluster } from '../test/helpers/cluster.ts';
import { check, positional, quick, recordFigure } from './_results.ts';

// 100,000 rows in ≤ 5 s on 2 cores (20,000 rows/s) against COPY's ~50,000 rows/s on the reference host.
const COPY_TARGET = { ratio: 0.4, better: 'higher' } as const;
const N = Number(positional[0] ?? (quick ? 2_000 : 100_000));
const DB = `bench_jobs_${process.pid}`;
const out = (m: string) => process.stdout.write(`${m}\n`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-jobs-'));

/**
 * COPY … FROM STDIN of a file, over the client's own connection (pg's Query answers a CopyInResponse
 * by sending the file's chunks): what psql's \copy does, without another package.
 */
function copyFrom(client: pg.Client, sql: string, file: string): Promise<void> {
  type Connection = {
    sendCopyFromChunk(b: Buffer): void;
    endCopyFrom(): void;
    sendCopyFail(m: string): void;
  };
  const QueryClass = pg.Query as unknown as new (
    text: string,
    values: undefined,
    cb: (e: Error | null) => void,
  ) => { handleCopyInResponse(c: Connection): void };
  return new Promise((resolve, reject) => {
    const query = new QueryClass(sql, undefined, (e) => (e ? reject(e) : resolve()));
    query.handleCopyInResponse = (connection) => {
      const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      stream.on('data', (chunk) => connection.sendCopyFromChunk(chunk as Buffer));
      stream.on('end', () => connection.endCopyFrom());
      stream.on('error', (e) => connection.sendCopyFail(e.message));
    };
    void client.query(query as unknown as pg.QueryConfig);
  });
}

const cluster = await startCluster();
await withClient(cluster.rootUrl, (c) => c.query(`create database ${DB} template ${cluster.template}`));
const url = withDatabase(cluster.rootUrl, DB);
const pool = new pg.Pool({ connectionString: url, max: 4 });
pool.on('error', () => undefined);
const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
const s3server = await startLocalS3(parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), 0, path.join(dir, 's3'));

try {
  const cfg = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', S3_ENDPOINT: s3server.endpoint });
  const s3 = makeS3Client(cfg);
  await ensureBuckets(s3, cfg.buckets);
  const user = await one(
    `select id from app_public.create_user(email_address => 'bench@dept.gov.uk', name => 'Bench',
     mobile_number => '07700900123')`,
  );
  const svc = await one(
    `select id from app_public.create_service(name => 'Bench jobs', user_id => $1, restricted => false)`,
    [user.id],
  );
  await pool.query('update app_public.services set sms_message_limit = $2 where id = $1', [svc.id, N * 2]);
  const tpl = await one(
    `select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'B',
     content => 'Hello ((name)), your reference is ((reference))')`,
    [svc.id],
  );

  // The recipients file, written as a stream (07700 900 000 + n, clear of the simulated numbers).
  const csvPath = path.join(dir, 'recipients.csv');
  const phone = (i: number) => `07700${String(901000 + i).padStart(6, '0')}`;
  {
    const w = fs.createWriteStream(csvPath);
    w.write('phone number,name,reference\n');
    for (let i = 0; i < N; i++) w.write(`${phone(i)},Person ${i},REF-${i}\n`);
    await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  out(`${N.toLocaleString('en-GB')} rows (${(fs.statSync(csvPath).size / 1024 / 1024).toFixed(1)} MB)`);

  // Baseline: the same rows as notification rows, COPY'd (server side) into a copy of the table.
  const copyPath = path.join(dir, 'rows.csv');
  {
    const w = fs.createWriteStream(copyPath);
    const personalisation = `\\x${Buffer.alloc(64, 7).toString('hex')}`;
    const job = crypto.randomUUID();
    for (let i = 0; i < N; i++) {
      const to = phone(i);
      w.write(
        `${crypto.randomUUID()},${to},44${to.slice(1)},${svc.id},${tpl.id},1,normal,sms,created,${job},${i},` +
          `${personalisation}\n`,
      );
    }
    await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  await pool.query(
    'create table bench_copy (like app_public.notifications including defaults including indexes including storage)',
  );
  let t0 = performance.now();
  await withClient(url, (c) =>
    copyFrom(
      c,
      `copy bench_copy (id, "to", normalised_to, service_id, template_id, template_version, key_type,
         notification_type, notification_status, job_id, job_row_number, _personalisation)
       from stdin with (format csv)`,
      copyPath,
    ),
  );
  const copyMs = performance.now() - t0;
  await pool.query('drop table bench_copy');

  // The pipeline: upload + check, create_job, process-job (run here, as the task runs it).
  const deps: JobDeps = {
    cache: new V2Cache({ pool, listenUrl: null, ttlMs: 0 }),
    pool,
    s3: () => s3,
    cfg,
  };
  t0 = performance.now();
  const report = await uploadAndCheck(
    deps,
    { userId: user.id },
    { serviceId: svc.id, templateId: tpl.id, fileName: 'recipients.csv', body: fs.createReadStream(csvPath) },
  );
  const checkedMs = performance.now() - t0;
  check(report.valid && report.row_count === N, `the file checks clean (${report.errors.join('; ')})`);
  const job = await createJob(pool, {
    serviceId: svc.id,
    templateId: tpl.id,
    uploadId: report.upload_id,
    fileName: 'recipients.csv',
    userId: user.id,
  });
  const outcome = await processJob(deps, job.id);
  const jobMs = performance.now() - t0;
  const stored = await one(
    `select count(*)::int as n, count(distinct job_row_number)::int as rows from app_public.notifications
     where job_id = $1`,
    [job.id],
  );
  const rate = (ms: number) => Math.round((N * 1000) / ms);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  out(
    `COPY of the same rows:             ${rate(copyMs).toLocaleString('en-GB')} rows/s ` +
      `(${(copyMs / 1000).toFixed(2)} s)`,
  );
  out(
    `upload + check:                    ${rate(checkedMs).toLocaleString('en-GB')} rows/s ` +
      `(${(checkedMs / 1000).toFixed(2)} s)`,
  );
  out(
    `upload → every row created:        ${rate(jobMs).toLocaleString('en-GB')} rows/s (${(jobMs / 1000).toFixed(2)} s)`,
  );
  out(`ratio job / COPY:                  ${(copyMs / jobMs).toFixed(3)}`);
  out(`peak RSS:                          ${rssMb.toFixed(0)} MB`);
  recordFigure(
    'jobs',
    { name: 'CSV upload → every notification row created', value: rate(jobMs), unit: 'rows/s' },
    { name: 'COPY of the same rows', value: rate(copyMs), unit: 'rows/s' },
    COPY_TARGET,
  );
  check(outcome?.status === 'finished' && outcome.created === N, `every row created (${JSON.stringify(outcome)})`);
  check(stored.n === N && stored.rows === N, `${N} rows stored once each (${stored.n})`);
} finally {
  await pool.end();
  await s3server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await withClient(cluster.rootUrl, (c) => c.query(`drop database if exists ${DB} with (force)`));
  if (!process.env.NOTIFY_TEST_KEEP_PG) await cluster.server?.stop();
}
