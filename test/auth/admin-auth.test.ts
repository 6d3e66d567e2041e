// Admin tokens through /graphql: exp required; platform admin and deactivation read from the database per request.
import t from 'tap';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { issueAdminToken, verifyAdminHeader, AdminAuthError } from '../../src/auth/admin-auth.ts';
import { createUserRow, graphqlRequest } from '../helpers/graphql.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

t.test('verifyAdminHeader', async (t) => {
  const noExp = jwt.sign({ sub: randomUUID(), platform_admin: true }, secret, { algorithm: 'HS256' });
  t.throws(
    () => verifyAdminHeader(secret, `Bearer ${noExp}`),
    new AdminAuthError('Invalid token: exp (expiry time) is required'),
  );
  const expired = jwt.sign({ sub: randomUUID(), exp: Math.floor(Date.now() / 1000) - 10 }, secret, {
    algorithm: 'HS256',
  });
  t.throws(() => verifyAdminHeader(secret, `Bearer ${expired}`), /jwt expired/);
  t.throws(() => verifyAdminHeader(secret, 'Basic abc'), /Bearer/);
  const id = randomUUID();
  t.same(
    verifyAdminHeader(secret, `Bearer ${issueAdminToken(secret, id, true)}`),
    { sub: id },
    'only the user id is taken',
  );
  t.equal(verifyAdminHeader(secret, undefined), null);
});

t.test('admin rights and deactivation come from the database on every request', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const mkUser = (email: string, admin = false) => createUserRow(db, email, admin);
  const gql = (token: string, query = '{ allServices { nodes { name } } }') => graphqlRequest(app, token, query);
  const names = (r: { body: { data?: any } }) =>
    r.body.data.allServices.nodes
      .map((n: { name: string }) => n.name)
      .filter((n: string) => n.endsWith(' svc'))
      .sort();
  const alice = await mkUser('alice@a.gov.uk');
  const bob = await mkUser('bob@b.gov.uk');
  const admin = await mkUser('admin@notify.gov.uk', true);
  await db.query(`select app_public.create_service(name => 'Alice svc', user_id => $1)`, [alice.id]);
  await db.query(`select app_public.create_service(name => 'Bob svc', user_id => $1)`, [bob.id]);

  const noExp = jwt.sign({ sub: admin.id, platform_admin: true }, secret, { algorithm: 'HS256' });
  const refused = await gql(noExp);
  t.equal(refused.status, 401, 'a token without exp is refused');
  t.same(refused.body, { errors: [{ message: 'Invalid token: exp (expiry time) is required' }] });

  const forgedClaim = await gql(issueAdminToken(secret, alice.id, true));
  t.same(names(forgedClaim), ['Alice svc'], 'a platform_admin claim is not trusted: Alice sees her service only');

  const adminToken = issueAdminToken(secret, admin.id, true);
  t.same(names(await gql(adminToken)), ['Alice svc', 'Bob svc'], 'a platform admin sees everything');
  await db.query('update app_public.users set platform_admin = false where id = $1', [admin.id]);
  t.same(names(await gql(adminToken)), [], 'demoted: the same token sees nothing at once');

  const bobToken = issueAdminToken(secret, bob.id, false);
  await db.query('update app_public.users set platform_admin = true where id = $1', [bob.id]);
  t.same(names(await gql(bobToken)), ['Alice svc', 'Bob svc'], 'promoted: takes effect at once too');

  await db.query(`update app_public.users set state = 'inactive' where id = $1`, [bob.id]);
  const inactive = await gql(bobToken);
  t.equal(inactive.status, 401, 'a deactivated user is refused');
  t.same(inactive.body, { errors: [{ message: 'Invalid token: user is deactivated' }] });

  const ghost = await gql(issueAdminToken(secret, randomUUID(), true));
  t.equal(ghost.status, 401, 'a user who does not exist is refused');
  t.same(ghost.body, { errors: [{ message: 'Invalid token: user not found' }] });

  const anonymous = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json' },
    payload: { query: '{ allServices { nodes { name } } }' },
  });
  t.not(anonymous.statusCode, 401, 'no token is still the anonymous role');
});
