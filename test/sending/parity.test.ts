// The same request through the v2 API (an API key) and GraphQL sendNotification (the signed-in
// owner) goes through the same rules (src/sending): the same stored row, the same refusals.
import t from 'tap';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { TRIAL_MODE_MESSAGE } from '../../src/sending/sending.ts';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { ADDRESS, createServiceWithKeys, createUser, type ServiceWithKeys } from '../helpers/factories.ts';
import { post } from '../helpers/v2-requests.ts';

const { app, db } = await createTestApp(t, { graphql: true });
const secret = testConfig().ADMIN_JWT_SECRET;
const ALL = ['sms', 'email', 'letter', 'international_sms'];
const fx = await createServiceWithKeys(db, { permissions: ALL });

interface Input {
  templateId: string;
  to?: string;
  personalisation?: Record<string, unknown>;
  reference?: string;
}
type Outcome = { id: string; message?: undefined } | { id?: undefined; message: string };

const V2_PATH = { sms: 'sms', email: 'email', letter: 'letter' } as const;

async function viaV2(s: ServiceWithKeys, type: 'sms' | 'email' | 'letter', input: Input): Promise<Outcome> {
  const body: Record<string, unknown> = { template_id: input.templateId };
  if (type === 'sms') body.phone_number = input.to;
  if (type === 'email') body.email_address = input.to;
  if (input.personalisation) body.personalisation = input.personalisation;
  if (input.reference) body.reference = input.reference;
  const r = await post(app, s.normal, `/v2/notifications/${V2_PATH[type]}`, body);
  if (r.status === 201) return { id: r.body.id };
  return { message: r.body.errors.map((e: { message: string }) => e.message).join('; ') };
}

async function gql(token: string | null, query: string, variables: Record<string, unknown>) {
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: { query, variables },
  });
  return res.json() as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

const SEND = `mutation($input: SendNotificationInput!) { sendNotification(input: $input) { notificationId } }`;

async function viaGraphql(s: ServiceWithKeys, input: Input, token = issueAdminToken(secret, s.userId, false)) {
  const r = await gql(token, SEND, { input: { serviceId: s.serviceId, ...input } });
  if (r.errors?.length) return { message: r.errors[0].message, errors: r.errors } as Outcome & { errors: unknown };
  return { id: r.data.sendNotification.notificationId } as Outcome;
}

/** The stored row, without what differs by door or by chance. */
async function stored(id: string) {
  const row = await db.one(
    `select n.*, app_private.decrypt(n._personalisation) as personalisation from app_public.notifications n
     where n.id = $1`,
    [id],
  );
  const { id: _id, created_at, updated_at, api_key_id, created_by_id, _personalisation, ...rest } = row;
  // Letters get a random 16-character reference each.
  if (rest.notification_type === 'letter') rest.reference = typeof rest.reference === 'string' ? 'random' : null;
  return { rest, api_key_id, created_by_id };
}

const sends: Array<[string, 'sms' | 'email' | 'letter', Input]> = [
  ['sms', 'sms', { templateId: fx.sms, to: '07700 900456', personalisation: { name: 'Jo' }, reference: 'r1' }],
  [
    'email',
    'email',
    { templateId: fx.email, to: 'Someone@Example.com', personalisation: { name: 'Jo', ref: 'X1' }, reference: 'r2' },
  ],
  ['letter', 'letter', { templateId: fx.letter, personalisation: { ...ADDRESS, name: 'Jo' }, reference: 'r3' }],
];

for (const [name, type, input] of sends) {
  t.test(`${name}: the same row through v2 and GraphQL`, async (t) => {
    const a = await viaV2(fx, type, input);
    const b = await viaGraphql(fx, input);
    t.ok(a.id, `v2 created it (${a.message ?? ''})`);
    t.ok(b.id, `GraphQL created it (${b.message ?? ''})`);
    const [ra, rb] = [await stored(a.id!), await stored(b.id!)];
    t.same(rb.rest, ra.rest);
    t.equal(ra.rest.key_type, 'normal');
    t.equal(ra.api_key_id, fx.normal.id);
    t.equal(ra.created_by_id, null);
    t.equal(rb.api_key_id, null, 'GraphQL: no API key');
    t.equal(rb.created_by_id, fx.userId, 'GraphQL: sent by the signed-in user');
  });
}

t.test('each refusal gives the same message through both', async (t) => {
  const other = await createServiceWithKeys(db, { permissions: ALL });
  const trial = await createServiceWithKeys(db, { permissions: ALL, restricted: true });
  const noSms = await createServiceWithKeys(db, { permissions: ['email', 'letter'] });
  const domestic = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
  const cases: Array<[string, ServiceWithKeys, 'sms' | 'email' | 'letter', Input, string | RegExp]> = [
    [
      'template of another service',
      fx,
      'sms',
      { templateId: other.sms, to: '07700900456', personalisation: { name: 'Jo' } },
      'Template not found',
    ],
    [
      'missing personalisation',
      fx,
      'sms',
      { templateId: fx.sms, to: '07700900456', personalisation: {} },
      'Missing personalisation: name',
    ],
    [
      'bad phone number',
      fx,
      'sms',
      { templateId: fx.sms, to: '0770090', personalisation: { name: 'Jo' } },
      /^phone_number /,
    ],
    [
      'bad email address',
      fx,
      'email',
      { templateId: fx.email, to: 'x@a.com,y@b.com', personalisation: { name: 'Jo', ref: 'X' } },
      /^email_address /,
    ],
    [
      'trial-mode stranger',
      trial,
      'sms',
      { templateId: trial.sms, to: '07700900456', personalisation: { name: 'Jo' } },
      TRIAL_MODE_MESSAGE,
    ],
    [
      'service without the permission',
      noSms,
      'sms',
      { templateId: noSms.sms, to: '07700900456', personalisation: { name: 'Jo' } },
      'Service is not allowed to send text messages',
    ],
    [
      'international number without international_sms',
      domestic,
      'sms',
      { templateId: domestic.sms, to: '+1 202 555 0123', personalisation: { name: 'Jo' } },
      'Cannot send to international mobile numbers',
    ],
    [
      'letter without an address',
      fx,
      'letter',
      { templateId: fx.letter, personalisation: { name: 'Jo' } },
      'Address must be at least 3 lines',
    ],
  ];
  for (const [name, s, type, input, expected] of cases) {
    const a = await viaV2(s, type, input);
    const b = await viaGraphql(s, input);
    t.equal(a.id, undefined, `${name}: v2 refuses`);
    t.equal(b.id, undefined, `${name}: GraphQL refuses`);
    if (typeof expected === 'string') t.equal(a.message, expected, `${name}: v2 message`);
    else t.match(a.message, expected, `${name}: v2 message`);
    t.equal(b.message, a.message, `${name}: the same message through GraphQL`);
  }
  const { count } = await db.one(
    'select count(*)::int as count from app_public.notifications where service_id = any($1)',
    [[other.serviceId, trial.serviceId, noSms.serviceId, domestic.serviceId]],
  );
  t.equal(count, 0, 'nothing stored');
});

