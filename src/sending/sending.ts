// The rules for creating a notification, shared by every door (the v2 API, GraphQL sendNotification,
// the CLI): template checks, personalisation, rendering, recipient validation, sender / reply-to,
// trial-mode and key-type checks, letter address and postage, precompiled letters, files sent by
// email. Each prepare* function turns a request for one channel, in the v2 API's field names, into
// the row to store (the batcher's CreateItem) and the rendered content; `submit` stores it through
// app_hidden.create_notifications (limits, insert, delivery job). Refusals are ApiErrors with
// Notify's messages, which each door reports in its own shape.
import crypto from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import type { KeyType } from '../auth/jwt-auth.ts';
import type { Config } from '../config.ts';
import { DocumentUploads, prepareFileAttachments } from '../documents/attachments.ts';
import { pdfFileName, sheetsFor } from '../letters/letters.ts';
import { parsePdf, pdfLimits } from '../letters/pdf-parse.ts';
import { ApiError, BadRequestError, ValidationError } from '../lib/errors.ts';
import {
  assertCreated,
  createError,
  type CreateBatcher,
  type CreateItem,
  type CreateOutcome,
} from '../notifications/batcher.ts';
import type { CachedTemplate, ServiceSnapshot } from '../notifications/cache.ts';
import {
  InvalidAddressError,
  InvalidRecipientError,
  isSimulatedEmailAddress,
  isSimulatedPhoneNumber,
  postageFor,
  validateEmailAddress,
  validateLetterAddress,
  normalisePhoneNumber,
  validateServicePhoneNumber,
} from '../recipients/recipients.ts';
import {
  assertEmailNotEmpty,
  assertEmailSendable,
  assertNoMissingPersonalisation,
  assertSmsSendable,
  renderEmailText,
  renderLetter,
  renderSms,
  sanitisePersonalisation,
  type SanitisedContent,
} from '../templates/template.ts';
// The v2 API's reading of ISO 8601 (scheduled_for has passed its schema check by then).
import { parseIsoDateTime } from '../routes/v2/validate.ts';

export type NotificationType = 'sms' | 'email' | 'letter';

const PUBLIC_TYPE: Record<NotificationType, string> = { sms: 'text messages', email: 'emails', letter: 'letters' };

export const TRIAL_MODE_MESSAGE =
  'Can’t send to this recipient when service is in trial mode – ' +
  'see https://www.notifications.service.gov.uk/trial-mode';
export const TEAM_KEY_MESSAGE = 'Can’t send to this recipient using a team-only API key';

/** Who is sending, for which service, and what the rules need to read and write. */
export interface SendingContext {
  /** The cached service snapshot (keys, permissions, senders, trial-mode recipients). */
  service: ServiceSnapshot;
  keyType: KeyType;
  /** The API key of a v2 request; null for a signed-in user or a DBA. */
  apiKeyId: string | null;
  /** The signed-in user who sends (GraphQL); null for API keys and DBAs. */
  createdById: string | null;
  /** A template by (lower-cased) id, from the cache or the database. */
  template(id: string): Promise<CachedTemplate | null>;
  /** The service again, reloaded once when `has` does not hold for the cached one (an id seconds old). */
  serviceWith(service: ServiceSnapshot, has: (s: ServiceSnapshot) => boolean): Promise<ServiceSnapshot>;
  /** Owner pool: the precompiled letter template and the letter PDF key come from SQL. */
  pool: Pick<pg.Pool, 'query'>;
  s3(): S3Client;
  cfg: Config;
}

export type Personalisation = Record<string, unknown>;

/** Requests, in the v2 API's field names (the JSON bodies after schema validation). */
export interface SmsRequest {
  phone_number: string;
  template_id: string;
  personalisation?: Personalisation;
  reference?: string;
  scheduled_for?: string | null;
  sms_sender_id?: string;
}
export interface EmailRequest {
  email_address: string;
  template_id: string;
  personalisation?: Personalisation;
  reference?: string;
  scheduled_for?: string | null;
  email_reply_to_id?: string;
  one_click_unsubscribe_url?: string;
  sanitise_content_for?: string[] | null;
}
export interface LetterRequest {
  template_id: string;
  personalisation: Personalisation;
  reference?: string;
}
export interface PrecompiledLetterRequest {
  reference: string;
  content: string;
  postage?: 'first' | 'second' | 'economy';
}

