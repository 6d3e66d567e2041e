// Files sent by email: a personalisation value {"file": base64, "filename", "is_csv",
// "confirm_email_before_download", "retention_period"} becomes a download link. The checks and
// their messages are Notify's: notifications-api (post_notifications.py process_document_uploads,
// validators.py check_if_service_can_send_files_by_email, send_a_file_validation) and its
// document-download service (app/utils/file_checks.py, app/utils/validation.py). Links are
// decided before anything is stored, so the message can be checked with them in place; the files
// are uploaded only once every other check has passed (see DocumentUploads).
import crypto from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BadRequestError } from '../lib/errors.ts';
import { sendAFile } from '../routes/v2/schemas.ts';
import { validate } from '../routes/v2/validate.ts';
import { expiryMarkerKey, recipientHash, sha256, toS3Metadata } from './documents.ts';
import {
  extensionOf,
  isAllowedExtension,
  isAllowedMimeType,
  mimeTypeFromExtension,
  sniffMimeType,
  unsupportedFileTypeMessage,
} from './file-types.ts';

/** document-download's MAX_DECODED_FILE_SIZE: 2 MiB and a little for encoders' slack. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024 + 1024;
/** document-download's MAX_CUSTOM_FILENAME_LENGTH. */
export const MAX_FILENAME_LENGTH = 100;
/** Notify's DEFAULT_DOCUMENT_DOWNLOAD_RETENTION_PERIOD ("26 weeks"). */
export const DEFAULT_RETENTION_WEEKS = 26;

export type Personalisation = Record<string, unknown>;

export interface FileAttachment {
  /** The personalisation key the file was given under. */
  key: string;
  content: Buffer;
  filename: string | null;
  /** Whether the recipient must give their address before downloading (default true). */
  confirmEmailBeforeDownload: boolean;
  /** Weeks to keep the file (1–78). */
  retentionWeeks: number;
  isCsv: boolean;
  /** The file's type as served on download. */
  mimeType: string;
}

export function isFileAttachmentValue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'file' in value;
}

/** The keys whose values are files, in the order given. */
export function fileKeys(personalisation: Personalisation | null | undefined): string[] {
  return Object.entries(personalisation ?? {})
    .filter(([, value]) => isFileAttachmentValue(value))
    .map(([key]) => key);
}

/**
 * Notify's schema of a file value (send_a_file_validation): a ValidationError with every
 * message, e.g. "retention_period Unsupported value for retention_period: 80 weeks. …".
 */
export function validateFileValue(value: Record<string, unknown>): void {
  validate(sendAFile, value);
}

/** Notify's check that the service has contact details for recipients of files. */
export function assertCanSendFilesByEmail(
  service: { id: string; contactLink: string | null },
  adminBaseUrl: string,
): void {
  if (!service.contactLink) {
    throw new BadRequestError(
      'Send files by email has not been set up - add contact details for your service at ' +
        `${adminBaseUrl.replace(/\/+$/, '')}/services/${service.id}/service-settings/send-files-by-email`,
    );
  }
}

/**
 * python's base64.b64decode without validate: characters outside the alphabet are dropped, the
 * data ends at the first padding, which must complete the last group. null when it cannot decode.
 */
export function decodeBase64Leniently(text: string): Buffer | null {
  const kept = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const pad = kept.indexOf('=');
  const data = pad === -1 ? kept : kept.slice(0, pad);
  const rest = data.length % 4;
  if (rest === 1) return null;
  if (rest !== 0) {
    const padding = pad === -1 ? 0 : /^=*/.exec(kept.slice(pad))![0].length;
    if (padding < 4 - rest) return null;
  }
  return Buffer.from(data, 'base64');
}

/**
 * The checks document-download makes of an upload, in its order, after the value passed
 * validateFileValue: base64, filename length and extension, size, empty, type. Throws
 * BadRequestError with its messages.
 */
export function parseFileAttachment(key: string, value: Record<string, unknown>): FileAttachment {
  const content = decodeBase64Leniently(value.file as string);
  if (content === null) throw new BadRequestError('Document is not base64 encoded');
  const filename = typeof value.filename === 'string' ? value.filename : null;
  const isCsv = value.is_csv === true;
  if (filename !== null) {
    if ([...filename].length > MAX_FILENAME_LENGTH) {
      throw new BadRequestError(`\`filename\` cannot be longer than ${MAX_FILENAME_LENGTH} characters`);
    }
    if (!isAllowedExtension(extensionOf(filename))) {
      throw new BadRequestError(unsupportedFileTypeMessage(`.${extensionOf(filename).toLowerCase()}`));
    }
  }
  if (content.length > MAX_ATTACHMENT_BYTES) throw new BadRequestError('Uploaded file exceeds file size limit');
  if (content.length === 0) throw new BadRequestError('Document must not be empty');
  // As document-download: a filename's extension names the type, but only if the content's own
  // type is allowed too; without one, the content's type (text read as CSV when is_csv says so).
  const detected = sniffMimeType(content);
  let mimeType: string;
  if (filename !== null) {
    mimeType = mimeTypeFromExtension(extensionOf(filename))!;
    if (detected !== mimeType && !isAllowedMimeType(detected)) {
      throw new BadRequestError(unsupportedFileTypeMessage(detected));
    }
  } else {
    mimeType = isCsv && detected === 'text/plain' ? 'text/csv' : detected;
    if (!isAllowedMimeType(mimeType)) throw new BadRequestError(unsupportedFileTypeMessage(mimeType));
  }
  const retention = typeof value.retention_period === 'string' ? /^\s*(\d+)/.exec(value.retention_period) : null;
  return {
    key,
    content,
    filename,
    confirmEmailBeforeDownload: value.confirm_email_before_download !== false,
    retentionWeeks: retention ? Number(retention[1]) : DEFAULT_RETENTION_WEEKS,
    isCsv,
    mimeType,
  };
}

