// Sending one notification from a template by service and template id, for the doors without an API
// key: GraphQL sendNotification (a signed-in user) and the CLI (a DBA acting for the platform). The
// template's type picks the channel; the request is checked against the v2 API's JSON schema for that
// channel and goes through the same rules (src/sending/sending.ts) and the same create path, so every
// refusal carries the message the v2 API gives. Key type normal, no API key.
import type { S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { ApiError, BadRequestError, ValidationError } from '../lib/errors.ts';
import { jsonBodyProblem } from '../lib/json-body.ts';
import { isUuid } from '../lib/uuid.ts';
import type { CreateBatcher } from '../notifications/batcher.ts';
import type { CachedTemplate, ServiceSnapshot, V2Cache } from '../notifications/cache.ts';
import * as schemas from '../routes/v2/schemas.ts';
import { validate } from '../routes/v2/validate.ts';
import {
  type NotificationType,
  type Prepared,
  prepareEmail,
  prepareLetter,
  prepareSms,
  type SendingContext,
  submit,
} from './sending.ts';

/** What the doors share: where templates and services are read, how rows are stored, S3, config. */
export interface SendingDeps {
  cache: Pick<V2Cache, 'service' | 'template' | 'serviceWith'>;
  batcher: Pick<CreateBatcher, 'submit'>;
  pool: Pick<pg.Pool, 'query'>;
  s3(): S3Client;
  cfg: Config;
}

export interface TemplateSendRequest {
  serviceId: string;
  templateId: string;
  /** Phone number or email address; absent for letters (the address is in the personalisation). */
  to?: string | null;
  personalisation?: Record<string, unknown> | null;
  reference?: string | null;
}

export interface TemplateSender {
  /** The signed-in user (stored as created_by_id); null for a DBA. */
  userId: string | null;
  /**
   * Refuses unless the sender is on the service's team (permission null: called first, before the
   * template is looked up, so a stranger learns nothing of its templates) and then holds the
   * permission to send the template's type (send_texts / send_emails / send_letters).
   */
  assertMaySend?(serviceId: string, permission: string | null): Promise<void>;
}

/** The per-service permission a user needs to send a template of each type. */
export const SEND_PERMISSION: Record<NotificationType, string> = {
  sms: 'send_texts',
  email: 'send_emails',
  letter: 'send_letters',
};

/** The v2 request body for the template's channel, so the v2 schema checks it. */
function v2Body(type: NotificationType, req: TemplateSendRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { template_id: req.templateId };
  if (req.personalisation !== undefined && req.personalisation !== null) body.personalisation = req.personalisation;
  if (req.reference !== undefined && req.reference !== null) body.reference = req.reference;
  const to = req.to ?? null;
  if (type === 'sms') body.phone_number = to;
  else if (type === 'email') body.email_address = to;
  else if (to !== null) throw new ValidationError('to is not used for letters: the address is in the personalisation');
  return body;
}

export interface TemplateSendResult {
  id: string;
  type: NotificationType;
  prepared: Prepared<unknown>;
}

export async function sendFromTemplate(
  deps: SendingDeps,
  sender: TemplateSender,
  req: TemplateSendRequest,
): Promise<TemplateSendResult> {
  // What the v2 API's body parser refuses before anything else (a NUL, nesting too deep) is refused
  // here first too, with its message.
  const problem = jsonBodyProblem({ to: req.to, personalisation: req.personalisation, reference: req.reference });
  if (problem) throw problem;
  if (!isUuid(req.serviceId)) throw new BadRequestError(`Service ${req.serviceId} not found`);
  const service = await deps.cache.service(req.serviceId.toLowerCase());
  if (!service) throw new BadRequestError(`Service ${req.serviceId} not found`);
  await sender.assertMaySend?.(service.id, null);
  if (!service.active) throw new ApiError(403, 'BadRequestError', `Service ${service.id} is archived`);
  let template: CachedTemplate | null = null;
  if (isUuid(req.templateId)) template = await deps.cache.template(req.templateId.toLowerCase());
  if (!template || template.serviceId !== service.id || template.hidden) {
    throw new BadRequestError('Template not found');
  }
  await sender.assertMaySend?.(service.id, SEND_PERMISSION[template.type]);
  const ctx = contextFor(deps, service, sender.userId);
  const prepared = await prepare(ctx, template.type, v2Body(template.type, req));
  const id = await submit(deps.batcher, prepared.item);
  return { id, type: template.type, prepared };
}

/** The sending context of a door without an API key: key type normal, the user (or null) as sender. */
export function contextFor(deps: SendingDeps, service: ServiceSnapshot, userId: string | null): SendingContext {
  return {
    service,
    keyType: 'normal',
    apiKeyId: null,
    createdById: userId,
    template: (id) => deps.cache.template(id),
    serviceWith: (s, has) => deps.cache.serviceWith(s, has),
    pool: deps.pool,
    s3: deps.s3,
    cfg: deps.cfg,
  };
}

/** A request body checked against the v2 API's JSON schema for its channel, then through the channel's rules. */
export function prepare(ctx: SendingContext, type: NotificationType, body: unknown): Promise<Prepared<unknown>> {
  switch (type) {
    case 'sms':
      return prepareSms(ctx, validate<schemas.PostSmsRequest>(schemas.postSmsRequest, body));
    case 'email':
      return prepareEmail(ctx, validate<schemas.PostEmailRequest>(schemas.postEmailRequest, body));
    case 'letter':
      return prepareLetter(ctx, validate<schemas.PostLetterRequest>(schemas.postLetterRequest, body));
  }
}