/** What a prepare* function gives: the row to store, the template it came from, the rendered content. */
export interface Prepared<C> {
  item: CreateItem;
  template: CachedTemplate;
  content: C;
}
/** What to undo when a prepared row is not stored (files uploaded for it). */
const discards = new WeakMap<CreateItem, () => Promise<unknown>>();

export interface SmsContent {
  body: string;
  from_number: string | null;
}
export interface EmailContent {
  from_email: string;
  body: string;
  subject: string;
  one_click_unsubscribe_url: string | null;
  sanitisedContent: SanitisedContent;
}
export interface LetterContent {
  body: string;
  subject: string;
}

export function assertCanSend(service: ServiceSnapshot, type: NotificationType): void {
  if (!service.permissions.has(type)) {
    throw new BadRequestError(`Service is not allowed to send ${PUBLIC_TYPE[type]}`);
  }
}

/** Template checks in Notify's order: found (this service), type, not deleted. */
export async function templateFor(ctx: SendingContext, templateId: string, type: NotificationType) {
  const template = await ctx.template(templateId.toLowerCase());
  if (!template || template.serviceId !== ctx.service.id || template.hidden)
    throw new BadRequestError('Template not found');
  if (template.type !== type) {
    throw new BadRequestError(`${template.type} template is not suitable for ${type} notification`);
  }
  if (template.archived) throw new BadRequestError('Template has been deleted');
  return template;
}

function assertRecipientAllowed(ctx: SendingContext, type: 'sms' | 'email', normalised: string) {
  if (ctx.keyType === 'test') return;
  if (ctx.keyType === 'normal' && !ctx.service.restricted) return;
  const allowed = type === 'sms' ? ctx.service.allowedPhones : ctx.service.allowedEmails;
  if (allowed.has(normalised)) return;
  throw new BadRequestError(ctx.keyType === 'team' ? TEAM_KEY_MESSAGE : TRIAL_MODE_MESSAGE);
}

/**
 * A recipient check with the v2 schema's message (`phone_number Not enough digits`): the v2 API
 * refuses such recipients when it validates the body, the other doors reach them here.
 */
function recipient<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof InvalidRecipientError && !(e instanceof InvalidAddressError)) {
      throw new ValidationError(`${field} ${e.message}`);
    }
    throw e;
  }
}

/**
 * The service's sender (sms_sender_id) or reply-to (email_reply_to_id) with this id; the
 * cached service is reloaded once when the id is not in it (it may be seconds old).
 */
async function senderOf<T extends { archived: boolean }>(
  ctx: SendingContext,
  field: 'sms_sender_id' | 'email_reply_to_id',
  id: string,
  of: (s: ServiceSnapshot) => ReadonlyMap<string, T>,
): Promise<T> {
  const key = id.toLowerCase();
  const service = await ctx.serviceWith(ctx.service, (s) => of(s).has(key));
  const found = of(service).get(key);
  if (!found || found.archived) {
    throw new BadRequestError(`${field} ${id} does not exist in database for service id ${ctx.service.id}`);
  }
  return found;
}

/**
 * The sender a request names, checked as the v2 API checks sms_sender_id / email_reply_to_id (a CSV
 * job's sender, chosen for the whole file, is checked once with the same message).
 */
export async function assertSender(ctx: SendingContext, type: 'sms' | 'email', id: string): Promise<void> {
  if (type === 'sms') await senderOf(ctx, 'sms_sender_id', id, (s) => s.smsSenders);
  else await senderOf(ctx, 'email_reply_to_id', id, (s) => s.replyTos);
}

/** The scheduled time as stored (UTC ISO); the schema has checked the format. */
function scheduledFor(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return parseIsoDateTime(value)!.toISOString();
}

/** Who made the row: the API key or the signed-in user. */
function origin(ctx: SendingContext) {
  return {
    service_id: ctx.service.id,
    api_key_id: ctx.apiKeyId,
    key_type: ctx.keyType,
    ...(ctx.createdById ? { created_by_id: ctx.createdById } : {}),
  };
}

