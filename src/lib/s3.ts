// S3 access, only through @aws-sdk/client-s3. Locally a bundled S3-compatible server
// (s3rver) is started by `npm start`; S3_ENDPOINT switches to a real one.
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { config, projectRoot, type Config } from '../config.ts';

/** S3_ENDPOINT, else (outside production) the local server `npm start` runs on S3_LOCAL_PORT. */
export function defaultS3Endpoint(cfg: Config): string | undefined {
  return cfg.S3_ENDPOINT ?? (cfg.NODE_ENV === 'production' ? undefined : `http://127.0.0.1:${cfg.S3_LOCAL_PORT}`);
}

export function makeS3Client(cfg: Config, endpoint: string | undefined = defaultS3Endpoint(cfg)): S3Client {
  return new S3Client({
    region: cfg.S3_REGION,
    endpoint,
    forcePathStyle: Boolean(endpoint),
    credentials: { accessKeyId: cfg.S3_ACCESS_KEY_ID, secretAccessKey: cfg.S3_SECRET_ACCESS_KEY },
    // Local servers store streamed uploads corrupted when the SDK adds its default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An S3 error that means the object is not there (404 / NoSuchKey). */
export function isMissing(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (e as { name?: string }).name;
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

let processClient: S3Client | undefined;
/** One client per process, from the process configuration (worker tasks). */
export function processS3(): S3Client {
  processClient ??= makeS3Client(config());
  return processClient;
}

/**
 * Replaces the process's client (undefined: back to one from the configuration). Tests use it to
 * put an S3 that fails at chosen calls under the letter tasks.
 */
export function setProcessS3(client: S3Client | undefined): void {
  processClient = client;
}

/**
 * An S3 error worth trying again: the service's own faults (5xx), throttling, timeouts and lost
 * connections (no HTTP status at all). Any other 4xx is an answer: the request was refused.
 */
export function isTransientS3Error(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 408 || status === 429;
}

export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** Start s3rver on loopback with data inside the project. */
export async function startLocalS3(cfg: Config, port = cfg.S3_LOCAL_PORT, dir?: string): Promise<LocalS3> {
  const { default: S3rver } = (await import('s3rver')) as unknown as {
    default: new (
      o: Record<string, unknown>,
    ) => {
      run(): Promise<{ port: number }>;
      close(): Promise<void>;
    };
  };
  const directory = dir ?? path.resolve(projectRoot, cfg.S3_LOCAL_DIR);
  await fs.mkdir(directory, { recursive: true });
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true });
  const info = await server.run();
  return { endpoint: `http://127.0.0.1:${info.port}`, close: () => server.close() };
}

/** Create each configured bucket if missing. */
export async function ensureBuckets(client: S3Client, buckets: string[]): Promise<void> {
  for (const Bucket of buckets) {
    try {
      await client.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await client.send(new CreateBucketCommand({ Bucket }));
    }
  }
}

/** S3 existence check: 404 → false; any other error is re-raised, so an outage never reads as a missing object. */
export async function objectExists(client: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/** An object's bytes, or null when it is not there; any other error is re-raised. */
export async function objectBytes(client: S3Client, Bucket: string, Key: string): Promise<Uint8Array | null> {
  try {
    return await (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray();
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}