t.test('GraphQL: who may send', async (t) => {
  const input = { serviceId: fx.serviceId, templateId: fx.sms, to: '07700900456', personalisation: { name: 'Jo' } };
  const anonymous = await gql(null, SEND, { input });
  t.equal(anonymous.errors?.[0].message, 'Sign in to send notifications');

  const stranger = await createUser(db);
  const asStranger = await gql(issueAdminToken(secret, stranger, false), SEND, { input });
  t.equal(asStranger.errors?.[0].message, `Service ${fx.serviceId} not found`, 'not on the team');

  const member = await createUser(db);
  await db.query('insert into app_public.user_to_service (user_id, service_id) values ($1, $2)', [
    member,
    fx.serviceId,
  ]);
  await db.query(
    `insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, 'send_emails')`,
    [fx.serviceId, member],
  );
  const asMember = await gql(issueAdminToken(secret, member, false), SEND, { input });
  t.equal(asMember.errors?.[0].message, `Permission denied: send_texts needed on service ${fx.serviceId}`);
  t.equal(asMember.errors?.[0].extensions?.code, 'BadRequestError');
  const email = await gql(issueAdminToken(secret, member, false), SEND, {
    input: { ...input, templateId: fx.email, to: 'member@example.com', personalisation: { name: 'M', ref: 'R' } },
  });
  t.ok(email.data?.sendNotification?.notificationId, 'send_emails lets the member send emails');

  const admin = await createUser(db);
  // The server reads platform_admin from the users row, not from the token.
  await db.query('update app_public.users set platform_admin = true where id = $1', [admin]);
  const asAdmin = await gql(issueAdminToken(secret, admin, true), SEND, { input });
  t.ok(asAdmin.data?.sendNotification?.notificationId, 'a platform admin may send for any service');

  const letterWithTo = await gql(issueAdminToken(secret, fx.userId, false), SEND, {
    input: { ...input, templateId: fx.letter, personalisation: { ...ADDRESS, name: 'Jo' } },
  });
  t.match(letterWithTo.errors?.[0].message, /to is not used for letters/);
});

t.test(
  'the rate limit counts both doors alike (normal keys, LIVE in the message) and refuses with the same message',
  async (t) => {
    const s = await createServiceWithKeys(db, { permissions: ALL });
    await db.query('update app_public.services set rate_limit = 1 where id = $1', [s.serviceId]);
    const input = { templateId: s.sms, to: '07700900456', personalisation: { name: 'Jo' } };
    // Away from a minute boundary, so the first send stays in the window the next two are counted in.
    while ((await db.one<{ s: number }>('select extract(second from now())::float8 as s')).s > 55)
      await new Promise((r) => setTimeout(r, 500));
    t.ok((await viaGraphql(s, input)).id, 'the first send is accepted');
    const a = await viaV2(s, 'sms', input);
    const b = await viaGraphql(s, input);
    t.equal(a.message, 'Exceeded rate limit for key type LIVE of 1 requests per 60 seconds');
    t.equal(b.message, a.message);
  },
);

t.test('bad text: a NUL or nesting too deep is refused through both doors alike, nothing stored', async (t) => {
  const s = await createServiceWithKeys(db, { permissions: ALL });
  let deep: unknown = 'x';
  for (let i = 0; i < 120; i++) deep = [deep];
  const cases: Array<[string, Input]> = [
    ['NUL in a value', { templateId: s.sms, to: '07700 900456', personalisation: { name: 'a\u0000b' } }],
    ['NUL in a key', { templateId: s.sms, to: '07700 900456', personalisation: { name: 'a', 'x\u0000': 'b' } }],
    [
      'NUL in the reference',
      { templateId: s.sms, to: '07700 900456', personalisation: { name: 'a' }, reference: '\u0000' },
    ],
    ['nesting too deep', { templateId: s.sms, to: '07700 900456', personalisation: { name: deep } }],
  ];
  for (const [name, input] of cases) {
    const a = await viaV2(s, 'sms', input);
    const b = await viaGraphql(s, input);
    t.equal(a.id, undefined, `${name}: v2 refuses`);
    t.equal(b.id, undefined, `${name}: GraphQL refuses`);
    t.equal(b.message, a.message, `${name}: the same message (${a.message})`);
  }
  t.equal(
    (await db.one('select count(*)::int as n from app_public.notifications where service_id = $1', [s.serviceId])).n,
    0,
  );
});
