// Notify template rendering: placeholders, email subject / plain body / HTML, letters, and file-attachment
// personalisation. Text messages are in sms.ts, re-exported here.
//
// Choices (Notify's notifications-utils behaviour where known):
// - Placeholder keys match ignoring case, whitespace, '_' and '-' (Notify's InsensitiveDict), so
//   ((First name)) is filled by `first_name`, `FIRSTNAME` or `first-name`.
// - A personalisation value of null counts as missing.
// - Optional text ((name??text)) is shown when the value is `true` or its text is, ignoring case,
//   one of yes / y / true / t / 1 / include / show (Notify's str2bool); any other value hides it.
// - A list value becomes a markdown bullet list in emails and letters, "a, b and c" in SMS.
import { BadRequestError } from '../lib/errors.ts';
import { addressLinesFromPersonalisation } from '../recipients/recipients.ts';

export type Personalisation = Record<string, unknown>;

const PLACEHOLDER_RE = /\(\(([^()]+)\)\)/g;

/** The matching key for a placeholder or personalisation name. */
export function placeholderKey(name: string): string {
  return name.replace(/[\s_-]/g, '').toLowerCase();
}

interface Placeholder {
  /** The text between (( and )). */
  body: string;
  /** The name as written in the template (before any `??`), trimmed. */
  name: string;
  conditionalText: string | null;
}

function parsePlaceholder(body: string): Placeholder {
  const at = body.indexOf('??');
  if (at === -1) return { body, name: body.trim(), conditionalText: null };
  return { body, name: body.slice(0, at).trim(), conditionalText: body.slice(at + 2) };
}

/** Placeholder names in the given template fields, unique by key, in order of first appearance. */
export function placeholderNames(...fields: Array<string | null | undefined>): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const field of fields) {
    if (!field) continue;
    for (const match of field.matchAll(PLACEHOLDER_RE)) {
      const { name } = parsePlaceholder(match[1]);
      const key = placeholderKey(name);
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      names.push(name);
    }
  }
  return names;
}

class Values {
  private readonly map = new Map<string, unknown>();
  constructor(personalisation: Personalisation | null | undefined) {
    for (const [k, v] of Object.entries(personalisation ?? {})) this.map.set(placeholderKey(k), v);
  }
  get(name: string): unknown {
    const value = this.map.get(placeholderKey(name));
    return value === undefined ? null : value;
  }
}

/** Names (as written in the template) with no value (absent or null) in the personalisation. */
export function missingPersonalisation(
  fields: Array<string | null | undefined>,
  personalisation: Personalisation | null | undefined,
): string[] {
  const values = new Values(personalisation);
  return placeholderNames(...fields).filter((name) => values.get(name) === null);
}

/** Throws Notify's BadRequestError `Missing personalisation: a, b` when something is missing. */
export function assertNoMissingPersonalisation(
  fields: Array<string | null | undefined>,
  personalisation: Personalisation | null | undefined,
): void {
  const missing = missingPersonalisation(fields, personalisation);
  if (missing.length) throw new BadRequestError(`Missing personalisation: ${missing.join(', ')}`);
}

/** Notify's str2bool for optional content (notifications-utils, notifications_utils/field.py). */
export function showsOptionalContent(value: unknown): boolean {
  if (value === true) return true;
  if (value === null || value === undefined || value === false) return false;
  return ['yes', 'y', 'true', 't', '1', 'include', 'show'].includes(String(value).toLowerCase());
}

function valueToText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** "a", "a and b", "a, b and c". */
function formattedList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

type ListStyle = 'markdown' | 'inline';

/**
 * Substitutes placeholders. `format` turns each value's text into what goes in the output
 * (identity for plain text). Placeholders without a value are left as they are.
 */
function substitute(
  content: string,
  values: Values,
  lists: ListStyle,
  format: (text: string, name: string) => string = (text) => text,
): string {
  return content.replace(PLACEHOLDER_RE, (whole, body: string) => {
    const placeholder = parsePlaceholder(body);
    const value = values.get(placeholder.name);
    if (value === null) return whole;
    if (placeholder.conditionalText !== null) {
      return showsOptionalContent(value) ? placeholder.conditionalText : '';
    }
    if (Array.isArray(value)) {
      const items = value
        .filter((v) => v !== null && v !== undefined && v !== '')
        .map((v) => format(valueToText(v), placeholder.name));
      return lists === 'markdown' ? `\n\n${items.map((item) => `* ${item}`).join('\n')}\n` : formattedList(items);
    }
    return format(valueToText(value), placeholder.name);
  });
}

/** Plain substitution (no escaping), e.g. for letters and previews. */
export function fillPlaceholders(
  content: string,
  personalisation: Personalisation | null | undefined,
  lists: ListStyle = 'markdown',
): string {
  return substitute(content, new Values(personalisation), lists);
}

