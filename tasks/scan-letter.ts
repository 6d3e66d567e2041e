import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { Task } from 'graphile-worker';
import { config } from '../src/config.ts';
import { lettersToMake, pdfFileName, recordLetterPdfs, scanLetterPdf, sheetsFor } from '../src/letters/letters.ts';
import { pdfLimits } from '../src/letters/pdf-parse.ts';
import { payloadIds } from '../src/lib/payload-ids.ts';
import { objectBytes, processS3 } from '../src/lib/s3.ts';

/**
 * Precompiled letters waiting in the scan bucket ({"ids": [...]}, queued by create_notifications):
 * the local stand-in for Notify's anti-virus scan and PDF checks (src/letters/letters.ts scanLetterPdf).
 * Clean: the PDF is copied to the letters PDF bucket, the letter recorded created (GET …/pdf serves
 * it) with its sheets, and only then is the scanned file deleted; otherwise virus-scan-failed or
 * validation-failed (the file stays: GET …/pdf serves a failed letter's PDF from there).
 * Each letter is recorded as soon as it is scanned, so a run that stops anywhere (an S3 error, the
 * worker killed) loses none and does no letter twice: before the record, the letter is still
 * pending with its file in the scan bucket (a re-run copies it again to the same key); after it,
 * the letter is created and a re-run only deletes a scanned file left behind.
 * A PDF missing from the scan bucket (the API stores it before the row commits) is logged and the
 * letter left pending: check-letters reports it after 90 minutes; replay-created-notifications
 * queues the scan again later.
 */
const scanLetter: Task = async (payload, helpers) => {
  const cfg = config();
  const s3 = processS3();
  const rows = (await lettersToMake(helpers, payloadIds(payload, helpers.logger))).filter((r) => r.precompiled);
  for (const row of rows) {
    const scanKey = pdfFileName(row.pdf_key);
    if (row.notification_status === 'created') {
      // Scanned and recorded by a run that stopped before deleting the file (S3 answers a delete
      // of a missing key with success, so this is idempotent too).
      await s3.send(new DeleteObjectCommand({ Bucket: cfg.LETTERS_SCAN_BUCKET, Key: scanKey }));
      continue;
    }
    if (row.notification_status !== 'pending-virus-check') continue;
    const bytes = await objectBytes(s3, cfg.LETTERS_SCAN_BUCKET, scanKey);
    if (!bytes) {
      helpers.logger.error(`letter ${row.id}: no PDF in the scan bucket at ${scanKey}; left pending-virus-check`);
      continue;
    }
    const outcome = await scanLetterPdf(bytes, pdfLimits(cfg));
    if (outcome.status === 'created') {
      await s3.send(
        new CopyObjectCommand({
          Bucket: cfg.LETTERS_PDF_BUCKET,
          Key: row.pdf_key,
          CopySource: `${cfg.LETTERS_SCAN_BUCKET}/${encodeURIComponent(scanKey)}`,
        }),
      );
      await recordLetterPdfs(helpers, [{ id: row.id, sheets: sheetsFor(outcome.pages), status: 'created' }]);
      await s3.send(new DeleteObjectCommand({ Bucket: cfg.LETTERS_SCAN_BUCKET, Key: scanKey }));
    } else {
      helpers.logger.warn(`letter ${row.id}: ${outcome.status} (${outcome.reason})`);
      const sheets = outcome.status === 'validation-failed' && outcome.pages ? sheetsFor(outcome.pages) : 0;
      await recordLetterPdfs(helpers, [{ id: row.id, sheets, status: outcome.status }]);
    }
  }
};

export default scanLetter;
