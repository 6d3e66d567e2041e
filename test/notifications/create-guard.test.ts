// Who may send what to whom, enforced by app_hidden.create_notifications itself (the one function
// that inserts notifications), called here directly as the owner, as a DBA would: each refused row
// gets its outcome and the API's message and is neither stored, queued nor counted; the rest of
// the batch goes on. Also: simulated recipients and the limits, and the outcome → API error mapping.
import crypto from 'node:crypto';
import t from 'tap';
import { createError, type CreateResult } from '../../src/notifications/batcher.ts';
import { TEAM_KEY_MESSAGE, TRIAL_MODE_MESSAGE } from '../../src/routes/v2/post-notifications.ts';
import { createTestApp } from '../helpers/app.ts';
import { createTestDb } from '../helpers/db.ts';
import { createServiceWithKeys, createUser, type ServiceWithKeys } from '../helpers/factories.ts';
import { post } from '../helpers/v2-requests.ts';

const db = await createTestDb(t, 'guard');

type Item = Record<string, unknown>;
type Row = { ord: number; id: string; outcome: string; message: string | null };

function sms(f: ServiceWithKeys, over: Item = {}): Item {
  return {
    id: crypto.randomUUID(),
    service_id: f.serviceId,
    api_key_id: f.normal.id,
    key_type: 'normal',
    notification_type: 'sms',
    template_id: f.sms,
    template_version: 1,
    to: '07700900456',
    normalised_to: '447700900456',
    personalisation: { name: 'Alex' },
    billable_units: 1,
    ...over,
  };
}

function email(f: ServiceWithKeys, over: Item = {}): Item {
  return sms(f, {
    notification_type: 'email',
    template_id: f.email,
    to: 'someone@example.com',
    normalised_to: 'someone@example.com',
    personalisation: { name: 'Alex', ref: 'r' },
    ...over,
  });
}

function letter(f: ServiceWithKeys, over: Item = {}): Item {
  return sms(f, {
    notification_type: 'letter',
    template_id: f.letter,
    to: 'A Person\n1 Street\nSW1A 1AA',
    normalised_to: 'apersonstreetsw1a1aa',
    postage: 'second',
    reference: 'ABCDEFGHIJKLMNOP',
    ...over,
  });
}

const keyOf = (f: ServiceWithKeys, keyType: 'normal' | 'team' | 'test') => ({
  key_type: keyType,
  api_key_id: f[keyType].id,
});

async function create(items: Item[]): Promise<Row[]> {
  return db.query<Row>('select * from app_hidden.create_notifications($1::jsonb)', [JSON.stringify(items)]);
}

/** What a refused row must not leave behind: rows, jobs (naming the service's rows or `ids`), rate and daily counts. */
async function traces(serviceId: string, ids: unknown[] = []) {
  return db.one<{ rows: number; jobs: number; requests: number; sent: number }>(
    `select (select count(*)::int from app_public.notifications where service_id = $1) as rows,
            (select count(*)::int from graphile_worker._private_jobs j
             where j.payload::jsonb->'ids' ?| (array(select n.id::text from app_public.notifications n
                                                     where n.service_id = $1) || $2::text[])) as jobs,
            (select coalesce(sum(requests), 0)::int from app_private.rate_limit_counters where service_id = $1)
              as requests,
            (select coalesce(sum(sent), 0)::int from app_private.daily_limit_counters where service_id = $1) as sent`,
    [serviceId, ids],
  );
}

/** Away from a minute boundary, so the rate limit's previous minute stays out of a test's counts. */
async function awayFromMinuteBoundary() {
  while ((await db.one<{ s: number }>('select extract(second from now())::float8 as s')).s > 50)
    await new Promise((r) => setTimeout(r, 500));
}

