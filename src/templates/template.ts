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
import { rememberRecent } from '../lib/recent.ts';
import { addressLinesFromPersonalisation } from '../recipients/recipients.ts';

export type Personalisation = Record<string, unknown>;

const PLACEHOLDER_RE = /\(\(([^()]+)\)\)/g;

// Keys of the names seen lately (a file's column headers, an API's personalisation keys): worked out once rather
// than for every row. Bounded in number and length, as the names come from requests.
const recentKey = rememberRecent((name) => name.replace(/[\s_-]/g, '').toLowerCase(), 1000, 100);

/** The matching key for a placeholder or personalisation name. */
export function placeholderKey(name: string): string {
  return recentKey(name);
}

interface Placeholder {
  /** The placeholder as written, brackets included. */
  whole: string;
  /** The text between (( and )). */
  body: string;
  /** The name as written in the template (before any `??`), trimmed. */
  name: string;
  /** placeholderKey(name). */
  key: string;
  conditionalText: string | null;
}

function parsePlaceholder(whole: string, body: string): Placeholder {
  const at = body.indexOf('??');
  const name = at === -1 ? body.trim() : body.slice(0, at).trim();
  return { whole, body, name, key: placeholderKey(name), conditionalText: at === -1 ? null : body.slice(at + 2) };
}

/** A template field cut at its placeholders: the text between them and the placeholders, in order. */
interface ParsedField {
  parts: Array<string | Placeholder>;
  /** Placeholders unique by key (an empty key is no name), in order of first appearance. */
  named: Placeholder[];
}

function parseField(field: string): ParsedField {
  const parts: Array<string | Placeholder> = [];
  const named: Placeholder[] = [];
  const seen = new Set<string>();
  let last = 0;
  for (const match of field.matchAll(PLACEHOLDER_RE)) {
    if (match.index > last) parts.push(field.slice(last, match.index));
    const placeholder = parsePlaceholder(match[0], match[1]);
    parts.push(placeholder);
    if (placeholder.key !== '' && !seen.has(placeholder.key)) {
      seen.add(placeholder.key);
      named.push(placeholder);
    }
    last = match.index + match[0].length;
  }
  if (last < field.length) parts.push(field.slice(last));
  return { parts, named };
}

// Fields are parsed once, not for every message sent with them: a few templates are in use at a time (a file
// of 100,000 rows has one). At most 100 kept; a field over 20,000 characters is parsed each time, so what is
// kept never comes to more than a few MB.
const parsedField = rememberRecent(parseField, 100, 20_000);

/** Placeholders in the given template fields, unique by key, in order of first appearance. */
function namedPlaceholders(fields: Array<string | null | undefined>): Placeholder[] {
  let only: Placeholder[] | null = null;
  let merged: Placeholder[] | null = null;
  for (const field of fields) {
    if (!field) continue;
    const { named } = parsedField(field);
    if (named.length === 0) continue;
    if (only === null) only = named;
    else {
      if (merged === null) merged = [...only];
      for (const p of named) if (!merged.some((m) => m.key === p.key)) merged.push(p);
    }
  }
  return merged ?? only ?? [];
}

/** Placeholder names in the given template fields, unique by key, in order of first appearance. */
export function placeholderNames(...fields: Array<string | null | undefined>): string[] {
  return namedPlaceholders(fields).map((p) => p.name);
}

/** The field with every placeholder replaced by `text`. */
export function withEveryPlaceholderAs(field: string, text: string): string {
  let out = '';
  for (const part of parsedField(field).parts) out += typeof part === 'string' ? part : text;
  return out;
}

class Values {
  private readonly map = new Map<string, unknown>();
  constructor(personalisation: Personalisation | null | undefined) {
    if (personalisation)
      for (const k of Object.keys(personalisation)) this.map.set(placeholderKey(k), personalisation[k]);
  }
  get(key: string): unknown {
    const value = this.map.get(key);
    return value === undefined ? null : value;
  }
}

