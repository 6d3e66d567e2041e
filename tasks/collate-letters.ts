import crypto from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { JobHelpers, Task } from 'graphile-worker';
import { zipSync } from 'fflate';
import { config } from '../src/config.ts';
import { pdfFileName } from '../src/letters/letters.ts';
import { isTransientS3Error, objectBytes, objectExists, processS3 } from '../src/lib/s3.ts';
import { simulatedPrinterResponse } from '../src/dev/simulators/printer.ts';

interface Letter {
  id: string;
  service_id: string;
  organisation_id: string | null;
  postage: string;
  reference: string;
  created_at: Date;
  billable_units: number;
  pdf_key: string;
  postage_code: string;
}

/** The printer's limits: at most 500 files and 40 MB a zip, one service (and postage) per zip. */
const MAX_FILES = 500;
const MAX_BYTES = 40 * 1024 * 1024;
/** Tries of one upload when S3 fails for a passing reason, 250 ms apart and doubling. */
const UPLOAD_TRIES = 4;

/** An upload that did not get through after UPLOAD_TRIES: the run stops, the collation stays open. */
class UploadUnavailable extends Error {}

/**
 * Letter collation, after the 17:30 London cut-off: created live letters with a PDF,
 * from before the deadline (earlier days too), are zipped per postage and service —
 * NOTIFY.{date}.{postage code}.{NNN}.{hash20}.{service_id}.{organisation_id}.ZIP, ≤ 500 files and
 * ≤ 40 MB — and put in the printer's inbox (LETTERS_PRINT_BUCKET). Accepted: sending (dvla); a
 * zip the printer refuses (S3 answers 4xx): its letters technical-failure. A PDF missing from the
 * letters bucket is logged and the letter left for the next run. Locally the simulated printer
 * answers after LETTER_PRINT_RESPONSE_DELAY_MS (process-letter-responses: delivered).
 *
 * Each zip is a collation in the database (app_private.letter_collations) before it is uploaded:
 * uploading → uploaded → recorded. Its letters belong to it until the record, so a run that stops
 * anywhere leaves them to the next run's first step, which finishes open collations: uploaded, or
 * already in the printer's inbox, is recorded without another upload; otherwise the same zip is
 * uploaded again. A passing S3 fault (5xx, throttling, a lost connection) is tried again; if it
 * persists the run fails (graphile-worker retries it) and no letter is failed for it.
 */
