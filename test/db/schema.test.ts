// The data model's own rules: migrations from zero, template versions, new-service
// defaults, email_access_validated_at, and the idempotent default-data load.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { projectRoot } from '../../src/config.ts';
import { loadDefaultData, migrateDatabase, withClient, withDatabase } from '../../src/db/bootstrap.ts';
import { createTestDb, testCluster } from '../helpers/db.ts';

/** Financial year of today in London: April to March. */
function currentFinancialYear(): number {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' })
    .format(new Date())
    .split('-')
    .map(Number);
  return m < 4 ? y - 1 : y;
}

/** Free SMS allowance by organisation type, valid from the given financial year. */
const allowances: Record<string, Array<[number, number]>> = {
  central: [
    [2016, 250000],
    [2021, 150000],
    [2022, 40000],
    [2024, 30000],
    [2026, 20000],
  ],
  local: [
    [2016, 25000],
    [2021, 25000],
    [2022, 20000],
    [2024, 10000],
    [2026, 10000],
  ],
  nhs_gp: [
    [2016, 25000],
    [2021, 10000],
    [2022, 10000],
    [2024, 0],
    [2026, 0],
  ],
  other: [
    [2016, 25000],
    [2021, 10000],
    [2022, 10000],
    [2024, 5000],
    [2026, 5000],
  ],
};
const allowanceFor = (type: string, year: number) => allowances[type].filter(([from]) => from <= year).at(-1)![1];

t.test('migrations apply from zero on an empty database', async (t) => {
  const { rootUrl } = await testCluster();
  const name = `t_from_zero_${process.pid}`;
  await withClient(rootUrl, (c) =>
    c.query(`drop database if exists ${name}; `).then(() => c.query(`create database ${name}`)),
  );
  t.teardown(() => withClient(rootUrl, (c) => c.query(`drop database if exists ${name} with (force)`)));
  const url = withDatabase(rootUrl, name);
  await migrateDatabase(url, rootUrl, undefined, { current: true });
  const committed = (await fs.readdir(path.join(projectRoot, 'migrations', 'committed'))).filter((f) =>
    f.endsWith('.sql'),
  );
  await withClient(url, async (c) => {
    const { rows } = await c.query('select count(*)::int as n from graphile_migrate.migrations');
    t.equal(rows[0].n, committed.length, 'every committed migration recorded');
    const tables = await c.query(
      `select count(*)::int as n from information_schema.tables where table_schema = 'app_public'
       and table_name = any($1)`,
      [
        [
          'notifications',
          'notification_history',
          'ft_billing',
          'ft_notification_status',
          'templates_history',
          'api_keys',
          'inbound_sms_history',
        ],
      ],
    );
    t.equal(tables.rows[0].n, 7, 'core tables exist');
    const view = await c.query(
      `select count(*)::int as n from information_schema.columns where table_schema = 'app_public'
       and table_name = 'notifications_all_time_view'`,
    );
    t.equal(view.rows[0].n, 23, 'the all-time view has the 23 shared columns');
    const worker = await c.query(`select count(*)::int as n from pg_namespace where nspname = 'graphile_worker'`);
    t.equal(worker.rows[0].n, 1, 'the job queue schema is installed');
  });
});

