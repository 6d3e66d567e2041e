// Bulk sending: a recipients file is streamed to the CSV bucket, checked by streaming it back
// (src/jobs/recipient-csv.ts), made a job by app_public.create_job (job id = upload id, so the file's
// key is the job's), and processed by tasks/process-job.ts through the same row checks and
// app_hidden.create_notifications. Every door (REST upload, GraphQL create_job, the CLI) uses these.
import crypto from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { ApiError, BadRequestError } from '../lib/errors.ts';
import { isMissing } from '../lib/s3.ts';
import { isUuid } from '../lib/uuid.ts';
import type { CreateItem, CreateOutcome } from '../notifications/batcher.ts';
import { type CachedTemplate, cachedTemplate, type ServiceSnapshot, type V2Cache } from '../notifications/cache.ts';
import { contextFor, SEND_PERMISSION, type SendingDeps } from '../sending/from-template.ts';
import { assertSender, type NotificationType, type SendingContext } from '../sending/sending.ts';
import {
  type CheckReport,
  CsvFileError,
  checkFile,
  FILE_MESSAGES,
  MAX_FILE_BYTES,
  openCsv,
  RowChecker,
} from './recipient-csv.ts';
import { CheckedRows, checkedRowsOf, forgetCheckedRows, storeCheckedRows } from './checked-rows.ts';
import { serviceFileKey } from './job-files.ts';

/** What the bulk sending code needs: the sending module's dependencies (cache, pool, S3, config). */
export type JobDeps = Omit<SendingDeps, 'batcher' | 'pool'> & {
  pool: Pick<pg.Pool, 'query' | 'connect'>;
  cache: Pick<V2Cache, 'service' | 'template' | 'serviceWith'>;
  /** The upload limit (default MAX_FILE_BYTES; tests lower it). */
  maxFileBytes?: number;
};

/** Who acts: a signed-in user (with the permission check of GraphQL's sendNotification), or a trusted caller. */
export interface JobActor {
  userId: string | null;
  assertMaySend?(serviceId: string, permission: string | null): Promise<void>;
}

/** The service and template of an upload, in sendFromTemplate's order of checks and messages. */
export async function serviceAndTemplate(
  deps: JobDeps,
  actor: JobActor,
  serviceId: string,
  templateId: string | undefined,
): Promise<{ service: ServiceSnapshot; template: CachedTemplate }> {
  if (!isUuid(serviceId)) throw new BadRequestError(`Service ${serviceId} not found`);
  const service = await deps.cache.service(serviceId.toLowerCase());
  if (!service) throw new BadRequestError(`Service ${serviceId} not found`);
  await actor.assertMaySend?.(service.id, null);
  if (!service.active) throw new ApiError(403, 'BadRequestError', `Service ${service.id} is archived`);
  let template: CachedTemplate | null = null;
  if (templateId && isUuid(templateId)) template = await deps.cache.template(templateId.toLowerCase());
  if (!template || template.serviceId !== service.id || template.hidden) {
    throw new BadRequestError('Template not found');
  }
  await actor.assertMaySend?.(service.id, SEND_PERMISSION[template.type]);
  if (template.archived) throw new BadRequestError('Template has been deleted');
  return { service, template };
}

/** The sending context for a file's rows: one template, read once (not once per row). */
export function jobContext(
  deps: JobDeps,
  service: ServiceSnapshot,
  template: CachedTemplate,
  userId: string | null,
): SendingContext {
  const ctx = contextFor(
    { ...deps, batcher: { submit: () => Promise.reject(new Error('not used')) } },
    service,
    userId,
  );
  return { ...ctx, template: async (id) => (id === template.id ? template : deps.cache.template(id)) };
}

/**
 * Messages of the type the service may still send today (its daily limit less today's count);
 * 'international_sms' is the separate limit on texts abroad (which count toward both).
 */
export async function remainingToday(
  pool: Pick<pg.Pool, 'query'>,
  serviceId: string,
  channel: NotificationType | 'international_sms',
): Promise<number> {
  const { rows } = await pool.query<{ remaining: number | null }>(
    'select (app_hidden.daily_limit($1, $2) - app_hidden.sent_today($1, $2))::int as remaining',
    [serviceId, channel],
  );
  return rows[0]?.remaining ?? 0;
}

/** Counts bytes on the way to S3 and stops the upload past the limit. */
function sizeGuard(maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new CsvFileError(FILE_MESSAGES.tooLarge(maxBytes)));
      else done(null, chunk);
    },
  });
}

