import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { Task } from 'graphile-worker';
import { config } from '../src/config.ts';
import {
  lettersToMake,
  pdfFileName,
  recordLetterPdfs,
  scanLetterPdf,
  sheetsFor,
  type LetterPdfResult,
} from '../src/letters/letters.ts';
import { payloadIds } from '../src/lib/payload-ids.ts';
import { objectBytes, processS3 } from '../src/lib/s3.ts';

/**
 * Precompiled letters waiting in the scan bucket ({"ids": [...]}, queued by create_notifications):
 * the local stand-in for Notify's anti-virus scan and PDF checks (src/letters/letters.ts scanLetterPdf).
 * Clean: the PDF moves to the letters PDF bucket and the letter is created (GET …/pdf serves it),
 * with its sheets; otherwise virus-scan-failed or validation-failed. A PDF missing from the scan
 * bucket (the API stores it before the row commits) is logged and the letter left pending:
 * check-letters reports it after 90 minutes; replay-created-notifications queues the scan again later.
 */
const scanLetter: Task = async (payload, helpers) => {
  const cfg = config();
  const s3 = processS3();
  const rows = (await lettersToMake(helpers, payloadIds(payload, helpers.logger))).filter(
    (r) => r.precompiled && r.notification_status === 'pending-virus-check',
  );
  const results: LetterPdfResult[] = [];
  for (const row of rows) {
    const scanKey = pdfFileName(row.pdf_key);
    const bytes = await objectBytes(s3, cfg.LETTERS_SCAN_BUCKET, scanKey);
    if (!bytes) {
      helpers.logger.error(`letter ${row.id}: no PDF in the scan bucket at ${scanKey}; left pending-virus-check`);
      continue;
    }
    const outcome = await scanLetterPdf(bytes);
    if (outcome.status === 'created') {
      await s3.send(
        new CopyObjectCommand({
          Bucket: cfg.LETTERS_PDF_BUCKET,
          Key: row.pdf_key,
          CopySource: `${cfg.LETTERS_SCAN_BUCKET}/${encodeURIComponent(scanKey)}`,
        }),
      );
      await s3.send(new DeleteObjectCommand({ Bucket: cfg.LETTERS_SCAN_BUCKET, Key: scanKey }));
      results.push({ id: row.id, sheets: sheetsFor(outcome.pages), status: 'created' });
    } else {
      helpers.logger.warn(`letter ${row.id}: ${outcome.status} (${outcome.reason})`);
      results.push({
        id: row.id,
        sheets: outcome.status === 'validation-failed' && outcome.pages ? sheetsFor(outcome.pages) : 0,
        status: outcome.status,
      });
    }
  }
  await recordLetterPdfs(helpers, results);
};

export default scanLetter;