t.test('templates: every insert and update writes the next version, readable exactly', async (t) => {
  const db = await createTestDb(t, 'versions');
  const user = await db.one(
    `select id from app_public.create_user(email_address => 'v@x.gov.uk', name => 'V', mobile_number => '07700900123')`,
  );
  const svc = await db.one(`select id from app_public.create_service(name => 'Versions', user_id => $1)`, [user.id]);
  const tpl = await db.one(
    `select * from app_public.create_template(service_id => $1, template_type => 'email', name => 'E',
     content => 'Body 1', subject => 'Subject 1')`,
    [svc.id],
  );
  t.equal(tpl.version, 1);
  await db.query(`select app_public.update_template(template_id => $1, content => 'Body 2')`, [tpl.id]);
  await db.query(`select app_public.update_template(template_id => $1, subject => 'Subject 3')`, [tpl.id]);
  const history = await db.query(
    'select version, content, subject from app_public.templates_history where id = $1 order by version',
    [tpl.id],
  );
  t.same(history, [
    { version: 1, content: 'Body 1', subject: 'Subject 1' },
    { version: 2, content: 'Body 2', subject: 'Subject 1' },
    { version: 3, content: 'Body 2', subject: 'Subject 3' },
  ]);
  const v1 = await db.one('select * from app_public.template_version($1, 1)', [tpl.id]);
  t.match(v1, { id: tpl.id, version: 1, content: 'Body 1', subject: 'Subject 1', name: 'E', template_type: 'email' });
  const live = await db.one('select version, content from app_public.templates where id = $1', [tpl.id]);
  t.same(live, { version: 3, content: 'Body 2' });
  await t.rejects(
    db.query('select app_public.create_template(service_id => $1, template_type => $2, name => $3, content => $4)', [
      svc.id,
      'email',
      'No subject',
      'x',
    ]),
    { code: 'NTF01' },
    'email templates need a subject',
  );
  await t.rejects(
    db.query('select app_public.update_template(template_id => $1, content => $2)', [
      '00000000-0000-0000-0000-00000000abcd',
      'x',
    ]),
    { code: 'NTF04' },
  );
});

t.test('a new service gets default permissions and this year’s allowance for its organisation type', async (t) => {
  const db = await createTestDb(t, 'defaults');
  const fy = currentFinancialYear();
  const user = await db.one(
    `select id from app_public.create_user(email_address => 'd@x.gov.uk', name => 'D', mobile_number => '07700900123')`,
  );
  for (const type of ['central', 'local', 'nhs_gp', null]) {
    const org = type
      ? await db.one(`select id from app_public.create_organisation(name => $1, organisation_type => $2)`, [
          `Org ${type}`,
          type,
        ])
      : null;
    const svc = await db.one(
      `select * from app_public.create_service(name => $1, user_id => $2, organisation_id => $3)`,
      [`Svc ${type}`, user.id, org?.id ?? null],
    );
    t.equal(svc.organisation_type, type, `organisation type ${type} copied`);
    const perms = (
      await db.query('select permission from app_public.service_permissions where service_id = $1 order by 1', [svc.id])
    ).map((r) => r.permission);
    t.same(
      perms,
      ['email', 'international_letters', 'international_sms', 'letter', 'sms'],
      `default permissions (${type})`,
    );
    const billing = await db.query(
      'select financial_year_start, free_sms_fragment_limit from app_public.annual_billing where service_id = $1',
      [svc.id],
    );
    t.same(
      billing,
      [{ financial_year_start: fy, free_sms_fragment_limit: allowanceFor(type ?? 'other', fy) }],
      `annual billing for FY${fy} (${type ?? 'no organisation'})`,
    );
  }
  const limited = await db.one(
    `select id from app_public.create_service(name => 'Only SMS', user_id => $1, permissions => array['sms'])`,
    [user.id],
  );
  t.same(
    (await db.query('select permission from app_public.service_permissions where service_id = $1', [limited.id])).map(
      (r) => r.permission,
    ),
    ['sms'],
  );
  await t.rejects(
    db.query(`select app_public.create_service(name => 'Bad', user_id => $1, permissions => array['teleport'])`, [
      user.id,
    ]),
    { code: 'NTF01' },
  );

  const nhs = await db.one(
    `select * from app_public.create_organisation(name => 'NHS Trust', organisation_type => 'nhs_local')`,
  );
  t.equal(nhs.email_branding_id, 'a7dc4e56-660b-4db7-8cff-12c37b12b5ea', 'NHS organisations get NHS email branding');
  const council = await db.one(
    `select * from app_public.create_organisation(name => 'Council', organisation_type => 'local')`,
  );
  t.equal(council.email_branding_id, null);
  const moved = await db.one(
    `update app_public.organisation set organisation_type = 'nhs_central' where id = $1 returning email_branding_id`,
    [council.id],
  );
  t.equal(
    moved.email_branding_id,
    'a7dc4e56-660b-4db7-8cff-12c37b12b5ea',
    'changing type to NHS sets branding when none',
  );
});

