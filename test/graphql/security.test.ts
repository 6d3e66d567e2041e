// Security rules a signed-in user cannot get round through GraphQL, and the sign-in code rules (Notify's).
import t from 'tap';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { createUserRow, graphqlRequest } from '../helpers/graphql.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

t.test('security through /graphql', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const mkUser = (email: string, admin = false) => createUserRow(db, email, admin);
  const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) =>
    (await graphqlRequest(app, token, query, variables)).body;
  const org = await db.one<{ id: string }>(`insert into app_public.organisation (name) values ('Org A') returning id`);
  const otherOrg = await db.one<{ id: string }>(
    `insert into app_public.organisation (name) values ('Org B') returning id`,
  );
  await db.query(`insert into app_public.domain (domain, organisation_id) values ('a.gov.uk', $1)`, [org.id]);
  const alice = await mkUser('alice@a.gov.uk');
  const admin = await mkUser('admin@notify.gov.uk', true);
  const aliceToken = issueAdminToken(secret, alice.id, false);
  const adminToken = issueAdminToken(secret, admin.id, true);

  // GraphQL masks the database's error messages (they are logged), so refusals are checked by their effect.
  const CREATE = `mutation($input: CreateServiceInput!) {
    createService(input: $input) { result { rowId restricted organisationId } } }`;
  const permissionsOf = async (serviceId: string) =>
    (
      await db.query<{ permission: string }>(
        'select permission from app_public.service_permissions where service_id = $1 order by 1',
        [serviceId],
      )
    ).map((r) => r.permission);

  await t.test('a user cannot create a live service, choose permissions or another organisation', async (t) => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['live', { restricted: false }],
      ['with permissions', { permissions: ['sms', 'email', 'inbound_sms', 'email_auth'] }],
      ['in another organisation', { organisationId: otherOrg.id }],
    ];
    for (const [label, extra] of attempts) {
      const res = await gql(aliceToken, CREATE, { input: { name: `Sneaky ${label}`, userId: alice.id, ...extra } });
      t.ok(res.errors?.length, `${label}: refused`);
      t.equal(res.data?.createService ?? null, null, `${label}: nothing created`);
    }
    const made = await db.one<{ n: number }>(
      `select count(*)::int as n from app_public.services where name like 'Sneaky%'`,
    );
    t.equal(made.n, 0, 'no service was made');
  });

  await t.test("a user's own service: restricted, default permissions, their domain's organisation", async (t) => {
    const res = await gql(aliceToken, CREATE, {
      input: { name: 'Alice service', userId: alice.id, restricted: true, organisationId: org.id },
    });
    t.notOk(res.errors, 'created');
    const svc = res.data.createService.result;
    t.equal(svc.restricted, true);
    t.equal(svc.organisationId, org.id, 'organisation from the email domain (naming it is allowed)');
    // Notify's DEFAULT_SERVICE_PERMISSIONS
    t.same(await permissionsOf(svc.rowId), ['email', 'international_letters', 'international_sms', 'letter', 'sms']);

    const plain = await gql(aliceToken, CREATE, { input: { name: 'Alice plain', userId: alice.id } });
    t.equal(plain.data.createService.result.organisationId, org.id, 'organisation found without being named');

    const goLive = await gql(
      aliceToken,
      `mutation($id: UUID!) { updateServiceByRowId(input: { rowId: $id, servicePatch: { restricted: false } }) {
        service { restricted } } }`,
      { id: svc.rowId },
    );
    t.ok(goLive.errors?.length, 'and cannot take it live afterwards');
    const still = await db.one<{ restricted: boolean }>('select restricted from app_public.services where id = $1', [
      svc.rowId,
    ]);
    t.equal(still.restricted, true, 'it stays in trial mode');
    for (const patch of [{ organisationId: otherOrg.id }, { notes: 'x' }, { billingReference: 'x' }]) {
      const res2 = await gql(
        aliceToken,
        `mutation($id: UUID!, $patch: ServicePatch!) { updateServiceByRowId(input: { rowId: $id, servicePatch: $patch })
          { service { rowId } } }`,
        { id: svc.rowId, patch },
      );
      t.ok(res2.errors?.length, `cannot change ${Object.keys(patch)[0]}`);
    }
    const rename = await gql(
      aliceToken,
      `mutation($id: UUID!) { updateServiceByRowId(input: { rowId: $id, servicePatch: { name: "Alice renamed" } }) {
        service { name } } }`,
      { id: svc.rowId },
    );
    t.equal(rename.data?.updateServiceByRowId?.service?.name, 'Alice renamed', 'but can rename it');
  });

  await t.test('a platform admin still chooses all of it', async (t) => {
    const res = await gql(adminToken, CREATE, {
      input: {
        name: 'Admin made',
        userId: alice.id,
        restricted: false,
        organisationId: otherOrg.id,
        permissions: ['sms'],
      },
    });
    t.notOk(res.errors, 'created');
    t.equal(res.data.createService.result.restricted, false);
    t.equal(res.data.createService.result.organisationId, otherOrg.id);
    t.same(await permissionsOf(res.data.createService.result.rowId), ['sms']);
  });

  await t.test('a revoked API key stays revoked', async (t) => {
    const svc = await db.one<{ id: string }>(
      `select id from app_public.create_service(name => 'Keys', user_id => $1)`,
      [alice.id],
    );
    const key = await db.one<{ id: string }>(
      `select id from app_public.create_api_key(service_id => $1, name => 'k', key_type => 'normal')`,
      [svc.id],
    );
    const revoke = await gql(
      aliceToken,
      'mutation($id: UUID!) { revokeApiKey(input: { id: $id }) { result { expiryDate } } }',
      {
        id: key.id,
      },
    );
    t.ok(revoke.data?.revokeApiKey?.result?.expiryDate, 'revoked');
    for (const expiryDate of [null, '2099-01-01T00:00:00Z']) {
      const res = await gql(
        aliceToken,
        `mutation($id: UUID!, $d: Datetime) {
          updateApiKeyByRowId(input: { rowId: $id, apiKeyPatch: { expiryDate: $d } }) { apiKey { expiryDate } } }`,
        { id: key.id, d: expiryDate },
      );
      t.ok(res.errors?.length, `expiryDate ${expiryDate} refused`);
    }
    const row = await db.one<{ expired: boolean }>(
      'select expiry_date is not null as expired from app_public.api_keys where id = $1',
      [key.id],
    );
    t.equal(row.expired, true, 'still revoked');
    const rename = await gql(
      aliceToken,
      `mutation($id: UUID!) { updateApiKeyByRowId(input: { rowId: $id, apiKeyPatch: { name: "renamed" } })
        { apiKey { name } } }`,
      { id: key.id },
    );
    t.equal(rename.data?.updateApiKeyByRowId?.apiKey?.name, 'renamed', 'a revoked key can still be renamed');
    await t.rejects(
      db.query('update app_public.api_keys set expiry_date = null where id = $1', [key.id]),
      /revoked and cannot be changed back/,
      'not even by the owner role',
    );
  });
});

