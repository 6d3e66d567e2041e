// graphile-worker: the task list is every file in tasks/ (default export, named like
// the task), the schedule is tasks/crontab (UTC).
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, Logger, type Runner, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { projectRoot } from './config.ts';

export const tasksDir = path.join(projectRoot, 'tasks');
export const crontabFile = path.join(tasksDir, 'crontab');

/** Load tasks/*.ts; `only` restricts the list (e.g. `notify run-task`). */
export async function loadTasks(only?: string[]): Promise<TaskList> {
  const files = (await fs.readdir(tasksDir)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
  const list: TaskList = {};
  for (const file of files.sort()) {
    const name = file.replace(/\.(ts|js)$/, '');
    if (only && !only.includes(name)) continue;
    const mod = (await import(pathToFileURL(path.join(tasksDir, file)).href)) as { default?: Task };
    if (typeof mod.default !== 'function') throw new Error(`tasks/${file} has no default export task function`);
    list[name] = mod.default;
  }
  return list;
}

export function workerLogger(level: 'info' | 'warning' | 'error' = 'warning') {
  const order = { debug: 0, info: 1, warning: 2, error: 3 } as const;
  return new Logger((scope) => (lvl, message) => {
    if (order[lvl] < order[level]) return;
    process.stderr.write(`[worker${scope.taskIdentifier ? `:${scope.taskIdentifier}` : ''}] ${message}\n`);
  });
}

export interface WorkerOptions {
  pgPool: pg.Pool;
  concurrency: number;
  only?: string[];
  crontab?: boolean;
}

export async function startWorker(opts: WorkerOptions): Promise<Runner> {
  const taskList = await loadTasks(opts.only);
  // A dropped idle connection (e.g. Postgres restarting) must not crash the process:
  // log it on the pool and on each client, as graphile-worker asks of a pool it is given.
  const onError = (err: Error) => process.stderr.write(`[worker] database connection error: ${err.message}\n`);
  if (opts.pgPool.listeners('error').length === 0) opts.pgPool.on('error', onError);
  if (opts.pgPool.listeners('connect').length === 0) opts.pgPool.on('connect', (client) => client.on('error', onError));
  return run({
    pgPool: opts.pgPool,
    concurrency: opts.concurrency,
    taskList,
    crontabFile: opts.crontab === false ? undefined : crontabFile,
    crontab: opts.crontab === false ? '' : undefined,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: workerLogger(),
    // Fewer queue round trips on the hot path (a deliver job every few milliseconds at full load):
    // the next jobs are fetched (locked) together, and completions of one tick go as one statement.
    // Delivery is idempotent (rows are claimed in SQL), so a job run twice after a crash sends nothing twice.
    preset: {
      worker: {
        localQueue: { size: opts.concurrency + 1 },
        completeJobBatchDelay: 0,
      },
    },
  });
}
