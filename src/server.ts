// `npm start`: embedded Postgres (unless DATABASE_URL), migrations, default data,
// local S3 (unless S3_ENDPOINT), the HTTP server on PORT and the worker in-process.
// `--worker-only` (npm run worker) runs just the worker.
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { assertNodeVersion } from './lib/node-version.ts';
import { config, ConfigError, providerCallbackTokenProblem, type Config } from './config.ts';
import { prepareDatabase, type Database } from './db/bootstrap.ts';
import { makeS3Client, ensureBuckets, startLocalS3, type LocalS3 } from './lib/s3.ts';
import { superviseWorker, type SupervisedWorker } from './worker.ts';
import { buildApp } from './app.ts';
import { logger, loggerOptions } from './lib/logger.ts';
import { configureProviders } from './delivery/providers/index.ts';
import { startStubProvider, type StubProvider } from './dev/simulators/providers.ts';

assertNodeVersion();

async function main() {
  let cfg: Config;
  try {
    cfg = config();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const workerOnly = process.argv.includes('--worker-only');
  // The provider routes are served only by the HTTP server: it does not start with them open to forgery.
  const tokenProblem = workerOnly ? null : providerCallbackTokenProblem(cfg);
  if (tokenProblem) {
    process.stderr.write(`Invalid configuration:\n  ${tokenProblem}\n`);
    process.exit(1);
  }
  const log = (m: string) => logger.info(m);

  // Shutdown, in this order (see `shutdown`): the worker stops taking jobs and finishes the running ones,
  // the simulated providers send their pending receipts (to this server, so it still listens meanwhile),
  // the HTTP server stops accepting and lets in-flight requests finish, then pools, S3 and Postgres stop.
  // Each waiting step is bounded by SHUTDOWN_TIMEOUT_MS.
  let worker: SupervisedWorker | null = null;
  let app: FastifyInstance | null = null;
  const stubs: StubProvider[] = [];
  const stack: Array<() => Promise<unknown>> = [];
  const bounded = (p: Promise<unknown>, what: string) =>
    Promise.race([
      p,
      new Promise((resolve) =>
        setTimeout(() => {
          logger.warn({ ms: cfg.SHUTDOWN_TIMEOUT_MS }, `shutdown: ${what} did not finish in time`);
          resolve(undefined);
        }, cfg.SHUTDOWN_TIMEOUT_MS).unref(),
      ),
    ]);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const step = (what: string, fn: () => Promise<unknown>) =>
      bounded(fn(), what).catch((e) => logger.error({ err: e }, `shutdown: ${what} failed`));
    if (worker) await step('worker jobs', () => worker!.stop());
    for (const stub of stubs) await step('simulated receipts', () => stub.drain(cfg.SHUTDOWN_TIMEOUT_MS));
    if (app) {
      const a = app;
      // Fastify's close stops accepting, closes idle keep-alive connections and waits for in-flight requests;
      // past the bound the remaining connections are cut.
      await step('in-flight requests', () => a.close());
      a.server.closeAllConnections();
    }
    for (const stub of stubs) await step('simulated provider', () => stub.close());
    for (const fn of stack.reverse()) await step('resource', fn);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const db: Database = await prepareDatabase(cfg, log, { serveRequests: !workerOnly });
  stack.push(() => db.stop());
  log(`database ready${db.embedded ? ` (embedded, port ${db.embedded.port})` : ''}`);

  let localS3: LocalS3 | null = null;
  if (!cfg.S3_ENDPOINT && !workerOnly) {
    localS3 = await startLocalS3(cfg);
    stack.push(() => localS3!.close());
    log(`local S3 at ${localS3.endpoint}`);
  }
  const s3 = makeS3Client(cfg, cfg.S3_ENDPOINT ?? localS3?.endpoint);
  if (!workerOnly) await ensureBuckets(s3, cfg.buckets);

  // connectionTimeoutMillis: with Postgres unreachable a request fails (503) in seconds instead of waiting forever.
  const ownerPool = new pg.Pool({
    connectionString: db.ownerUrl,
    max: cfg.DB_POOL_SIZE,
    connectionTimeoutMillis: 5000,
  });
  ownerPool.on('error', (err) => logger.error({ err }, 'idle database connection failed'));
  stack.push(() => ownerPool.end());

  // The worker, restarted with backoff if it dies (e.g. its database connections fail while Postgres is
  // away): the process keeps serving what it can and the worker comes back when the database does.
  const startSupervised = async () => {
    worker = await superviseWorker({
      pgPool: ownerPool,
      concurrency: cfg.WORKER_CONCURRENCY,
      log: {
        info: (m) => logger.info(m),
        warn: (err, m) => logger.warn({ err }, m),
        error: (err, m) => logger.error({ err }, m),
      },
    });
    log('worker running');
  };

  // --- Local simulated providers --------------------------------------------------------
  // Started unless SMS_STUB_URL / EMAIL_STUB_URL point elsewhere, so `npm start` delivers end to
  // end on one machine. Receipts go to this server once it listens (queued until then); a standalone
  // worker (`npm run worker`) has them too, sending receipts to the API at API_HOST_NAME / PORT.
  const runsWorker = workerOnly || cfg.WORKER_IN_PROCESS;
  if (runsWorker) {
    const stubOptions = {
      deliveredRatio: cfg.STUB_DELIVERED_RATIO,
      permanentFailureRatio: cfg.STUB_PERMANENT_FAILURE_RATIO,
      receiptDelayMs: cfg.STUB_RECEIPT_DELAY_MS,
      callbackToken: cfg.PROVIDER_CALLBACK_TOKEN,
    };
    if (!cfg.SMS_STUB_URL) {
      const sms = await startStubProvider({ channel: 'sms', ...stubOptions });
      stubs.push(sms);
      configureProviders({ SMS_STUB_URL: `${sms.url}/sms` });
      log(`simulated SMS provider at ${sms.url}`);
    }
    if (!cfg.EMAIL_STUB_URL) {
      const email = await startStubProvider({ channel: 'email', ...stubOptions });
      stubs.push(email);
      configureProviders({ EMAIL_STUB_URL: `${email.url}/email` });
      log(`simulated email provider at ${email.url}`);
    }
  }
  // ------------------------------------------------------------------------------------------

  if (runsWorker) {
    await startSupervised();
  }
  if (workerOnly) {
    const api = (cfg.API_HOST_NAME ?? `http://127.0.0.1:${cfg.PORT}`).replace(/\/$/, '');
    for (const stub of stubs) stub.setPlatformUrl(api);
    return;
  }

  const authPool = new pg.Pool({ connectionString: db.authUrl, max: cfg.DB_POOL_SIZE, connectionTimeoutMillis: 5000 });
  authPool.on('error', (err) => logger.error({ err }, 'idle database connection failed'));
  stack.push(() => authPool.end());
  let apiPool: pg.Pool | undefined;
  if (db.apiUrl) {
    const pool = new pg.Pool({ connectionString: db.apiUrl, max: cfg.DB_POOL_SIZE, connectionTimeoutMillis: 5000 });
    pool.on('error', (err) => logger.error({ err }, 'idle database connection failed'));
    stack.push(() => pool.end());
    apiPool = pool;
  } else {
    logger.warn('the v2 API uses the owner connection: set API_DATABASE_URL (role notify_api) to limit it');
  }
  app = await buildApp({
    cfg,
    authPool,
    ownerPool,
    apiPool,
    apiUrl: db.apiUrl ?? undefined,
    ownerUrl: db.ownerUrl,
    workerStatus: runsWorker ? () => ({ running: worker?.running() ?? false }) : undefined,
    logger: loggerOptions(cfg),
  });
  await app.listen({ port: cfg.PORT, host: cfg.HOST });
  const listening = app.server.address();
  const ownPort = listening && typeof listening === 'object' ? listening.port : cfg.PORT;
  const ownHost = ['0.0.0.0', '::', 'localhost'].includes(cfg.HOST) ? '127.0.0.1' : cfg.HOST;
  // The simulated providers post their receipts back to this server.
  for (const stub of stubs)
    stub.setPlatformUrl(`http://${ownHost.includes(':') ? `[${ownHost}]` : ownHost}:${ownPort}`);
  const graphiql = cfg.NODE_ENV !== 'production' ? ', GraphiQL /graphiql' : '';
  log(`listening on http://${cfg.HOST}:${cfg.PORT} — GraphQL /graphql${graphiql}`);
}

main().catch((e) => {
  logger.error({ err: e }, 'start-up failed');
  process.exit(1);
});