export async function deleteCsv(s3: S3Client, cfg: Config, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: cfg.CSV_UPLOAD_BUCKET, Key: key })).catch(() => undefined);
}

/** The stored file as a stream, and the name it was uploaded with; null when it is not there. */
export async function readCsv(
  s3: S3Client,
  cfg: Config,
  key: string,
): Promise<{ body: Readable; fileName: string; senderId: string | null } | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: cfg.CSV_UPLOAD_BUCKET, Key: key }));
    const name = out.Metadata?.['original-file-name'];
    return {
      body: out.Body as Readable,
      fileName: name ? decodeURIComponent(name) : 'upload.csv',
      senderId: out.Metadata?.sender_id || null,
    };
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

export interface UploadRequest {
  serviceId: string;
  templateId: string | undefined;
  fileName: string;
  body: Readable;
  /**
   * The sender for every row (Notify keeps it in the file's metadata as sender_id): an SMS sender of the
   * service for texts, a reply-to address for emails; letters have none.
   */
  senderId?: string | null;
}

/**
 * Streams a file to the CSV bucket (never whole in memory), then checks it by streaming it back.
 * A file that is not a readable spreadsheet (CsvFileError) is deleted and refused; a readable one
 * is kept, with its report (valid or not), under the upload id.
 */
export async function uploadAndCheck(deps: JobDeps, actor: JobActor, req: UploadRequest): Promise<CheckReport> {
  const { service, template } = await serviceAndTemplate(deps, actor, req.serviceId, req.templateId);
  const senderId = template.type === 'letter' ? null : req.senderId?.trim().toLowerCase() || null;
  // A sender that is not the service's is refused before anything is stored, with the v2 API's message.
  if (senderId && template.type !== 'letter') {
    await assertSender(jobContext(deps, service, template, actor.userId), template.type, senderId);
  }
  const uploadId = crypto.randomUUID();
  const key = serviceFileKey(service.id, uploadId);
  const s3 = deps.s3();
  const guard = sizeGuard(deps.maxFileBytes ?? MAX_FILE_BYTES);
  let guardError: unknown = null;
  req.body.on('error', (e) => guard.destroy(e));
  guard.on('error', (e) => {
    guardError = e;
  });
  req.body.pipe(guard);
  try {
    await new Upload({
      client: s3,
      params: {
        Bucket: deps.cfg.CSV_UPLOAD_BUCKET,
        Key: key,
        Body: guard,
        ContentType: 'text/csv',
        Metadata: {
          'original-file-name': encodeURIComponent(req.fileName),
          ...(senderId ? { sender_id: senderId } : {}),
        },
      },
    }).done();
  } catch (e) {
    await deleteCsv(s3, deps.cfg, key);
    throw guardError instanceof ApiError ? guardError : e;
  }
  if (guardError) {
    await deleteCsv(s3, deps.cfg, key);
    throw guardError;
  }
  try {
    return await checkStored(deps, service, template, actor.userId, uploadId, req.fileName);
  } catch (e) {
    if (e instanceof CsvFileError) await deleteCsv(s3, deps.cfg, key);
    throw e;
  }
}

async function checkStored(
  deps: JobDeps,
  service: ServiceSnapshot,
  template: CachedTemplate,
  userId: string | null,
  uploadId: string,
  fileName?: string,
): Promise<CheckReport> {
  const stored = await readCsv(deps.s3(), deps.cfg, serviceFileKey(service.id, uploadId));
  if (!stored) throw new ApiError(404, 'NoResultFound', `Upload ${uploadId} not found`);
  const name = fileName ?? stored.fileName;
  try {
    const file = await openCsv(stored.body, name, { maxBytes: deps.maxFileBytes });
    const checker = new RowChecker(
      jobContext(deps, service, template, userId),
      template,
      file.headers,
      stored.senderId,
    );
    const remaining = await remainingToday(deps.pool, service.id, template.type);
    const international =
      template.type === 'sms' ? await remainingToday(deps.pool, service.id, 'international_sms') : null;
    const kept = new CheckedRows(deps.pool, uploadId);
    await kept.start();
    let report: CheckReport;
    let staged: number | null = null;
    try {
      report = await checkFile(file, checker, {
        uploadId,
        fileName: name,
        remainingToday: remaining,
        remainingInternational: international,
        onPrepared: checker.columnsOk ? (index, item) => kept.add(index, item) : undefined,
      });
      // Rows the database would not take as kept (it refuses what a notification could not hold either)
      // only cost the job its shortcut: process-job then reads the file.
      if (report.valid) staged = await kept.finish().catch(() => null);
    } finally {
      if (staged === null) await kept.discard();
    }
    await recordCheck(deps.pool, service.id, template, userId, report, staged);
    return report;
  } finally {
    stored.body.destroy();
  }
}