t.test('each rule refuses its row with the API message; nothing stored, queued or counted', async (t) => {
  const live = await createServiceWithKeys(db);
  const cases: Array<{
    label: string;
    service: () => Promise<ServiceWithKeys>;
    item: (f: ServiceWithKeys) => Item;
    outcome: string;
    message: string;
  }> = [
    {
      label: 'an archived service',
      service: async () => {
        const f = await createServiceWithKeys(db);
        await db.query('update app_public.services set active = false where id = $1', [f.serviceId]);
        return f;
      },
      item: (f) => sms(f),
      outcome: 'inactive',
      message: 'Invalid token: service is archived',
    },
    {
      label: 'no sms permission',
      service: () => createServiceWithKeys(db, { permissions: ['email', 'letter'] }),
      item: (f) => sms(f),
      outcome: 'refused',
      message: 'Service is not allowed to send text messages',
    },
    {
      label: 'no email permission (test keys too)',
      service: () => createServiceWithKeys(db, { permissions: ['sms', 'letter'] }),
      item: (f) => email(f, keyOf(f, 'test')),
      outcome: 'refused',
      message: 'Service is not allowed to send emails',
    },
    {
      label: 'no letter permission',
      service: () => createServiceWithKeys(db, { permissions: ['sms', 'email'] }),
      item: (f) => letter(f),
      outcome: 'refused',
      message: 'Service is not allowed to send letters',
    },
    {
      label: 'an international text without international_sms',
      service: () => createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] }),
      item: (f) =>
        sms(f, { to: '+1 202 555 0123', normalised_to: '12025550123', international: true, phone_prefix: '1' }),
      outcome: 'refused',
      message: 'Cannot send to international mobile numbers',
    },
    {
      label: 'a letter abroad without international_letters',
      service: () => createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] }),
      item: (f) => letter(f, { postage: 'europe', international: true, to: 'A Person\n1 Rue\nFrance' }),
      outcome: 'invalid',
      message: 'Must be a real UK postcode',
    },
    {
      label: 'a letter with a team key',
      service: async () => live,
      item: (f) => letter(f, keyOf(f, 'team')),
      outcome: 'forbidden',
      message: 'Cannot send letters with a team api key',
    },
    {
      label: 'a letter from a trial service with a normal key',
      service: () => createServiceWithKeys(db, { restricted: true }),
      item: (f) => letter(f),
      outcome: 'forbidden',
      message: 'Cannot send letters when service is in trial mode',
    },
    {
      label: 'a text from a trial service to someone outside the team',
      service: () => createServiceWithKeys(db, { restricted: true }),
      item: (f) => sms(f),
      outcome: 'refused',
      message: TRIAL_MODE_MESSAGE,
    },
    {
      label: 'an email from a trial service to someone outside the team',
      service: () => createServiceWithKeys(db, { restricted: true }),
      item: (f) => email(f),
      outcome: 'refused',
      message: TRIAL_MODE_MESSAGE,
    },
    {
      label: 'a team key (live service) to someone outside the team',
      service: () => createServiceWithKeys(db),
      item: (f) => email(f, keyOf(f, 'team')),
      outcome: 'refused',
      message: TEAM_KEY_MESSAGE,
    },
    {
      label: 'a team key text, normalised_to claiming a team member while "to" is someone else',
      service: () => createServiceWithKeys(db),
      item: (f) => sms(f, { ...keyOf(f, 'team'), normalised_to: '447700900123' }),
      outcome: 'refused',
      message: TEAM_KEY_MESSAGE,
    },
  ];
  for (const c of cases) {
    const f = await c.service();
    const item = c.item(f);
    const before = await traces(f.serviceId, [item.id]);
    const [row] = await create([item]);
    t.same({ outcome: row.outcome, message: row.message }, { outcome: c.outcome, message: c.message }, c.label);
    t.same(await traces(f.serviceId, [item.id]), before, `${c.label}: nothing stored, queued or counted`);
  }
});

