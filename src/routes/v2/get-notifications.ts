// GET /v2/notifications/{id}, GET /v2/notifications (filters, 250 per page), GET /v2/notifications/{id}/pdf.
import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError, NotFoundError, PDFNotReadyError, ValidationError } from '../../lib/errors.ts';
import { objectBytes } from '../../lib/s3.ts';
import * as schemas from './schemas.ts';
import { placeholderKey, renderEmail, renderLetter, renderSms } from '../../templates/template.ts';
import { isUuid } from '../../lib/uuid.ts';
import { pdfFileName } from '../../letters/letters.ts';
import { queryToObject, validate } from './validate.ts';
import { caller, letterPdfKey, type V2State } from './state.ts';

export const PAGE_SIZE = 250;

const FAILURE_STATUSES = [
  'failed',
  'technical-failure',
  'temporary-failure',
  'permanent-failure',
  'validation-failed',
  'virus-scan-failed',
  'returned-letter',
];
const COMPLETED_STATUSES = new Set([
  'sent',
  'delivered',
  'failed',
  'technical-failure',
  'temporary-failure',
  'permanent-failure',
  'returned-letter',
  'cancelled',
  'validation-failed',
]);
// Letters that never went to print (from notifications-api, app/constants.py
// NOTIFICATION_STATUS_TYPES_LETTERS_NEVER_SENT): their cost is known, and it is nothing.
const LETTERS_NEVER_SENT = new Set(['cancelled', 'technical-failure', 'validation-failed', 'virus-scan-failed']);

const SELECT = `
select n.id, n.client_reference, n.notification_type, n.notification_status, n."to", n.service_id,
       n.template_id, n.template_version, app_private.decrypt(n._personalisation) as personalisation,
       th.content, th.subject, th.hidden, n.created_at,
       app_hidden.v2_timestamp(n.created_at) as created_at_text, u.name as created_by_name,
       app_hidden.v2_timestamp(n.sent_at) as sent_at, app_hidden.v2_timestamp(n.updated_at) as updated_at,
       app_hidden.v2_timestamp(n.scheduled_for) as scheduled_for, n.postage, n.billable_units, n.rate_multiplier,
       n.one_click_unsubscribe_url, n.reference,
       case when n.notification_type = 'letter' then app_hidden.letter_estimated_delivery(n.created_at, n.postage) end
         as estimated_delivery,
       (select r.rate from app_public.rates r where r.notification_type = 'sms' and r.valid_from <= n.created_at
        order by r.valid_from desc limit 1) as sms_rate,
       (select lr.rate from app_public.letter_rates lr
        where lr.sheet_count = n.billable_units and lr.post_class = n.postage
          and lr.crown and lr.start_date <= n.created_at
          and (lr.end_date is null or lr.end_date > n.created_at)
        order by lr.start_date desc limit 1) as letter_rate
from app_public.notifications n
join app_public.templates_history th on th.id = n.template_id and th.version = n.template_version
left join app_public.users u on u.id = n.created_by_id`;

interface Row {
  id: string;
  client_reference: string | null;
  notification_type: 'sms' | 'email' | 'letter';
  notification_status: string;
  to: string;
  service_id: string;
  template_id: string;
  template_version: number;
  personalisation: string | null;
  content: string;
  subject: string | null;
  hidden: boolean;
  created_at: Date;
  created_at_text: string;
  created_by_name: string | null;
  sent_at: string | null;
  updated_at: string | null;
  scheduled_for: string | null;
  postage: string | null;
  estimated_delivery: string | null;
  billable_units: number;
  rate_multiplier: string | null;
  one_click_unsubscribe_url: string | null;
  reference: string | null;
  sms_rate: string | null;
  letter_rate: string | null;
}

/** Letter statuses as clients see them. */
export function publicStatus(type: string, status: string): string {
  if (type !== 'letter') return status;
  if (status === 'created' || status === 'sending') return 'accepted';
  if (status === 'delivered' || status === 'returned-letter') return 'received';
  return status;
}

