import type { Task } from 'graphile-worker';
import { deliverBatch } from '../src/lib/delivery.ts';

/**
 * Hands a batch of sms notifications ({"ids": [...]}) to providers. Idempotent (rows are
 * claimed created → sending in SQL first); provider errors are retried with graphile-worker's
 * exponential backoff and end in technical-failure on the last attempt.
 */
const task: Task = async (payload, helpers) => {
  const ids = (payload as { ids?: unknown }).ids;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    helpers.logger.error('payload must be {"ids": ["<uuid>", ...]}');
    return;
  }
  await deliverBatch('sms', ids as string[], {
    withPgClient: helpers.withPgClient,
    logger: helpers.logger,
    lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
  });
};

export default task;
