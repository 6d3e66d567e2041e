import type { Task } from 'graphile-worker';

/**
 * Texts and emails still sending/pending 72 h after creation → temporary-failure,
 * 100 000 per transaction until none are left (the status trigger queues their callbacks).
 */
const task: Task = async (payload, helpers) => {
  const batchSize = Number((payload as { batch_size?: number } | null)?.batch_size ?? 100_000);
  let total = 0;
  for (;;) {
    const n = await helpers.withPgClient(
      async (c) =>
        (await c.query<{ n: number }>('select app_private.timeout_notifications(batch_size => $1) as n', [batchSize]))
          .rows[0].n,
    );
    total += n;
    if (n < batchSize) break;
  }
  if (total > 0) helpers.logger.info(`timed out ${total} notifications`);
};

export default task;
