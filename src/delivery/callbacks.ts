// POSTs to services' callback URLs: delivery statuses and received texts.
// Retries (network errors, 5xx, 429) are graphile-worker's, with backoff, for a bounded number
// of attempts; a call that fails for good is recorded, and a URL that keeps failing is suspended.
import type { JobHelpers } from 'graphile-worker';
import { config } from '../config.ts';
import { NetworkError } from './providers/http.ts';
import { CallbackRefused, postCallback } from './callback-http.ts';

export interface CallbackTarget {
  callback_id: string;
  url: string;
  bearer_token: string;
  suspended_reason: string | null;
  body: Record<string, unknown>;
}

export type CallbackOutcome = 'delivered' | 'no-callback' | 'suspended' | 'failed';

export async function sendCallback(
  helpers: Pick<JobHelpers, 'withPgClient' | 'logger' | 'job'>,
  lookup: { sql: string; params: unknown[] },
  retryOn429 = true,
): Promise<CallbackOutcome> {
  const cfg = config();
  const target = await helpers.withPgClient(
    async (c) => (await c.query<CallbackTarget>(lookup.sql, lookup.params)).rows[0],
  );
  if (!target) return 'no-callback';
  if (target.suspended_reason) {
    helpers.logger.warn(`callback ${target.callback_id} suspended, not called: ${target.suspended_reason}`);
    return 'suspended';
  }
  let error: string;
  let retryable: boolean;
  try {
    const res = await postCallback(target.url, target.body, {
      headers: { authorization: `Bearer ${target.bearer_token}` },
      timeoutMs: cfg.CALLBACK_TIMEOUT_MS,
      // Private addresses and plain http only on a development machine nobody else reaches.
      policy: { allowPrivate: !cfg.exposed },
    });
    if (res.status >= 200 && res.status < 300) {
      await helpers.withPgClient((c) =>
        c.query('select app_private.record_callback_result($1, $2, true)', [target.callback_id, target.url]),
      );
      return 'delivered';
    }
    error = `HTTP ${res.status}`;
    retryable = res.status >= 500 || (retryOn429 && res.status === 429);
  } catch (e) {
    if (e instanceof CallbackRefused) {
      // Asking again will not change the answer: a failure for good, counted towards suspension.
      error = e.message;
      retryable = false;
    } else if (e instanceof NetworkError) {
      error = e.message;
      retryable = true;
    } else throw e;
  }
  if (retryable && helpers.job.attempts < helpers.job.max_attempts) {
    // graphile-worker retries the job after an exponential delay.
    throw new Error(`callback to service failed (${error}), will retry`);
  }
  const suspended = await helpers.withPgClient(
    async (c) =>
      (
        await c.query<{ reason: string | null }>(
          'select app_private.record_callback_result($1, $2, false, $3, $4) as reason',
          [target.callback_id, target.url, error, cfg.CALLBACK_SUSPEND_AFTER],
        )
      ).rows[0].reason,
  );
  helpers.logger.warn(
    `callback ${target.callback_id} failed for good: ${error}${suspended ? `; suspended: ${suspended}` : ''}`,
  );
  return 'failed';
}
