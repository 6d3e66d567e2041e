import type { Task } from 'graphile-worker';

/**
 * SPEC §5: re-queue texts/emails still created after an hour, and claims abandoned by a worker
 * that died between claim and provider answer (delivery is idempotent, so replays are safe).
 */
const task: Task = async (_payload, helpers) => {
  const n = await helpers.withPgClient(async (c) => (await c.query<{ n: number }>('select app_private.replay_created_notifications() as n')).rows[0].n);
  if (n > 0) helpers.logger.warn(`re-queued ${n} notifications stuck before their provider`);
};

export default task;
