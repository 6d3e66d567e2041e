// GraphQL through the real HTTP stack: row-level security per user, admin, anonymous.
import t from 'tap';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { graphqlRequest } from '../helpers/graphql.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

t.test('row-level security through /graphql', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const mkUser = (email: string, admin = false) =>
    db.one(
      `select id from app_public.create_user(email_address => $1, name => $1, mobile_number => '07700900123',
       platform_admin => $2)`,
      [email, admin],
    );
  const alice = await mkUser('alice@a.gov.uk');
  const bob = await mkUser('bob@b.gov.uk');
  const admin = await mkUser('admin@notify.gov.uk', true);
  const svcA = await db.one(`select id, name from app_public.create_service(name => 'Service A', user_id => $1)`, [
    alice.id,
  ]);
  const svcB = await db.one(`select id, name from app_public.create_service(name => 'Service B', user_id => $1)`, [
    bob.id,
  ]);
  const tplB = await db.one(
    `select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'B',
     content => 'secret of B')`,
    [svcB.id],
  );

  const gql = (token: string | null, query: string, variables: Record<string, unknown> = {}) =>
    graphqlRequest(app, token, query, variables);
  const aliceToken = issueAdminToken(secret, alice.id, false);
  const adminToken = issueAdminToken(secret, admin.id, true);
  const servicesQuery = '{ allServices(orderBy: NAME_ASC) { nodes { id name } } }';

  const asAlice = await gql(aliceToken, servicesQuery);
  t.same(
    asAlice.body.data.allServices.nodes.map((n: { name: string }) => n.name),
    ['Service A'],
    'Alice sees only her service',
  );

  const templates = await gql(aliceToken, '{ allTemplates { nodes { name content } } }');
  t.same(templates.body.data.allTemplates.nodes, [], 'and none of B’s templates');

  const update = await gql(
    aliceToken,
    'mutation($id: UUID!) { updateTemplate(input: { templateId: $id, content: "hijacked" }) { result { version } } }',
    { id: tplB.id },
  );
  t.ok(update.body.errors?.length, 'Alice cannot update B’s template');
  const still = await db.one('select content, version from app_public.templates where id = $1', [tplB.id]);
  t.same(still, { content: 'secret of B', version: 1 }, 'B’s template unchanged');

  const own = await gql(
    aliceToken,
    `mutation($sid: UUID!) { createTemplate(input: { serviceId: $sid, templateType: "sms", name: "Mine",
     content: "Hello ((name))" }) { result { version name } } }`,
    { sid: svcA.id },
  );
  t.same(
    own.body.data?.createTemplate?.result,
    { version: 1, name: 'Mine' },
    'Alice can create templates in her service',
  );

  const intoB = await gql(
    aliceToken,
    `mutation($sid: UUID!) { createTemplate(input: { serviceId: $sid, templateType: "sms", name: "Intruder",
     content: "x" }) { result { version } } }`,
    { sid: svcB.id },
  );
  t.ok(intoB.body.errors?.length, 'Alice cannot create templates in B');
  t.equal((await db.one(`select count(*)::int as n from app_public.templates where name = 'Intruder'`)).n, 0);

  const bNode = (await gql(adminToken, servicesQuery)).body.data.allServices.nodes.find(
    (n: { name: string }) => n.name === 'Service B',
  );
  const rename = await gql(
    aliceToken,
    'mutation($id: ID!) { updateService(input: { id: $id, servicePatch: { name: "Owned" } }) { service { name } } }',
    { id: bNode.id },
  );
  t.notOk(rename.body.data?.updateService?.service, 'Alice cannot rename B');
  t.equal((await db.one('select name from app_public.services where id = $1', [svcB.id])).name, 'Service B');

  const asAdmin = await gql(adminToken, servicesQuery);
  t.same(
    asAdmin.body.data.allServices.nodes
      .map((n: { name: string }) => n.name)
      .filter((n: string) => n.startsWith('Service')),
    ['Service A', 'Service B'],
    'a platform admin sees every service',
  );

  const anonymous = await gql(null, servicesQuery);
  t.notOk(anonymous.body.data?.allServices?.nodes?.length, 'anonymous sees no services');

  const badToken = await gql('not.a.jwt', servicesQuery);
  t.equal(badToken.status, 401, 'a bad token is refused');
  const forged = await gql(issueAdminToken('some-other-secret-0123456789', admin.id, true), servicesQuery);
  t.equal(forged.status, 401, 'a token signed with another secret is refused');

  const introspection = await gql(adminToken, '{ __schema { queryType { name } mutationType { name } } }');
  t.same(introspection.body.data.__schema, { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } });
});
