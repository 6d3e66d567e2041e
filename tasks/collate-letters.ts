import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Task } from 'graphile-worker';
import { zipSync } from 'fflate';
import { config } from '../src/config.ts';
import { pdfFileName } from '../src/letters/letters.ts';
import { objectBytes, processS3 } from '../src/lib/s3.ts';
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

/**
 * Letter collation, after the 17:30 London cut-off: created live letters with a PDF,
 * from before the deadline (earlier days too), are zipped per postage and service —
 * NOTIFY.{date}.{postage code}.{NNN}.{hash20}.{service_id}.{organisation_id}.ZIP, ≤ 500 files and
 * ≤ 40 MB — and put in the printer's inbox (LETTERS_PRINT_BUCKET). Accepted: sending (dvla); a
 * zip the printer refuses: its letters technical-failure. A PDF missing from the letters bucket
 * is logged and the letter left for the next run. Locally the simulated printer answers after
 * LETTER_PRINT_RESPONSE_DELAY_MS (process-letter-responses: delivered).
 */
const collateLetters: Task = async (_payload, helpers) => {
  const cfg = config();
  const s3 = processS3();
  const { rows } = await helpers.query<{ deadline: Date; print_date: string }>(
    `select d as deadline, to_char((d at time zone 'Europe/London')::date, 'YYYY-MM-DD') as print_date
     from app_hidden.collation_deadline() d`,
  );
  const { deadline, print_date: printDate } = rows[0];
  let zipNumber = 0;
  let sent = 0;
  let zip: { letters: Letter[]; files: Record<string, Uint8Array>; bytes: number } | null = null;

  const flush = async () => {
    if (!zip || zip.letters.length === 0) return;
    const names = Object.keys(zip.files).sort();
    const hash = crypto.createHash('sha1').update(names.join('\n')).digest('hex').slice(0, 20).toUpperCase();
    const first = zip.letters[0];
    const name =
      `NOTIFY.${printDate}.${first.postage_code}.${String(++zipNumber).padStart(3, '0')}.${hash}.` +
      `${first.service_id}.${first.organisation_id ?? 'None'}.ZIP`;
    const ids = zip.letters.map((l) => l.id);
    let accepted = true;
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: cfg.LETTERS_PRINT_BUCKET,
          Key: name,
          Body: zipSync(zip.files, { level: 0 }),
          ContentType: 'application/zip',
        }),
      );
    } catch (e) {
      accepted = false;
      helpers.logger.error(`printer refused ${name}: ${(e as Error).message}`);
    }
    await helpers.query('select app_private.record_letters_printed($1::uuid[], $2)', [ids, accepted]);
    if (accepted) {
      sent += ids.length;
      await simulatedPrinterResponse(helpers, zip.letters, cfg.LETTER_PRINT_RESPONSE_DELAY_MS);
    }
    zip = null;
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
      const sameZip =
        zip && zip.letters[0].service_id === letter.service_id && zip.letters[0].postage === letter.postage;
      if (!sameZip || zip!.letters.length >= MAX_FILES || zip!.bytes + bytes.length > MAX_BYTES) await flush();
      zip ??= { letters: [], files: {}, bytes: 0 };
      zip.letters.push(letter);
      zip.files[pdfFileName(letter.pdf_key)] = bytes;
      zip.bytes += bytes.length;
    }
    after = page[page.length - 1];
  }
  await flush();
  helpers.logger.info(`collated ${sent} letters in ${zipNumber} zips for the ${printDate} print run`);
};

export default collateLetters;
