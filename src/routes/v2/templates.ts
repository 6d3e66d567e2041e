// GET /v2/template/{id}, /v2/template/{id}/version/{n}, GET /v2/templates?type=, POST /v2/template/{id}/preview.
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import * as schemas from './schemas.ts';
import {
  assertNoMissingPersonalisation,
  placeholderNames,
  renderEmail,
  renderLetter,
  renderSms,
} from '../../templates/template.ts';
import { isUuid } from '../../lib/uuid.ts';
import { queryToObject, validate } from './validate.ts';
import { caller, type V2State } from './state.ts';

const COLUMNS = `
  t.id, t.template_type as type, app_hidden.v2_timestamp(t.created_at) as created_at,
  app_hidden.v2_timestamp(t.updated_at) as updated_at, u.email_address::text as created_by, t.version,
  t.content as body, t.subject, t.name,
  case when t.template_type = 'letter' then c.contact_block end as letter_contact_block, t.postage`;

interface TemplateRow {
  id: string;
  type: 'sms' | 'email' | 'letter';
  created_at: string;
  updated_at: string | null;
  created_by: string;
  version: number;
  body: string;
  subject: string | null;
  name: string;
  letter_contact_block: string | null;
  postage: string | null;
}

/**
 * The fields whose placeholders a template needs, in Notify's order: a letter's contact block is printed on it, so
 * its placeholders count too (notifications-utils BaseLetterTemplate.placeholders); the address is not among them.
 */
function placeholderFields(t: TemplateRow): Array<string | null> {
  if (t.type === 'sms') return [t.body];
  if (t.type === 'email') return [t.subject, t.body];
  return [t.letter_contact_block, t.subject, t.body];
}

/** A template as notifications-api's serialize_for_v2 gives it: every placeholder, each required. */
function serialiseTemplate(t: TemplateRow) {
  const personalisation: Record<string, { required: true }> = {};
  for (const name of placeholderNames(...placeholderFields(t))) personalisation[name] = { required: true };
  const { postage, letter_contact_block, ...rest } = t;
  return { ...rest, personalisation, postage, letter_contact_block };
}

async function findTemplate(state: V2State, serviceId: string, id: string, version?: string): Promise<TemplateRow> {
  if (!isUuid(id)) throw new ValidationError('id is not a valid UUID');
  // Notify's route takes any whole number, and version 0 (falsy there) gives the current template.
  if (version !== undefined && (!/^\d+$/.test(version) || Number(version) > 2_147_483_647)) throw new NotFoundError();
  const history = version !== undefined && Number(version) !== 0;
  const params: unknown[] = [id, serviceId];
  if (history) params.push(Number(version));
  // Hidden templates (the precompiled letter's) are not the service's to see: "No result found", as Notify.
  const sql = `select ${COLUMNS} from app_public.${history ? 'templates_history' : 'templates'} t
    join app_public.users u on u.id = t.created_by_id
    left join app_public.service_letter_contacts c on c.id = t.service_letter_contact_id
    where t.id = $1 and t.service_id = $2 and not t.hidden ${history ? 'and t.version = $3' : ''}`;
  const { rows } = await state.pool.query<TemplateRow>(sql, params);
  if (!rows[0]) throw new NotFoundError();
  return rows[0];
}

export default function templates(state: V2State): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/template/:id', async (request) => {
      return serialiseTemplate(await findTemplate(state, caller(request).service.id, request.params.id));
    });

    app.get<{ Params: { id: string; version: string } }>('/template/:id/version/:version', async (request) => {
      const { id, version } = request.params;
      return serialiseTemplate(await findTemplate(state, caller(request).service.id, id, version));
    });

    app.get('/templates', async (request) => {
      const c = caller(request);
      const query = validate<{ type?: string }>(
        schemas.getTemplatesQuery,
        queryToObject(schemas.getTemplatesQuery, request.query as Record<string, unknown>),
      );
      const { rows } = await state.pool.query<TemplateRow>(
        `select ${COLUMNS} from app_public.templates t
         join app_public.users u on u.id = t.created_by_id
         left join app_public.service_letter_contacts c on c.id = t.service_letter_contact_id
         where t.service_id = $1 and not t.archived and not t.hidden and ($2::text is null or t.template_type = $2)
         order by t.name, t.template_type`, // as notifications-api's dao_get_all_templates_for_service
        [c.service.id, query.type ?? null],
      );
      return { templates: rows.map(serialiseTemplate) };
    });

    app.post<{ Params: { id: string } }>('/template/:id/preview', async (request) => {
      const c = caller(request);
      const body = validate<schemas.PostTemplatePreviewRequest>(
        schemas.postTemplatePreviewRequest,
        request.body === undefined || request.body === null ? {} : request.body,
      );
      const t = await findTemplate(state, c.service.id, request.params.id);
      const personalisation = body.personalisation ?? {};
      assertNoMissingPersonalisation(placeholderFields(t), personalisation);
      let rendered: { body: string; subject: string | null; html: string | null };
      if (t.type === 'sms') {
        // As Notify's API: the message as sent (downgraded, no prefix); an empty one is shown, not refused.
        rendered = { body: renderSms({ content: t.body }, personalisation).body, subject: null, html: null };
      } else if (t.type === 'email') {
        const e = renderEmail({ subject: t.subject ?? '', content: t.body }, personalisation);
        // As notifications-api's preview: the body's HTML (html_body), not the whole email document.
        rendered = { body: e.body, subject: e.subject, html: e.bodyHtml };
      } else {
        const l = renderLetter({ subject: t.subject ?? '', content: t.body }, personalisation);
        rendered = { body: l.body, subject: l.subject, html: null };
      }
      return { id: t.id, type: t.type, version: t.version, ...rendered, postage: t.postage };
    });
  };
}
