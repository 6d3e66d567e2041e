// POST /v2/notifications/{sms,email,letter}: the body checked against its JSON schema, then the
// sending rules (src/sending: cached service and template data, no database round-trip) make the
// row, stored through the create batcher (app_hidden.create_notifications: limits, insert,
// delivery job). 201 only after COMMIT.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CachedTemplate } from '../../notifications/cache.ts';
import {
  prepareEmail,
  prepareLetter,
  preparePrecompiledLetter,
  prepareSms,
  submit,
  type SendingContext,
} from '../../sending/sending.ts';
import * as schemas from './schemas.ts';
import { validate } from './validate.ts';
import { caller, type V2State } from './state.ts';

export { TEAM_KEY_MESSAGE, TRIAL_MODE_MESSAGE } from '../../sending/sending.ts';

function templateRef(state: V2State, t: CachedTemplate) {
  return { id: t.id, version: t.version, uri: `${state.baseUrl}/services/${t.serviceId}/templates/${t.id}` };
}

function bodyOf(request: FastifyRequest): unknown {
  return request.body === undefined ? null : request.body;
}

/** The sending context of an API key request: its service and key, the v2 cache, S3. */
function sendingContext(state: V2State, request: FastifyRequest): SendingContext {
  const c = caller(request);
  return {
    service: c.service,
    keyType: c.keyType,
    apiKeyId: c.apiKeyId,
    createdById: null,
    template: (id) => state.cache.template(id),
    serviceWith: (service, has) => state.cache.serviceWith(service, has),
    pool: state.pool,
    s3: state.s3,
    cfg: state.ctx.cfg,
  };
}

export default function postNotifications(state: V2State): FastifyPluginAsync {
  return async (app) => {
    app.post('/notifications/sms', async (request, reply) => {
      const body = validate<schemas.PostSmsRequest>(schemas.postSmsRequest, bodyOf(request));
      const { item, template, content } = await prepareSms(sendingContext(state, request), body);
      const id = await submit(state.batcher, item);
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content,
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: body.scheduled_for ?? null,
      });
    });

    app.post('/notifications/email', async (request, reply) => {
      const body = validate<schemas.PostEmailRequest>(schemas.postEmailRequest, bodyOf(request));
      const { item, template, content } = await prepareEmail(sendingContext(state, request), body);
      const id = await submit(state.batcher, item);
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content: {
          from_email: content.from_email,
          body: content.body,
          subject: content.subject,
          one_click_unsubscribe_url: content.one_click_unsubscribe_url,
        },
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: body.scheduled_for ?? null,
        sanitised_content: content.sanitisedContent,
      });
    });

    app.post('/notifications/letter', async (request, reply) => {
      const raw = bodyOf(request);
      if (schemas.isPrecompiledLetterRequest(raw)) {
        const body = validate<schemas.PostPrecompiledLetterRequest>(schemas.postPrecompiledLetterRequest, raw);
        const { item, postage } = await preparePrecompiledLetter(sendingContext(state, request), body);
        const id = await submit(state.batcher, item);
        return reply.status(201).send({ id, reference: body.reference, postage });
      }
      const body = validate<schemas.PostLetterRequest>(schemas.postLetterRequest, raw);
      const { item, template, content } = await prepareLetter(sendingContext(state, request), body);
      const id = await submit(state.batcher, item);
      return reply.status(201).send({
        id,
        reference: body.reference ?? null,
        content,
        uri: `${state.baseUrl}/v2/notifications/${id}`,
        template: templateRef(state, template),
        scheduled_for: null,
      });
    });
  };
}