t.test('sign-in codes as Notify: messages, and locked after 10 failed logins', async (t) => {
  const { db } = await createTestApp(t);
  const user = await db.one<{ id: string }>(
    `select id from app_public.create_user(email_address => 'coder@a.gov.uk', name => 'C',
     mobile_number => '07700900123')`,
  );
  const makeCode = async (type = 'sms') =>
    (await db.one<{ code: string | null }>('select app_hidden.create_verify_code($1, $2) as code', [user.id, type]))
      .code;
  const check = async (code: string, type = 'sms') =>
    (await db.one<{ r: string | null }>('select app_hidden.check_verify_code($1, $2, $3) as r', [user.id, code, type]))
      .r;
  const failed = async () =>
    (await db.one<{ n: number }>('select failed_login_count as n from app_public.users where id = $1', [user.id])).n;
  const unusedCodes = async () =>
    (
      await db.one<{ n: number }>(
        'select count(*)::int as n from app_private.verify_codes where user_id = $1 and not code_used',
        [user.id],
      )
    ).n;
  const wrong = (code: string) => (code === '00000' ? '00001' : '00000');

  const code = (await makeCode())!;
  t.equal(await check(wrong(code)), 'Code not found', 'a wrong code');
  t.equal(await failed(), 1, 'counts as a failed login');
  t.equal(await check(code, 'email'), 'Code not found', 'the code of the other type');
  t.equal(await check(code), null, 'the right code is accepted');
  t.equal(await failed(), 0, 'which resets the count');
  t.equal(await check(code), 'Code has expired', 'a used code');
  t.equal(await failed(), 1, 'counts too');

  const stale = (await makeCode())!;
  await db.query(
    `update app_private.verify_codes set expiry_datetime = now() - interval '1 second'
                  where user_id = $1 and not code_used`,
    [user.id],
  );
  t.equal(await check(stale), 'Code has expired', 'an expired code');
  await t.rejects(
    db.query('select app_hidden.check_verify_code($1, $2, $3)', [user.id, '1', 'letter']),
    /Invalid code/,
  );

  await db.query('update app_public.users set failed_login_count = 0 where id = $1', [user.id]);
  const good = (await makeCode())!;
  for (let i = 0; i < 10; i++) t.equal(await check(wrong(good)), 'Code not found');
  t.equal(await failed(), 10);
  const unusedBefore = await unusedCodes();
  t.equal(await check(good), 'Code not found', 'after 10 failures even the right code is refused');
  t.equal(await failed(), 10, 'and the count stays');
  t.equal(await unusedCodes(), unusedBefore, 'the code was not consumed');
  await t.rejects(
    db.query('select app_public.user_verified_email_code($1)', [user.id]),
    /Maximum login count exceeded/,
    'the email sign-in cannot reset a locked account',
  );

  await db.query('update app_public.users set failed_login_count = 0 where id = $1', [user.id]);
  await db.query('delete from app_private.verify_codes where user_id = $1', [user.id]);
  const codes = [];
  for (let i = 0; i < 6; i++) codes.push(await makeCode('email'));
  t.equal(codes.filter((c) => c !== null).length, 5, 'at most 5 live codes (MAX_VERIFY_CODE_COUNT)');
  t.equal(codes[5], null, 'the sixth is not made');
  const before = await db.one<{ v: Date }>(
    'select email_access_validated_at as v from app_public.users where id = $1',
    [user.id],
  );
  t.equal(await check(codes[4]!, 'email'), null, 'an email code signs in');
  const after = await db.one<{ v: Date }>('select email_access_validated_at as v from app_public.users where id = $1', [
    user.id,
  ]);
  t.ok(after.v > before.v, 'and validates email access');
});