t.test('trial mode and team keys: the team and the guest list, in any format; test keys go anywhere', async (t) => {
  const f = await createServiceWithKeys(db, { restricted: true });
  // The owner's mobile is 07700900123; a second member with another number and a mixed-case address.
  const member = await createUser(db, { email: `Member.${Date.now()}@Example.gov.uk`, mobile: '+44 7700 900 789' });
  await db.query('insert into app_public.user_to_service (user_id, service_id) values ($1, $2)', [member, f.serviceId]);
  const memberEmail = (await db.one('select email_address from app_public.users where id = $1', [member]))
    .email_address as string;
  await db.query(
    `insert into app_public.service_whitelist (service_id, recipient_type, recipient)
     values ($1, 'mobile', '+44 (0)7700 900 321'), ($1, 'email', ' Guest@Example.com ')`,
    [f.serviceId],
  );
  const made = await create([
    sms(f, { to: '+447700900123', normalised_to: '447700900123' }),
    sms(f, { to: '07700 900789', normalised_to: '447700900789' }),
    sms(f, { to: '7700900321', normalised_to: '447700900321' }),
    email(f, { to: memberEmail.toLowerCase(), normalised_to: memberEmail.toLowerCase() }),
    email(f, { to: 'guest@example.com', normalised_to: 'guest@example.com' }),
    sms(f, { ...keyOf(f, 'team'), to: '07700900789', normalised_to: '447700900789' }),
    email(f, { ...keyOf(f, 'team'), to: 'guest@example.com', normalised_to: 'guest@example.com' }),
    sms(f, keyOf(f, 'test')),
    email(f, keyOf(f, 'test')),
    letter(f, { ...keyOf(f, 'test'), status: 'delivered' }),
    // A team member's number is not a team member's email address.
    email(f, { to: '447700900123', normalised_to: '447700900123' }),
  ]);
  t.same(
    made.map((r) => r.outcome),
    [...Array(10).fill('created'), 'refused'],
  );
  t.equal(made[10].message, TRIAL_MODE_MESSAGE);
  t.equal((await traces(f.serviceId)).rows, 10);

  // A live service's normal key sends to anyone; a crown-dependency number (international, prefix 44)
  // needs no international_sms.
  const live = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
  const [anyone, jersey] = await create([
    sms(live),
    sms(live, { to: '07624 123456', normalised_to: '447624123456', international: true, phone_prefix: '44' }),
  ]);
  t.equal(anyone.outcome, 'created');
  t.equal(jersey.outcome, 'created');
});

t.test('a mixed batch stores, queues and counts only the good rows, in order', async (t) => {
  const f = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
  const items = [
    sms(f),
    sms(f, { to: '+33 6 12 34 56 78', normalised_to: '33612345678', international: true, phone_prefix: '33' }),
    email(f),
    letter(f, keyOf(f, 'team')),
    letter(f, { postage: 'rest-of-world', international: true }),
    sms(f, keyOf(f, 'team')),
    letter(f),
  ];
  const made = await create(items);
  t.same(
    made.map((r) => [r.ord, r.outcome]),
    [
      [0, 'created'],
      [1, 'refused'],
      [2, 'created'],
      [3, 'forbidden'],
      [4, 'invalid'],
      [5, 'refused'],
      [6, 'created'],
    ],
  );
  t.same(
    made.map((r) => r.id),
    items.map((i) => i.id),
    'each row keeps its id',
  );
  // Each stored row is its own item's (the rows between them refused): id, type, recipient and postage together.
  const stored = await db.query<{ id: string; notification_type: string; to: string; postage: string | null }>(
    'select id, notification_type, "to", postage from app_public.notifications where service_id = $1 order by id',
    [f.serviceId],
  );
  t.same(
    stored,
    [items[0], items[2], items[6]]
      .map((i) => ({ id: i.id, notification_type: i.notification_type, to: i.to, postage: i.postage ?? null }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id))),
  );
  const jobs = await db.query<{ task: string; ids: string[] }>(
    `select k.identifier as task, j.payload::jsonb->'ids' as ids
     from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
     where j.payload::jsonb->'ids' ?| $1::text[] order by k.identifier`,
    [items.map((i) => i.id)],
  );
  t.same(jobs, [
    { task: 'create-letter-pdf', ids: [items[6].id] },
    { task: 'deliver-email', ids: [items[2].id] },
    { task: 'deliver-sms', ids: [items[0].id] },
  ]);
  const counted = await traces(f.serviceId);
  t.equal(counted.requests, 3, 'the rate limit counts the created rows only');
  t.equal(counted.sent, 3, 'so does the daily limit');
});

