// What one GraphQL request may read: page sizes, depth and cost (src/graphql/limits.ts).
import { getIntrospectionQuery } from 'postgraphile/graphql';
import t from 'tap';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { DEFAULT_PAGE_SIZE, MAX_COST, MAX_DEPTH, MAX_PAGE_SIZE } from '../../src/graphql/limits.ts';
import { graphqlRequest } from '../helpers/graphql.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

t.test('GraphQL limits', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const alice = await db.one<{ id: string }>(
    `select id from app_public.create_user(email_address => 'alice@a.gov.uk', name => 'A',
     mobile_number => '07700900123')`,
  );
  const svc = await db.one<{ id: string }>(
    `select id from app_public.create_service(name => 'Many templates', user_id => $1)`,
    [alice.id],
  );
  await db.query(
    `select app_public.create_template(service_id => $1, template_type => 'sms', name => 'T' || i, content => 'x')
     from generate_series(1, $2::int) i`,
    [svc.id, DEFAULT_PAGE_SIZE + 20],
  );
  const token = issueAdminToken(secret, alice.id, false);
  const gql = async (query: string, variables: Record<string, unknown> = {}) =>
    (await graphqlRequest(app, token, query, variables)).body;

  await t.test('page sizes', async (t) => {
    const all = await gql('{ allTemplates { totalCount nodes { name } } }');
    t.notOk(all.errors);
    t.equal(all.data.allTemplates.totalCount, DEFAULT_PAGE_SIZE + 20, 'every row is counted');
    t.equal(all.data.allTemplates.nodes.length, DEFAULT_PAGE_SIZE, 'but a page without first has the default size');
    const nested = await gql(
      `{ allServices { nodes { templatesByServiceId { nodes { name } pageInfo { hasNextPage } } } } }`,
    );
    const page = nested.data.allServices.nodes.find((n: any) => n.templatesByServiceId.nodes.length);
    t.equal(page.templatesByServiceId.nodes.length, DEFAULT_PAGE_SIZE, 'nested connections too');
    t.equal(page.templatesByServiceId.pageInfo.hasNextPage, true, 'and say there is more');

    const bigger = await gql('{ allTemplates(first: 110) { nodes { name } } }');
    t.equal(bigger.data.allTemplates.nodes.length, 110, 'first up to the maximum is obeyed');
    const last = await gql('{ allTemplates(last: 5) { nodes { name } } }');
    t.equal(last.data?.allTemplates?.nodes?.length, 5, `last alone works (no default first added)`);

    const tooMany = await gql(`{ allTemplates(first: ${MAX_PAGE_SIZE + 1}) { nodes { name } } }`);
    t.match(tooMany.errors?.[0]?.message, `first must be at most ${MAX_PAGE_SIZE}`, 'first over the maximum');
    t.notOk(tooMany.data?.allTemplates, 'reads nothing');
    const byVariable = await gql('query($n: Int) { allTemplates(first: $n) { nodes { name } } }', { n: 5000 });
    t.match(byVariable.errors?.[0]?.message, `first must be at most ${MAX_PAGE_SIZE}`, 'given as a variable too');
    const lastTooMany = await gql(`{ allTemplates(last: ${MAX_PAGE_SIZE + 1}) { nodes { name } } }`);
    t.match(lastTooMany.errors?.[0]?.message, `last must be at most ${MAX_PAGE_SIZE}`);
    const cursor =
      all.data && (await gql('{ allTemplates(first: 1) { edges { cursor } } }')).data.allTemplates.edges[0];
    const before = await gql('query($c: Cursor) { allTemplates(before: $c) { nodes { name } } }', {
      c: cursor.cursor,
    });
    t.match(before.errors?.[0]?.message, 'before needs last', 'before without last would read everything');
    const negative = await gql('{ allTemplates(first: -1) { nodes { name } } }');
    t.match(negative.errors?.[0]?.message, 'first must be a whole number');
  });

  await t.test('depth', async (t) => {
    // service -> templates -> service -> templates ...: two fields each way plus nodes.
    let inner = 'name';
    for (let i = 0; i < 5; i++) {
      inner = `templatesByServiceId(first: 1) { nodes { serviceByServiceId { ${inner} } } }`;
    }
    const deep = await gql(`{ allServices(first: 1) { nodes { ${inner} } } }`);
    t.match(deep.errors?.[0]?.message, `at most ${MAX_DEPTH} are allowed`, 'too deep is refused');
    t.notOk(deep.data, 'before anything runs');
    const fragmentDeep = await gql(
      `fragment S on Service { templatesByServiceId(first: 1) { nodes { serviceByServiceId { ${inner} } } } }
       { allServices(first: 1) { nodes { ...S } } }`,
    );
    t.match(fragmentDeep.errors?.[0]?.message, 'fields deep', 'through fragments too');
    const fine = await gql(
      `{ allServices(first: 1) { nodes {
         templatesByServiceId(first: 1) { nodes { serviceByServiceId { name } } } } } }`,
    );
    t.notOk(fine.errors, 'ordinary nesting is fine');
  });

  await t.test('cost', async (t) => {
    const nested = await gql(
      `{ allServices(first: ${MAX_PAGE_SIZE}) { nodes { templatesByServiceId(first: ${MAX_PAGE_SIZE}) {
         nodes { name } } } } }`,
    );
    t.match(nested.errors?.[0]?.message, `at most ${MAX_COST} are allowed`, 'a million rows of nesting is refused');
    const variables = await gql(
      `query($a: Int, $b: Int) { allServices(first: $a) { nodes {
         templatesByServiceId(first: $b) { nodes { name } } } } }`,
      { a: 2, b: 2 },
    );
    t.match(variables.errors?.[0]?.message, 'could read', 'variables count as the maximum page');
    const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: allTemplates { nodes { name } }`).join(' ');
    const aliased = await gql(`{ ${aliases} }`);
    t.match(aliased.errors?.[0]?.message, 'could read', 'so do many aliases of one connection');
    const small = await gql(
      '{ allServices(first: 10) { nodes { templatesByServiceId(first: 10) { nodes { name content } } } } }',
    );
    t.notOk(small.errors, 'small pages nested are fine');
    const defaults = await gql(
      '{ allServices { nodes { name templatesByServiceId { nodes { name content subject version archived } } } } }',
    );
    t.notOk(defaults.errors, 'so are default pages nested once');
  });

  await t.test('introspection still works', async (t) => {
    const res = await gql(getIntrospectionQuery());
    t.notOk(res.errors, 'GraphiQL’s full introspection query (ofType nested deep) is not limited');
    t.ok(res.data.__schema.types.length > 100);
    const many = Array.from({ length: 4 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ');
    const repeated = await gql(`{ ${many} }`);
    t.match(repeated.errors?.[0]?.message, 'at most 3', 'but not repeated by aliases');
  });
});
