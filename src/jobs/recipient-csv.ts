// Reading a recipients spreadsheet (CSV or TSV) as a stream, and checking it against a template as
// Notify's RecipientCSV does (notifications-utils, notifications_utils/recipients.py): column headers
// matched ignoring case, spaces, '_' and '-'; the recipient columns each template type needs; columns
// for every placeholder; at most 100,000 rows. Each row is turned into the v2 API's request for its
// channel and checked by the one sending module (src/sending), so a row is refused with the message
// the v2 API gives for the same request. The file is never held whole in memory: bytes are counted,
// decoded and parsed as they arrive, and rows are handed on one at a time.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ApiError, BadRequestError } from '../lib/errors.ts';
import type { CreateItem } from '../notifications/batcher.ts';
import type { CachedTemplate } from '../notifications/cache.ts';
import { InvalidRecipientError } from '../recipients/recipients.ts';
import { prepare } from '../sending/from-template.ts';
import { type NotificationType, type Prepared, type SendingContext, TRIAL_MODE_MESSAGE } from '../sending/sending.ts';
import { placeholderKey, placeholderNames } from '../templates/template.ts';

/** RecipientCSV.max_rows. */
export const MAX_ROWS = 100_000;
/**
 * Our upload limit. 100,000 letter rows of seven address lines and a few placeholders come to about
 * 20 MB, so 50 MB leaves room for long personalisation without letting a stray file fill the bucket.
 */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** How many row errors a report lists (RecipientCSV's max_errors_shown). */
export const MAX_ERRORS_SHOWN = 20;

/** A file that is not a readable recipients spreadsheet: refused with a 400, and never kept. */
export class CsvFileError extends BadRequestError {}

/** The recipient columns of each template type (RecipientCSV's first_column_headings). */
export const RECIPIENT_COLUMNS: Record<NotificationType, string[]> = {
  email: ['email address'],
  sms: ['phone number'],
  letter: [
    'address line 1',
    'address line 2',
    'address line 3',
    'address line 4',
    'address line 5',
    'address line 6',
    'postcode',
    'address line 7',
  ],
};

/** The personalisation key the sending rules read each address column from (the API's snake_case keys). */
const ADDRESS_KEYS = new Map(RECIPIENT_COLUMNS.letter.map((h) => [placeholderKey(h), h.replace(/ /g, '_')]));

// formatters.py: strip_and_remove_obscure_whitespace removes these, then strips ordinary whitespace.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is removed alone, joiner included
const OBSCURE_WHITESPACE = /[\u180E\u200B\u200C\u200D\u2060\uFEFF\u00A0\u202F]/g;

/** A cell's value as Notify reads it: obscure whitespace removed, trimmed; empty is no value. */
export function cellValue(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  const value = raw.replace(OBSCURE_WHITESPACE, '').trim();
  return value === '' ? null : value;
}

/** The key a column header is matched by (InsensitiveDict.make_key: no spaces, '_' or '-', lower case). */
export function columnKey(header: string): string {
  return placeholderKey(header.replace(OBSCURE_WHITESPACE, ''));
}

export const FILE_MESSAGES = {
  notSpreadsheet: (name: string) =>
    `Could not read ${name}. Try using a different file format: a CSV or TSV file (comma or tab separated values).`,
  encoding: (name: string) =>
    `Could not read ${name}: it is not UTF-8 text. Save it as ‘CSV UTF-8 (Comma delimited)’ and try again.`,
  unreadable: (name: string, reason: string) => `Could not read ${name}: ${reason}`,
  tooLarge: (maxBytes = MAX_FILE_BYTES) =>
    `Your file is too big. Files must be smaller than ${(maxBytes / 1024 / 1024).toLocaleString('en-GB')} MB.`,
  empty: () => 'Your file is empty. It needs a row of column headers and at least one row of data.',
  noHeader: () => 'Your file has no column headers. The first row must name each column, for example ‘phone number’.',
  noRows: () => 'Your file is missing some rows. It needs at least one row of data.',
  duplicate: (header: string) =>
    `Your file has more than one column called ‘${header}’. Delete or rename one of these columns and try again.`,
  tooManyRows: () =>
    `Your file has too many rows. Notify can process up to ${MAX_ROWS.toLocaleString('en-GB')} rows at once.`,
} as const;

/** One data row: its 0-based index (the job_row_number) and its cells, positioned as the headers. */
export interface CsvRow {
  index: number;
  cells: (string | null)[];
}

export interface CsvFile {
  /** The header row as written (trimmed). */
  headers: string[];
  rows: AsyncIterable<CsvRow>;
  /** Bytes read so far (the whole file once rows are exhausted). */
  bytesRead(): number;
}

// Formats a spreadsheet program saves that are not text: refused before parsing.
const BINARY_MAGIC = [
  Buffer.from('PK\x03\x04', 'latin1'), // xlsx, ods, zip
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), // xls (OLE)
  Buffer.from('%PDF', 'latin1'),
];
const TEXT_EXTENSIONS = new Set(['csv', 'tsv', 'tab', 'txt']);