/**
 * The check as create_job trusts it (app_private.csv_uploads): the last check of an upload wins, so a
 * file checked again against another template, or after the template changed, is sent only as checked.
 */
async function recordCheck(
  pool: Pick<pg.Pool, 'query'>,
  serviceId: string,
  template: CachedTemplate,
  userId: string | null,
  report: CheckReport,
  staged: number | null,
): Promise<void> {
  await pool.query(
    `insert into app_private.csv_uploads (id, service_id, template_id, template_version, row_count, has_errors,
       checked_by_id, staged_rows)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (id) do update set service_id = excluded.service_id, template_id = excluded.template_id,
       template_version = excluded.template_version, row_count = excluded.row_count,
       has_errors = excluded.has_errors, checked_at = now(), checked_by_id = excluded.checked_by_id,
       staged_rows = excluded.staged_rows`,
    [report.upload_id, serviceId, template.id, template.version, report.row_count, !report.valid, userId, staged],
  );
}

/** The report of a stored upload against a template, again (GET …/uploads/:uploadId/check). */
export async function recheck(
  deps: JobDeps,
  actor: JobActor,
  serviceId: string,
  uploadId: string,
  templateId: string | undefined,
): Promise<CheckReport> {
  const { service, template } = await serviceAndTemplate(deps, actor, serviceId, templateId);
  if (!isUuid(uploadId)) throw new ApiError(404, 'NoResultFound', `Upload ${uploadId} not found`);
  return checkStored(deps, service, template, actor.userId, uploadId.toLowerCase());
}

export interface JobRow {
  id: string;
  service_id: string;
  template_id: string;
  template_version: number;
  job_status: string;
  notification_count: number;
  original_file_name: string;
  created_by_id: string | null;
  scheduled_for: Date | null;
  processing_started: Date | null;
  processing_finished: Date | null;
}

/**
 * app_public.create_job (as the owner: the caller has checked the user's permission). The upload must have
 * been checked without errors (uploadAndCheck records it); the job's row count is the check's.
 */
export async function createJob(
  pool: Pick<pg.Pool, 'query'>,
  job: {
    serviceId: string;
    templateId: string;
    uploadId: string;
    fileName: string;
    scheduledFor?: string | null;
    userId?: string | null;
  },
): Promise<JobRow> {
  const { rows } = await pool.query<JobRow>(
    `with claims as materialized (select set_config('jwt.claims.user_id', coalesce($6, ''), true) as u)
     select j.* from claims, app_public.create_job($1, $2, $3, $4, $5::timestamptz) j`,
    [job.serviceId, job.templateId, job.uploadId, job.fileName, job.scheduledFor ?? null, job.userId ?? null],
  );
  return rows[0];
}

/** A job's status and its notifications counted by status (GET job, `notify job-status`). */
export async function jobStatus(
  pool: Pick<pg.Pool, 'query'>,
  jobId: string,
): Promise<(JobRow & { processed: number; statistics: { status: string; count: number }[] }) | null> {
  if (!isUuid(jobId)) return null;
  const { rows } = await pool.query<JobRow>('select * from app_public.jobs where id = $1', [jobId]);
  if (!rows[0]) return null;
  const { rows: stats } = await pool.query<{ status: string; count: number }>(
    `select notification_status as status, count(*)::int as count from app_public.notifications
     where job_id = $1 group by 1 order by 1`,
    [jobId],
  );
  return { ...rows[0], processed: stats.reduce((n, s) => n + s.count, 0), statistics: stats };
}

/** Rows stored per create_notifications call (one statement, one transaction with its delivery jobs). */
export const PROCESS_BATCH = 5000;

/** Batches process-job stores at once (on as many connections). */
export const PROCESS_PARALLEL = 2;

export interface ProcessOutcome {
  status: string;
  created: number;
  skipped: number;
  refused: number;
}