t.test('simulated recipients: counted toward the rate limit, not the daily limit, never stored', async (t) => {
  await awayFromMinuteBoundary();
  const f = await createServiceWithKeys(db);
  await db.query('update app_public.services set sms_message_limit = 2, rate_limit = 6 where id = $1', [f.serviceId]);
  const simulated = (over: Item = {}) =>
    sms(f, { to: '07700900000', normalised_to: '447700900000', persist: false, ...over });
  const first = await create([simulated(), simulated(), sms(f), simulated(), sms(f)]);
  t.same(
    first.map((r) => r.outcome),
    ['created', 'created', 'created', 'created', 'created'],
    'two real texts within a daily limit of 2, whatever the simulated ones around them',
  );
  t.same(await traces(f.serviceId), { rows: 2, jobs: 1, requests: 5, sent: 2 });
  // At the daily limit a simulated recipient is refused as a real one is (Notify checks the limit for
  // every request and counts the ones it stores).
  const [atLimit] = await create([simulated()]);
  t.same(
    { outcome: atLimit.outcome, message: atLimit.message },
    { outcome: 'daily_limit', message: 'Exceeded send limits (sms: 2) for today' },
  );
  // The rate limit: 5 requests used of 6; simulated ones spend it (Notify's token bucket is taken from
  // before the recipient is looked at).
  const [sixth, seventh] = await create([simulated(keyOf(f, 'test')), simulated(keyOf(f, 'test'))]);
  t.equal(sixth.outcome, 'created', 'test keys have their own rate budget');
  t.equal(seventh.outcome, 'created');
  await db.query('update app_public.services set sms_message_limit = 100 where id = $1', [f.serviceId]);
  const [within, over] = await create([simulated(), simulated()]);
  t.equal(within.outcome, 'created');
  t.same(
    { outcome: over.outcome, message: over.message },
    { outcome: 'rate_limit', message: 'Exceeded rate limit for key type LIVE of 6 requests per 60 seconds' },
  );
  t.same(await traces(f.serviceId), { rows: 2, jobs: 1, requests: 8, sent: 2 }, 'simulated ones stored nothing');
});

t.test('rate-limit messages name normal keys LIVE, as Notify does; TEAM and TEST as they are', async (t) => {
  await awayFromMinuteBoundary();
  const f = await createServiceWithKeys(db);
  await db.query('update app_public.services set rate_limit = 1 where id = $1', [f.serviceId]);
  const made = await create([
    sms(f),
    sms(f),
    sms(f, { ...keyOf(f, 'team'), to: '07700900123', normalised_to: '447700900123' }),
    sms(f, { ...keyOf(f, 'team'), to: '07700900123', normalised_to: '447700900123' }),
    sms(f, keyOf(f, 'test')),
    sms(f, keyOf(f, 'test')),
  ]);
  t.same(
    made.map((r) => r.message),
    [
      null,
      'Exceeded rate limit for key type LIVE of 1 requests per 60 seconds',
      null,
      'Exceeded rate limit for key type TEAM of 1 requests per 60 seconds',
      null,
      'Exceeded rate limit for key type TEST of 1 requests per 60 seconds',
    ],
  );
});

t.test('createError: each outcome becomes the error the v2 route gives', async (t) => {
  const of = (outcome: CreateResult['outcome'], message: string | null = 'm') => {
    const e = createError({ id: crypto.randomUUID(), outcome, message });
    return e && { status: e.statusCode, body: e.toBody() };
  };
  const body = (status: number, error: string) => ({
    status,
    body: { status_code: status, errors: [{ error, message: 'm' }] },
  });
  t.equal(of('created', null), null);
  t.same(of('refused'), body(400, 'BadRequestError'));
  t.same(of('forbidden'), body(403, 'BadRequestError'));
  t.same(of('invalid'), body(400, 'ValidationError'));
  t.same(of('inactive'), body(403, 'AuthError'));
  t.same(of('rate_limit'), body(429, 'RateLimitError'));
  t.same(of('daily_limit'), body(429, 'TooManyRequestsError'));
});