function extensionOf(fileName: string): string | null {
  const match = /\.([A-Za-z0-9]+)$/.exec(fileName);
  return match ? match[1].toLowerCase() : null;
}

/** Tab separated by extension (.tsv, .tab), comma separated for .csv; else by the first line. */
function delimiterFor(ext: string | null, head: string): ',' | '\t' {
  if (ext === 'tsv' || ext === 'tab') return '\t';
  if (ext === 'csv') return ',';
  const firstLine = head.split(/\r?\n/, 1)[0];
  return firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
}

async function* chunksOf(input: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
  }
}

/**
 * Opens a recipients file: refuses what is not UTF-8 CSV/TSV text, reads the header row, and gives
 * the data rows as they are parsed. Problems found later in the stream (bad encoding, too large,
 * too many rows, broken quoting) are thrown by `rows` as CsvFileErrors.
 */
export async function openCsv(
  input: AsyncIterable<unknown>,
  fileName: string,
  opts: { maxBytes?: number; maxRows?: number } = {},
): Promise<CsvFile> {
  const maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  const maxRows = opts.maxRows ?? MAX_ROWS;
  const ext = extensionOf(fileName);
  if (ext !== null && !TEXT_EXTENSIONS.has(ext)) throw new CsvFileError(FILE_MESSAGES.notSpreadsheet(fileName));

  const source = chunksOf(input);
  // The first chunk tells binary files apart and, for .txt, which separator is used.
  const first = await source.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const sample = head.subarray(0, 4096);
  if (BINARY_MAGIC.some((magic) => sample.subarray(0, magic.length).equals(magic)) || sample.includes(0)) {
    throw new CsvFileError(FILE_MESSAGES.notSpreadsheet(fileName));
  }
  let bytes = 0;
  // Strict UTF-8; a byte-order mark is dropped (TextDecoder's default).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk: Buffer, stream: boolean): string => {
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      throw new CsvFileError(FILE_MESSAGES.encoding(fileName));
    }
  };
  const headText = decode(head, true);
  const delimiter = delimiterFor(ext, headText);
  async function* text(): AsyncGenerator<string> {
    bytes += head.length;
    if (bytes > maxBytes) throw new CsvFileError(FILE_MESSAGES.tooLarge(maxBytes));
    if (headText) yield headText;
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      bytes += next.value.length;
      if (bytes > maxBytes) throw new CsvFileError(FILE_MESSAGES.tooLarge(maxBytes));
      const part = decode(next.value, true);
      if (part) yield part;
    }
    const rest = decode(Buffer.alloc(0), false);
    if (rest) yield rest;
  }

  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
  });
  const textStream = Readable.from(text());
  textStream.on('error', (e) => parser.destroy(e));
  textStream.pipe(parser);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const nextRecord = async (): Promise<string[] | null> => {
    try {
      const r = await records.next();
      return r.done ? null : r.value;
    } catch (e) {
      // csv-parse's own errors (CSV_…: broken quoting and the like) are the file's fault; anything else
      // (S3 failing mid-stream) is not, and is not reported as a bad file.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('CSV_')) {
        throw new CsvFileError(FILE_MESSAGES.unreadable(fileName, (e as Error).message));
      }
      throw e;
    }
  };
  const blank = (record: string[]) => record.every((cell) => cellValue(cell) === null);

  let headerRecord = await nextRecord();
  while (headerRecord && blank(headerRecord) && headerRecord.length <= 1) headerRecord = await nextRecord();
  if (!headerRecord) throw new CsvFileError(FILE_MESSAGES.empty());
  const headers = headerRecord.map((h) => cellValue(h) ?? '');
  // Empty header cells after the last named column are Excel's padding, not columns.
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  if (headers.length === 0) throw new CsvFileError(FILE_MESSAGES.noHeader());
  const seen = new Map<string, string>();
  for (const header of headers) {
    if (header === '') continue;
    const key = columnKey(header);
    if (seen.has(key)) throw new CsvFileError(FILE_MESSAGES.duplicate(header));
    seen.set(key, header);
  }

  // The first data row is read now, so a file with headers only is refused before anything is done.
  let firstRow = await nextRecord();
  while (firstRow && blank(firstRow)) firstRow = await nextRecord();
  if (!firstRow) throw new CsvFileError(FILE_MESSAGES.noRows());

  async function* rows(): AsyncGenerator<CsvRow> {
    let index = 0;
    let record: string[] | null = firstRow;
    while (record) {
      // Rows with nothing in them (a spreadsheet's trailing ",,,") are not rows to send.
      if (!blank(record)) {
        if (index >= maxRows) throw new CsvFileError(FILE_MESSAGES.tooManyRows());
        const cells = headers.map((_, i) => cellValue(record![i]));
        yield { index, cells };
        index++;
      }
      record = await nextRecord();
    }
  }
  return { headers, rows: rows(), bytesRead: () => bytes };
}