export async function prepareSms(ctx: SendingContext, body: SmsRequest): Promise<Prepared<SmsContent>> {
  assertCanSend(ctx.service, 'sms');
  const template = await templateFor(ctx, body.template_id, 'sms');
  const personalisation = body.personalisation ?? null;
  assertNoMissingPersonalisation([template.content], personalisation);
  const rendered = renderSms(template, personalisation, { prefix: ctx.service.prefixSms ? ctx.service.name : null });
  assertSmsSendable(rendered);
  let sender = ctx.service.defaultSmsSender;
  if (body.sms_sender_id !== undefined) {
    sender = (await senderOf(ctx, 'sms_sender_id', body.sms_sender_id, (s) => s.smsSenders)).sender;
  }
  // Trial mode and team keys first, then the service's permissions, in Notify's order.
  assertRecipientAllowed(ctx, 'sms', normalisePhoneNumber(body.phone_number) ?? body.phone_number);
  const phone = validateServicePhoneNumber(body.phone_number, ctx.service.permissions);
  const item: CreateItem = {
    id: crypto.randomUUID(),
    ...origin(ctx),
    notification_type: 'sms',
    template_id: template.id,
    template_version: template.version,
    to: body.phone_number,
    normalised_to: phone.normalised,
    personalisation,
    client_reference: body.reference ?? null,
    billable_units: rendered.fragmentCount,
    international: phone.international,
    phone_prefix: phone.phonePrefix,
    rate_multiplier: phone.rateMultiplier,
    reply_to_text: sender,
    scheduled_for: scheduledFor(body.scheduled_for),
    persist: !isSimulatedPhoneNumber(body.phone_number),
  };
  return { item, template, content: { body: rendered.body, from_number: sender } };
}

export async function prepareEmail(ctx: SendingContext, body: EmailRequest): Promise<Prepared<EmailContent>> {
  assertCanSend(ctx.service, 'email');
  const template = await templateFor(ctx, body.template_id, 'email');
  const sanitised = sanitisePersonalisation(body.personalisation, body.sanitise_content_for);
  assertNoMissingPersonalisation([template.subject, template.content], sanitised.personalisation);
  assertEmailNotEmpty(template.content, sanitised.personalisation);
  let replyTo = ctx.service.defaultReplyTo;
  if (body.email_reply_to_id !== undefined) {
    replyTo = (await senderOf(ctx, 'email_reply_to_id', body.email_reply_to_id, (s) => s.replyTos)).email;
  }
  const email = recipient('email_address', () => validateEmailAddress(body.email_address));
  assertRecipientAllowed(ctx, 'email', email.normalised);
  const simulated = isSimulatedEmailAddress(body.email_address);
  const uploads = new DocumentUploads({
    s3: () => ctx.s3(),
    bucket: ctx.cfg.DOCUMENT_DOWNLOAD_BUCKET,
    host: ctx.cfg.documentDownloadUrl,
    serviceId: ctx.service.id,
    recipient: email.normalised,
    simulated,
  });
  const personalisation = prepareFileAttachments(
    sanitised.personalisation,
    ctx.service,
    ctx.cfg.ADMIN_BASE_URL,
    uploads,
  );
  // The HTML is made when the email is sent; here only the text is checked and returned.
  const rendered = renderEmailText({ subject: template.subject ?? '', content: template.content }, personalisation);
  assertEmailSendable(rendered);
  // Files go to S3 only once every cheaper check has passed, the service's limits included; a row
  // the database then refuses takes its files with it (submit).
  if (uploads.count > 0) await assertWithinLimits(ctx, 'email');
  await uploads.upload();
  const item: CreateItem = {
    id: crypto.randomUUID(),
    ...origin(ctx),
    notification_type: 'email',
    template_id: template.id,
    template_version: template.version,
    to: email.address,
    normalised_to: email.normalised,
    personalisation: personalisation ?? null,
    client_reference: body.reference ?? null,
    reply_to_text: replyTo,
    one_click_unsubscribe_url: body.one_click_unsubscribe_url ?? null,
    scheduled_for: scheduledFor(body.scheduled_for),
    persist: !simulated,
  };
  discards.set(item, () => uploads.remove());
  return {
    item,
    template,
    content: {
      from_email: `${ctx.service.emailFrom}@${ctx.cfg.NOTIFY_EMAIL_DOMAIN}`,
      body: rendered.body,
      subject: rendered.subject,
      one_click_unsubscribe_url: body.one_click_unsubscribe_url ?? null,
      sanitisedContent: sanitised.sanitisedContent,
    },
  };
}