/** Names (as written in the template) with no value (absent or null) in the personalisation. */
export function missingPersonalisation(
  fields: Array<string | null | undefined>,
  personalisation: Personalisation | null | undefined,
): string[] {
  const values = new Values(personalisation);
  const missing: string[] = [];
  for (const p of namedPlaceholders(fields)) if (values.get(p.key) === null) missing.push(p.name);
  return missing;
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
  let out = '';
  for (const part of parsedField(content).parts) {
    out += typeof part === 'string' ? part : placeholderText(part, values, lists, format);
  }
  return out;
}

function placeholderText(
  placeholder: Placeholder,
  values: Values,
  lists: ListStyle,
  format: (text: string, name: string) => string,
): string {
  const value = values.get(placeholder.key);
  if (value === null) return placeholder.whole;
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

// From notifications-utils, notifications_utils/formatters.py (`url`): python's \w and \b are
// Unicode-aware, so they are spelt out here.
const W = '[\\p{L}\\p{N}_]';
const WORD_BOUNDARY = `(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;
const URL_IN_TEXT_RE = new RegExp(
  `${WORD_BOUNDARY}(?<![@.])(https?:\\/\\/)?([\\p{L}\\p{N}_\\-]+\\.)+([a-z]{2,63})(?!@)${WORD_BOUNDARY}` +
    '([/?#][^<\\s]*)?',
  'giu',
);
// From notifications-api, app/v2/notifications/post_notifications.py (_escape_markdown_characters).
const MARKDOWN_CHARACTER_RE = /([`*_()\\{}[\]<>#+\-.!|])/g;

/**
 * A personalisation value made inert for `sanitise_content_for`, as Notify does
 * (sanitise_personalisation_item): a URL that could be an accidental link (letters, digits, dots
 * and hyphens only) has its dots broken up ("www. example. com"), any other URL is removed, then
 * markdown characters are backslash-escaped.
 */
export function sanitiseValue(value: string): string {
  const urlsBroken = value.replace(URL_IN_TEXT_RE, (url) =>
    /^[a-zA-Z0-9.-]+$/.test(url) ? url.replace(/\./g, '. ') : '',
  );
  return urlsBroken.replace(MARKDOWN_CHARACTER_RE, '\\$1');
}

export type SanitisedContent = Record<string, { unsanitised: string; sanitised: string }>;

/**
 * The personalisation with the values of `keys` (matched ignoring case and spaces) sanitised,
 * and Notify's `sanitised_content`: each key whose value changed. Only text values change.
 */
export function sanitisePersonalisation(
  personalisation: Personalisation | null | undefined,
  keys: readonly string[] | null | undefined,
): { personalisation: Personalisation | null | undefined; sanitisedContent: SanitisedContent } {
  const sanitisedContent: SanitisedContent = {};
  if (!personalisation || !keys?.length) return { personalisation, sanitisedContent };
  const wanted = new Set(keys.map(placeholderKey));
  const out: Personalisation = {};
  for (const [key, value] of Object.entries(personalisation)) {
    if (typeof value === 'string' && wanted.has(placeholderKey(key))) {
      out[key] = sanitiseValue(value);
      if (out[key] !== value) sanitisedContent[key] = { unsanitised: value, sanitised: out[key] as string };
    } else out[key] = value;
  }
  return { personalisation: out, sanitisedContent };
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
}

export interface EmailRenderOptions {
  /** Extra text placed under the body in the HTML, already HTML. */
  htmlFooter?: string;
  /**
   * The link of a template with an unsubscribe link: Notify's footer ("---" then "Unsubscribe from
   * these emails") under the body, in the plain text and the HTML (not in the API's `body`).
   */
  unsubscribeLink?: string | null;
}

/** From notifications-utils, template.py (BaseEmailTemplate.content_with_unsubscribe_link). */
export function contentWithUnsubscribeLink(content: string, unsubscribeLink: string | null | undefined): string {
  return unsubscribeLink ? `${content}\n\n---\n\n[Unsubscribe from these emails](${unsubscribeLink})` : content;
}

/**
 * The one-click unsubscribe headers (RFC 8058) given to the email provider, as notifications-api's
 * send_to_providers (_get_email_headers); none without a link.
 */
export function unsubscribeHeaders(unsubscribeLink: string | null | undefined): Record<string, string> {
  if (!unsubscribeLink) return {};
  return { 'List-Unsubscribe': `<${unsubscribeLink}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** An email's subject and plain body, without the HTML: what the sending rules check and the API returns. */
export function renderEmailText(
  template: EmailTemplate,
  personalisation: Personalisation | null | undefined,
  unsubscribeLink?: string | null,
): Pick<RenderedEmail, 'subject' | 'body'> {
  const values = new Values(personalisation);
  const subject = oneLine(substitute(template.subject, values, 'inline'));
  // Trimmed, as Notify's content_with_placeholders_filled_in (notifications-utils Template).
  const content = contentWithUnsubscribeLink(template.content, unsubscribeLink);
  const body = substitute(content, values, 'markdown').trim();
  return { subject, body };
}

export function renderEmail(
  template: EmailTemplate,
  personalisation: Personalisation | null | undefined,
  options: EmailRenderOptions = {},
): RenderedEmail {
  const { subject, body } = renderEmailText(template, personalisation, options.unsubscribeLink);
  const bodyHtml = markdownToHtml(body);
  const html = emailHtmlDocument(subject, bodyHtml + (options.htmlFooter ?? ''));
  return { subject, body, html, bodyHtml };
}

// From notifications-utils, template.py (BaseEmailTemplate.is_message_too_long): SES's 10 MB
// limit holds the text and HTML bodies base64-encoded, so the text may be at most 2,000,000 bytes.
export const EMAIL_MAX_BYTES = 2_000_000;

/** Bytes of the body with placeholders filled in, trimmed (Notify's content_size_in_bytes). */
export const emailSizeInBytes = (rendered: Pick<RenderedEmail, 'body'>): number =>
  Buffer.byteLength(rendered.body.trim(), 'utf8');

export function emailTooLongMessage(bytes: number): string {
  // From notifications-api, app/notifications/validators.py (check_is_message_too_long).
  return (
    `Your message is too long. Emails cannot be longer than ${EMAIL_MAX_BYTES} bytes. ` +
    `Your message is ${bytes} bytes.`
  );
}

/**
 * Notify's empty check, made with the template (validate_template, before the recipient and any
 * file): content that does not both start and end with a placeholder cannot be empty.
 */
export function assertEmailNotEmpty(content: string, personalisation: Personalisation | null | undefined): void {
  if (!content.startsWith('((') || !content.endsWith('))')) return;
  if (substitute(content, new Values(personalisation), 'markdown').trim() === '') {
    throw new BadRequestError(EMPTY_MESSAGE);
  }
}

export function assertEmailSendable(rendered: Pick<RenderedEmail, 'body'>): void {
  if (rendered.body.trim() === '') throw new BadRequestError(EMPTY_MESSAGE);
  const bytes = emailSizeInBytes(rendered);
  if (bytes > EMAIL_MAX_BYTES) throw new BadRequestError(emailTooLongMessage(bytes));
}

const FONT = 'font-family: Helvetica, Arial, sans-serif;';
const P_STYLE = `${FONT} font-size: 19px; line-height: 25px; margin: 0 0 20px 0; color: #0B0C0C;`;
const LINK_STYLE = 'word-wrap: break-word; color: #1D70B8;';

// A backslash-escaped ASCII punctuation character stands for itself (as in CommonMark): while
// links are found it is held as a private-use character so it cannot be part of one.
const ESCAPED_RE = /\\([!-/:-@[-`{-~])/g;
const HELD_RE = /[\uE100-\uE17F]/g;
const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"\uE100-\uE17F]+/gi;
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
export function inlineHtml(markdown: string): string {
  const text = markdown.replace(ESCAPED_RE, (_, c: string) => String.fromCharCode(0xe100 + c.charCodeAt(0)));
  let out = '';
  let last = 0;
  for (const m of text.matchAll(MD_LINK_RE)) {
    out += autolink(text.slice(last, m.index));
    out += linkHtml(m[2], escapeHtml(m[1]));
    last = m.index + m[0].length;
  }
  out += autolink(text.slice(last));
  return out.replace(HELD_RE, (c) => escapeHtml(String.fromCharCode(c.charCodeAt(0) - 0xe100)));
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
