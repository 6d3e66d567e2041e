// File attachments sent by email: the file is stored in the documents
// bucket with what is needed to check a download — hashes of the link's key and, when the sender
// asked for it, of the recipient's address — and its expiry. src/routes/documents.ts serves it.
import crypto from 'node:crypto';

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