/** Letters: no team keys; a service in trial mode sends only with test keys. */
export function assertLetterKey(ctx: Pick<SendingContext, 'service' | 'keyType'>): void {
  if (ctx.keyType === 'team') throw new ApiError(403, 'BadRequestError', 'Cannot send letters with a team api key');
  if (ctx.service.restricted && ctx.keyType !== 'test') {
    throw new ApiError(403, 'BadRequestError', 'Cannot send letters when service is in trial mode');
  }
}

export async function prepareLetter(ctx: SendingContext, body: LetterRequest): Promise<Prepared<LetterContent>> {
  assertCanSend(ctx.service, 'letter');
  assertLetterKey(ctx);
  const template = await templateFor(ctx, body.template_id, 'letter');
  const personalisation = body.personalisation;
  assertNoMissingPersonalisation([template.subject, template.content], personalisation);
  let address: ReturnType<typeof validateLetterAddress>;
  try {
    address = validateLetterAddress(personalisation, {
      allowInternational: ctx.service.permissions.has('international_letters'),
    });
  } catch (e) {
    if (e instanceof InvalidAddressError) throw new ValidationError(e.message);
    throw e;
  }
  const rendered = renderLetter({ subject: template.subject ?? '', content: template.content }, personalisation);
  const requested = (template.postage ?? 'second') as 'first' | 'second' | 'economy';
  const postage = postageFor(address, ['first', 'second', 'economy'].includes(requested) ? requested : 'second');
  const item: CreateItem = {
    id: crypto.randomUUID(),
    ...origin(ctx),
    notification_type: 'letter',
    template_id: template.id,
    template_version: template.version,
    to: address.lines.join('\n'),
    normalised_to: address.lines.join('').replace(/\s+/g, '').toLowerCase(),
    personalisation,
    client_reference: body.reference ?? null,
    international: address.international,
    postage,
    reference: randomLetterReference(),
    reply_to_text: template.letterContactBlock,
    // Test keys never print: their letters are given the simulated final status at once.
    status: ctx.keyType === 'test' ? 'delivered' : 'created',
  };
  return { item, template, content: { body: rendered.body, subject: rendered.subject } };
}

// Random bytes are drawn from the system a page at a time: one draw per reference costs a system call, which
// was most of the time a letter row took to check.
const randomPool = Buffer.alloc(4096);
let randomPoolAt = randomPool.length;

function randomBytes16(): Buffer {
  if (randomPoolAt + 16 > randomPool.length) {
    crypto.randomFillSync(randomPool);
    randomPoolAt = 0;
  }
  randomPoolAt += 16;
  return randomPool.subarray(randomPoolAt - 16, randomPoolAt);
}