/** What the columns of a file lack for a template (RecipientCSV's column checks). */
export interface ColumnProblems {
  /** The recipient column message, or null when the recipient columns are there. */
  missingRecipient: string | null;
  /** Placeholders with no column, as written in the template. */
  missingPlaceholders: string[];
}

export const REPORT_MESSAGES = {
  missingRecipient: (type: NotificationType) =>
    type === 'letter'
      ? 'Your file needs at least 3 address columns, for example ' +
        '‘address line 1’, ‘address line 2’ and ‘address line 3’.'
      : `Your file needs a column called ‘${RECIPIENT_COLUMNS[type][0]}’.`,
  missingPlaceholders: (names: string[]) =>
    'The columns in your file need to match the double brackets in your template. Your file is missing ' +
    (names.length === 1
      ? `a column called ‘${names[0]}’.`
      : `columns called ${names
          .map((n) => `‘${n}’`)
          .join(', ')
          .replace(/, ([^,]*)$/, ' and $1')}.`),
  rowErrors: (n: number) => `There is a problem with your data: ${n === 1 ? '1 row needs' : `${n} rows need`} fixing.`,
  overDailyLimit: (type: NotificationType, remaining: number, rows: number) =>
    `You cannot send all these ${type === 'sms' ? 'text messages' : type === 'email' ? 'emails' : 'letters'} today. ` +
    `You can only send ${Math.max(remaining, 0).toLocaleString('en-GB')} more today; ` +
    `your file has ${rows.toLocaleString('en-GB')} rows.`,
  overInternationalLimit: (remaining: number, rows: number) =>
    'You cannot send all these text messages to international numbers today. ' +
    `You can only send ${Math.max(remaining, 0).toLocaleString('en-GB')} more today; ` +
    `your file has ${rows.toLocaleString('en-GB')} international numbers.`,
  trialMode: (n: number) =>
    'You cannot send to ' +
    (n === 1 ? 'this recipient' : 'these recipients') +
    ' because your service is in trial mode. You can only send to members of your team and your guest list.',
};

/**
 * Turns rows into v2 requests for one template and checks each through the sending rules.
 * Column problems are the file's; a row's problem is the v2 API's message for that request.
 */
