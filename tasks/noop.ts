import type { Task } from 'graphile-worker';

/**
 * Does nothing. Used to check the queue end to end (`notify run-task noop`)
 * and as the baseline of the delivery benchmark.
 */
const noop: Task = async () => {};

export default noop;