t.test('email_access_validated_at: now on creation, by an email link or code; other changes leave it', async (t) => {
  const db = await createTestDb(t, 'emailaccess');
  const created = await db.one(
    `insert into app_public.users (name, email_address, auth_type, email_access_validated_at)
     values ('E', 'e@x.gov.uk', 'email_auth', '2000-01-01') returning id, email_access_validated_at, created_at`,
  );
  t.equal(
    created.email_access_validated_at.getTime(),
    created.created_at.getTime(),
    'set to now on creation whatever is given',
  );
  await db.query(`update app_public.users set email_access_validated_at = '2001-01-01' where id = $1`, [created.id]);
  const pw1 = await db.one(
    `select email_access_validated_at from app_public.update_user_password($1, 'a long password', false)`,
    [created.id],
  );
  t.equal(
    pw1.email_access_validated_at.toISOString(),
    new Date('2001-01-01T00:00:00Z').toISOString(),
    'password change without email link leaves it',
  );
  const pw2 = await db.one(
    `select email_access_validated_at from app_public.update_user_password($1, 'another password', true)`,
    [created.id],
  );
  t.ok(Date.now() - pw2.email_access_validated_at.getTime() < 60_000, 'reset by email link sets it to now');
  await db.query(`update app_public.users set email_access_validated_at = '2001-01-01' where id = $1`, [created.id]);
  const code = await db.one(
    `select email_access_validated_at, logged_in_at from app_public.user_verified_email_code($1)`,
    [created.id],
  );
  t.ok(Date.now() - code.email_access_validated_at.getTime() < 60_000, 'an email login code sets it to now');
  await t.rejects(
    db.query(`insert into app_public.users (name, email_address, auth_type) values ('S', 's@x.gov.uk', 'sms_auth')`),
    { code: '23514' },
    'sms_auth needs a mobile number',
  );
});

t.test('default data loads idempotently and config changes apply on reload', async (t) => {
  const db = await createTestDb(t, 'defaultdata');
  const fingerprint = async () =>
    db.one(`select
      (select md5(string_agg(p::text, '|' order by p.id)) from app_public.provider_details p) as providers,
      (select md5(string_agg(r::text, '|' order by r.id)) from app_public.rates r) as rates,
      (select md5(string_agg(l::text, '|' order by l.id)) from app_public.letter_rates l) as letter_rates,
      (select md5(string_agg(a::text, '|' order by a.organisation_type, a.valid_from_financial_year_start))
        from app_public.default_annual_allowance a) as allowances,
      (select md5(string_agg(h.id::text || h.version, '|' order by h.id, h.version))
        from app_public.templates_history h) as template_versions`);
  const before = await fingerprint();
  t.ok(
    before.providers && before.rates && before.letter_rates && before.allowances && before.template_versions,
    'default data present',
  );
  await loadDefaultData(db.url);
  await loadDefaultData(db.url);
  t.same(await fingerprint(), before, 'reloading changes nothing');

  const invite = '4f46df42-f795-4cc4-83bb-65ca312f49cc';
  const original = await db.one('select content, version from app_public.templates where id = $1', [invite]);
  await db.query(`update app_public.templates set content = 'edited by hand' where id = $1`, [invite]);
  await loadDefaultData(db.url);
  const restored = await db.one('select content, version from app_public.templates where id = $1', [invite]);
  t.equal(restored.content, original.content, 'the file wins on reload');
  t.equal(restored.version, original.version + 2, 'one version for the hand edit, one for the restore');

  const providers = (await db.query('select identifier from app_public.provider_details order by 1')).map(
    (r) => r.identifier,
  );
  for (const p of ['reach', 'sms-stub', 'email-stub', 'letter-stub', 'mmg', 'firetext', 'ses', 'dvla'])
    t.ok(providers.includes(p), `provider ${p}`);
  const reach = await db.one(`select priority, active from app_public.provider_details where identifier = 'reach'`);
  t.same(reach, { priority: 0, active: false }, 'Reach is added inactive at priority 0');
  const rate = await db.one(
    `select rate::text from app_public.rates where notification_type = 'sms'
     and valid_from = app_public.london_midnight('2022-05-01')`,
  );
  t.equal(rate.rate, '0.0172', 'the mid-year FY2022 SMS rate');
});
