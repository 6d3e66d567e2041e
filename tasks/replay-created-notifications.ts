import type { Task } from 'graphile-worker';
import { config } from '../src/config.ts';

/**
 * Re-queue texts/emails still created DELIVERY_REPLAY_AFTER_MS after creation, and claims abandoned by a
 * worker that died between claim and provider answer (delivery is idempotent, so replays are safe); and
 * live letters still without their PDF or scan after an hour (app_private.replay_letter_jobs).
 */
const task: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ n: number; letters: number }>(
    `select app_private.replay_created_notifications(older_than => make_interval(secs => $1)) as n,
            app_private.replay_letter_jobs() as letters`,
    [config().DELIVERY_REPLAY_AFTER_MS / 1000],
  );
  const { n, letters } = rows[0];
  if (n > 0) helpers.logger.warn(`re-queued ${n} notifications stuck before their provider`);
  if (letters > 0) helpers.logger.warn(`re-queued ${letters} letters still without their PDF or virus scan`);
};

export default task;
