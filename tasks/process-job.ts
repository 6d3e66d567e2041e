import type { Task } from 'graphile-worker';
import type pg from 'pg';
import { config } from '../src/config.ts';
import { processJob } from '../src/jobs/jobs.ts';
import { processS3 } from '../src/lib/s3.ts';
import { V2Cache } from '../src/notifications/cache.ts';

/**
 * A CSV job's rows ({"jobId": …}, queued by app_public.create_job and run-scheduled-jobs): see
 * processJob in src/jobs/jobs.ts. Restart-safe: run again after a crash, it stores only the rows
 * not stored yet (unique (job_id, job_row_number)).
 */
const processJobTask: Task = async (payload, helpers) => {
  const jobId = (payload as { jobId?: unknown } | null)?.jobId;
  if (typeof jobId !== 'string') {
    helpers.logger.error(`process-job: payload has no jobId: ${JSON.stringify(payload)}`);
    return;
  }
  // The worker's pool, through the helpers (queries only: the cache does not LISTEN here).
  const pool = { query: helpers.query } as unknown as pg.Pool;
  const outcome = await processJob(
    {
      // Read fresh: a job runs once, and its service may have changed since the last one.
      cache: new V2Cache({ pool, listenUrl: null, ttlMs: 0 }),
      pool,
      s3: processS3,
      cfg: config(),
    },
    jobId,
    { log: (m) => helpers.logger.info(m) },
  );
  if (outcome) helpers.logger.info(`process-job ${jobId}: ${JSON.stringify(outcome)}`);
};

export default processJobTask;
