import type { Task } from 'graphile-worker';
import { sendCallback } from '../src/delivery/callbacks.ts';

/**
 * POSTs a notification's final status to the service's delivery_status callback.
 * Queued by the notifications status trigger with {"id", "status"}.
 */
const task: Task = async (payload, helpers) => {
  const { id, status } = payload as { id?: string; status?: string };
  if (typeof id !== 'string') return;
  await sendCallback(helpers, {
    sql: 'select * from app_private.delivery_status_callback($1, $2)',
    params: [id, status ?? null],
  });
};

export default task;