function serialise(state: V2State, r: Row) {
  const personalisation = r.personalisation ? (JSON.parse(r.personalisation) as Record<string, unknown>) : {};
  let body = '';
  let subject: string | null = null;
  if (r.notification_type === 'sms') body = renderSms({ content: r.content }, personalisation).body;
  else if (r.notification_type === 'email') {
    const e = renderEmail({ subject: r.subject ?? '', content: r.content }, personalisation);
    body = e.body;
    subject = e.subject;
  } else {
    const l = renderLetter({ subject: r.subject ?? '', content: r.content }, personalisation);
    body = l.body;
    subject = l.subject;
  }
  const letter = r.notification_type === 'letter';
  // Address keys match as placeholders do (case, spaces, '_' and '-' ignored), as Notify's InsensitiveDict.
  const byKey = new Map<string, unknown>();
  if (letter) for (const [k, v] of Object.entries(personalisation)) byKey.set(placeholderKey(k), v);
  const field = (key: string) => {
    const v = byKey.get(placeholderKey(key));
    return v === undefined || v === null ? null : String(v);
  };
  const line = (n: number) => field(`address_line_${n}`);

  // As notifications-api's Notification.serialize_with_cost_data: the arithmetic is Notify's, unrounded.
  let costReady = true;
  let cost: number | null = 0;
  let costDetails: Record<string, unknown> = {};
  const notBilledYet = r.notification_status === 'created' && !r.billable_units;
  if (r.notification_type === 'sms') {
    // Notify records an SMS's fragments when it sends it, so a created one has none and no cost yet; ours are
    // counted on creation, and a created SMS says the same as Notify's.
    if (r.notification_status === 'created') {
      costReady = false;
      cost = null;
    } else {
      const rate = Number(r.sms_rate ?? 0);
      const multiplier = Number(r.rate_multiplier ?? 1);
      // Notify's Notification._add_cost_data_for_sms: the float product, not rounded (3 × 0.024 is
      // 0.07200000000000001), in this order.
      cost = r.billable_units * multiplier * rate;
      costDetails = {
        billable_sms_fragments: r.billable_units,
        international_rate_multiplier: multiplier,
        sms_rate: rate,
      };
    }
  } else if (letter) {
    if (notBilledYet || r.notification_status === 'pending-virus-check') {
      costReady = false;
      cost = null;
    } else if (LETTERS_NEVER_SENT.has(r.notification_status)) {
      costDetails = { billable_sheets_of_paper: 0, postage: r.postage };
    } else {
      costDetails = { billable_sheets_of_paper: r.billable_units, postage: r.postage };
      cost = r.billable_units === 0 ? 0 : Number(r.letter_rate ?? 0);
    }
  }

  return {
    id: r.id,
    reference: r.client_reference,
    email_address: r.notification_type === 'email' ? r.to : null,
    phone_number: r.notification_type === 'sms' ? r.to : null,
    line_1: line(1),
    line_2: line(2),
    line_3: line(3),
    line_4: line(4),
    line_5: line(5),
    line_6: line(6),
    postcode: field('postcode'),
    postage: r.postage,
    type: r.notification_type,
    status: publicStatus(r.notification_type, r.notification_status),
    template: {
      id: r.template_id,
      version: r.template_version,
      // The template version's own v2 route, as Notify (a notification's template is a TemplateHistory there).
      uri: `${state.baseUrl}/v2/template/${r.template_id}/version/${r.template_version}`,
    },
    body,
    subject,
    created_at: r.created_at_text,
    created_by_name: r.created_by_name,
    sent_at: r.sent_at,
    completed_at: COMPLETED_STATUSES.has(r.notification_status) ? (r.updated_at ?? r.sent_at) : null,
    scheduled_for: r.scheduled_for,
    estimated_delivery: r.estimated_delivery ?? null,
    one_click_unsubscribe_url: r.notification_type === 'email' ? r.one_click_unsubscribe_url : null,
    cost_in_pounds: cost,
    is_cost_data_ready: costReady,
    cost_details: costDetails,
  };
}

async function findOne(state: V2State, serviceId: string, id: string): Promise<Row> {
  if (!isUuid(id)) throw new ValidationError('notification_id is not a valid UUID');
  const { rows } = await state.pool.query<Row>(`${SELECT} where n.id = $1 and n.service_id = $2`, [id, serviceId]);
  if (!rows[0]) throw new NotFoundError();
  return rows[0];
}

/**
 * A query string as Notify's links have it (Flask's url_for: Python's urlencode, so spaces as '+' and
 * `!$'()*,/:;?@` left as they are), from the validated parameters in the order the client gave them.
 */