// ---------------------------------------------------------------------------------------------
// SMS: encoding, counting and rendering live in sms.ts.
// ---------------------------------------------------------------------------------------------

export * from './sms.ts';

export const EMPTY_MESSAGE = 'Your message is empty.';

// ---------------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------------

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Collapses all whitespace (newlines included) to single spaces and trims. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is a separator alone, joiner included
  return text.replace(/[\s\u180E\u200B\u200C\u200D\u2060\uFEFF]+/g, ' ').trim();
}

const SANITISE_RE = /[\\`*_{}[\]()#+\-!^>|~<.:]/g;

/**
 * A personalisation value made inert for `sanitise_content_for`: whitespace collapsed to one
 * line (so it cannot start a markdown block), markdown characters and the characters that make
 * links (`.` and `:`) backslash-escaped. The HTML shows the original value as escaped text,
 * never as markup or a link.
 */
export function sanitiseValue(value: string): string {
  return oneLine(value).replace(SANITISE_RE, (c) => `\\${c}`);
}

export interface EmailTemplate {
  subject: string;
  content: string;
}

export interface RenderedEmail {
  subject: string;
  /** Plain body (markdown source with values filled in); keeps \r\n. */
  body: string;
  html: string;
  /** The body's HTML alone, without the document around it (Notify's html_body, what a preview returns). */
  bodyHtml: string;
  /** key → {sanitised, unsanitised} for each `sanitise_content_for` key that had a value. */
  sanitisedContent: Record<string, { sanitised: string; unsanitised: string }>;
}

export interface EmailRenderOptions {
  /** Personalisation keys whose values must not form markdown or links. */
  sanitiseContentFor?: readonly string[];
  /** Extra text placed under the body in the HTML (e.g. an unsubscribe link), already HTML. */
  htmlFooter?: string;
}

// Private-use characters mark where sanitised values go, so the markdown pass cannot see them.
const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';
const TOKEN_RE = /\uE000(\d+)\uE001/g;

export function renderEmail(
  template: EmailTemplate,
  personalisation: Personalisation | null | undefined,
  options: EmailRenderOptions = {},
): RenderedEmail {
  const values = new Values(personalisation);
  const sanitiseKeys = new Set((options.sanitiseContentFor ?? []).map(placeholderKey));
  const sanitisedContent: RenderedEmail['sanitisedContent'] = {};
  for (const key of options.sanitiseContentFor ?? []) {
    const value = values.get(key);
    if (value === null || typeof value === 'object') continue;
    const text = valueToText(value);
    sanitisedContent[key] = { sanitised: sanitiseValue(text), unsanitised: text };
  }
  const isSanitised = (name: string) => sanitiseKeys.has(placeholderKey(name));

  const subject = oneLine(
    substitute(template.subject, values, 'inline', (text, name) => (isSanitised(name) ? oneLine(text) : text)),
  );
  // Trimmed, as Notify's content_with_placeholders_filled_in (notifications-utils Template).
  const body = substitute(template.content, values, 'markdown', (text, name) =>
    isSanitised(name) ? sanitiseValue(text) : text,
  ).trim();

  const protectedValues: string[] = [];
  const markdown = substitute(template.content, values, 'markdown', (text, name) => {
    if (!isSanitised(name)) return text;
    protectedValues.push(oneLine(text));
    return `${TOKEN_OPEN}${protectedValues.length - 1}${TOKEN_CLOSE}`;
  });
  const bodyHtml = markdownToHtml(markdown).replace(TOKEN_RE, (_, i: string) => escapeHtml(protectedValues[Number(i)]));
  const html = emailHtmlDocument(subject, bodyHtml + (options.htmlFooter ?? ''));
  return { subject, body, html, bodyHtml, sanitisedContent };
}

export function assertEmailSendable(rendered: RenderedEmail): void {
  if (rendered.body.trim() === '') throw new BadRequestError(EMPTY_MESSAGE);
}

const FONT = 'font-family: Helvetica, Arial, sans-serif;';
const P_STYLE = `${FONT} font-size: 19px; line-height: 25px; margin: 0 0 20px 0; color: #0B0C0C;`;
const LINK_STYLE = 'word-wrap: break-word; color: #1D70B8;';

const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"\uE000\uE001]+/gi;
const MD_LINK_RE = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/gi;

function linkHtml(href: string, text: string): string {
  return `<a style="${LINK_STYLE}" href="${escapeHtml(href)}">${text}</a>`;
}

function autolink(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    // Leave trailing punctuation outside the link; keep a closing bracket that has an opening one.
    while (/[.,;:!?'")\]]$/.test(url)) {
      if (url.endsWith(')') && (url.match(/\(/g) ?? []).length >= (url.match(/\)/g) ?? []).length) break;
      url = url.slice(0, -1);
    }
    const start = m.index;
    out += escapeHtml(text.slice(last, start));
    const href = /^www\./i.test(url) ? `http://${url}` : url;
    out += linkHtml(href, escapeHtml(url));
    last = start + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

/** Escapes text and turns [text](https://…) and bare URLs into links. */
export function inlineHtml(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(MD_LINK_RE)) {
    out += autolink(text.slice(last, m.index));
    out += linkHtml(m[2], escapeHtml(m[1]));
    last = m.index + m[0].length;
  }
  return out + autolink(text.slice(last));
}

const HR_RE = /^\s*(?:-\s*){3,}$|^\s*(?:\*\s*){3,}$|^\s*(?:_\s*){3,}$/;
const HEADING_RE = /^\s*(#{1,6})\s*(.*)$/;
const BULLET_RE = /^\s*[*\-•]\s+(.*)$/;
const NUMBERED_RE = /^\s*\d+\.\s+(.*)$/;
const INSET_RE = /^\s*\^\s?(.*)$/;

type Block =
  | { kind: 'p'; lines: string[] }
  | { kind: 'inset'; lines: string[] }
  | { kind: 'ul' | 'ol'; items: string[] }
  | { kind: 'h'; level: 2 | 3; text: string }
  | { kind: 'hr' };

function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let current = null as Block | null;
  const close = () => {
    if (current) blocks.push(current);
    current = null;
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      close();
      continue;
    }
    if (HR_RE.test(line)) {
      close();
      blocks.push({ kind: 'hr' });
      continue;
    }
    const heading = HEADING_RE.exec(line);
    if (heading && heading[2].trim() !== '') {
      close();
      blocks.push({ kind: 'h', level: heading[1].length === 1 ? 2 : 3, text: heading[2].trim() });
      continue;
    }
    const bullet = BULLET_RE.exec(line);
    const numbered = bullet ? null : NUMBERED_RE.exec(line);
    if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      const item = (bullet ?? numbered)![1].trim();
      if (current?.kind === kind) current.items.push(item);
      else {
        close();
        current = { kind, items: [item] };
      }
      continue;
    }
    const inset = INSET_RE.exec(line);
    if (inset && current?.kind !== 'inset') {
      close();
      current = { kind: 'inset', lines: [inset[1].trim()] };
      continue;
    }
    const text = inset ? inset[1].trim() : line.trim();
    if (current?.kind === 'p' || current?.kind === 'inset') current.lines.push(text);
    else if (current?.kind === 'ul' || current?.kind === 'ol') {
      // A continuation line of the last list item.
      current.items[current.items.length - 1] += `\n${text}`;
    } else {
      close();
      current = { kind: 'p', lines: [text] };
    }
  }
  close();
  return blocks;
}