export class RowChecker {
  readonly type: NotificationType;
  readonly problems: ColumnProblems;
  private readonly recipientColumn: number;
  /** [column index, personalisation key] of every column the request carries. */
  private readonly columns: [number, string][] = [];

  private readonly ctx: SendingContext;
  readonly template: CachedTemplate;

  /** The sender chosen for the whole file (texts: an SMS sender, emails: a reply-to address), if any. */
  private readonly senderId: string | null;

  constructor(ctx: SendingContext, template: CachedTemplate, headers: string[], senderId: string | null = null) {
    this.ctx = ctx;
    this.template = template;
    this.type = template.type;
    this.senderId = senderId;
    const keys = headers.map((h) => (h === '' ? '' : columnKey(h)));
    const has = new Set(keys);
    const recipientKeys = RECIPIENT_COLUMNS[this.type].map(columnKey);
    const placeholders = placeholderNames(template.subject, template.content);
    const placeholderKeys = new Set(placeholders.map(placeholderKey));
    let missingRecipient: string | null = null;
    if (this.type === 'letter') {
      // RecipientCSV.has_recipient_columns: 3 of address lines 1–6 and postcode, or of lines 1–7.
      const withPostcode = recipientKeys.filter((k) => k !== columnKey('address line 7'));
      const withLine7 = recipientKeys.filter((k) => k !== columnKey('postcode'));
      const enough = [withPostcode, withLine7].some((set) => set.filter((k) => has.has(k)).length >= 3);
      if (!enough) missingRecipient = REPORT_MESSAGES.missingRecipient('letter');
    } else if (!has.has(recipientKeys[0])) {
      missingRecipient = REPORT_MESSAGES.missingRecipient(this.type);
    }
    this.problems = {
      missingRecipient,
      missingPlaceholders: placeholders.filter(
        (name) => !has.has(placeholderKey(name)) && !(this.type === 'letter' && ADDRESS_KEYS.has(placeholderKey(name))),
      ),
    };
    this.recipientColumn = this.type === 'letter' ? -1 : keys.indexOf(recipientKeys[0]);
    keys.forEach((key, i) => {
      if (key === '') return;
      if (this.type === 'letter' && ADDRESS_KEYS.has(key)) this.columns.push([i, ADDRESS_KEYS.get(key)!]);
      else if (placeholderKeys.has(key)) this.columns.push([i, headers[i]]);
    });
  }

  /** Whether the columns allow any row to be sent. */
  get columnsOk(): boolean {
    return this.problems.missingRecipient === null && this.problems.missingPlaceholders.length === 0;
  }

  /** The v2 request body for a row (the recipient column in the channel's field, placeholders as personalisation). */
  requestFor(row: CsvRow): Record<string, unknown> {
    const personalisation: Record<string, string | null> = {};
    for (const [i, key] of this.columns) personalisation[key] = row.cells[i];
    const body: Record<string, unknown> = { template_id: this.template.id, personalisation };
    if (this.type === 'sms') body.phone_number = row.cells[this.recipientColumn];
    if (this.type === 'email') body.email_address = row.cells[this.recipientColumn];
    if (this.senderId && this.type === 'sms') body.sms_sender_id = this.senderId;
    if (this.senderId && this.type === 'email') body.email_reply_to_id = this.senderId;
    return body;
  }

  /**
   * The row checked as the v2 API checks the same request: the prepared row to store, or the
   * refusal's message (`trial` when it is only that the recipient is not allowed in trial mode).
   */
  async check(row: CsvRow): Promise<{ prepared: Prepared<unknown> } | { message: string; trial: boolean }> {
    if (this.type !== 'letter' && row.cells[this.recipientColumn] === null) {
      return { message: `Missing ${RECIPIENT_COLUMNS[this.type][0]}`, trial: false };
    }
    try {
      return { prepared: await prepare(this.ctx, this.type, this.requestFor(row)) };
    } catch (e) {
      if (e instanceof ApiError) return { message: e.message, trial: e.message === TRIAL_MODE_MESSAGE };
      if (e instanceof InvalidRecipientError) return { message: e.message, trial: false };
      throw e;
    }
  }
}

