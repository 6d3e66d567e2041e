import type { Task } from 'graphile-worker';
import { sendCallback } from '../src/delivery/callbacks.ts';

/** POSTs an email complaint to the service's complaint callback; queued with {"id"}. */
const task: Task = async (payload, helpers) => {
  const { id } = payload as { id?: string };
  if (typeof id !== 'string') return;
  await sendCallback(helpers, { sql: 'select * from app_private.complaint_callback($1)', params: [id] });
};

export default task;
