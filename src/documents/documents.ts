// File attachments sent by email: the file is stored in the documents
// bucket with what is needed to check a download — hashes of the link's key and, when the sender
// asked for it, of the recipient's address — and its expiry. src/routes/documents.ts serves it.
import crypto from 'node:crypto';
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export const sha256 = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * What is kept of a recipient's address for confirm_email_before_download (and what a form entry is checked
 * against).
 */
export const recipientHash = (email: string): string => sha256(email.trim().toLowerCase());

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}

export interface DocumentMeta {
  filename: string;
  keyHash: string;
  /** sha256 of the lowercased recipient address when the sender set confirm_email_before_download. */
  emailHash: string | null;
  expiresAt: Date;
}

/** S3 object metadata (x-amz-meta-*) for a stored document. */
export function toS3Metadata(m: DocumentMeta): Record<string, string> {
  return {
    filename: encodeURIComponent(m.filename),
    'key-sha256': m.keyHash,
    'email-sha256': m.emailHash ?? '',
    'expires-at': m.expiresAt.toISOString(),
  };
}

export function fromS3Metadata(meta: Record<string, string> | undefined): DocumentMeta | null {
  if (!meta?.['key-sha256'] || !meta['expires-at']) return null;
  const expiresAt = new Date(meta['expires-at']);
  if (Number.isNaN(expiresAt.getTime())) return null;
  let filename = '';
  try {
    filename = decodeURIComponent(meta.filename ?? '');
  } catch {
    filename = '';
  }
  return { filename, keyHash: meta['key-sha256'], emailHash: meta['email-sha256'] || null, expiresAt };
}

// Removal when the retention period ends. Each file has a marker object, empty, under
// `expiry/<expiry date>/<its key>`: keys sort by date, so the daily task lists only the markers
// of days that have passed (no scan of every file) and deletes each file with its marker. The
// download route also refuses a file past its expiry, so a file not yet removed is never served.
export const EXPIRY_PREFIX = 'expiry/';

/** The marker of a file kept until `expiresAt`: removed on the first run of the day after. */
export function expiryMarkerKey(objectKey: string, expiresAt: Date): string {
  return `${EXPIRY_PREFIX}${expiresAt.toISOString().slice(0, 10)}/${objectKey}`;
}

export interface ExpiredRemoval {
  files: number;
}

/**
 * Deletes every file (and its marker) whose expiry date is before `now`'s UTC date, 1000 per
 * request. Files expire at a time of day; until the next run after that day, the download route
 * refuses them.
 */
export async function deleteExpiredDocuments(s3: S3Client, bucket: string, now = new Date()): Promise<ExpiredRemoval> {
  const today = now.toISOString().slice(0, 10);
  const stopAt = `${EXPIRY_PREFIX}${today}/`;
  let files = 0;
  let token: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: EXPIRY_PREFIX, ContinuationToken: token, MaxKeys: 500 }),
    );
    const markers = (page.Contents ?? []).map((o) => o.Key!).filter((k) => k < stopAt);
    if (markers.length) {
      const objects = markers.flatMap((marker) => [
        { Key: marker.slice(EXPIRY_PREFIX.length + 'YYYY-MM-DD/'.length) },
        { Key: marker },
      ]);
      const out = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      if (out.Errors?.length) {
        throw new Error(`deleting expired documents: ${out.Errors.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`);
      }
      files += markers.length;
    }
    // Markers are listed in date order: once one is for today or later, the rest are too.
    const reachedToday = (page.Contents ?? []).some((o) => o.Key! >= stopAt);
    if (reachedToday || !page.IsTruncated) break;
    token = page.NextContinuationToken;
  }
  return { files };
}
