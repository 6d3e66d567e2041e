// The v2 public REST API (Notify-compatible). Each route group is its own plugin; this one wires
// the shared state (cache with LISTEN invalidation, create batcher, S3) and authenticates every
// route except the OpenAPI document with the caller's API key.
import type { FastifyPluginAsync } from 'fastify';
import { CreateBatcher } from '../../notifications/batcher.ts';
import { V2Cache } from '../../notifications/cache.ts';
import { AuthError } from '../../lib/errors.ts';
import { AUTH_MESSAGES, authenticateApiKey, decodeUnverified } from '../../auth/jwt-auth.ts';
import { openApiDocument } from './openapi.ts';
import getNotifications from './get-notifications.ts';
import postNotifications from './post-notifications.ts';
import receivedTextMessages from './received-text-messages.ts';
import { lazyS3, type V2State } from './state.ts';
import templates from './templates.ts';

function issuerOf(authorization: string | undefined): string | null {
  const iss = decodeUnverified((authorization ?? '').slice(7).trim())?.payload.iss;
  return typeof iss === 'string' ? iss.toLowerCase() : null;
}

const v2: FastifyPluginAsync = async (app) => {
  const ctx = app.ctx;
  // The API's own least-privileged role (notify_api) when the server has it; the owner otherwise.
  const pool = ctx.apiPool ?? ctx.ownerPool;
  const cache = new V2Cache({
    pool,
    listenUrl: ctx.apiUrl ?? ctx.ownerUrl,
    onError: (err) => app.log.warn({ err }, 'v2 cache invalidation connection failed'),
  });
  await cache.start();
  app.addHook('onClose', async () => cache.close());
  const state: V2State = {
    ctx,
    pool,
    cache,
    batcher: ctx.v2Batcher ?? new CreateBatcher(pool),
    s3: lazyS3(ctx),
    baseUrl: ctx.cfg.apiHostName.replace(/\/+$/, ''),
  };

  app.get('/openapi.json', async () => openApiDocument(state.baseUrl));

  await app.register(async (secured) => {
    secured.addHook('onRequest', async (request) => {
      const load = (id: string) => cache.service(id);
      let auth: Awaited<ReturnType<typeof authenticateApiKey>>;
      try {
        auth = await authenticateApiKey(request.headers.authorization, load);
      } catch (e) {
        // A key made a moment ago may not be in the cached service yet: look once more, fresh.
        const stale =
          e instanceof AuthError &&
          [AUTH_MESSAGES.keyNotFound, AUTH_MESSAGES.serviceNotFound, AUTH_MESSAGES.noKeys].includes(e.message as never);
        const iss = stale ? issuerOf(request.headers.authorization) : null;
        if (!iss || !cache.refresh(iss)) throw e;
        auth = await authenticateApiKey(request.headers.authorization, load);
      }
      const service = (await cache.service(auth.serviceId))!;
      request.apiCaller = { service, apiKeyId: auth.apiKeyId, keyType: auth.keyType };
    });
    await secured.register(postNotifications(state));
    await secured.register(getNotifications(state));
    await secured.register(templates(state));
    await secured.register(receivedTextMessages(state));
  });
};

export default v2;
