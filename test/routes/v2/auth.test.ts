// Authentication of every /v2 route: the 12 documented cases, revocation through the cache.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { createTestApp } from '../../helpers/app.ts';
import { createApiKey, createServiceWithKeys } from '../../helpers/factories.ts';
import { createApiToken } from '../../../src/auth/jwt-auth.ts';

const { app, db } = await createTestApp(t);
const fx = await createServiceWithKeys(db);

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(header: object, payload: object, secret: string) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);

async function call(authorization?: string, url = '/v2/notifications') {
  const res = await app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
  return { status: res.statusCode, body: res.json() };
}
const authError = (status: number, message: string) => ({
  status,
  body: { status_code: status, errors: [{ error: 'AuthError', message }] },
});

t.test('the twelve cases', async (t) => {
  const noKeys = await db.one<{ id: string }>('select id from app_public.create_service($1, $2, restricted => false)', [
    `No keys ${Date.now()}`,
    fx.userId,
  ]);
  const archived = await createServiceWithKeys(db);
  await db.query('update app_public.services set active = false where id = $1', [archived.serviceId]);
  const revoked = await createApiKey(db, fx.serviceId, 'normal');
  await db.query('select app_public.revoke_api_key($1)', [revoked.id]);
  const secret = fx.normal.secret;
  const cases: Array<[string, string | undefined, ReturnType<typeof authError>]> = [
    ['no header', undefined, authError(401, 'Unauthorized: authentication token must be provided')],
    ['basic scheme', 'Basic abc', authError(401, 'Unauthorized: authentication bearer scheme must be used')],
    [
      'not a JWT',
      'Bearer not-a-jwt',
      authError(
        403,
        'Invalid token: make sure your API token matches the example at ' +
          'https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header',
      ),
    ],
    [
      'HS512',
      `Bearer ${sign({ typ: 'JWT', alg: 'HS512' }, { iss: fx.serviceId, iat: now() }, secret)}`,
      authError(403, 'Invalid token: algorithm used is not HS256'),
    ],
    [
      'no iss',
      `Bearer ${sign({ typ: 'JWT', alg: 'HS256' }, { iat: now() }, secret)}`,
      authError(403, 'Invalid token: iss field not provided'),
    ],
    [
      'iss not uuid',
      `Bearer ${sign({ typ: 'JWT', alg: 'HS256' }, { iss: 'abc', iat: now() }, secret)}`,
      authError(403, 'Invalid token: service id is not the right data type'),
    ],
    [
      'unknown service',
      `Bearer ${createApiToken('00000000-0000-4000-8000-000000000000', secret)}`,
      authError(403, 'Invalid token: service not found'),
    ],
    [
      'no keys',
      `Bearer ${createApiToken(noKeys.id, secret)}`,
      authError(403, 'Invalid token: service has no API keys'),
    ],
    ['archived', archived.normal.auth(), authError(403, 'Invalid token: service is archived')],
    [
      'clock',
      `Bearer ${createApiToken(fx.serviceId, secret, new Date(Date.now() - 60_000))}`,
      authError(403, 'Error: Your system clock must be accurate to within 30 seconds'),
    ],
    ['revoked', revoked.auth(), authError(403, 'Invalid token: API key revoked')],
    [
      'no matching key',
      `Bearer ${createApiToken(fx.serviceId, '11111111-2222-4333-8444-555555555555')}`,
      authError(403, 'Invalid token: API key not found'),
    ],
  ];
  for (const [label, header, expected] of cases) t.same(await call(header), expected, label);
  t.equal((await call(fx.normal.auth())).status, 200, 'a good key');
  t.equal((await call(`bEARER ${createApiToken(fx.serviceId, secret)}`)).status, 200, 'scheme case-insensitive');
  for (const url of [
    '/v2/templates',
    '/v2/received-text-messages',
    `/v2/notifications/${fx.sms}`,
    `/v2/template/${fx.sms}`,
  ]) {
    t.equal((await call(undefined, url)).status, 401, url);
  }
  const post = await app.inject({ method: 'POST', url: '/v2/notifications/sms', payload: {} });
  t.equal(post.statusCode, 401);
});

t.test('a key revoked while cached stops working promptly', async (t) => {
  const key = await createApiKey(db, fx.serviceId, 'normal');
  await new Promise((res) => setTimeout(res, 150));
  t.equal((await call(key.auth())).status, 200, 'a new key works');
  await db.query('select app_public.revoke_api_key($1)', [key.id]);
  const started = Date.now();
  let r = await call(key.auth());
  while (r.status === 200 && Date.now() - started < 2000) {
    await new Promise((res) => setTimeout(res, 10));
    r = await call(key.auth());
  }
  t.same(r, authError(403, 'Invalid token: API key revoked'));
  t.ok(Date.now() - started < 2000, `revoked after ${Date.now() - started} ms`);
});

t.test('a new key works at once; the openapi document needs no key', async (t) => {
  const key = await createApiKey(db, fx.serviceId, 'team');
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i++) {
    status = (await call(key.auth())).status;
    if (status !== 200) await new Promise((res) => setTimeout(res, 25));
  }
  t.equal(status, 200);
  const doc = await app.inject({ method: 'GET', url: '/v2/openapi.json' });
  t.equal(doc.statusCode, 200);
  t.equal(doc.json().openapi.slice(0, 3), '3.1');
  t.ok(doc.json().paths['/v2/notifications/sms']);
});