/** Notify's 16-character letter reference (used in the PDF file name). */
function randomLetterReference(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes16();
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/**
 * The service's rate and daily limits for one more request, read without counting it
 * (app_hidden.send_limit_reached), before work that costs more than a row: a parse, an upload.
 * create_notifications decides again, and counts, when the row is made.
 */
async function assertWithinLimits(ctx: SendingContext, type: NotificationType): Promise<void> {
  const { rows } = await ctx.pool.query<{ outcome: CreateOutcome; message: string }>(
    'select outcome, message from app_hidden.send_limit_reached($1, $2, $3)',
    [ctx.service.id, ctx.keyType, type],
  );
  if (rows[0]) throw createError({ id: '', ...rows[0] })!;
}

/** The refusals of a precompiled letter whose PDF cannot be read within the limits (src/letters/pdf-parse.ts). */
export const PDF_TIMEOUT_MESSAGE = 'Letter content took too long to read (the PDF is too complex)';
export const PDF_TOO_COMPLEX_MESSAGE = 'Letter content is too complex to read (the PDF needs too much memory)';

/**
 * A precompiled letter. The cheap checks come first — permissions, key type and trial mode, the
 * base64 and the PDF signature, then the service's rate and daily limits (read, not counted:
 * app_hidden.send_limit_reached) — so that a refused request costs no parse and no upload. The PDF
 * is then counted in a worker thread with bounded heap and time (a hostile PDF is refused, it cannot
 * take the API down) and uploaded (live letters wait for the virus scan in the scan bucket; test
 * letters skip it) before the row is made; create_notifications still decides the limits then.
 */
export async function preparePrecompiledLetter(
  ctx: SendingContext,
  body: PrecompiledLetterRequest,
): Promise<{ item: CreateItem; postage: string }> {
  assertCanSend(ctx.service, 'letter');
  assertLetterKey(ctx);
  const compact = body.content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new ValidationError('Cannot decode letter content (invalid base64 encoding)');
  }
  const pdf = Buffer.from(compact, 'base64');
  if (pdf.length === 0) throw new ValidationError('Letter content is empty');
  if (!pdf.subarray(0, 1024).toString('latin1').includes('%PDF')) {
    throw new ValidationError('Letter content is not a PDF');
  }
  await assertWithinLimits(ctx, 'letter');
  const parsed = await parsePdf(pdf, pdfLimits(ctx.cfg));
  if (parsed.outcome === 'timeout') throw new ValidationError(PDF_TIMEOUT_MESSAGE);
  if (parsed.outcome === 'too-complex') throw new ValidationError(PDF_TOO_COMPLEX_MESSAGE);
  const postage = body.postage ?? 'second';
  const { rows } = await ctx.pool.query<{ id: string; version: number }>(
    'select id, version from app_hidden.precompiled_letter_template($1)',
    [ctx.service.id],
  );
  const template = rows[0];
  const reference = randomLetterReference();
  const createdAt = new Date();
  const test = ctx.keyType === 'test';
  const bucket = test ? ctx.cfg.LETTERS_PDF_BUCKET : ctx.cfg.LETTERS_SCAN_BUCKET;
  const key = await letterPdfKey(ctx.pool, { reference, postage, createdAt }, test);
  await ctx.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: pdf, ContentType: 'application/pdf' }));
  const item: CreateItem = {
    id: crypto.randomUUID(),
    ...origin(ctx),
    notification_type: 'letter',
    template_id: template.id,
    template_version: template.version,
    to: body.reference,
    normalised_to: null,
    personalisation: null,
    client_reference: body.reference,
    postage,
    reference,
    billable_units: sheetsFor(parsed.pages),
    status: test ? 'delivered' : 'pending-virus-check',
    created_at: createdAt.toISOString(),
  };
  // A row the database then refuses (a limit reached meanwhile) takes its file with it (submit).
  discards.set(item, () => ctx.s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  return { item, postage };
}

/**
 * S3 key of a letter's PDF in the letters PDF bucket, from the one definition in SQL,
 * app_private.letter_pdf_key (archival deletes PDFs by it):
 * `{print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF`. Precompiled letters
 * waiting for the virus scan are in the scan bucket under the file name alone (`folder` false).
 */
export async function letterPdfKey(
  pool: Pick<pg.Pool, 'query'>,
  n: { reference: string; postage: string | null; createdAt: Date },
  folder = true,
): Promise<string> {
  const { rows } = await pool.query<{ key: string }>('select app_private.letter_pdf_key($1, $2, $3) as key', [
    n.reference,
    n.postage,
    n.createdAt,
  ]);
  return folder ? rows[0].key : pdfFileName(rows[0].key);
}

/**
 * Stores the row through the create batcher (app_hidden.create_notifications); resolves after
 * COMMIT with the id. Limits and the SQL's own refusals become the API's errors (assertCreated).
 */
export async function submit(batcher: Pick<CreateBatcher, 'submit'>, item: CreateItem): Promise<string> {
  const discard = discards.get(item);
  discards.delete(item);
  try {
    const result = await batcher.submit(item);
    assertCreated(result);
    return result.id;
  } catch (e) {
    await discard?.().catch(() => undefined);
    throw e;
  }
}
