// Letter PDFs (pdf-lib): rendering a template letter, and the local stand-in for the virus scan of
// a precompiled one. Used by tasks/create-letter-pdf.ts and tasks/scan-letter.ts.
import type { JobHelpers } from 'graphile-worker';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { parsePdf, type PdfLimits } from './pdf-parse.ts';

/** Longer letters are refused as Notify refuses them: validation-failed (letter-too-long). */
export const MAX_LETTER_PAGES = 10;

/** Printed double-sided: the billable unit of a letter is a sheet. */
export const sheetsFor = (pages: number) => Math.ceil(pages / 2);

export interface LetterContent {
  addressLines: string[];
  contactBlock: string | null;
  date: Date;
  subject: string;
  body: string;
}

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };
const MARGIN = 20 * MM;
const SIZE = 11;
const LEADING = SIZE * 1.4;

/** Characters the standard (WinAnsi) fonts cannot draw become their closest plain form or '?'. */
function drawable(font: PDFFont, text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      try {
        font.encodeText(plain);
        out += plain;
      } catch {
        out += '?';
      }
    }
  }
  return out;
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** The London date as letters print it: "1 December 2026". */
export function letterDate(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
}

/**
 * An A4 letter: contact block top right, the address in the envelope window, the date, the
 * subject as a heading, then the body (blank lines separate paragraphs; `# ` lines are headings,
 * `* ` / `- ` lines bullets), page numbers at the foot.
 */
export async function renderLetterPdf(letter: LetterContent): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(letter.subject);
  doc.setProducer('notify-pg');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const width = A4.width - 2 * MARGIN;
  let page: PDFPage = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const text = (s: string, x: number, yy: number, font = regular, size = SIZE) =>
    page.drawText(drawable(font, s), { x, y: yy, size, font });

  // Contact block, right-aligned at the top; the date under it.
  const contact = (letter.contactBlock ?? '').split(/\r?\n/).filter((l) => l.trim());
  for (const line of [...contact, '', letterDate(letter.date)]) {
    const s = drawable(regular, line);
    text(s, A4.width - MARGIN - regular.widthOfTextAtSize(s, SIZE), y);
    y -= LEADING;
  }
  // The address, where the envelope window is (about 50 mm from the top).
  let ay = Math.min(y, A4.height - 50 * MM);
  for (const line of letter.addressLines) {
    text(line, MARGIN, ay);
    ay -= LEADING;
  }
  y = Math.min(ay, A4.height - 100 * MM) - LEADING;

  const newPageIfNeeded = () => {
    if (y < MARGIN + 2 * LEADING) {
      page = doc.addPage([A4.width, A4.height]);
      y = A4.height - MARGIN;
    }
  };
  const paragraph = (s: string, font: PDFFont, size: number, indent = 0, bullet = false) => {
    wrap(font, size, drawable(font, s), width - indent).forEach((line, i) => {
      newPageIfNeeded();
      if (bullet && i === 0) text('•', MARGIN + indent - 4 * MM, y, font, size);
      text(line, MARGIN + indent, y, font, size);
      y -= size * 1.4;
    });
  };
  paragraph(letter.subject, bold, SIZE + 3);
  y -= LEADING / 2;
  for (const block of letter.body.split(/\n\s*\n/)) {
    for (const raw of block.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (/^#+\s/.test(line)) paragraph(line.replace(/^#+\s+/, ''), bold, SIZE + 1);
      else if (/^[*-]\s/.test(line)) paragraph(line.slice(2), regular, SIZE, 6 * MM, true);
      else paragraph(line, regular, SIZE);
    }
    y -= LEADING / 2;
  }
  const pages = doc.getPageCount();
  doc.getPages().forEach((p, i) => {
    const label = `Page ${i + 1} of ${pages}`;
    p.drawText(label, { x: (A4.width - regular.widthOfTextAtSize(label, 9)) / 2, y: 10 * MM, size: 9, font: regular });
  });
  return { bytes: await doc.save(), pages };
}

/** The EICAR anti-virus test file's signature: what every scanner reports as infected. */
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export type ScanOutcome =
  | { status: 'created'; pages: number }
  | { status: 'virus-scan-failed'; reason: string }
  | { status: 'validation-failed'; reason: string; pages?: number };

/**
 * The local stand-in for Notify's anti-virus scan and PDF validation of a precompiled letter:
 * the EICAR test signature fails the scan; a file pdf-lib cannot open (in a worker thread with
 * bounded heap and time: src/letters/pdf-parse.ts), or one longer than MAX_LETTER_PAGES, fails validation.
 */
export async function scanLetterPdf(bytes: Uint8Array, limits?: PdfLimits): Promise<ScanOutcome> {
  if (Buffer.from(bytes).includes(EICAR)) return { status: 'virus-scan-failed', reason: 'EICAR test signature' };
  const parsed = await parsePdf(bytes, limits);
  if (parsed.outcome !== 'parsed') return { status: 'validation-failed', reason: `PDF ${parsed.outcome}` };
  const pages = parsed.pages;
  if (pages === 0) return { status: 'validation-failed', reason: 'not a readable PDF, or no pages' };
  if (pages > MAX_LETTER_PAGES)
    return { status: 'validation-failed', reason: `letter-too-long: ${pages} pages`, pages };
  return { status: 'created', pages };
}

// ---------------------------------------------------------------------------------------------
// The letter tasks' database side
// ---------------------------------------------------------------------------------------------

export interface LetterRow {
  id: string;
  /** created or pending-virus-check; a test-key letter's final status (it is never printed). */
  notification_status: string;
  reference: string;
  postage: string | null;
  created_at: Date;
  precompiled: boolean;
  personalisation: string | null;
  template_content: string;
  template_subject: string | null;
  contact_block: string | null;
  service_name: string;
  /** Key in the letters PDF bucket (app_private.letter_pdf_key). */
  pdf_key: string;
  key_type: 'normal' | 'team' | 'test';
}

export interface LetterPdfResult {
  id: string;
  /** null: billable units left as they are (test-key letters). */
  sheets: number | null;
  /** null: a template letter's PDF was made; else the new status (scan outcome or validation-failed). */
  status: 'created' | 'virus-scan-failed' | 'validation-failed' | null;
}

/** Live letters of `ids` still waiting for a PDF or a scan, and test-key template letters (letters_for_pdf). */
export async function lettersToMake(helpers: JobHelpers, ids: string[]): Promise<LetterRow[]> {
  if (ids.length === 0) return [];
  return (await helpers.query<LetterRow>('select * from app_private.letters_for_pdf($1::uuid[])', [ids])).rows;
}

export async function recordLetterPdfs(helpers: JobHelpers, results: LetterPdfResult[]): Promise<void> {
  if (results.length)
    await helpers.query('select app_private.record_letter_pdfs($1::jsonb)', [JSON.stringify(results)]);
}

/** A letter PDF's file name: its key without the print-date folder (the scan bucket and print zips use it). */
export function pdfFileName(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}
