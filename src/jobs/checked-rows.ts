// A checked upload's rows, kept in the database as the check prepared them
// (app_private.csv_upload_rows), so process-job stores them without reading and checking the file a
// second time: the check is the expensive part of a job in Node, and the database then makes each
// batch of notifications from rows it already holds. The rows hold what the file holds, for no
// longer than the file is kept.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CreateItem } from '../notifications/batcher.ts';

/** The columns of app_private.csv_upload_rows a check fills, in COPY's order. */
const COLUMNS = [
  'upload_id',
  'row_number',
  'to',
  'normalised_to',
  'personalisation',
  'billable_units',
  'international',
  'phone_prefix',
  'rate_multiplier',
  'reply_to_text',
  'postage',
  'reference',
  'status',
  'persist',
] as const;
const COPY_SQL = `copy app_private.csv_upload_rows (${COLUMNS.map((c) => `"${c}"`).join(', ')}) from stdin`;

/** A value in COPY's text format: \N for null, and backslash, tab, newline and return escaped. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : s;
}
/** Characters of COPY text sent to the database at a time. */
const CHUNK = 64 * 1024;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Keeps the rows of one check as they come (add), streamed into the table with COPY on a connection
 * of its own (JSON would cost the database more to read than the rows cost to store). add() returns
 * a promise only when the check must wait for the database to catch up.
 */
export class CheckedRows {
  private client: pg.PoolClient | null = null;
  private stream: ReturnType<typeof copyFrom> | null = null;
  private failed: unknown = null;
  private buffered = '';
  kept = 0;
  private readonly pool: Pick<pg.Pool, 'query' | 'connect'>;
  private readonly uploadId: string;

  constructor(pool: Pick<pg.Pool, 'query' | 'connect'>, uploadId: string) {
    this.pool = pool;
    this.uploadId = uploadId;
  }

  /** Forgets what an earlier check of the same upload kept, marks it unsendable until this one ends, opens the COPY. */
  async start(): Promise<void> {
    await this.pool.query(
      `with unsent as (update app_private.csv_uploads set staged_rows = null, has_errors = true where id = $1)
       delete from app_private.csv_upload_rows where upload_id = $1`,
      [this.uploadId],
    );
    this.client = await this.pool.connect();
    this.stream = this.client.query(copyFrom(COPY_SQL));
    this.stream.on('error', (e) => {
      this.failed ??= e;
    });
  }

  add(index: number, item: CreateItem): Promise<void> | undefined {
    // Rows the database would not take cost the job its shortcut (finish() throws), never the check.
    if (this.failed) return undefined;
    const line = [
      this.uploadId,
      index,
      item.to,
      item.normalised_to,
      item.personalisation,
      item.billable_units,
      item.international,
      item.phone_prefix,
      item.rate_multiplier,
      item.reply_to_text,
      item.postage,
      item.reference,
      item.status,
      item.persist ?? true,
    ]
      .map(copyText)
      .join('\t');
    this.kept++;
    // Lines go to the connection in chunks: a write per row would be a message and a system call per row.
    this.buffered += `${line}\n`;
    if (this.buffered.length < CHUNK) return undefined;
    return this.write();
  }

  private write(): Promise<void> | undefined {
    const chunk = this.buffered;
    this.buffered = '';
    if (this.stream!.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const stream = this.stream!;
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
    });
  }

  /** Every row kept (or the COPY's failure thrown); the count is the check's staged_rows. */
  async finish(): Promise<number> {
    const stream = this.stream!;
    try {
      if (this.buffered && !this.failed) await this.write();
      await new Promise<void>((resolve, reject) => {
        if (this.failed) return reject(this.failed);
        stream.once('error', reject);
        stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
      });
      this.release(false);
    } catch (e) {
      this.release(true);
      throw e;
    }
    return this.kept;
  }

  /** A check that ended in a refusal or an error keeps nothing: the COPY is abandoned, nothing is stored. */
  async discard(): Promise<void> {
    if (this.stream && !this.stream.destroyed) this.stream.destroy(new Error('check abandoned'));
    // The connection goes with the COPY it was in (nothing of it is committed).
    this.release(true);
    await forgetCheckedRows(this.pool, this.uploadId);
  }

  private release(broken: boolean): void {
    this.client?.release(broken);
    this.client = null;
  }
}

/**
 * Whether the job's rows are kept complete from the check it was made from: the check recorded
 * against the job's template version, and as many rows kept as it counted. Otherwise (a check under
 * way, rows lost with an unlogged table after a crash, removed after the job ran) process-job reads
 * the file. Returns the highest row number kept, or null.
 */
export async function checkedRowsOf(
  pool: Pick<pg.Pool, 'query'>,
  job: { id: string; template_id: string; template_version: number },
): Promise<number | null> {
  const { rows } = await pool.query<{ staged: number | null; kept: number; last: number | null }>(
    `select u.staged_rows as staged, k.kept, k.last
     from app_private.csv_uploads u
     cross join lateral (select count(*)::int as kept, max(r.row_number) as last
                         from app_private.csv_upload_rows r where r.upload_id = u.id) k
     where u.id = $1 and u.template_id = $2 and u.template_version = $3 and not u.has_errors`,
    [job.id, job.template_id, job.template_version],
  );
  const r = rows[0];
  if (!r || r.staged === null || r.staged === 0 || r.kept !== r.staged) return null;
  return r.last;
}

export interface BatchCounts {
  created: number;
  skipped: number;
  refused: number;
  not_stored: number;
}

/** One batch of a job's kept rows (from ≤ row_number < to) stored: app_hidden.create_job_notifications. */
export async function storeCheckedRows(
  pool: Pick<pg.Pool, 'query'>,
  jobId: string,
  from: number,
  to: number,
): Promise<BatchCounts> {
  const { rows } = await pool.query<BatchCounts>('select * from app_hidden.create_job_notifications($1, $2, $3)', [
    jobId,
    from,
    to,
  ]);
  return rows[0];
}

/** The kept rows of a job that has run (or of uploads not sent), no longer needed. */
export async function forgetCheckedRows(pool: Pick<pg.Pool, 'query'>, uploadId: string): Promise<void> {
  await pool.query('delete from app_private.csv_upload_rows where upload_id = $1', [uploadId]);
}