t.test('a cache that has not caught up: the database refuses and the v2 route answers as it would have', async (t) => {
  const { app } = await createTestApp(t, { db });
  // The app's batcher runs create_notifications on the API's pool: count those calls, to show that each refusal
  // below came from the database (the route's own checks, from the stale cache, let the request through).
  let reached = 0;
  const pool = (app.ctx.apiPool ?? db.pool) as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query.bind(pool);
  pool.query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('app_hidden.create_notifications(')) reached++;
    return query(...args);
  };
  t.teardown(() => {
    pool.query = query;
  });
  const reachedBy = async <T>(send: () => Promise<T>): Promise<T> => {
    const before = reached;
    const r = await send();
    t.equal(reached, before + 1, 'the request reached create_notifications');
    return r;
  };
  /** A change the API's cache is not told about (its notify trigger off), as if the notice were still on its way. */
  const behindTheCache = async (sql: string, params: unknown[]) => {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(sql, params);
      await c.query('commit');
    } finally {
      c.release();
    }
  };
  const text = (f: ServiceWithKeys) =>
    post(app, f.normal, '/v2/notifications/sms', {
      phone_number: '07700900456',
      template_id: f.sms,
      personalisation: { name: 'x' },
    });
  const letterTo = (f: ServiceWithKeys) =>
    post(app, f.normal, '/v2/notifications/letter', {
      template_id: f.letter,
      personalisation: {
        address_line_1: 'A Person',
        address_line_2: '1 Street',
        address_line_3: 'SW1A 1AA',
        name: 'x',
      },
    });
  const answer = (r: { status: number; body: { errors: unknown[] } }) => [r.status, r.body.errors];
  /**
   * Loads a new service into the API's cache once the notices of its creation have arrived (a late one
   * would evict it, and the route would then refuse from fresh data without reaching the database).
   */
  const cached = async <T>(send: () => Promise<T>): Promise<T> => {
    await send();
    await new Promise((r) => setTimeout(r, 300));
    return send();
  };

  const noSms = await createServiceWithKeys(db);
  t.equal((await cached(() => text(noSms))).status, 201, 'the service is cached');
  await behindTheCache("delete from app_public.service_permissions where service_id = $1 and permission = 'sms'", [
    noSms.serviceId,
  ]);
  t.same(answer(await reachedBy(() => text(noSms))), [
    400,
    [{ error: 'BadRequestError', message: 'Service is not allowed to send text messages' }],
  ]);

  const trial = await createServiceWithKeys(db);
  t.equal((await text(trial)).status, 201);
  t.equal((await cached(() => letterTo(trial))).status, 201);
  await behindTheCache('update app_public.services set restricted = true where id = $1', [trial.serviceId]);
  t.same(answer(await reachedBy(() => text(trial))), [
    400,
    [{ error: 'BadRequestError', message: TRIAL_MODE_MESSAGE }],
  ]);
  t.same(answer(await reachedBy(() => letterTo(trial))), [
    403,
    [{ error: 'BadRequestError', message: 'Cannot send letters when service is in trial mode' }],
  ]);

  const archived = await createServiceWithKeys(db);
  t.equal((await cached(() => text(archived))).status, 201);
  await behindTheCache('update app_public.services set active = false where id = $1', [archived.serviceId]);
  t.same(answer(await reachedBy(() => text(archived))), [
    403,
    [{ error: 'AuthError', message: 'Invalid token: service is archived' }],
  ]);
  for (const f of [noSms, trial, archived]) {
    t.equal((await traces(f.serviceId)).rows, f === trial ? 3 : 2, 'only the sends made before the change stored');
  }
});

