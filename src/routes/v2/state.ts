// What the v2 route groups share: the cache, the create batcher, S3, the authenticated caller.
import type { S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import type { CreateBatcher } from '../../notifications/batcher.ts';
import type { ServiceSnapshot, V2Cache } from '../../notifications/cache.ts';
import type { KeyType } from '../../auth/jwt-auth.ts';
import { makeS3Client } from '../../lib/s3.ts';
import { pdfFileName } from '../../letters/letters.ts';

export interface V2State {
  ctx: AppContext;
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

/**
 * S3 key of a letter's PDF in the letters PDF bucket, from the one definition in SQL,
 * app_private.letter_pdf_key (archival deletes PDFs by it):
 * `{print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF`. Precompiled letters
 * waiting for the virus scan are in the scan bucket under the file name alone (`folder` false).
 */
export async function letterPdfKey(
  pool: Pick<pg.Pool, 'query'>,
  n: { reference: string; postage: string | null; createdAt: Date },
  folder = true,
): Promise<string> {
  const { rows } = await pool.query<{ key: string }>('select app_private.letter_pdf_key($1, $2, $3) as key', [
    n.reference,
    n.postage,
    n.createdAt,
  ]);
  return folder ? rows[0].key : pdfFileName(rows[0].key);
}
