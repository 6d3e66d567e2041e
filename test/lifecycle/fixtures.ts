// Minimal hand-built fixtures for the lifecycle tests: a user, services, templates and
// notifications inserted straight into notifications / notification_history.
import type { TestDb } from '../helpers/db.ts';

export interface Fixture {
  userId: string;
  service(name: string, opts?: { organisationId?: string; live?: boolean; crown?: boolean | null }): Promise<string>;
  template(serviceId: string, type: 'sms' | 'email' | 'letter', name?: string): Promise<string>;
  notify(n: NotificationRow): Promise<string>;
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

let seq = 0;

export async function fixture(db: TestDb): Promise<Fixture> {
  seq += 1;
  const user = await db.one(
    `select id from app_public.create_user(email_address => $1, name => 'Lifecycle', mobile_number => '07700900123')`,
    [`lifecycle${seq}@example.gov.uk`],
  );
  return {
    userId: user.id,
    async service(name, opts = {}) {
      const s = await db.one(
        `select id from app_public.create_service(name => $1, user_id => $2, organisation_id => $3, restricted => $4)`,
        [name, user.id, opts.organisationId ?? null, !(opts.live ?? true)],
      );
      if (opts.crown !== undefined) await db.query(`update app_public.services set crown = $2 where id = $1`, [s.id, opts.crown]);
      return s.id;
    },
    async template(serviceId, type, name) {
      const t = await db.one(
        `select id from app_public.create_template(service_id => $1, template_type => $2, name => $3, content => 'Hello ((name))', subject => $4)`,
        [serviceId, type, name ?? `${type} template`, type === 'sms' ? null : 'Subject'],
      );
      return t.id;
    },
    async notify(n) {
      const table = n.history ? 'notification_history' : 'notifications';
      const cols = n.history ? '' : `"to", normalised_to,`;
      const vals = n.history ? '' : `'x', 'x',`;
      const r = await db.one(
        `insert into app_public.${table} (id, ${cols} service_id, template_id, template_version, key_type, billable_units,
           notification_type, created_at, notification_status, international, rate_multiplier, sent_by, postage, job_id, reference)
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
    },
  };
}