const collateLetters: Task = async (_payload, helpers) => {
  const cfg = config();
  const s3 = processS3();
  const { rows } = await helpers.query<{ deadline: Date; print_date: string }>(
    `select d as deadline, to_char((d at time zone 'Europe/London')::date, 'YYYY-MM-DD') as print_date
     from app_hidden.collation_deadline() d`,
  );
  const { deadline, print_date: printDate } = rows[0];
  let zips = 0;
  let sent = 0;

  /** Uploads a zip, trying passing faults again; false: the printer refused it. */
  const upload = async (name: string, files: Record<string, Uint8Array>): Promise<boolean> => {
    const body = zipSync(files, { level: 0 });
    for (let attempt = 1; ; attempt++) {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: cfg.LETTERS_PRINT_BUCKET,
            Key: name,
            Body: body,
            ContentType: 'application/zip',
          }),
        );
        return true;
      } catch (e) {
        const why = (e as Error).message;
        if (!isTransientS3Error(e)) {
          helpers.logger.error(`printer refused ${name}: ${why}`);
          return false;
        }
        if (attempt >= UPLOAD_TRIES) throw new UploadUnavailable(`upload of ${name} failed ${attempt} times: ${why}`);
        helpers.logger.warn(`upload of ${name} failed (${why}), trying again`);
        await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      }
    }
  };

  /** The printer has the zip: its letters are recorded sending, and the simulated printer answers. */
  const printed = async (name: string, letters: Letter[]) => {
    const { rows: done } = await helpers.query<{ n: number }>('select app_private.record_collation($1, $2, $3) as n', [
      name,
      'printed',
      letters.map((l) => l.id),
    ]);
    sent += done[0].n;
    zips++;
    if (done[0].n > 0) await simulatedPrinterResponse(helpers, letters, cfg.LETTER_PRINT_RESPONSE_DELAY_MS);
  };

  const send = async (name: string, letters: Letter[], files: Record<string, Uint8Array>) => {
    if (!(await upload(name, files))) {
      await helpers.query('select app_private.record_collation($1, $2)', [name, 'refused']);
      return;
    }
    await helpers.query('select app_private.record_collation($1, $2)', [name, 'uploaded']);
    await printed(name, letters);
  };

  // 1. Collations an earlier run left open.
  const open = (
    await helpers.query<Letter & { collation: string; collation_status: string }>(
      'select * from app_private.open_collation_letters()',
    )
  ).rows;
  for (const name of [...new Set(open.map((l) => l.collation))]) {
    const letters = open.filter((l) => l.collation === name);
    if (letters[0].collation_status === 'uploaded' || (await objectExists(s3, cfg.LETTERS_PRINT_BUCKET, name))) {
      helpers.logger.info(`collation ${name}: already with the printer, recording it`);
      await printed(name, letters);
      continue;
    }
    const { files, found } = await pdfs(s3, cfg.LETTERS_PDF_BUCKET, letters, helpers);
    if (found.length === 0) {
      // Nothing left to print in it: closed, its letters free for a later run.
      await helpers.query('select app_private.record_collation($1, $2, $3)', [name, 'printed', []]);
      continue;
    }
    helpers.logger.warn(`collation ${name}: not with the printer, uploading it again`);
    await send(name, found, files);
  }

  // 2. Letters not collated yet.
  let zip: { letters: Letter[]; files: Record<string, Uint8Array>; bytes: number } | null = null;
  const flush = async () => {
    if (!zip || zip.letters.length === 0) return;
    const names = Object.keys(zip.files).sort();
    const hash = crypto.createHash('sha1').update(names.join('\n')).digest('hex').slice(0, 20);
    const first = zip.letters[0];
    const { rows: begun } = await helpers.query<{ name: string }>(
      'select app_private.begin_collation($1, $2, $3, $4, $5, $6::uuid[]) as name',
      [printDate, first.postage_code, hash, first.service_id, first.organisation_id, zip.letters.map((l) => l.id)],
    );
    const { letters, files } = zip;
    zip = null;
    await send(begun[0].name, letters, files);
  };

  let after: Letter | null = null;
  for (;;) {
    const page: Letter[] = (
      await helpers.query<Letter>('select * from app_private.letters_to_collate($1, $2, 10000)', [
        deadline,
        after?.id ?? null,
      ])
    ).rows;
    if (page.length === 0) break;
    for (const letter of page) {
      const bytes = await objectBytes(s3, cfg.LETTERS_PDF_BUCKET, letter.pdf_key);
      if (!bytes) {
        helpers.logger.warn(`letter ${letter.id}: no PDF at ${letter.pdf_key}, left for the next run`);
        continue;
      }
      const current = zip as { letters: Letter[]; bytes: number } | null;
      const sameZip =
        current && current.letters[0].service_id === letter.service_id && current.letters[0].postage === letter.postage;
      if (!sameZip || current.letters.length >= MAX_FILES || current.bytes + bytes.length > MAX_BYTES) await flush();
      zip ??= { letters: [], files: {}, bytes: 0 };
      zip.letters.push(letter);
      zip.files[pdfFileName(letter.pdf_key)] = bytes;
      zip.bytes += bytes.length;
    }
    after = page[page.length - 1];
  }
  await flush();
  helpers.logger.info(`collated ${sent} letters in ${zips} zips for the ${printDate} print run`);
};

/** The PDFs of an open collation's letters; a letter whose PDF has gone is left out (collated again later). */
async function pdfs(s3: S3Client, bucket: string, letters: Letter[], helpers: Pick<JobHelpers, 'logger'>) {
  const files: Record<string, Uint8Array> = {};
  const found: Letter[] = [];
  for (const letter of letters) {
    const bytes = await objectBytes(s3, bucket, letter.pdf_key);
    if (!bytes) {
      helpers.logger.warn(`letter ${letter.id}: no PDF at ${letter.pdf_key}, left for the next run`);
      continue;
    }
    files[pdfFileName(letter.pdf_key)] = bytes;
    found.push(letter);
  }
  return { files, found };
}

export default collateLetters;
