import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Task } from 'graphile-worker';
import { config } from '../src/config.ts';
import {
  lettersToMake,
  MAX_LETTER_PAGES,
  recordLetterPdfs,
  renderLetterPdf,
  sheetsFor,
  type LetterPdfResult,
} from '../src/letters/letters.ts';
import { payloadIds } from '../src/lib/payload-ids.ts';
import { processS3 } from '../src/lib/s3.ts';
import { renderLetter, type Personalisation } from '../src/templates/template.ts';

/**
 * Template letters' PDFs ({"ids": [...]}, queued by create_notifications): rendered with pdf-lib
 * into the letters PDF bucket under app_private.letter_pdf_key (GET /v2/notifications/{id}/pdf
 * serves it), billable sheets recorded. Longer than MAX_LETTER_PAGES: validation-failed, no PDF.
 * Test-key letters get their PDF too, as Notify makes them, but keep their status and no sheets
 * (Notify bills nothing for them; record_letter_pdfs changes only created letters).
 * Idempotent: run again, a letter's PDF is rendered again to the same key.
 */
const createLetterPdf: Task = async (payload, helpers) => {
  const rows = (await lettersToMake(helpers, payloadIds(payload, helpers.logger))).filter(
    (r) => !r.precompiled && (r.notification_status === 'created' || r.key_type === 'test'),
  );
  const results: LetterPdfResult[] = [];
  for (const row of rows) {
    const personalisation = row.personalisation ? (JSON.parse(row.personalisation) as Personalisation) : {};
    const letter = renderLetter(
      { subject: row.template_subject ?? '', content: row.template_content },
      personalisation,
    );
    const { bytes, pages } = await renderLetterPdf({
      addressLines: letter.addressLines,
      contactBlock: row.contact_block,
      date: row.created_at,
      subject: letter.subject,
      body: letter.body,
    });
    if (pages > MAX_LETTER_PAGES) {
      helpers.logger.warn(`letter ${row.id}: ${pages} pages, more than ${MAX_LETTER_PAGES}: validation-failed`);
      const sheets = row.key_type === 'test' ? null : sheetsFor(pages);
      results.push({ id: row.id, sheets, status: 'validation-failed' });
      continue;
    }
    await processS3().send(
      new PutObjectCommand({
        Bucket: config().LETTERS_PDF_BUCKET,
        Key: row.pdf_key,
        Body: bytes,
        ContentType: 'application/pdf',
      }),
    );
    results.push({ id: row.id, sheets: row.key_type === 'test' ? null : sheetsFor(pages), status: null });
  }
  await recordLetterPdfs(helpers, results);
};

export default createLetterPdf;
