// Run one worker task now and wait for its outcome (`notify run-task`, tests).
// The job goes through the real queue (graphile_worker.add_job); a temporary worker
// that knows only this task processes it (a running server's worker may pick it up
// instead, with the same code).
import pg from 'pg';
import { startWorker, loadTasks } from '../worker.ts';

export interface TaskOutcome {
  task: string;
  job_id: string;
  status: 'completed' | 'failed';
  error?: string;
  duration_ms: number;
}

export class UnknownTaskError extends Error {}

export async function runTask(url: string, name: string, payload: unknown, timeoutMs = 600_000): Promise<TaskOutcome> {
  const all = await loadTasks();
  if (!all[name]) throw new UnknownTaskError(`unknown task '${name}'; known tasks: ${Object.keys(all).join(', ')}`);
  const started = Date.now();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  try {
    const { rows } = await pool.query<{ id: string }>(
      'select id from graphile_worker.add_job($1, $2::json, max_attempts => 1)',
      [name, JSON.stringify(payload ?? {})],
    );
    const jobId = rows[0].id;
    const runner = await startWorker({ pgPool: pool, concurrency: 1, only: [name], crontab: false });
    try {
      for (;;) {
        const { rows: jobs } = await pool.query<{
          attempts: number;
          last_error: string | null;
          locked_at: Date | null;
        }>('select attempts, last_error, locked_at from graphile_worker.jobs where id = $1', [jobId]);
        const job = jobs[0];
        if (!job) return { task: name, job_id: jobId, status: 'completed', duration_ms: Date.now() - started };
        if (job.attempts >= 1 && job.last_error && !job.locked_at) {
          // A failed run-task job is reported here, not left in the queue.
          await pool.query('select graphile_worker.complete_jobs(array[$1::bigint])', [jobId]);
          return {
            task: name,
            job_id: jobId,
            status: 'failed',
            error: job.last_error.split('\n    at ')[0].replace(/\s+/g, ' ').trim().slice(0, 500),
            duration_ms: Date.now() - started,
          };
        }
        if (Date.now() - started > timeoutMs)
          throw new Error(`task ${name} (job ${jobId}) did not finish within ${timeoutMs / 1000}s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await runner.stop();
    }
  } finally {
    await pool.end();
  }
}
