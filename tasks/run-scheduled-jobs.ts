import type { Task } from 'graphile-worker';

/** Scheduled jobs whose time has come → pending, with process-job queued (app_private.run_scheduled_jobs). */
const task: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number }>('select app_private.run_scheduled_jobs() as n');
  if (rows[0].n > 0) helpers.logger.info(`started ${rows[0].n} scheduled jobs`);
};

export default task;
