import type { Task } from 'graphile-worker';

/** Move SMS provider priorities back toward their resting points (every 5 minutes). */
const task: Task = async (_payload, helpers) => {
  await helpers.withPgClient((c) => c.query('select app_private.tend_providers_back_to_middle()'));
};

export default task;
