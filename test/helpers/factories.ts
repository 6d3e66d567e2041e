// Test data: users, services, templates and API keys made through the SQL functions an operator
// would use (create_user, create_service, create_template, create_api_key), and notifications —
// created as the v2 API stores them, or inserted in whatever state, age or table a test needs.
import type { TestDb } from './db.ts';
import { createApiToken, parseApiKey } from '../../src/auth/jwt-auth.ts';

/** Makes names and addresses unique within a test file's database. */
let seq = 0;

export async function createUser(
  db: TestDb,
  opts: { email?: string; name?: string; mobile?: string } = {},
): Promise<string> {
  const n = ++seq;
  const user = await db.one<{ id: string }>(
    'select id from app_public.create_user(email_address => $1, name => $2, mobile_number => $3)',
    [opts.email ?? `user${n}-${Date.now()}@example.gov.uk`, opts.name ?? `User ${n}`, opts.mobile ?? '07700900123'],
  );
  return user.id;
}

/** A service owned by `userId`; live (not restricted) unless told otherwise. */
export async function createService(
  db: TestDb,
  opts: {
    userId: string;
    name?: string;
    organisationId?: string;
    emailFrom?: string;
    permissions?: string[];
    restricted?: boolean;
    crown?: boolean | null;
  },
): Promise<string> {
  const service = await db.one<{ id: string }>(
    `select id from app_public.create_service(name => $1, user_id => $2, organisation_id => $3, email_from => $4,
       permissions => $5, restricted => $6)`,
    [
      opts.name ?? `Service ${++seq} ${Date.now()}`,
      opts.userId,
      opts.organisationId ?? null,
      opts.emailFrom ?? null,
      opts.permissions ?? null,
      opts.restricted ?? false,
    ],
  );
  if (opts.crown !== undefined)
    await db.query(`update app_public.services set crown = $2 where id = $1`, [service.id, opts.crown]);
  return service.id;
}

/** A template at version 1; emails and letters get a subject unless one is given (null: none). */
export async function createTemplate(
  db: TestDb,
  opts: {
    serviceId: string;
    type: 'sms' | 'email' | 'letter';
    name?: string;
    content?: string;
    subject?: string | null;
  },
): Promise<string> {
  const template = await db.one<{ id: string }>(
    `select id from app_public.create_template(service_id => $1, template_type => $2, name => $3, content => $4,
       subject => $5)`,
    [
      opts.serviceId,
      opts.type,
      opts.name ?? `${opts.type} template`,
      opts.content ?? 'Hello ((name))',
      opts.subject === undefined ? (opts.type === 'sms' ? null : 'Subject') : opts.subject,
    ],
  );
  return template.id;
}

export interface TestApiKey {
  id: string;
  key: string;
  serviceId: string;
  secret: string;
  /** A fresh `Authorization` header value. */
  auth(): string;
}

export async function createApiKey(
  db: TestDb,
  serviceId: string,
  type: string,
  name = `${type}-key-${++seq}`,
): Promise<TestApiKey> {
  const row = await db.one<{ id: string; key: string }>('select * from app_public.create_api_key($1, $2, $3)', [
    serviceId,
    name,
    type,
  ]);
  const { secret } = parseApiKey(row.key);
  return { id: row.id, key: row.key, serviceId, secret, auth: () => `Bearer ${createApiToken(serviceId, secret)}` };
}

export interface ServiceWithKeys {
  userId: string;
  serviceId: string;
  normal: TestApiKey;
  team: TestApiKey;
  test: TestApiKey;
  sms: string;
  email: string;
  letter: string;
}

/** What the v2 API tests send with: a service and its owner, a key of each type and a template of each type. */
export async function createServiceWithKeys(
  db: TestDb,
  opts: { restricted?: boolean; permissions?: string[]; name?: string } = {},
): Promise<ServiceWithKeys> {
  const n = ++seq;
  const userId = await createUser(db, { email: `owner${n}-${Date.now()}@example.gov.uk`, name: `Owner ${n}` });
  const serviceId = await createService(db, {
    userId,
    name: opts.name ?? `Service ${n} ${Date.now()}`,
    permissions: opts.permissions,
    restricted: opts.restricted ?? false,
  });
  const tpl = (type: 'sms' | 'email' | 'letter', content: string, subject: string | null = null) =>
    createTemplate(db, { serviceId, type, name: `${type} template`, content, subject });
  return {
    userId,
    serviceId,
    normal: await createApiKey(db, serviceId, 'normal'),
    team: await createApiKey(db, serviceId, 'team'),
    test: await createApiKey(db, serviceId, 'test'),
    sms: await tpl('sms', 'Hello ((name))'),
    email: await tpl('email', 'Dear ((name)),\r\n\r\nYour reference is ((ref)).', 'Hello ((name))'),
    letter: await tpl('letter', 'Dear ((name))', 'Your letter'),
  };
}

export interface NotificationRow {
  serviceId: string;
  templateId: string;
  type: 'sms' | 'email' | 'letter';
  createdAt: string; // timestamptz literal or SQL-ish text understood by Postgres
  status?: string;
  keyType?: 'normal' | 'team' | 'test';
  units?: number;
  multiplier?: number | null;
  international?: boolean;
  sentBy?: string | null;
  postage?: string | null;
  jobId?: string | null;
  reference?: string | null;
  history?: boolean; // insert into notification_history instead
  count?: number; // insert this many identical rows
}

