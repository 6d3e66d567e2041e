// notifications' references to services, api_keys and templates_history are kept by
// app_hidden.create_notifications (checked once per batch) and by delete triggers on the three
// tables, not by foreign-key constraints (migration 000007): the same outcomes, checked here.
import crypto from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createServiceWithKeys, type ServiceWithKeys } from '../helpers/factories.ts';

function item(f: ServiceWithKeys, over: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    service_id: f.serviceId,
    api_key_id: f.normal.id,
    key_type: 'normal',
    notification_type: 'sms',
    template_id: f.sms,
    template_version: 1,
    to: '07700900123',
    normalised_to: '447700900123',
    personalisation: { name: `Alex ${crypto.randomUUID()}` },
    billable_units: 1,
    ...over,
  };
}

async function create(db: TestDb | pg.Pool, items: unknown[]) {
  const rows =
    'one' in db
      ? await db.query('select * from app_hidden.create_notifications($1::jsonb)', [JSON.stringify(items)])
      : (await db.query('select * from app_hidden.create_notifications($1::jsonb)', [JSON.stringify(items)])).rows;
  return rows as Array<{ ord: number; id: string; outcome: string; message: string | null }>;
}

const count = async (db: TestDb, sql: string, params: unknown[]) =>
  (await db.one<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).n;

t.test('create_notifications stores the rows and refuses unknown references with 23503, storing nothing', async (t) => {
  const db = await createTestDb(t, 'refs');
  const f = await createServiceWithKeys(db);
  const good = item(f);
  const made = await create(db, [good, item(f, { notification_type: 'sms', template_id: f.sms })]);
  t.same(
    made.map((r) => r.outcome),
    ['created', 'created'],
  );
  const stored = await db.one(
    `select app_private.decrypt(_personalisation) as p, api_key_id, template_version, notification_status
     from app_public.notifications where id = $1`,
    [good.id],
  );
  t.same(JSON.parse(stored.p), good.personalisation, 'personalisation encrypted and decryptable');
  t.equal(stored.api_key_id, f.normal.id);
  t.equal(stored.notification_status, 'created');
  const jobs = await count(
    db,
    `graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
     where k.identifier = 'deliver-sms' and j.payload::jsonb->'ids' ? $1`,
    [good.id],
  );
  t.equal(jobs, 1, 'the delivery job names the row');

  const missingTemplate = crypto.randomUUID();
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'an unknown template',
      { template_id: missingTemplate },
      new RegExp(`version 1 of template ${missingTemplate} does not exist`),
    ],
    ['an unknown version', { template_version: 7 }, new RegExp(`version 7 of template ${f.sms} does not exist`)],
    [
      'an unknown service',
      { service_id: '00000000-0000-4000-8000-000000000001' },
      /service 00000000-0000-4000-8000-000000000001 does not exist/,
    ],
    [
      'an unknown API key',
      { api_key_id: '00000000-0000-4000-8000-000000000002' },
      /API key 00000000-0000-4000-8000-000000000002 does not exist/,
    ],
  ];
  const before = await count(db, 'app_public.notifications where service_id = $1', [f.serviceId]);
  const rateBefore = (
    await db.one(
      'select coalesce(sum(requests), 0)::int as n from app_private.rate_limit_counters where service_id = $1',
      [f.serviceId],
    )
  ).n;
  for (const [label, over, message] of cases) {
    const ok = item(f);
    await t.rejects(create(db, [ok, item(f, over)]), { code: '23503', message }, label);
  }
  t.equal(
    await count(db, 'app_public.notifications where service_id = $1', [f.serviceId]),
    before,
    'nothing stored from a refused batch',
  );
  t.equal(
    (
      await db.one(
        'select coalesce(sum(requests), 0)::int as n from app_private.rate_limit_counters where service_id = $1',
        [f.serviceId],
      )
    ).n,
    rateBefore,
    'refused batches do not count toward the rate limit',
  );
  // A key-less row (a job or an operator's send) needs no key.
  const [noKey] = await create(db, [item(f, { api_key_id: null })]);
  t.equal(noKey.outcome, 'created');

  // The API's database role may call it (security definer: it reads the encryption key).
  const auth = new pg.Pool({ connectionString: db.authUrl, max: 1 });
  t.teardown(() => auth.end());
  const [viaAuth] = await create(auth, [item(f)]);
  t.equal(viaAuth.outcome, 'created', 'notify_authenticator can create');
  await t.rejects(
    auth.query('select * from app_private.settings'),
    { code: '42501' },
    'but still cannot read the key itself',
  );
});

