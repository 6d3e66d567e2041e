// The v2 API logs in as notify_api, which can read what the API reads and call what it calls, and nothing else:
// a bug or an injection in the API cannot read API keys, change rows directly or become another role.
import t from 'tap';
import pg from 'pg';
import { createTestDb } from '../helpers/db.ts';
import { createServiceWithKeys } from '../helpers/factories.ts';

t.test('notify_api: reads and calls what the API needs, no more', async (t) => {
  const db = await createTestDb(t, 'apirole');
  const svc = await createServiceWithKeys(db);
  const api = new pg.Client({ connectionString: db.apiUrl });
  await api.connect();
  t.teardown(() => api.end());
  const q = (sql: string, params: unknown[] = []) => api.query(sql, params);

  t.equal((await q('select current_user as u')).rows[0].u, 'notify_api');
  t.equal((await q('select name from app_public.services where id = $1', [svc.serviceId])).rows.length, 1);
  t.ok((await q('select * from app_hidden.service_api_keys($1)', [svc.serviceId])).rows.length > 0, 'its key check');
  t.ok((await q('select app_hidden.v2_timestamp(now()) as ts')).rows[0].ts);

  for (const [what, sql] of [
    ['API keys directly', 'select * from app_public.api_keys'],
    ["users' other columns", 'select platform_admin from app_public.users'],
    ['inbound texts directly', 'select * from app_public.inbound_sms'],
    ['callback URLs and tokens', 'select * from app_public.service_callback_api'],
    ['notification writes', `update app_public.notifications set notification_status = 'delivered'`],
    ['service writes', 'update app_public.services set rate_limit = 1'],
    ['template writes', 'delete from app_public.templates'],
    ['the job queue', `select graphile_worker.add_job('noop', '{}')`],
    ['receipts', `select * from app_hidden.apply_delivery_receipts('[]')`],
    ['encryption', `select app_private.encrypt('x')`],
    ['admin functions', `select app_public.create_api_key('${svc.serviceId}', 'k', 'normal')`],
    ['other roles', 'set role notify_user'],
    ['the owner', 'set role postgres'],
  ]) {
    await t.rejects(q(sql), { code: /^(42501|22023)$/ }, `refused: ${what}`);
  }
});
