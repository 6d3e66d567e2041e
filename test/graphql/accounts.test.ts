// Accounts and teams through /graphql: email address and mobile number change only with a code sent to the new
// one; people join a service's team only by accepting an invitation sent to their address.
import t from 'tap';
import { createTestApp } from '../helpers/app.ts';
import { testConfig, type TestDb } from '../helpers/db.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { createUserRow, graphqlRequest } from '../helpers/graphql.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

type Gql = { data?: any; errors?: Array<{ message: string }> };

/** Run SQL as a GraphQL request would: role notify_user with the user's claims; the error message if refused. */
async function asUser(db: TestDb, userId: string, sql: string, params: unknown[] = []) {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `select set_config('role', 'notify_user', true), set_config('jwt.claims.user_id', $1, true),
              set_config('jwt.claims.platform_admin', 'false', true)`,
      [userId],
    );
    const res = await client.query(sql, params);
    await client.query('commit');
    return { rows: res.rows, error: null as string | null };
  } catch (e) {
    await client.query('rollback');
    return { rows: [], error: (e as Error).message };
  } finally {
    client.release();
  }
}

t.test('accounts and teams through /graphql', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const mkUser = (email: string, admin = false) => createUserRow(db, email, admin);
  const gql = async (userId: string | null, query: string, variables: Record<string, unknown> = {}) =>
    (await graphqlRequest(app, userId ? issueAdminToken(secret, userId, false) : null, query, variables)).body;
  const userRow = (id: string) =>
    db.one<{ email_address: string; mobile_number: string; validated: Date; failed: number }>(
      `select email_address, mobile_number, email_access_validated_at as validated, failed_login_count as failed
       from app_public.users where id = $1`,
      [id],
    );
  const alice = await mkUser('alice@a.gov.uk');
  const bob = await mkUser('bob@b.gov.uk');
  const admin = await mkUser('admin@notify.gov.uk', true);

  await t.test('a user cannot change their email address or mobile number directly', async (t) => {
    for (const patch of [{ emailAddress: 'alice@elsewhere.example.com' }, { mobileNumber: '07700900999' }]) {
      const res = await gql(
        alice.id,
        `mutation($id: UUID!, $patch: UserPatch!) {
          updateUserByRowId(input: { rowId: $id, userPatch: $patch }) { user { emailAddress mobileNumber } } }`,
        { id: alice.id, patch },
      );
      t.ok(res.errors?.length, `${Object.keys(patch)[0]} refused`);
    }
    const row = await userRow(alice.id);
    t.equal(row.email_address, 'alice@a.gov.uk');
    t.equal(row.mobile_number, '07700900123');
    const direct = await asUser(db, alice.id, `update app_public.users set email_address = 'x@y.example.com'`);
    t.match(direct.error, /only platform admins can change these user fields/, 'not even in SQL');
    const rename = await gql(
      alice.id,
      `mutation($id: UUID!) { updateUserByRowId(input: { rowId: $id, userPatch: { name: "Alice A" } })
        { user { name } } }`,
      { id: alice.id },
    );
    t.equal(rename.data?.updateUserByRowId?.user?.name, 'Alice A', 'their name they can');
  });

  await t.test('a platform admin may change a user’s email address, as Notify', async (t) => {
    const temp = await mkUser('temp@a.gov.uk');
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${issueAdminToken(secret, admin.id, true)}`,
      },
      payload: {
        query: `mutation($id: UUID!) { updateUserByRowId(input: { rowId: $id,
          userPatch: { emailAddress: "temp2@a.gov.uk" } }) { user { emailAddress } } }`,
        variables: { id: temp.id },
      },
    });
    t.equal((res.json() as Gql).data?.updateUserByRowId?.user?.emailAddress, 'temp2@a.gov.uk');
  });

  await t.test('changing an email address: a link to the new address, then the change', async (t) => {
    await db.query(
      `update app_public.users set email_access_validated_at = now() - interval '30 days'
                    where id = $1`,
      [alice.id],
    );
    const request = await gql(
      alice.id,
      'mutation { requestEmailAddressChange(input: { emailAddress: "alice@new.gov.uk" }) { sent } }',
    );
    t.notOk(request.errors, 'requested');
    t.equal(request.data?.requestEmailAddressChange?.sent, true);
    const sent = await db.query(
      `select template_id, service_id from app_public.notifications where "to" = 'alice@new.gov.uk'`,
    );
    t.same(
      sent,
      [{ template_id: 'eb4d9930-87ab-4aef-9bce-786762687884', service_id: 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553' }],
      'the confirmation email went to the new address, from the Notify service',
    );
    t.equal((await userRow(alice.id)).email_address, 'alice@a.gov.uk', 'nothing changed yet');

    const taken = await gql(
      alice.id,
      'mutation { requestEmailAddressChange(input: { emailAddress: "bob@b.gov.uk" }) { sent } }',
    );
    t.match(taken.errors?.[0]?.message, /already exists/, 'another user’s address is refused');
    const bad = await gql(
      alice.id,
      'mutation { requestEmailAddressChange(input: { emailAddress: "not-an-email" }) { sent } }',
    );
    t.match(bad.errors?.[0]?.message, /Not a valid email address/);
    const anonymous = await gql(
      null,
      'mutation { requestEmailAddressChange(input: { emailAddress: "a@b.gov.uk" }) { sent } }',
    );
    t.ok(anonymous.errors?.length, 'anonymous refused');

    // The code is only ever sent (and stored hashed): make one the way the server does to read it here.
    const code = (
      await db.one<{ code: string }>(
        `select app_hidden.create_user_change_code($1, 'email_address', 'alice@new.gov.uk') as code`,
        [alice.id],
      )
    ).code;
    const asServerFromUser = await asUser(
      db,
      alice.id,
      `select app_hidden.create_user_change_code($1, 'email_address',
      'alice@evil.example.com')`,
      [alice.id],
    );
    t.ok(asServerFromUser.error, 'a user cannot make a code for themselves');

    const confirm = (userId: string, c: string) =>
      gql(userId, 'mutation($c: String!) { confirmUserChange(input: { code: $c }) { result } }', { c });
    t.equal((await confirm(bob.id, code)).data?.confirmUserChange?.result, 'Code not found', 'another user cannot');
    t.equal((await confirm(alice.id, 'wrong-code')).data?.confirmUserChange?.result, 'Code not found');
    t.equal((await userRow(alice.id)).failed, 1, 'a wrong code counts as a failed login');
    const ok = await confirm(alice.id, code);
    t.notOk(ok.errors, 'confirmed');
    t.equal(ok.data?.confirmUserChange?.result, null);
    const after = await userRow(alice.id);
    t.equal(after.email_address, 'alice@new.gov.uk', 'the change applied');
    t.ok(Date.now() - after.validated.getTime() < 60_000, 'email_access_validated_at is now');
    t.equal(after.failed, 0);
    t.equal((await confirm(alice.id, code)).data?.confirmUserChange?.result, 'Code has expired', 'used once only');
  });

  await t.test('changing a mobile number: a code texted to the new number', async (t) => {
    const request = await gql(
      bob.id,
      'mutation { requestMobileNumberChange(input: { mobileNumber: "07700900456" }) { sent } }',
    );
    t.notOk(request.errors, 'requested');
    const sent = await db.query(`select template_id from app_public.notifications where "to" = '07700900456'`);
    t.same(sent, [{ template_id: '36fb0730-6259-4da1-8a80-c8de22ad4246' }], 'the code was texted to the new number');
    t.equal((await userRow(bob.id)).mobile_number, '07700900123', 'nothing changed yet');
    const bad = await gql(
      bob.id,
      'mutation { requestMobileNumberChange(input: { mobileNumber: "call me" }) { sent } }',
    );
    t.match(bad.errors?.[0]?.message, /Not a valid phone number/);

    const code = (
      await db.one<{ code: string }>(
        `select app_hidden.create_user_change_code($1, 'mobile_number', '07700900456') as code`,
        [bob.id],
      )
    ).code;
    await db.query(
      `update app_private.user_changes set expiry_datetime = now() - interval '1 second'
                    where user_id = $1`,
      [bob.id],
    );
    const expired = await gql(bob.id, 'mutation($c: String!) { confirmUserChange(input: { code: $c }) { result } }', {
      c: code,
    });
    t.equal(expired.data?.confirmUserChange?.result, 'Code has expired');
    const fresh = (
      await db.one<{ code: string }>(
        `select app_hidden.create_user_change_code($1, 'mobile_number', '07700900456') as code`,
        [bob.id],
      )
    ).code;
    const ok = await gql(bob.id, 'mutation($c: String!) { confirmUserChange(input: { code: $c }) { result } }', {
      c: fresh,
    });
    t.equal(ok.data?.confirmUserChange?.result, null, 'confirmed');
    t.equal((await userRow(bob.id)).mobile_number, '07700900456');
  });

  await t.test('people join a team by accepting an invitation', async (t) => {
    const owner = await mkUser('owner@a.gov.uk');
    const member = await mkUser('member@a.gov.uk');
    const carol = await mkUser('carol@c.gov.uk');
    const dave = await mkUser('dave@d.gov.uk');
    const svc = await db.one<{ id: string }>(
      `select id from app_public.create_service(name => 'Team service', user_id => $1)`,
      [owner.id],
    );
    await db.query('insert into app_public.user_to_service (user_id, service_id) values ($1, $2)', [member.id, svc.id]);
    await db.query(
      `insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, 'send_texts')`,
      [svc.id, member.id],
    );
    const folder = await db.one<{ id: string }>(
      `insert into app_public.template_folder (service_id, name) values ($1, 'F') returning id`,
      [svc.id],
    );

    const direct = await gql(
      owner.id,
      `mutation($u: UUID!, $s: UUID!) { createUserToService(input: { userToService: { userId: $u, serviceId: $s } })
        { clientMutationId } }`,
      { u: admin.id, s: svc.id },
    );
    t.match(direct.errors?.[0]?.message, /createUserToService/, 'the direct insert is gone from the schema');
    const sqlInsert = await asUser(db, owner.id, 'insert into app_public.user_to_service values ($1, $2)', [
      carol.id,
      svc.id,
    ]);
    t.match(sqlInsert.error, /permission denied/, 'and refused in SQL');
    const sqlMove = await asUser(
      db,
      owner.id,
      'update app_public.user_to_service set user_id = $1 where user_id = $2',
      [carol.id, member.id],
    );
    t.match(sqlMove.error, /permission denied/, 'a membership cannot be moved to someone else');
    const permOnly = await asUser(
      db,
      owner.id,
      `insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, 'send_texts')`,
      [svc.id, carol.id],
    );
    t.match(permOnly.error, /row-level security/, 'nor a permission given to someone off the team');
    t.equal(
      (await gql(owner.id, `{ userByRowId(rowId: "${carol.id}") { emailAddress } }`)).data?.userByRowId,
      null,
      'the owner cannot read a stranger’s details',
    );

    const INVITE = `mutation($s: UUID!, $e: String!, $p: [String], $f: [UUID], $a: String) {
      inviteUserToService(input: { serviceId: $s, emailAddress: $e, permissions: $p, folderPermissions: $f,
        authType: $a }) { result { rowId status permissions } } }`;
    const invite = (userId: string, vars: Record<string, unknown>) => gql(userId, INVITE, { s: svc.id, ...vars });
    const count = async () =>
      (
        await db.one<{ n: number }>('select count(*)::int as n from app_public.invited_users where service_id = $1', [
          svc.id,
        ])
      ).n;
    t.ok((await invite(bob.id, { e: 'x@c.gov.uk' })).errors?.length, 'a stranger cannot invite');
    t.ok((await invite(member.id, { e: 'x@c.gov.uk' })).errors?.length, 'a member without manage_users cannot');
    t.ok((await gql(null, INVITE, { s: svc.id, e: 'x@c.gov.uk' })).errors?.length, 'anonymous cannot');
    for (const [label, sql, message] of [
      ['bad email', `'not-an-email', '{}'`, /Not a valid email address/],
      ['bad permission', `'x@c.gov.uk', '{platform_admin}'`, /Invalid permission 'platform_admin'/],
      ['already on the team', `'member@a.gov.uk', '{}'`, /already a team member/],
    ] as const) {
      const res = await asUser(db, owner.id, `select app_public.invite_user_to_service($1, ${sql})`, [svc.id]);
      t.match(res.error, message, label);
    }
    const badAuth = await asUser(
      db,
      owner.id,
      `select app_public.invite_user_to_service($1, 'x@c.gov.uk',
      auth_type => 'none')`,
      [svc.id],
    );
    t.match(badAuth.error, /Invalid auth type/);
    const otherFolder = await asUser(
      db,
      owner.id,
      `select app_public.invite_user_to_service($1, 'x@c.gov.uk',
      folder_permissions => array[gen_random_uuid()])`,
      [svc.id],
    );
    t.match(otherFolder.error, /Template folder .* not found/);
    t.equal(await count(), 0, 'no invitation made');

    const made = await invite(owner.id, {
      e: 'Carol@c.gov.uk',
      p: ['send_texts', 'manage_templates'],
      f: [folder.id],
      a: 'email_auth',
    });
    t.notOk(made.errors, `the owner invites ${JSON.stringify(made.errors)}`);
    const invitation = made.data.inviteUserToService.result;
    t.same(invitation.status, 'pending');
    t.equal(invitation.permissions, 'manage_templates,send_texts');
    const email = await db.query<{ template_id: string; service_id: string }>(
      `select template_id, service_id from app_public.notifications where "to" = 'Carol@c.gov.uk'`,
    );
    t.same(
      email,
      [{ template_id: '4f46df42-f795-4cc4-83bb-65ca312f49cc', service_id: 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553' }],
      'the invitation email was sent from the Notify service',
    );

    const seenBy = async (userId: string) =>
      ((await gql(userId, '{ allInvitedUsers { nodes { rowId } } }')).data?.allInvitedUsers?.nodes ?? []).length;
    t.equal(await seenBy(owner.id), 1, 'the team sees it');
    t.equal(await seenBy(carol.id), 1, 'so does the invited person');
    t.equal(await seenBy(dave.id), 0, 'nobody else');

    const ACCEPT = `mutation($id: UUID!) { acceptInvitation(input: { invitationId: $id }) { result { status } } }`;
    t.ok((await gql(dave.id, ACCEPT, { id: invitation.rowId })).errors?.length, 'another user cannot accept it');
    const daveTry = await asUser(db, dave.id, 'select app_public.accept_invitation($1, $2)', [
      invitation.rowId,
      carol.id,
    ]);
    t.match(daveTry.error, /only the invited user/, 'nor accept it for the invited one');
    const accepted = await gql(carol.id, ACCEPT, { id: invitation.rowId });
    t.equal(accepted.data?.acceptInvitation?.result?.status, 'accepted', 'the invited user accepts');
    t.same(
      (
        await db.query(
          'select permission from app_public.permissions where user_id = $1 and service_id = $2 order by 1',
          [carol.id, svc.id],
        )
      ).map((r) => r.permission),
      ['manage_templates', 'send_texts'],
      'with the invited permissions',
    );
    t.same(
      await db.query('select template_folder_id from app_public.user_folder_permissions where user_id = $1', [
        carol.id,
      ]),
      [{ template_folder_id: folder.id }],
      'and folders',
    );
    t.equal(
      (await gql(owner.id, `{ userByRowId(rowId: "${carol.id}") { emailAddress } }`)).data?.userByRowId?.emailAddress,
      'carol@c.gov.uk',
      'team members now see each other',
    );
    const again = await asUser(db, carol.id, 'select app_public.accept_invitation($1)', [invitation.rowId]);
    t.match(again.error, /already been accepted/);

    const second = (await invite(owner.id, { e: 'dave@d.gov.uk', p: ['view_activity'] })).data.inviteUserToService
      .result;
    const CANCEL = `mutation($id: UUID!) { cancelInvitation(input: { invitationId: $id }) { result { status } } }`;
    t.ok(
      (await gql(member.id, CANCEL, { id: second.rowId })).errors?.length,
      'a member without manage_users cannot cancel',
    );
    t.ok((await gql(bob.id, CANCEL, { id: second.rowId })).errors?.length, 'nor a stranger');
    t.equal((await gql(owner.id, CANCEL, { id: second.rowId })).data?.cancelInvitation?.result?.status, 'cancelled');
    const cancelled = await asUser(db, dave.id, 'select app_public.accept_invitation($1)', [second.rowId]);
    t.match(cancelled.error, /has been cancelled/, 'a cancelled invitation cannot be accepted');

    const third = (await invite(owner.id, { e: 'dave@d.gov.uk' })).data.inviteUserToService.result;
    await db.query(
      `update app_public.invited_users set created_at = now() - interval '2 days 1 minute' where id = $1`,
      [third.rowId],
    );
    const expired = await asUser(db, dave.id, 'select app_public.accept_invitation($1)', [third.rowId]);
    t.match(expired.error, /Your invitation to GOV.UK Notify has expired/, 'nor one older than 2 days');
    const onTeam = await db.one<{ n: number }>(
      'select count(*)::int as n from app_public.user_to_service where user_id = $1',
      [dave.id],
    );
    t.equal(onTeam.n, 0, 'dave never joined');

    const patch = await gql(
      owner.id,
      `mutation($id: UUID!) { updateInvitedUserByRowId(input: { rowId: $id, invitedUserPatch: { status: "accepted" } })
        { clientMutationId } }`,
      { id: third.rowId },
    );
    t.ok(patch.errors?.length, 'invitations are not edited directly');
  });
});
