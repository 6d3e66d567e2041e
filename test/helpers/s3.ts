// A local S3 server (s3rver) for one test file, in a temporary directory removed afterwards,
// with the configuration's buckets created.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ensureBuckets, makeS3Client, startLocalS3 } from '../../src/lib/s3.ts';
import type { Config } from '../../src/config.ts';
import type { Teardown } from './db.ts';

export async function startTestS3(
  t: Teardown,
  cfg: Config,
  label: string,
): Promise<{ endpoint: string; s3: S3Client }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${label}-s3-`));
  const server = await startLocalS3(cfg, 0, dir);
  t.teardown(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  const s3 = makeS3Client(cfg, server.endpoint);
  await ensureBuckets(s3, cfg.buckets);
  return { endpoint: server.endpoint, s3 };
}
