// POST /v2/notifications/{sms,email,letter}: validation in TypeScript against cached service and
// template data (no database round-trip), then one row per request through the create batcher
// (app_hidden.create_notifications: limits, insert, delivery job). 201 only after COMMIT.
import crypto from 'node:crypto';
import { DocumentUploads, prepareFileAttachments } from '../../documents/attachments.ts';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError, BadRequestError, RateLimitError, TooManyRequestsError, ValidationError } from '../../lib/errors.ts';
import type { CreateItem } from '../../notifications/batcher.ts';
import type { CachedTemplate, ServiceSnapshot } from '../../notifications/cache.ts';
import {
  InvalidAddressError,
  isSimulatedEmailAddress,
  isSimulatedPhoneNumber,
  postageFor,
  validateEmailAddress,
  validateLetterAddress,
  validatePhoneNumber,
} from '../../recipients/recipients.ts';
import * as schemas from './schemas.ts';
import {
  assertEmailNotEmpty,
  assertEmailSendable,
  assertNoMissingPersonalisation,
  assertSmsSendable,
  renderEmail,
  renderLetter,
  renderSms,
  sanitisePersonalisation,
} from '../../templates/template.ts';
import { parseIsoDateTime, validate } from './validate.ts';
import { caller, letterPdfKey, type ApiCaller, type V2State } from './state.ts';
import { pdfPageCount, sheetsFor } from '../../letters/letters.ts';

type NotificationType = 'sms' | 'email' | 'letter';

const PUBLIC_TYPE: Record<NotificationType, string> = { sms: 'text messages', email: 'emails', letter: 'letters' };

export const TRIAL_MODE_MESSAGE =
  'Can’t send to this recipient when service is in trial mode – ' +
  'see https://www.notifications.service.gov.uk/trial-mode';
export const TEAM_KEY_MESSAGE = 'Can’t send to this recipient using a team-only API key';

function assertCanSend(service: ServiceSnapshot, type: NotificationType) {
  if (!service.permissions.has(type)) {
    throw new BadRequestError(`Service is not allowed to send ${PUBLIC_TYPE[type]}`);
  }
}

/** Template checks in Notify's order: found (this service), type, not deleted. */
async function templateFor(state: V2State, service: ServiceSnapshot, templateId: string, type: NotificationType) {
  const template = await state.cache.template(templateId.toLowerCase());
  if (!template || template.serviceId !== service.id || template.hidden)
    throw new BadRequestError('Template not found');
  if (template.type !== type) {
    throw new BadRequestError(`${template.type} template is not suitable for ${type} notification`);
  }
  if (template.archived) throw new BadRequestError('Template has been deleted');
  return template;
}

function assertRecipientAllowed(c: ApiCaller, type: 'sms' | 'email', normalised: string) {
  if (c.keyType === 'test') return;
  if (c.keyType === 'normal' && !c.service.restricted) return;
  const allowed = type === 'sms' ? c.service.allowedPhones : c.service.allowedEmails;
  if (allowed.has(normalised)) return;
  throw new BadRequestError(c.keyType === 'team' ? TEAM_KEY_MESSAGE : TRIAL_MODE_MESSAGE);
}

/**
 * The service's sender (sms_sender_id) or reply-to (email_reply_to_id) with this id; the
 * cached service is reloaded once when the id is not in it (it may be seconds old).
 */
async function senderOf<T extends { archived: boolean }>(
  state: V2State,
  c: ApiCaller,
  field: 'sms_sender_id' | 'email_reply_to_id',
  id: string,
  of: (s: ServiceSnapshot) => ReadonlyMap<string, T>,
): Promise<T> {
  const key = id.toLowerCase();
  const service = await state.cache.serviceWith(c.service, (s) => of(s).has(key));
  const found = of(service).get(key);
  if (!found || found.archived) {
    throw new BadRequestError(`${field} ${id} does not exist in database for service id ${c.service.id}`);
  }
  return found;
}

function scheduledFor(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return parseIsoDateTime(value)!.toISOString();
}

async function create(state: V2State, item: CreateItem): Promise<void> {
  const result = await state.batcher.submit(item);
  if (result.outcome === 'rate_limit') throw new RateLimitError(result.message!);
  if (result.outcome === 'daily_limit') throw new TooManyRequestsError(result.message!);
}

