// Jobs inserted straight into app_public.jobs in whatever state a test needs (the CSV pipeline's
// create_job is not what these tests are about), and SQL run as a signed-in admin user.
import type { TestDb } from './db.ts';

export interface JobRow {
  serviceId: string;
  templateId: string;
  status?: string;
  fileName?: string;
  count?: number;
  createdAt?: string; // SQL expression, e.g. now() - interval '2 days'
  scheduledFor?: string | null; // SQL expression
  processingStarted?: string | null; // SQL expression
  processingFinished?: string | null; // SQL expression
  contactListId?: string | null;
  archived?: boolean;
}

/** One job row; times are SQL expressions so tests can say `now() - interval '31 minutes'`. */
export async function insertJob(db: TestDb, j: JobRow): Promise<string> {
  const expr = (e: string | null | undefined) => (e == null ? 'null' : `(${e})::timestamptz`);
  const r = await db.one<{ id: string }>(
    `insert into app_public.jobs (original_file_name, service_id, template_id, template_version, notification_count,
       job_status, contact_list_id, archived, created_at, scheduled_for, processing_started, processing_finished)
     values ($1, $2, $3, 1, $4, $5, $6, $7, ${expr(j.createdAt ?? 'now()')}, ${expr(j.scheduledFor)},
       ${expr(j.processingStarted)}, ${expr(j.processingFinished)})
     returning id`,
    [
      j.fileName ?? 'people.csv',
      j.serviceId,
      j.templateId,
      j.count ?? 1,
      j.status ?? 'finished',
      j.contactListId ?? null,
      j.archived ?? false,
    ],
  );
  return r.id;
}

/** Run one statement as `userId` in a GraphQL-like request (role notify_user), rolled back afterwards. */
export async function asUser<R = Record<string, any>>(
  db: TestDb,
  userId: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const c = await db.pool.connect();
  try {
    await c.query('begin');
    await c.query(`select set_config('jwt.claims.user_id', $1, true)`, [userId]);
    await c.query('set local role notify_user');
    return (await c.query(sql, params)).rows as R[];
  } finally {
    await c.query('rollback');
    c.release();
  }
}

/** A user on the service's team holding only the given permissions (none: just a member). */
export async function teamMember(db: TestDb, serviceId: string, permissions: string[] = []): Promise<string> {
  const u = await db.one<{ id: string }>(
    `select id from app_public.create_user(email_address => $1, name => 'Team mate', mobile_number => '07700900125')`,
    [`mate-${Math.random().toString(36).slice(2)}@example.gov.uk`],
  );
  await db.query('insert into app_public.user_to_service (user_id, service_id) values ($1, $2)', [u.id, serviceId]);
  for (const p of permissions)
    await db.query('insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, $3)', [
      serviceId,
      u.id,
      p,
    ]);
  return u.id;
}

/** Queued graphile-worker jobs of a task, with their payloads and keys. */
export async function queued(db: TestDb, task: string): Promise<Array<{ key: string | null; payload: any }>> {
  return db.query(
    `select j.key, j.payload from graphile_worker._private_jobs j
     join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = $1 order by j.id`,
    [task],
  );
}
