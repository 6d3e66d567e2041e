// The Fastify application: error shape, health check, GraphQL (PostGraphile v5)
// and the v2 REST API. Boot concerns (database, worker, S3) live in server.ts.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { S3Client } from '@aws-sdk/client-s3';
import { postgraphile } from 'postgraphile';
import { grafserv } from 'postgraphile/grafserv/fastify/v5';
import type { Config } from './config.ts';
import { CreateBatcher } from './notifications/batcher.ts';
import { V2Cache } from './notifications/cache.ts';
import { lazyS3 } from './routes/v2/state.ts';
import { ApiError } from './lib/errors.ts';
import { withRequestSerializers } from './lib/log-serializers.ts';
import { DatabaseBreaker } from './lib/db-breaker.ts';
import { AdminAuthError, resolveAdminUser, verifyAdminHeader } from './auth/admin-auth.ts';
import { makePreset } from './graphql/preset.ts';
import v2Routes from './routes/v2/index.ts';
import { useJsonBodyParser } from './lib/json-body.ts';
import providerRoutes from './routes/provider-callbacks/index.ts';
import { documentRoutes } from './routes/documents.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';
import { uploadRoutes } from './routes/uploads.ts';

export interface AppContext {
  cfg: Config;
  /** Pool connected as notify_authenticator (GraphQL requests switch role per request). */
  authPool: pg.Pool;
  /** Pool connected as the owner (provider callbacks, GraphQL sending, health checks). */
  ownerPool: pg.Pool;
  ownerUrl: string;
  /**
   * Pool logged in as notify_api, the v2 API's role: select on what it reads, execute on what it calls.
   * Unset (some tests, the benchmark's owner mode): the v2 API uses ownerPool.
   */
  apiPool?: pg.Pool;
  /** Connection string of notify_api (the v2 cache's LISTEN connection); unset: ownerUrl. */
  apiUrl?: string;
  /** Reports the in-process worker, or null when the worker runs elsewhere. */
  workerStatus?: () => { running: boolean };
  /** Build GraphQL (slow to introspect; tests of REST routes may skip it). */
  graphql?: boolean;
  logger?: boolean | object;
  /** S3 client for letter PDFs and documents; default: one for S3_ENDPOINT or the local S3 port. */
  s3?: S3Client;
  /** Where SNS signing certificates come from (default: fetched from Amazon); tests give their own. */
  snsCertificates?: (url: string) => Promise<string>;
  /** The v2 API's notification-create batcher (default: one on ownerPool); the bench passes its own. */
  v2Batcher?: CreateBatcher;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

const errorBody = (statusCode: number, error: string, message: string) => ({
  status_code: statusCode,
  errors: [{ error, message }],
});

// Errors that mean "no database right now" rather than a bug: refused/reset/timed-out connections, the
// pool's connect timeout, a terminated connection, and Postgres' class 08 (connection) and 57P0x (shutdown) codes.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || /^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  )
    return true;
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRequestSerializers(ctx.logger),
    bodyLimit: 10 * 1024 * 1024,
    // maxParamLength: an unsubscribe link's token (a Fernet token of the address) is longer than the
    // router's default 100 characters for any but the shortest addresses.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
  });
  app.decorate('ctx', ctx);

  const breaker = new DatabaseBreaker();
  const UNAVAILABLE = 'Service unavailable: the database is not reachable';
  const SHORT_CIRCUIT = Symbol('database breaker');
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/') || !breaker.shortCircuit()) return;
    (request as unknown as Record<symbol, boolean>)[SHORT_CIRCUIT] = true;
    return reply
      .status(503)
      .header('retry-after', '1')
      .send(errorBody(503, 'Exception', UNAVAILABLE));
  });
  app.addHook('onResponse', async (request, reply) => {
    if (breaker.isOpen && reply.statusCode !== 503 && !(request as unknown as Record<symbol, boolean>)[SHORT_CIRCUIT]) {
      breaker.close();
    }
  });

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) return reply.status(err.statusCode).send(err.toBody());
    const fe = err as FastifyError;
    if (
      fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
      fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      fe.statusCode === 400
    ) {
      const message =
        fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'Invalid JSON supplied in POST data'
          : fe.message.includes('JSON')
            ? 'Invalid JSON supplied in POST data'
            : fe.message;
      return reply.status(400).send(errorBody(400, 'BadRequestError', message));
    }
    if (fe.statusCode === 413)
      return reply.status(413).send(errorBody(413, 'BadRequestError', 'Request entity too large'));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody(fe.statusCode, 'BadRequestError', fe.message));
    }
    if (isDatabaseUnavailable(err)) {
      // Postgres down or restarting: say so at once (clients retry a 503) rather than a 500 or a hang.
      request.log.warn({ err }, 'database unavailable');
      breaker.trip();
      return reply
        .status(503)
        .header('retry-after', '1')
        .send(errorBody(503, 'Exception', UNAVAILABLE));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody(500, 'Exception', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
      (method) => method !== request.method && app.findRoute({ method: method as 'GET', url: path }) !== null,
    );
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(errorBody(405, 'MethodNotAllowed', 'The method is not allowed for the requested URL.'));
    }
    return reply.status(404).send(errorBody(404, 'NotFound', 'The requested URL was not found on the server.'));
  });

  // Unauthenticated and polled by load balancers: cheap checks only (the migrations table, one row per migration;
  // no count over the job queue, which grows) and no error text, which could name hosts, roles or databases: the
  // log has it.
  app.get('/_status', async (request, reply) => {
    try {
      // workers_alive: whether any worker (in this process or another) wrote its heartbeat within the time after
      // which its jobs would be released, so a standalone worker's health shows here too. The table holds one
      // row per running worker.
      const { rows } = await ctx.ownerPool.query<{ db_version: string; workers_alive: boolean }>(
        `select (select filename from graphile_migrate.migrations order by filename desc limit 1) as db_version,
                exists (select from app_private.worker_heartbeats
                        where beat_at > now() - $1 * interval '1 millisecond') as workers_alive`,
        [ctx.cfg.WORKER_DEAD_AFTER_MS],
      );
      const worker = ctx.workerStatus ? ctx.workerStatus() : null;
      return reply.send({
        status: 'ok',
        db_version: rows[0]?.db_version ?? null,
        database: 'ok',
        worker: worker ? (worker.running ? 'running' : 'stopped') : 'external',
        workers_alive: rows[0]?.workers_alive ?? false,
      });
    } catch (err) {
      request.log.warn({ err }, '/_status: database check failed');
      return reply.status(503).send({ status: 'error', database: 'unavailable' });
    }
  });

  await app.register(
    async (v2) => {
      useJsonBodyParser(v2);
      await v2.register(v2Routes);
    },
    { prefix: '/v2' },
  );
  await app.register(providerRoutes);
  await app.register(documentRoutes, { ctx });
  await app.register(unsubscribeRoutes, { ctx });
  await app.register(uploadRoutes, { ctx });

  if (ctx.graphql !== false) {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/graphql')) return;
      try {
        const token = verifyAdminHeader(ctx.cfg.ADMIN_JWT_SECRET, request.headers.authorization);
        request.adminClaims = token ? await resolveAdminUser(ctx.ownerPool, token) : null;
      } catch (e) {
        if (e instanceof AdminAuthError) {
          return reply.status(401).send({ errors: [{ message: e.message }] });
        }
        throw e;
      }
    });
    // sendNotification reads the service and template fresh each time (no TTL, so no LISTEN):
    // a user may have changed them a moment before, and these sends are few.
    const sending = {
      cache: new V2Cache({ pool: ctx.ownerPool, listenUrl: null, ttlMs: 0 }),
      batcher: ctx.v2Batcher ?? new CreateBatcher(ctx.ownerPool),
      pool: ctx.ownerPool,
      s3: lazyS3(ctx),
      cfg: ctx.cfg,
    };
    const pgl = postgraphile(
      makePreset({
        pool: ctx.authPool,
        ownerUrl: ctx.ownerUrl,
        graphiql: ctx.cfg.NODE_ENV !== 'production',
        sending,
        logError: (details, message) => app.log.error(details, message),
      }),
    );
    const serv = pgl.createServ(grafserv);
    await serv.addTo(app);
    app.addHook('onClose', async () => {
      await pgl.release();
    });
  }
  return app;
}