t.test(
  'a template or key of another service, or a key type that is not the key’s: the whole call refused',
  async (t) => {
    const a = await createServiceWithKeys(db);
    const b = await createServiceWithKeys(db);
    const refusal = async (items: Item[]) => {
      try {
        await create(items);
      } catch (e) {
        const err = e as { code?: string; message: string };
        return [err.code, err.message];
      }
      return ['created'];
    };
    t.same(await refusal([sms(a, { template_id: b.sms })]), [
      '23514',
      `create_notifications: template ${b.sms} is not a template of service ${a.serviceId}`,
    ]);
    t.same(await refusal([sms(a, { api_key_id: b.normal.id })]), [
      '23514',
      `create_notifications: API key ${b.normal.id} is not a key of service ${a.serviceId}`,
    ]);
    t.same(await refusal([sms(a, { key_type: 'test' })]), [
      '23514',
      `create_notifications: key_type test is not the type of API key ${a.normal.id} (normal)`,
    ]);
    t.same(await refusal([sms(a, { key_type: 'team', api_key_id: null })]), [
      '23514',
      'create_notifications: key_type team needs its API key (api_key_id)',
    ]);
    const missing = crypto.randomUUID();
    t.same(await refusal([sms(a, { api_key_id: missing })]), [
      '23503',
      `create_notifications: API key ${missing} does not exist`,
    ]);
    // A good row in the same call goes down with it: the call is a programming error, not a refusal.
    t.same(await refusal([sms(a), sms(a, { template_id: b.sms })]).then((r) => r[0]), '23514');
    t.equal((await traces(a.serviceId)).rows, 0, 'nothing stored');
    t.same((await create([sms(a, { key_type: 'normal', api_key_id: null })]))[0].outcome, 'created', 'no key: normal');
  },
);

t.test(
  'a job or user that does not exist, or a job of another service: refused; deleting them acts as ON DELETE did',
  async (t) => {
    const a = await createServiceWithKeys(db);
    const b = await createServiceWithKeys(db);
    const job = async (f: ServiceWithKeys) =>
      (
        await db.one(
          `insert into app_public.jobs (id, service_id, template_id, template_version, original_file_name,
           notification_count, job_status)
         values (gen_random_uuid(), $1, $2, 1, 'f.csv', 1, 'in progress') returning id`,
          [f.serviceId, f.sms],
        )
      ).id as string;
    const refusal = async (items: Item[]) =>
      create(items).then(
        () => ['created'],
        (e: { code?: string; message: string }) => [e.code, e.message],
      );
    const missing = crypto.randomUUID();
    t.same(await refusal([sms(a, { job_id: missing, job_row_number: 0 })]), [
      '23503',
      `create_notifications: job ${missing} does not exist`,
    ]);
    const jobB = await job(b);
    t.same(await refusal([sms(a, { job_id: jobB, job_row_number: 0 })]), [
      '23514',
      `create_notifications: job ${jobB} is not a job of service ${a.serviceId}`,
    ]);
    t.same(await refusal([sms(a, { created_by_id: missing })]), [
      '23503',
      `create_notifications: user ${missing} does not exist`,
    ]);

    const jobA = await job(a);
    const sender = await createUser(db);
    const made = await create([
      sms(a, { job_id: jobA, job_row_number: 0 }),
      sms(a, { job_id: jobA, job_row_number: 1, created_by_id: sender }),
      sms(a, { created_by_id: sender }),
    ]);
    t.same(
      made.map((r) => r.outcome),
      ['created', 'created', 'created'],
    );
    await db.query('delete from app_public.users where id = $1', [sender]);
    t.same(
      (
        await db.query('select created_by_id from app_public.notifications where id = any($1::uuid[])', [
          made.map((r) => r.id),
        ])
      ).map((r) => r.created_by_id),
      [null, null, null],
      'a deleted user’s notifications lose who sent them',
    );
    await db.query('delete from app_public.jobs where id = $1', [jobA]);
    t.equal(
      (
        await db.one('select count(*)::int as n from app_public.notifications where id = any($1::uuid[])', [
          made.map((r) => r.id),
        ])
      ).n,
      1,
      'a deleted job takes its notifications with it',
    );
  },
);
