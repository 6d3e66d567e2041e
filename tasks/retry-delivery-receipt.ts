import type { Task } from 'graphile-worker';
import { applyReceipts, type Receipt } from '../src/delivery/receipts.ts';

/**
 * Receipts whose reference was not found yet (a provider can answer before the send is
 * recorded), re-applied a few seconds later; queued by the receipt routes, at most
 * RECEIPT_MAX_ATTEMPTS times with backoff, then dropped with a log line (src/delivery/receipts.ts).
 */
const task: Task = async (payload, helpers) => {
  const { receipts, attempt } = payload as { receipts: Receipt[]; attempt?: number };
  if (!Array.isArray(receipts)) return;
  await helpers.withPgClient((c) => applyReceipts(c, receipts, { attempt: attempt ?? 1, log: helpers.logger }));
};

export default task;
