import type { Task } from 'graphile-worker';

/**
 * Jobs in progress or pending for 30 minutes with no process-job running or waiting are queued
 * again; process-job resumes after the rows already stored (app_private.requeue_stuck_jobs).
 */
const task: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>('select app_private.requeue_stuck_jobs() as n');
  if (rows[0].n > 0) helpers.logger.warn(`re-queued ${rows[0].n} jobs that had not completed after 30 minutes`);
};

export default task;
