import type { Task } from 'graphile-worker';
import { sendCallback } from '../src/delivery/callbacks.ts';

/**
 * Forwards a received text to the service's inbound_sms callback. Queued by the
 * inbound_sms insert trigger with {"id"}. Retries on network errors and 5xx only.
 */
const task: Task = async (payload, helpers) => {
  const { id } = payload as { id?: string };
  if (typeof id !== 'string') return;
  await sendCallback(helpers, { sql: 'select * from app_private.inbound_sms_callback($1)', params: [id] }, false);
};

export default task;
