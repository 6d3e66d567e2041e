// The files behind jobs and contact lists: a job's CSV in the CSV upload bucket, a contact list's
// in the contact-list bucket, both at service-{service_id}-notify/{id}.csv (Notify's keys).
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';

/** Where a job's or contact list's CSV lives in its bucket. */
export function serviceFileKey(serviceId: string, id: string): string {
  return `service-${serviceId}-notify/${id}.csv`;
}

/**
 * Delete objects in batches of up to 1000 (one request each). Deleting a key that is not there
 * succeeds in S3, so a rerun after a crash is harmless; any other failure is thrown.
 */
export async function deleteObjects(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
    if (out.Errors?.length) {
      throw new Error(`deleting from ${bucket}: ${out.Errors.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`);
    }
  }
}

type Query = (sql: string, values?: unknown[]) => Promise<pg.QueryResult>;

/**
 * CSVs of jobs past retention are deleted, then the jobs marked archived, a batch at a time until
 * none are left. Deleting first makes a crash in between safe: the job stays unarchived and the
 * next run deletes the (now missing) object again before recording it.
 */
export async function removeJobFiles(
  query: Query,
  s3: S3Client,
  bucket: string,
  notificationTypes: string[],
  batchSize = 1000,
): Promise<number> {
  let archived = 0;
  for (;;) {
    const { rows } = await query('select id, service_id from app_private.jobs_past_retention($1, $2)', [
      notificationTypes,
      batchSize,
    ]);
    if (rows.length === 0) return archived;
    await deleteObjects(
      s3,
      bucket,
      rows.map((r) => serviceFileKey(r.service_id as string, r.id as string)),
    );
    const done = await query('select app_private.archive_jobs($1::uuid[]) as n', [rows.map((r) => r.id)]);
    archived += done.rows[0].n as number;
  }
}
