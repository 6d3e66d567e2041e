import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { JobHelpers, Task } from 'graphile-worker';
import { z } from 'zod';
import { config } from '../src/config.ts';
import { objectExists, processS3 } from '../src/lib/s3.ts';

const Payload = z.object({
  notification_type: z.enum(['sms', 'email', 'letter']).optional(),
  batch_size: z.number().int().positive().max(100000).optional(),
});

interface Batch {
  archived: number;
  deleted_test: number;
  last_service_id: string | null;
  last_created_at: Date | null;
  letter_pdf_keys: string[] | null;
}

function letterS3(): { client: S3Client; bucket: string } {
  return { client: processS3(), bucket: config().LETTERS_PDF_BUCKET };
}

/**
 * Archival: rows past each service's retention move to
 * notification_history (test-key rows are deleted), one chunk of <= batch_size rows per
 * transaction. Each chunk is one call of app_private.archive_notifications_batch, so a
 * killed run keeps every committed chunk and a rerun carries on with what is left.
 * Payload `{"notification_type": "sms"}` does one type; none does sms, email, letter.
 * Archived letters' PDFs are then removed from S3 (after the commit: a PDF is never
 * lost for a letter that is still live; a missing object is a warning).
 */
const archiveNotifications: Task = async (payload, helpers) => {
  const { notification_type, batch_size } = Payload.parse(payload ?? {});
  const types = notification_type ? [notification_type] : (['sms', 'email', 'letter'] as const);
  // The types are independent: archive them at once, one connection each (both cores busy).
  await Promise.all(types.map((type) => archiveType(type, batch_size ?? 50000, helpers)));
};

async function archiveType(type: 'sms' | 'email' | 'letter', batchSize: number, helpers: JobHelpers): Promise<void> {
  let afterService: string | null = null;
  let after: Date | string = '-infinity';
  let archived = 0;
  let deleted = 0;
  for (;;) {
    const { rows } = await helpers.withPgClient((c) =>
      c.query<Batch>('select * from app_private.archive_notifications_batch($1, $2, $3, $4)', [
        type,
        batchSize,
        afterService,
        after,
      ]),
    );
    const b = rows[0];
    if (b.archived + b.deleted_test === 0) break;
    archived += b.archived;
    deleted += b.deleted_test;
    afterService = b.last_service_id ?? afterService;
    after = b.last_created_at ?? after;
    if (b.letter_pdf_keys?.length) await removeLetterPdfs(b.letter_pdf_keys, helpers.logger);
    helpers.logger.debug(`${type}: ${archived} archived, ${deleted} test rows deleted so far`);
  }
  helpers.logger.info(`${type}: ${archived} notifications archived, ${deleted} test-key notifications deleted`);
}

async function removeLetterPdfs(keys: string[], logger: { warn(m: string): void }): Promise<void> {
  const { client, bucket } = letterS3();
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(
      keys.slice(i, i + 20).map(async (Key) => {
        try {
          if (!(await objectExists(client, bucket, Key))) {
            logger.warn(`letter PDF ${bucket}/${Key} not found`);
            return;
          }
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
        } catch (e) {
          logger.warn(`could not remove letter PDF ${bucket}/${Key}: ${(e as Error).message}`);
        }
      }),
    );
  }
}

export default archiveNotifications;