const lineBreaks = (lines: string[]) => lines.map(inlineHtml).join('<br />');

/**
 * Renders Notify's markdown subset (paragraphs, # headings, bullet and numbered lists, ^ inset text, --- rules,
 * links).
 */
export function markdownToHtml(markdown: string): string {
  return parseBlocks(markdown)
    .map((block) => {
      switch (block.kind) {
        case 'p':
          return `<p style="${P_STYLE}">${lineBreaks(block.lines)}</p>`;
        case 'inset':
          return (
            `<blockquote style="${FONT} border-left: 10px solid #B1B4B6; padding: 15px 0 0.1px 15px; ` +
            `font-size: 19px; line-height: 25px; margin: 0 0 20px 0;"><p style="${P_STYLE}">` +
            `${lineBreaks(block.lines)}</p></blockquote>`
          );
        case 'h':
          return block.level === 2
            ? `<h2 style="${FONT} font-size: 27px; line-height: 35px; font-weight: bold; margin: 0 0 20px 0; ` +
                `color: #0B0C0C;">${inlineHtml(block.text)}</h2>`
            : `<h3 style="${FONT} font-size: 19px; line-height: 25px; font-weight: bold; margin: 0 0 10px 0; ` +
                `color: #0B0C0C;">${inlineHtml(block.text)}</h3>`;
        case 'hr':
          return '<hr style="border: 0; height: 1px; background: #B1B4B6; margin: 30px 0 30px 0;">';
        case 'ul':
        case 'ol': {
          const items = block.items
            .map(
              (item) =>
                `<li style="${FONT} font-size: 19px; line-height: 25px; margin: 5px 0 5px 0; color: #0B0C0C;">` +
                `${lineBreaks(item.split('\n'))}</li>`,
            )
            .join('');
          const type = block.kind === 'ul' ? 'list-style-type: disc;' : 'list-style-type: decimal;';
          return `<${block.kind} style="${type} margin: 0 0 20px 0; padding: 0 0 0 20px;">${items}</${block.kind}>`;
        }
      }
      return '';
    })
    .join('\n');
}