export interface RowError {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row_number: number;
  /** The 0-based data row index (the job_row_number it would have). */
  index: number;
  message: string;
}

/** The check report of a file for a template: what Notify shows before a file may be sent. */
export interface CheckReport {
  upload_id: string;
  original_file_name: string;
  template_id: string;
  template_type: NotificationType;
  /** Data rows (blank rows not counted). */
  row_count: number;
  valid: boolean;
  /** Every problem that stops the file being sent, in Notify's words. */
  errors: string[];
  column_headers: string[];
  missing_column_headers: string[];
  rows_with_errors: number;
  /** The first MAX_ERRORS_SHOWN bad rows with the reason. */
  row_errors: RowError[];
  /** Rows whose recipient is not on the team or guest list of a service in trial mode. */
  recipients_not_allowed: number;
  /** Messages of this type the service may still send today (null: no limit applies). */
  remaining_today: number | null;
  /** Text messages: rows to numbers abroad, and how many more the service may send abroad today. */
  international_sms_count: number;
  remaining_international_today: number | null;
}

/**
 * Reads every row of an open file and reports on it. Rows are checked one at a time and forgotten
 * (a file of 100,000 rows costs the memory of one). Throws CsvFileError for a file that is unreadable
 * further down (bad encoding, too large, too many rows).
 */
export async function checkFile(
  file: CsvFile,
  checker: RowChecker,
  meta: {
    uploadId: string;
    fileName: string;
    remainingToday: number | null;
    remainingInternational?: number | null;
    /** Each row that would be sent, as it would be stored (the check keeps them for process-job). */
    onPrepared?: (index: number, item: CreateItem) => Promise<void> | undefined;
  },
): Promise<CheckReport> {
  const rowErrors: RowError[] = [];
  let bad = 0;
  let trial = 0;
  let count = 0;
  let international = 0;
  for await (const row of file.rows) {
    count++;
    if (!checker.columnsOk) continue;
    const result = await checker.check(row);
    if ('prepared' in result) {
      // RecipientCSV.international_sms_count: texts to numbers outside the UK.
      const item = result.prepared.item;
      if (item.notification_type === 'sms' && item.international && (item.phone_prefix ?? '44') !== '44') {
        international++;
      }
      const kept = meta.onPrepared?.(row.index, item);
      if (kept) await kept;
      continue;
    }
    if (result.trial) {
      trial++;
      continue;
    }
    bad++;
    if (rowErrors.length < MAX_ERRORS_SHOWN) {
      rowErrors.push({ row_number: row.index + 2, index: row.index, message: result.message });
    }
  }
  const errors: string[] = [];
  if (checker.problems.missingRecipient) errors.push(checker.problems.missingRecipient);
  if (checker.problems.missingPlaceholders.length) {
    errors.push(REPORT_MESSAGES.missingPlaceholders(checker.problems.missingPlaceholders));
  }
  if (bad > 0) errors.push(REPORT_MESSAGES.rowErrors(bad));
  if (trial > 0) errors.push(REPORT_MESSAGES.trialMode(trial));
  if (meta.remainingToday !== null && count > meta.remainingToday) {
    errors.push(REPORT_MESSAGES.overDailyLimit(checker.type, meta.remainingToday, count));
  }
  const remainingInternational = meta.remainingInternational ?? null;
  if (remainingInternational !== null && international > remainingInternational) {
    errors.push(REPORT_MESSAGES.overInternationalLimit(remainingInternational, international));
  }
  return {
    upload_id: meta.uploadId,
    original_file_name: meta.fileName,
    template_id: checker.template.id,
    template_type: checker.type,
    row_count: count,
    valid: errors.length === 0,
    errors,
    column_headers: file.headers.filter((h) => h !== ''),
    missing_column_headers: checker.problems.missingPlaceholders,
    rows_with_errors: bad,
    row_errors: rowErrors,
    recipients_not_allowed: trial,
    remaining_today: meta.remainingToday,
    international_sms_count: international,
    remaining_international_today: remainingInternational,
  };
}