/**
 * process-job (Notify's process_job): only a pending job; → in progress; an inactive service →
 * cancelled; more rows than the day's remaining limit → sending limits exceeded; else the file is
 * streamed from S3 and its rows checked and stored in batches, each batch with its delivery jobs in
 * one transaction. Restart-safe: rows stored already (wherever they are in the file) are not checked
 * again, and a row stored meanwhile is skipped by create_notifications. job_row_number counts the data
 * rows without the blank ones, as the check's row_count (the job's notification_count) does. Bad rows
 * (shown by the check) are skipped.
 * `afterBatch` lets tests stop it between batches (a crash).
 */
export async function processJob(
  deps: JobDeps,
  jobId: string,
  opts: {
    batchSize?: number;
    /** Batches stored at once, each on its own connection (default PROCESS_PARALLEL). */
    parallel?: number;
    afterBatch?: (n: number) => Promise<void> | void;
    log?: (m: string) => void;
  } = {},
): Promise<ProcessOutcome | null> {
  const pool = deps.pool;
  const log = opts.log ?? (() => undefined);
  // pending → in progress, once; a job left in progress by a crash is resumed (check-job-status
  // puts it back to pending, or a retry of this task finds it in progress with processing_started).
  const { rows } = await pool.query<JobRow & { service_active: boolean }>(
    `update app_public.jobs j
        set job_status = 'in progress', processing_started = coalesce(j.processing_started, now())
       from app_public.services s
      where j.id = $1 and s.id = j.service_id and j.job_status in ('pending', 'in progress')
      returning j.*, s.active as service_active`,
    [jobId],
  );
  const job = rows[0];
  if (!job) {
    log(`job ${jobId} is not pending: nothing to do`);
    return null;
  }
  const finish = async (status: string) => {
    await pool.query(`update app_public.jobs set job_status = $2, processing_finished = now() where id = $1`, [
      jobId,
      status,
    ]);
  };
  if (!job.service_active) {
    await pool.query(`update app_public.jobs set job_status = 'cancelled' where id = $1`, [jobId]);
    return { status: 'cancelled', created: 0, skipped: 0, refused: 0 };
  }
  const service = await deps.cache.service(job.service_id);
  const template = await templateVersion(pool, job.template_id, job.template_version);
  if (!service || !template) {
    await finish('error');
    return { status: 'error', created: 0, skipped: 0, refused: 0 };
  }
  // A job that has stored nothing yet is checked against the day's limit as a whole (a resumed one was).
  const { rows: started } = await pool.query<{ any: boolean }>(
    'select exists (select from app_public.notifications where job_id = $1) as any',
    [jobId],
  );
  if (!started[0].any) {
    const remaining = await remainingToday(pool, job.service_id, template.type);
    if (job.notification_count > remaining) {
      await finish('sending limits exceeded');
      return { status: 'sending limits exceeded', created: 0, skipped: 0, refused: 0 };
    }
  }
  // The rows as the check kept them, when they are all there: stored in batches by the database alone.
  const lastKept = await checkedRowsOf(pool, job);
  const outcome: ProcessOutcome = { status: 'finished', created: 0, skipped: 0, refused: 0 };
  const batchSize = opts.batchSize ?? PROCESS_BATCH;
  const storing = new InFlight(opts.parallel ?? PROCESS_PARALLEL);
  let batches = 0;
  // Rows this run leaves unstored on purpose: refused (by the check or the database) or simulated recipients
  // (accepted, never stored). Recorded at the end, so the missing-rows check does not take the job for short.
  let notStored = 0;
  const stored = async () => {
    batches++;
    await opts.afterBatch?.(batches);
  };
  if (lastKept !== null) {
    for (let from = 0; from <= lastKept; from += batchSize) {
      await storing.add(() =>
        storeCheckedRows(pool, jobId, from, from + batchSize).then((c) => {
          outcome.created += c.created;
          outcome.skipped += c.skipped;
          outcome.refused += c.refused;
          notStored += c.not_stored;
          return stored();
        }),
      );
    }
    await storing.drain();
    await recordNotStored(pool, jobId, notStored);
    await forgetCheckedRows(pool, jobId);
    await finish('finished');
    return outcome;
  }
  const file = await readCsv(deps.s3(), deps.cfg, serviceFileKey(job.service_id, jobId));
  if (!file) {
    log(`job ${jobId}: file ${serviceFileKey(job.service_id, jobId)} not found`);
    await finish('error');
    return { status: 'error', created: 0, skipped: 0, refused: 0 };
  }
  // The rows stored already, wherever they are: a batch may have failed between two that were stored,
  // so a re-run fills every gap, not only what follows the highest row (create_notifications' on conflict
  // do nothing makes a row stored meanwhile harmless).
  const { rows: progress } = await pool.query<{ rows: number[] }>(
    `select coalesce(array_agg(job_row_number), '{}') as rows from app_public.notifications
     where job_id = $1 and job_row_number is not null`,
    [jobId],
  );
  const done = new Set<number>(progress[0].rows);
  const flush = async (items: CreateItem[]) => {
    if (items.length === 0) return;
    const { rows: results } = await pool.query<{ ord: number; outcome: CreateOutcome }>(
      'select ord, outcome from app_hidden.create_notifications($1::jsonb)',
      [JSON.stringify(items)],
    );
    for (const r of results) {
      if (r.outcome === 'created') {
        outcome.created++;
        if (items[r.ord]?.persist === false) notStored++;
      } else if (r.outcome === 'skipped') outcome.skipped++;
      else {
        outcome.refused++;
        notStored++;
      }
    }
    await stored();
  };
  try {
    const csv = await openCsv(file.body, file.fileName);
    const checker = new RowChecker(
      jobContext(deps, service, template, job.created_by_id),
      template,
      csv.headers,
      file.senderId,
    );
    let items: CreateItem[] = [];
    // The next batches are read and checked while the database stores the last ones, up to `parallel` batches at
    // once (each its own statement and transaction, so the database's cores share the work). Rows stored by a
    // run that fails part-way need not be a prefix of the file: a re-run fills whatever is missing.
    for await (const row of csv.rows) {
      if (done.has(row.index)) {
        outcome.skipped++;
        continue;
      }
      const result = await checker.check(row);
      if (!('prepared' in result)) {
        outcome.refused++;
        notStored++;
        continue;
      }
      items.push({ ...result.prepared.item, job_id: jobId, job_row_number: row.index });
      if (items.length >= batchSize) {
        const batch = items;
        await storing.add(() => flush(batch));
        items = [];
      }
    }
    await storing.drain();
    await flush(items);
  } finally {
    file.body.destroy();
  }
  await recordNotStored(pool, jobId, notStored);
  await finish('finished');
  return outcome;
}