/**
 * Notifications inserted straight into notifications (or notification_history) in any status and
 * at any time, as the nightly facts, billing and archival find them; the id of the first row.
 */
export async function insertNotification(db: TestDb, n: NotificationRow): Promise<string> {
  const table = n.history ? 'notification_history' : 'notifications';
  const cols = n.history ? '' : `"to", normalised_to,`;
  const vals = n.history ? '' : `'x', 'x',`;
  const r = await db.one(
    `insert into app_public.${table} (id, ${cols} service_id, template_id, template_version, key_type, billable_units,
       notification_type, created_at, notification_status, international, rate_multiplier, sent_by, postage, job_id,
       reference)
     select gen_random_uuid(), ${vals} $1, $2, 1, $3, $4, $5, $6::timestamptz, $7, $8, $9, $10, $11, $12, $13
     from generate_series(1, $14::int)
     returning id`,
    [
      n.serviceId,
      n.templateId,
      n.keyType ?? 'normal',
      n.units ?? (n.type === 'email' ? 0 : 1),
      n.type,
      n.createdAt,
      n.status ?? 'delivered',
      n.international ?? false,
      n.multiplier === undefined ? (n.type === 'email' ? null : 1) : n.multiplier,
      n.sentBy === undefined ? (n.type === 'sms' ? 'mmg' : n.type === 'email' ? 'ses' : 'dvla') : n.sentBy,
      n.postage === undefined ? (n.type === 'letter' ? 'second' : null) : n.postage,
      n.jobId ?? null,
      n.reference ?? null,
      n.count ?? 1,
    ],
  );
  return r.id;
}

export interface ServiceOwner {
  userId: string;
  service(name: string, opts?: { organisationId?: string; live?: boolean; crown?: boolean | null }): Promise<string>;
  template(serviceId: string, type: 'sms' | 'email' | 'letter', name?: string): Promise<string>;
  notify(n: NotificationRow): Promise<string>;
}

/** A user, and shorthands for the services, templates and notifications the lifecycle tests build under it. */
export async function serviceOwner(db: TestDb): Promise<ServiceOwner> {
  const userId = await createUser(db, { email: `lifecycle${++seq}@example.gov.uk`, name: 'Lifecycle' });
  return {
    userId,
    service: (name, opts = {}) =>
      createService(db, {
        userId,
        name,
        organisationId: opts.organisationId,
        restricted: !(opts.live ?? true),
        crown: opts.crown,
      }),
    template: (serviceId, type, name) => createTemplate(db, { serviceId, type, name }),
    notify: (n) => insertNotification(db, n),
  };
}

export interface NewNotification {
  to: string;
  personalisation?: Record<string, unknown>;
  keyType?: 'normal' | 'team' | 'test';
  clientReference?: string;
  international?: boolean;
  createdAt?: Date;
  replyToText?: string;
  unsubscribeUrl?: string;
}

/** Where createNotifications puts its rows: a service with a text and an email template. */
export interface NotificationTarget {
  db: TestDb;
  serviceId: string;
  smsTemplateId: string;
  emailTemplateId: string;
}

/** Inserts notifications as the v2 API does (status created) and, unless told not to, queues delivery. */
export async function createNotifications(
  d: NotificationTarget,
  type: 'sms' | 'email',
  list: NewNotification[],
  opts: { enqueue?: boolean; batchSize?: number } = {},
): Promise<string[]> {
  const templateId = type === 'sms' ? d.smsTemplateId : d.emailTemplateId;
  const rows = await d.db.query<{ id: string }>(
    `insert into app_public.notifications (service_id, template_id, template_version, notification_type, key_type,
        "to", normalised_to, _personalisation, client_reference, international, created_at, reply_to_text,
        one_click_unsubscribe_url)
     select $1, $2, 1, $3, coalesce(x.j->>'key_type', 'normal'), x.j->>'to', lower(x.j->>'to'),
            app_private.encrypt(coalesce(x.j->'personalisation', '{}'::jsonb)::text), x.j->>'client_reference',
            coalesce((x.j->>'international')::boolean, false), coalesce((x.j->>'created_at')::timestamptz, now()),
            x.j->>'reply_to_text', x.j->>'unsubscribe_url'
     from jsonb_array_elements($4::jsonb) with ordinality as x(j, ord)
     order by x.ord
     returning id`,
    [
      d.serviceId,
      templateId,
      type,
      JSON.stringify(
        list.map((n) => ({
          to: n.to,
          personalisation: n.personalisation ?? { name: 'Jo', code: '1234' },
          key_type: n.keyType,
          client_reference: n.clientReference,
          international: n.international,
          created_at: n.createdAt?.toISOString(),
          reply_to_text: n.replyToText,
          unsubscribe_url: n.unsubscribeUrl,
        })),
      ),
    ],
  );
  const ids = rows.map((r) => r.id);
  if (opts.enqueue !== false)
    await d.db.query('select app_hidden.enqueue_delivery($1::uuid[], $2)', [ids, opts.batchSize ?? 50]);
  return ids;
}

/** A postal address that passes the letter rules. */
export const ADDRESS = { address_line_1: 'Ms A Person', address_line_2: '1 High Street', address_line_3: 'SW1A 1AA' };

/** A minimal one-page PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