export function notifyQueryString(query: object): string {
  const encode = (v: string) =>
    encodeURIComponent(v)
      .replace(/%20/g, '+')
      .replace(/%(24|2C|2F|3A|3B|3F|40)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query) as Array<[string, unknown]>) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) pairs.push(`${encode(key)}=${encode(String(v))}`);
  }
  return pairs.length ? `?${pairs.join('&')}` : '';
}

export default function getNotifications(state: V2State): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/notifications/:id', async (request) => {
      const c = caller(request);
      return serialise(state, await findOne(state, c.service.id, request.params.id));
    });

    app.get('/notifications', async (request) => {
      const c = caller(request);
      const query = validate<schemas.GetNotificationsQuery>(
        schemas.getNotificationsQuery,
        queryToObject(schemas.getNotificationsQuery, request.query as Record<string, unknown>),
      );
      const where = ['n.service_id = $1', 'n.key_type = $2'];
      const params: unknown[] = [c.service.id, c.keyType];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (query.template_type?.length) add((p) => `n.notification_type = any(${p}::text[])`, query.template_type);
      if (query.status?.length) {
        // As notifications-api's Notification.substitute_status: the names clients use for groups of statuses
        // stand for those statuses, whatever the notification type.
        const statuses = new Set<string>();
        for (const s of query.status) {
          if (s === 'failed') for (const x of FAILURE_STATUSES) statuses.add(x);
          else if (s === 'accepted') for (const x of ['created', 'sending']) statuses.add(x);
          else if (s === 'received') statuses.add('delivered');
          else statuses.add(s);
        }
        add((p) => `n.notification_status = any(${p}::text[])`, [...statuses]);
      }
      if (query.reference !== undefined) add((p) => `n.client_reference = ${p}`, query.reference);
      if (!query.include_jobs) where.push('n.job_id is null');
      if (query.older_than !== undefined) {
        add(
          (p) =>
            `(n.created_at, n.id) < (select o.created_at, o.id from app_public.notifications o
              where o.id = ${p} and o.service_id = $1)`,
          query.older_than,
        );
      }
      const { rows } = await state.pool.query<Row>(
        `${SELECT} where ${where.join(' and ')} order by n.created_at desc, n.id desc limit ${PAGE_SIZE}`,
        params,
      );
      // Notify gives `next` whenever the page has rows (the client iterators stop at an empty page): the same
      // parameters, older_than the last row (replacing the client's in place, else added at the end).
      const base = `${state.baseUrl}/v2/notifications`;
      const links: { current: string; next?: string } = { current: base + notifyQueryString(query) };
      if (rows.length > 0) links.next = base + notifyQueryString({ ...query, older_than: rows[rows.length - 1].id });
      return { notifications: rows.map((r) => serialise(state, r)), links };
    });

    app.get<{ Params: { id: string } }>('/notifications/:id/pdf', async (request, reply) => {
      const c = caller(request);
      const n = await findOne(state, c.service.id, request.params.id);
      if (n.notification_type !== 'letter') throw new BadRequestError('Notification is not a letter');
      if (n.notification_status === 'virus-scan-failed') throw new BadRequestError('File did not pass the virus scan');
      // As notifications-api's get_pdf_for_notification: a letter that failed validation still has its PDF.
      if (n.notification_status === 'technical-failure') {
        throw new BadRequestError(`PDF not available for letters in status ${n.notification_status}`);
      }
      if (n.notification_status === 'pending-virus-check' || !n.reference) throw new PDFNotReadyError();
      const key = await letterPdfKey(state.pool, {
        reference: n.reference,
        postage: n.postage,
        createdAt: n.created_at,
      });
      // A precompiled PDF that failed the checks stays where it was scanned (Notify keeps it in its invalid-PDF
      // bucket); a template letter too long to print has none, and is "not available yet" as in Notify.
      const bytes =
        n.notification_status === 'validation-failed'
          ? await objectBytes(state.s3(), state.ctx.cfg.LETTERS_SCAN_BUCKET, pdfFileName(key))
          : await objectBytes(state.s3(), state.ctx.cfg.LETTERS_PDF_BUCKET, key);
      if (!bytes) throw new PDFNotReadyError();
      return reply.type('application/pdf').send(Buffer.from(bytes));
    });
  };
}