function templateRef(state: V2State, t: CachedTemplate) {
  return { id: t.id, version: t.version, uri: `${state.baseUrl}/services/${t.serviceId}/templates/${t.id}` };
}

function bodyOf(request: FastifyRequest): unknown {
  return request.body === undefined ? null : request.body;
}

export default function postNotifications(state: V2State): FastifyPluginAsync {
  return async (app) => {
    app.post('/notifications/sms', async (request, reply) => {
      const c = caller(request);
      const body = validate<schemas.PostSmsRequest>(schemas.postSmsRequest, bodyOf(request));
      assertCanSend(c.service, 'sms');
      const template = await templateFor(state, c.service, body.template_id, 'sms');
      const personalisation = body.personalisation ?? null;
      assertNoMissingPersonalisation([template.content], personalisation);
      const rendered = renderSms(template, personalisation, { prefix: c.service.prefixSms ? c.service.name : null });
      assertSmsSendable(rendered);
      let sender = c.service.defaultSmsSender;
      if (body.sms_sender_id !== undefined) {
        sender = (await senderOf(state, c, 'sms_sender_id', body.sms_sender_id, (s) => s.smsSenders)).sender;
      }
      const phone = validatePhoneNumber(body.phone_number);
      if (phone.international && !c.service.permissions.has('international_sms')) {
        throw new BadRequestError('Cannot send to international mobile numbers');
      }
      assertRecipientAllowed(c, 'sms', phone.normalised);
      const id = crypto.randomUUID();
      await create(state, {
        id,
        service_id: c.service.id,
        api_key_id: c.apiKeyId,
        key_type: c.keyType,
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
      });
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content: { body: rendered.body, from_number: sender },
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: body.scheduled_for ?? null,
      });
    });

    app.post('/notifications/email', async (request, reply) => {
      const c = caller(request);
      const body = validate<schemas.PostEmailRequest>(schemas.postEmailRequest, bodyOf(request));
      assertCanSend(c.service, 'email');
      const template = await templateFor(state, c.service, body.template_id, 'email');
      const sanitised = sanitisePersonalisation(body.personalisation, body.sanitise_content_for);
      assertNoMissingPersonalisation([template.subject, template.content], sanitised.personalisation);
      assertEmailNotEmpty(template.content, sanitised.personalisation);
      let replyTo = c.service.defaultReplyTo;
      if (body.email_reply_to_id !== undefined) {
        replyTo = (await senderOf(state, c, 'email_reply_to_id', body.email_reply_to_id, (s) => s.replyTos)).email;
      }
      const email = validateEmailAddress(body.email_address);
      assertRecipientAllowed(c, 'email', email.normalised);
      const simulated = isSimulatedEmailAddress(body.email_address);
      const uploads = documentUploads(state, c, email.normalised, simulated);
      const personalisation = prepareFileAttachments(
        sanitised.personalisation,
        c.service,
        state.ctx.cfg.ADMIN_BASE_URL,
        uploads,
      );
      const rendered = renderEmail({ subject: template.subject ?? '', content: template.content }, personalisation);
      assertEmailSendable(rendered);
      await uploads.upload();
      const id = crypto.randomUUID();
      await create(state, {
        id,
        service_id: c.service.id,
        api_key_id: c.apiKeyId,
        key_type: c.keyType,
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
      }).catch(async (e: unknown) => {
        await uploads.remove().catch(() => undefined);
        throw e;
      });
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content: {
          from_email: `${c.service.emailFrom}@${state.ctx.cfg.NOTIFY_EMAIL_DOMAIN}`,
          body: rendered.body,
          subject: rendered.subject,
          one_click_unsubscribe_url: body.one_click_unsubscribe_url ?? null,
        },
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: body.scheduled_for ?? null,
        sanitised_content: sanitised.sanitisedContent,
      });
    });

    app.post('/notifications/letter', async (request, reply) => {
      const c = caller(request);
      const raw = bodyOf(request);
      if (schemas.isPrecompiledLetterRequest(raw)) return precompiled(state, c, raw, reply);
      const body = validate<schemas.PostLetterRequest>(schemas.postLetterRequest, raw);
      assertCanSend(c.service, 'letter');
      assertLetterKey(c);
      const template = await templateFor(state, c.service, body.template_id, 'letter');
      const personalisation = body.personalisation;
      assertNoMissingPersonalisation([template.subject, template.content], personalisation);
      let address: ReturnType<typeof validateLetterAddress>;
      try {
        address = validateLetterAddress(personalisation, {
          allowInternational: c.service.permissions.has('international_letters'),
        });
      } catch (e) {
        if (e instanceof InvalidAddressError) throw new ValidationError(e.message);
        throw e;
      }
      const rendered = renderLetter({ subject: template.subject ?? '', content: template.content }, personalisation);
      const requested = (template.postage ?? 'second') as 'first' | 'second' | 'economy';
      const postage = postageFor(address, ['first', 'second', 'economy'].includes(requested) ? requested : 'second');
      const id = crypto.randomUUID();
      await create(state, {
        id,
        service_id: c.service.id,
        api_key_id: c.apiKeyId,
        key_type: c.keyType,
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
        status: c.keyType === 'test' ? 'delivered' : 'created',
      });
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content: { body: rendered.body, subject: rendered.subject },
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: null,
      });
    });
  };
}

