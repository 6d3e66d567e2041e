import type { Task } from 'graphile-worker';

/**
 * Jobs finished 20 minutes to a day ago with fewer notifications than CSV rows get process-job
 * again, which stores only the missing rows (app_private.requeue_jobs_missing_rows).
 */
const task: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>('select app_private.requeue_jobs_missing_rows() as n');
  if (rows[0].n > 0) helpers.logger.warn(`re-queued ${rows[0].n} finished jobs with rows missing`);
};

export default task;