/** Batches stored at once, at most `limit`; drain() waits for the rest (the first failure thrown). */
class InFlight {
  private readonly pending: Promise<void>[] = [];
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  /** Starts the batch once fewer than `limit` are in flight. */
  async add(start: () => Promise<void>): Promise<void> {
    if (this.pending.length >= this.limit) await this.pending.shift();
    const batch = start();
    // Awaited in turn or by drain(); this only stops it counting as unhandled meanwhile.
    batch.catch(() => undefined);
    this.pending.push(batch);
  }

  async drain(): Promise<void> {
    for (const p of this.pending.splice(0)) await p;
  }
}

/** How many rows the run left unstored on purpose (the missing-rows check counts them as done). */
async function recordNotStored(pool: Pick<pg.Pool, 'query'>, jobId: string, notStored: number): Promise<void> {
  await pool.query(
    `insert into app_private.job_rows_not_stored (job_id, row_count) values ($1, $2)
     on conflict (job_id) do update set row_count = excluded.row_count`,
    [jobId, notStored],
  );
}

/** The job's template as it was when the job was made (its version), in the cache's shape. */
async function templateVersion(
  pool: Pick<pg.Pool, 'query'>,
  id: string,
  version: number,
): Promise<CachedTemplate | null> {
  const { rows } = await pool.query(
    `select h.id, h.service_id, h.template_type, h.name, h.content, h.subject, h.archived, h.hidden, h.postage,
            h.version, h.has_unsubscribe_link,
            (select c.contact_block from app_public.service_letter_contacts c
             where c.id = h.service_letter_contact_id) as contact_block
     from app_public.templates_history h
     where h.id = $1 and h.version = $2`,
    [id, version],
  );
  // The job was checked when it was made: a template archived since still sends the job's rows.
  return rows[0] ? { ...cachedTemplate(rows[0]), archived: false } : null;
}

/** Whether the file of an upload is still there (create_job's callers check before making the job). */
export async function uploadExists(s3: S3Client, cfg: Config, serviceId: string, uploadId: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: cfg.CSV_UPLOAD_BUCKET, Key: serviceFileKey(serviceId, uploadId) }));
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}