function assertLetterKey(c: ApiCaller) {
  if (c.keyType === 'team') throw new ApiError(403, 'BadRequestError', 'Cannot send letters with a team api key');
  if (c.service.restricted && c.keyType !== 'test') {
    throw new ApiError(403, 'BadRequestError', 'Cannot send letters when service is in trial mode');
  }
}

/** Notify's 16-character letter reference (used in the PDF file name). */
function randomLetterReference(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.randomBytes(16);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

async function precompiled(state: V2State, c: ApiCaller, raw: unknown, reply: import('fastify').FastifyReply) {
  const body = validate<schemas.PostPrecompiledLetterRequest>(schemas.postPrecompiledLetterRequest, raw);
  assertCanSend(c.service, 'letter');
  assertLetterKey(c);
  const compact = body.content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new ValidationError('Cannot decode letter content (invalid base64 encoding)');
  }
  const pdf = Buffer.from(compact, 'base64');
  if (pdf.length === 0) throw new ValidationError('Letter content is empty');
  if (!pdf.subarray(0, 1024).toString('latin1').includes('%PDF')) {
    throw new ValidationError('Letter content is not a PDF');
  }
  const postage = body.postage ?? 'second';
  const { rows } = await state.ctx.ownerPool.query<{ id: string; version: number }>(
    'select id, version from app_hidden.precompiled_letter_template($1)',
    [c.service.id],
  );
  const template = rows[0];
  const id = crypto.randomUUID();
  const reference = randomLetterReference();
  const createdAt = new Date();
  const test = c.keyType === 'test';
  const pages = await pdfPageCount(pdf);
  // Live letters wait for the virus scan in the scan bucket; test letters skip it.
  await state.s3().send(
    new PutObjectCommand({
      Bucket: test ? state.ctx.cfg.LETTERS_PDF_BUCKET : state.ctx.cfg.LETTERS_SCAN_BUCKET,
      Key: await letterPdfKey(state.ctx.ownerPool, { reference, postage, createdAt }, test),
      Body: pdf,
      ContentType: 'application/pdf',
    }),
  );
  await create(state, {
    id,
    service_id: c.service.id,
    api_key_id: c.apiKeyId,
    key_type: c.keyType,
    notification_type: 'letter',
    template_id: template.id,
    template_version: template.version,
    to: body.reference,
    normalised_to: null,
    personalisation: null,
    client_reference: body.reference,
    postage,
    reference,
    billable_units: sheetsFor(pages),
    status: test ? 'delivered' : 'pending-virus-check',
    created_at: createdAt.toISOString(),
  });
  return reply.status(201).send({ id, reference: body.reference, postage });
}

/** The files of one email, uploaded to the documents bucket once every check has passed. */
function documentUploads(state: V2State, c: ApiCaller, recipient: string, simulated: boolean): DocumentUploads {
  return new DocumentUploads({
    s3: () => state.s3(),
    bucket: state.ctx.cfg.DOCUMENT_DOWNLOAD_BUCKET,
    host: state.ctx.cfg.documentDownloadUrl,
    serviceId: c.service.id,
    recipient,
    simulated,
  });
}