t.test('a team-key letter is refused by create_notifications as by the API, and by the table (23514)', async (t) => {
  const db = await createTestDb(t, 'teamletter');
  const f = await createServiceWithKeys(db);
  const letter = (keyType: string, key: { id: string }) =>
    item(f, {
      notification_type: 'letter',
      template_id: f.letter,
      key_type: keyType,
      api_key_id: key.id,
      to: 'A Person',
      normalised_to: 'aperson',
      postage: 'second',
    });
  const before = await count(db, 'app_public.notifications where service_id = $1', [f.serviceId]);
  const refused = letter('team', f.team);
  const [ok, teamLetter] = await create(db, [item(f), refused]);
  t.same(
    [ok.outcome, teamLetter.outcome, teamLetter.message],
    ['created', 'forbidden', 'Cannot send letters with a team api key'],
    'the row is refused, the rest of its batch goes on',
  );
  t.equal(
    await count(db, 'app_public.notifications where service_id = $1', [f.serviceId]),
    before + 1,
    'only the good row stored',
  );
  await t.rejects(
    db.query(
      `insert into app_public.notifications (id, "to", service_id, template_id, template_version, api_key_id, key_type,
         notification_type, notification_status)
       values ($1, 'A Person', $2, $3, 1, $4, 'team', 'letter', 'created')`,
      [refused.id, f.serviceId, f.letter, f.team.id],
    ),
    { code: '23514', constraint: 'ck_notifications_letter_not_team_key' },
    'an insert that goes round the function meets the table constraint',
  );
  const made = await create(db, [
    letter('normal', f.normal),
    letter('test', f.test),
    item(f, { key_type: 'team', api_key_id: f.team.id }),
  ]);
  t.same(
    made.map((r) => r.outcome),
    ['created', 'created', 'created'],
    'normal and test letters, team texts: accepted',
  );
  const stored = await db.one<{ n: number }>(
    `select count(*)::int as n from app_public.notifications where id = any($1::uuid[])`,
    [made.map((r) => r.id)],
  );
  t.equal(stored.n, 3);
});

t.test('deleting a key, a template version or a service does what the foreign keys did', async (t) => {
  const db = await createTestDb(t, 'deletes');
  const f = await createServiceWithKeys(db);
  const [kept] = await create(db, [item(f)]);
  const [viaTeam] = await create(db, [item(f, { api_key_id: f.team.id, key_type: 'team' })]);

  await db.query('delete from app_public.api_keys where id = $1', [f.team.id]);
  const unlinked = await db.one('select api_key_id, key_type from app_public.notifications where id = $1', [
    viaTeam.id,
  ]);
  t.same(
    unlinked,
    { api_key_id: null, key_type: 'team' },
    'a deleted key: its notifications keep their key type, lose the key id',
  );

  await t.rejects(
    db.query('delete from app_public.templates_history where id = $1 and version = 1', [f.sms]),
    { code: '23503', message: new RegExp(`version 1 of template ${f.sms} is still used by notifications`) },
    'a template version notifications were sent with cannot be deleted',
  );
  t.equal(await count(db, 'app_public.templates_history where id = $1', [f.sms]), 1);

  const other = await createServiceWithKeys(db);
  const [otherRow] = await create(db, [item(other)]);
  await db.query('delete from app_public.services where id = $1', [f.serviceId]);
  t.equal(
    await count(db, 'app_public.notifications where service_id = $1', [f.serviceId]),
    0,
    'a deleted service takes its notifications',
  );
  t.equal(await count(db, 'app_public.notifications where id = $1', [otherRow.id]), 1, 'other services keep theirs');
  t.equal(await count(db, 'app_public.notifications where id = $1', [kept.id]), 0);
});
