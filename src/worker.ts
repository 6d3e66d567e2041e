// graphile-worker: the task list is every file in tasks/ (default export, named like
// the task), the schedule is tasks/crontab (UTC).
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, Logger, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { config, projectRoot } from './config.ts';

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
  /** Heartbeat period and dead-worker threshold; WORKER_HEARTBEAT_MS / WORKER_DEAD_AFTER_MS unless given. */
  heartbeatMs?: number;
  deadAfterMs?: number;
}

const say = (m: string) => process.stderr.write(`[worker] ${m}\n`);

export async function startWorker(opts: WorkerOptions): Promise<Runner> {
  const taskList = await loadTasks(opts.only);
  // A dropped idle connection (e.g. Postgres restarting) must not crash the process:
  // log it on the pool and on each client, as graphile-worker asks of a pool it is given.
  const onError = (err: Error) => say(`database connection error: ${err.message}`);
  if (opts.pgPool.listeners('error').length === 0) opts.pgPool.on('error', onError);
  if (opts.pgPool.listeners('connect').length === 0) opts.pgPool.on('connect', (client) => client.on('error', onError));
  const events = new EventEmitter() as WorkerEvents;
  const heartbeat = startHeartbeat(opts, events);
  let runner: Runner;
  try {
    runner = await run({
      pgPool: opts.pgPool,
      concurrency: opts.concurrency,
      taskList,
      crontabFile: opts.crontab === false ? undefined : crontabFile,
      crontab: opts.crontab === false ? '' : undefined,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: workerLogger(),
      events,
      // Fewer queue round trips on the hot path (a deliver job every few milliseconds at full load):
      // the next jobs are fetched (locked) together, and completions of one tick go as one statement.
      // Delivery is idempotent (rows are claimed in SQL), so a job run twice after a crash sends nothing twice.
      // Failures are batched too, and for a second reason: unbatched, a failure graphile-worker cannot record
      // (Postgres away) is a promise nobody awaits, and its rejection ended the process. Batched, it is retried,
      // and when the retries run out the pool shuts down and superviseWorker starts a new one.
      preset: {
        worker: {
          localQueue: { size: opts.concurrency + 1 },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
  } catch (e) {
    heartbeat.stop();
    throw e;
  }
  runner.promise.then(heartbeat.stop, heartbeat.stop);
  return runner;
}

/**
 * The worker's heartbeat (app_private.worker_heartbeat), from the moment graphile-worker creates its pool (whose
 * id is the jobs' locked_by) until the runner ends. Each beat also releases the jobs of workers silent for
 * longer than deadAfterMs: graphile-worker itself would leave a killed worker's jobs locked for four hours.
 */
function startHeartbeat(opts: WorkerOptions, events: WorkerEvents): { stop: () => void } {
  const cfg = config();
  const every = opts.heartbeatMs ?? cfg.WORKER_HEARTBEAT_MS;
  const deadAfter = opts.deadAfterMs ?? cfg.WORKER_DEAD_AFTER_MS;
  let poolId: string | null = null;
  let beating = false;
  let failing = false;
  let stopped = false;
  const beat = async () => {
    if (!poolId || beating || stopped) return;
    beating = true;
    try {
      const { rows } = await opts.pgPool.query<{ released: number }>(
        'select app_private.worker_heartbeat($1, make_interval(secs => $2)) as released',
        [poolId, deadAfter / 1000],
      );
      if (failing) say('heartbeat recorded again');
      failing = false;
      if (rows[0].released > 0) say(`released ${rows[0].released} jobs of workers silent for ${deadAfter} ms`);
    } catch (e) {
      // The database is away (the worker's own job fetching says so too): once per outage.
      if (!failing) say(`heartbeat failed: ${(e as Error).message}`);
      failing = true;
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), every);
  timer.unref();
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
    void beat();
  });
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

export interface SupervisedWorker {
  /** True while a runner is up (false between a failure and its restart). */
  running(): boolean;
  /** The runner of the moment (tests; a new one after each restart). */
  current(): Runner | null;
  /** Stops the current runner (running jobs finish) and restarts no more. */
  stop(): Promise<void>;
}

/**
 * The worker, restarted with capped, jittered backoff whenever its runner ends without being asked to
 * (graphile-worker shuts its pool down when it cannot record completed or failed jobs, e.g. while Postgres
 * restarts, and its promise then resolves rather than rejects). The first start must succeed.
 */
export async function superviseWorker(
  opts: WorkerOptions & {
    log: { info(m: string): void; warn(err: unknown, m: string): void; error(err: unknown, m: string): void };
  },
): Promise<SupervisedWorker> {
  let runner: Runner | null = null;
  let up = false;
  let stopping = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (stopping) return;
    const ceiling = Math.min(30_000, 1000 * 2 ** Math.min(failures++, 10));
    retry = setTimeout(() => void start(false), 500 + Math.random() * ceiling);
  };
  const start = async (first: boolean) => {
    retry = null;
    if (stopping) return;
    let r: Runner;
    try {
      r = await startWorker(opts);
    } catch (err) {
      if (first) throw err; // a worker that cannot start at all is a start-up failure
      opts.log.error(err, 'worker could not start; retrying');
      schedule();
      return;
    }
    runner = r;
    up = true;
    if (!first) opts.log.info('worker running again');
    r.events.on('pool:listen:error', ({ error }) => opts.log.warn(error, 'worker: LISTEN failed'));
    r.events.on('worker:getJob:error', ({ error }) => opts.log.warn(error, 'worker: fetching jobs failed'));
    const since = Date.now();
    r.promise.then(
      () => ended(null),
      (err) => ended(err),
    );
    function ended(err: unknown) {
      up = false;
      if (stopping || runner !== r) return;
      // A runner that ran for a while starts the backoff afresh.
      if (Date.now() - since > 60_000) failures = 0;
      opts.log.error(err, 'worker stopped unexpectedly; restarting');
      schedule();
    }
  };
  await start(true);
  return {
    running: () => up,
    current: () => runner,
    async stop() {
      stopping = true;
      if (retry) clearTimeout(retry);
      if (runner && up) await runner.stop();
    },
  };
}