export interface DocumentUploadsOptions {
  s3: () => S3Client;
  bucket: string;
  /** Base of download links (config documentDownloadUrl). */
  host: string;
  serviceId: string;
  /** The address the email goes to: kept only as a hash, for confirm_email_before_download. */
  recipient: string;
  /** Simulated recipients get a dummy link and nothing is stored (as Notify). */
  simulated: boolean;
  now?: () => Date;
}

interface Planned {
  file: FileAttachment;
  objectKey: string;
  linkKey: string;
}

/**
 * The files of one notification: link() gives each its final link at once (no I/O), upload()
 * stores them all, remove() deletes what upload() stored (when the notification is then refused,
 * e.g. by a sending limit).
 */
export class DocumentUploads {
  private readonly planned: Planned[] = [];
  private uploaded: string[] = [];
  private readonly opts: DocumentUploadsOptions;
  constructor(opts: DocumentUploadsOptions) {
    this.opts = opts;
  }

  get count(): number {
    return this.planned.length;
  }

  get simulated(): boolean {
    return this.opts.simulated;
  }

  /** From notifications-api's document_download client (get_upload_url_for_simulated_email). */
  simulatedLink(): string {
    return `${this.opts.host}/services/${this.opts.serviceId}/documents/test-document`;
  }

  link(file: FileAttachment): string {
    const { host, serviceId } = this.opts;
    if (this.opts.simulated) return this.simulatedLink();
    const documentId = crypto.randomUUID();
    const linkKey = crypto.randomBytes(32).toString('base64url');
    this.planned.push({ file, objectKey: `${serviceId}/${documentId}`, linkKey });
    return `${host}/d/${serviceId}/${documentId}?key=${linkKey}`;
  }

  async upload(): Promise<void> {
    const now = (this.opts.now ?? (() => new Date()))();
    for (const { file, objectKey, linkKey } of this.planned) {
      const expiresAt = new Date(now.getTime() + file.retentionWeeks * 7 * 86_400_000);
      await this.opts.s3().send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key: objectKey,
          Body: file.content,
          ContentType: file.mimeType,
          Expires: expiresAt,
          Metadata: toS3Metadata({
            filename: file.filename ?? '',
            keyHash: sha256(linkKey),
            emailHash: file.confirmEmailBeforeDownload ? recipientHash(this.opts.recipient) : null,
            expiresAt,
          }),
        }),
      );
      this.uploaded.push(objectKey);
      const marker = expiryMarkerKey(objectKey, expiresAt);
      await this.opts.s3().send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: marker, Body: '' }));
      this.uploaded.push(marker);
    }
  }

  async remove(): Promise<void> {
    if (!this.uploaded.length) return;
    const keys = this.uploaded;
    this.uploaded = [];
    await this.opts
      .s3()
      .send(new DeleteObjectsCommand({ Bucket: this.opts.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  }
}

/**
 * Notify's process_document_uploads before the upload itself: every file value is validated
 * (schema, then the service's contact link, then document-download's checks) and replaced by
 * its link from `uploads`. Returns the personalisation unchanged when it holds no files.
 */
export function prepareFileAttachments(
  personalisation: Personalisation | null | undefined,
  service: { id: string; contactLink: string | null },
  adminBaseUrl: string,
  uploads: DocumentUploads,
): Personalisation | null | undefined {
  const keys = fileKeys(personalisation);
  if (!keys.length) return personalisation;
  const values = personalisation as Personalisation;
  for (const key of keys) validateFileValue(values[key] as Record<string, unknown>);
  assertCanSendFilesByEmail(service, adminBaseUrl);
  const out: Personalisation = { ...values };
  for (const key of keys) {
    // Notify stores nothing for simulated recipients, so it makes none of the upload's checks.
    out[key] = uploads.simulated
      ? uploads.simulatedLink()
      : uploads.link(parseFileAttachment(key, values[key] as Record<string, unknown>));
  }
  return out;
}
