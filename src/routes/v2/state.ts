// What the v2 route groups share: the cache, the create batcher, S3, the authenticated caller.
import type { S3Client } from '@aws-sdk/client-s3';
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { AppContext } from '../../app.ts';
import type { CreateBatcher } from '../../notifications/batcher.ts';
import type { ServiceSnapshot, V2Cache } from '../../notifications/cache.ts';
import type { KeyType } from '../../auth/jwt-auth.ts';
import { makeS3Client } from '../../lib/s3.ts';

export interface V2State {
  ctx: AppContext;
  /** Every query of the API: as notify_api (ctx.apiPool) when the server has that pool. */
  pool: Pool;
  cache: V2Cache;
  batcher: CreateBatcher;
  s3(): S3Client;
  baseUrl: string;
}

export interface ApiCaller {
  service: ServiceSnapshot;
  apiKeyId: string;
  keyType: KeyType;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

export function caller(request: FastifyRequest): ApiCaller {
  if (!request.apiCaller) throw new Error('v2 route reached without authentication');
  return request.apiCaller;
}

/** The S3 client of the context, or one for the configured / local endpoint, made on first use. */
export function lazyS3(ctx: AppContext): () => S3Client {
  let client: S3Client | null = ctx.s3 ?? null;
  return () => {
    if (!client) client = makeS3Client(ctx.cfg);
    return client;
  };
}

// Defined with the sending rules; the GET routes read letter PDFs by it too.
export { letterPdfKey } from '../../sending/sending.ts';