/** Wraps rendered body HTML in a simple, email-client-safe document. */
export function emailHtmlDocument(subject: string, bodyHtml: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${FONT} font-size: 16px; margin: 0; color: #0B0C0C;">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ' +
      'style="border-collapse: collapse; max-width: 580px;">',
    `<tr><td style="${FONT} font-size: 19px; line-height: 1.315789474; padding: 30px 10px 30px 10px;">`,
    bodyHtml,
    '</td></tr>',
    '</table>',
    '</body>',
    '</html>',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Letters
// ---------------------------------------------------------------------------------------------

export interface LetterTemplate {
  subject: string;
  content: string;
}

export interface RenderedLetter {
  subject: string;
  body: string;
  /** The address block as printed: Notify's normalised lines when there are 3 to 7 (see postal-address.ts). */
  addressLines: string[];
}

export function renderLetter(
  template: LetterTemplate,
  personalisation: Personalisation | null | undefined,
): RenderedLetter {
  const values = new Values(personalisation);
  return {
    subject: oneLine(substitute(template.subject, values, 'inline')),
    body: substitute(template.content.replace(/\r\n?/g, '\n'), values, 'markdown').trim(),
    addressLines: addressLinesFromPersonalisation(personalisation ?? {}),
  };
}

// ---------------------------------------------------------------------------------------------
// File attachments (send a file by email)
// ---------------------------------------------------------------------------------------------

export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

export interface FileAttachment {
  /** The personalisation key the file was given under. */
  key: string;
  content: Buffer;
  filename: string | null;
  confirmEmailBeforeDownload: boolean | null;
  /** Weeks to keep the file (1–78), or null for the default. */
  retentionWeeks: number | null;
  isCsv: boolean;
}

export type AttachmentLinkMaker = (file: FileAttachment) => string | Promise<string>;

export function isFileAttachmentValue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'file' in value;
}

function reprForMessage(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Validates one `{file, filename, confirm_email_before_download, retention_period, is_csv}` value.
 * Throws BadRequestError (messages partly guessed: see the tests).
 */
export function parseFileAttachment(key: string, value: Record<string, unknown>): FileAttachment {
  const { file, filename, confirm_email_before_download: confirm, retention_period: retention, is_csv: isCsv } = value;
  if (typeof file !== 'string') throw new BadRequestError(`personalisation ${key} file is not of type string`);
  const compact = file.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new BadRequestError('File is not base64 encoded');
  }
  const content = Buffer.from(compact, 'base64');
  if (content.length > MAX_ATTACHMENT_BYTES) throw new BadRequestError('File is larger than 2MB');
  if (filename !== undefined && filename !== null && typeof filename !== 'string') {
    throw new BadRequestError(`Unsupported value for filename: '${reprForMessage(filename)}'. Use a string.`);
  }
  if (confirm !== undefined && confirm !== null && typeof confirm !== 'boolean') {
    const shown = reprForMessage(confirm);
    throw new BadRequestError(
      `Unsupported value for confirm_email_before_download: '${shown}'. Use a boolean true or false value.`,
    );
  }
  let retentionWeeks: number | null = null;
  if (retention !== undefined && retention !== null) {
    const m = typeof retention === 'string' ? /^\s*(\d+) weeks?\s*$/.exec(retention) : null;
    retentionWeeks = m ? Number(m[1]) : Number.NaN;
    if (!(retentionWeeks >= 1 && retentionWeeks <= 78)) {
      const shown = reprForMessage(retention);
      throw new BadRequestError(
        `Unsupported value for retention_period '${shown}'. Supported periods are from 1 to 78 weeks.`,
      );
    }
  }
  if (isCsv !== undefined && isCsv !== null && typeof isCsv !== 'boolean') {
    throw new BadRequestError(
      `Unsupported value for is_csv: '${reprForMessage(isCsv)}'. Use a boolean true or false value.`,
    );
  }
  return {
    key,
    content,
    filename: typeof filename === 'string' ? filename : null,
    confirmEmailBeforeDownload: typeof confirm === 'boolean' ? confirm : null,
    retentionWeeks,
    isCsv: isCsv === true,
  };
}

/**
 * Returns a copy of the personalisation in which every file value is validated and replaced by
 * the download link the callback gives for it (in key order). `files` lists what was uploaded.
 */
export async function prepareFileAttachments(
  personalisation: Personalisation | null | undefined,
  makeLink: AttachmentLinkMaker,
): Promise<{ personalisation: Personalisation; files: FileAttachment[] }> {
  const out: Personalisation = { ...(personalisation ?? {}) };
  const parsed: FileAttachment[] = [];
  for (const [key, value] of Object.entries(out)) {
    if (isFileAttachmentValue(value)) parsed.push(parseFileAttachment(key, value));
  }
  for (const file of parsed) out[file.key] = await makeLink(file);
  return { personalisation: out, files: parsed };
}
