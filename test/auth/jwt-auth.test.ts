import t from 'tap';
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import { AuthError } from '../../src/lib/errors.ts';
import {
  authenticateApiKey,
  createApiToken,
  parseApiKey,
  AUTH_MESSAGES,
  type ServiceForAuth,
} from '../../src/auth/jwt-auth.ts';

const require = createRequire(import.meta.url);
// The official client's own token maker (it reads the clock itself).
const createGovukNotifyToken = require('notifications-node-client/client/authentication.js') as (
  method: string,
  path: string,
  secret: string,
  serviceId: string,
) => string;
const jsonwebtoken = require('jsonwebtoken') as {
  sign: (payload: object, secret: string, options?: object) => string;
};

const SERVICE = 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553';
const SECRET = '2f4c7ec3-a9e1-4ab0-a0a2-0d5c3fd1e3b6';
const OTHER_SECRET = '0b8e4a2c-7f55-4d2b-9e11-6f4c2b1a9d03';
const REVOKED_SECRET = '5c1d9e8f-2a3b-4c5d-8e7f-9a0b1c2d3e4f';

function loaderFor(data: ServiceForAuth | null) {
  const calls: string[] = [];
  const loader = async (serviceId: string) => {
    calls.push(serviceId);
    return data;
  };
  return { loader, calls };
}

const activeService: ServiceForAuth = {
  service: { active: true },
  keys: [
    { id: 'key-other', keyType: 'team', secret: OTHER_SECRET, expiryDate: null },
    { id: 'key-revoked', keyType: 'normal', secret: REVOKED_SECRET, expiryDate: new Date('2024-01-01') },
    { id: 'key-live', keyType: 'normal', secret: SECRET, expiryDate: null },
  ],
};

async function authError(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AuthError) return e;
    throw e;
  }
  throw new Error('expected an AuthError');
}

function b64(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}
function signed(header: object, payload: object, secret = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

t.test('a token made by notifications-node-client authenticates', async (t) => {
  const token = createGovukNotifyToken('POST', '/v2/notifications/sms', SECRET, SERVICE);
  const { loader, calls } = loaderFor(activeService);
  const result = await authenticateApiKey(`Bearer ${token}`, loader);
  t.same(result, { serviceId: SERVICE, apiKeyId: 'key-live', keyType: 'normal' });
  t.same(calls, [SERVICE]);
});

t.test('the full combined key flows through parseApiKey like the client does', async (t) => {
  const combined = `my-test-key-${SERVICE}-${SECRET}`;
  t.same(parseApiKey(combined), { name: 'my-test-key', serviceId: SERVICE, secret: SECRET });
  const parsed = parseApiKey(combined);
  const token = createApiToken(parsed.serviceId, parsed.secret);
  const result = await authenticateApiKey(`Bearer ${token}`, loaderFor(activeService).loader);
  t.equal(result.apiKeyId, 'key-live');
  t.same(parseApiKey(`${SERVICE}-${SECRET}`), { name: '', serviceId: SERVICE, secret: SECRET });
  t.throws(() => parseApiKey('too-short'));
});

t.test('createApiToken matches jsonwebtoken byte for byte', async (t) => {
  const at = new Date('2024-05-01T10:00:00Z');
  const ours = createApiToken(SERVICE, SECRET, at);
  const theirs = jsonwebtoken.sign({ iss: SERVICE, iat: at.getTime() / 1000 }, SECRET, {
    header: { typ: 'JWT', alg: 'HS256' },
  });
  // Same claims and signature; header key order may differ, so compare decoded parts.
  const [h1, p1] = ours.split('.');
  const [h2, p2] = theirs.split('.');
  t.same(JSON.parse(Buffer.from(h1, 'base64url').toString()), JSON.parse(Buffer.from(h2, 'base64url').toString()));
  t.same(JSON.parse(Buffer.from(p1, 'base64url').toString()), JSON.parse(Buffer.from(p2, 'base64url').toString()));
  const now = new Date('2024-05-01T10:00:10Z');
  t.equal((await authenticateApiKey(`Bearer ${theirs}`, loaderFor(activeService).loader, now)).apiKeyId, 'key-live');
});

t.test('scheme is compared case-insensitively', async (t) => {
  const token = createApiToken(SERVICE, SECRET);
  for (const scheme of ['bearer ', 'BEARER ', 'BeArEr ']) {
    const result = await authenticateApiKey(scheme + token, loaderFor(activeService).loader);
    t.equal(result.apiKeyId, 'key-live', scheme);
  }
});

t.test('each failure gives Notify’s status and message, in the documented order', async (t) => {
  const now = new Date('2024-05-01T10:00:00Z');
  const good = createApiToken(SERVICE, SECRET, now);
  const cases: Array<[string, string | undefined, ServiceForAuth | null, 401 | 403, string]> = [
    ['no header', undefined, activeService, 401, AUTH_MESSAGES.missing],
    ['empty header', '', activeService, 401, AUTH_MESSAGES.missing],
    ['basic scheme', `Basic ${good}`, activeService, 401, AUTH_MESSAGES.scheme],
    ['no space after Bearer', `Bearer${good}`, activeService, 401, AUTH_MESSAGES.scheme],
    ['garbage token', 'Bearer not-a-jwt', activeService, 403, AUTH_MESSAGES.decode],
    ['empty token', 'Bearer ', activeService, 403, AUTH_MESSAGES.decode],
    ['payload not json', `Bearer ${b64({ alg: 'HS256' })}.bm90IGpzb24.c2ln`, activeService, 403, AUTH_MESSAGES.decode],
    ['payload a list', `Bearer ${b64({ alg: 'HS256' })}.${b64([1])}.c2ln`, activeService, 403, AUTH_MESSAGES.decode],
    [
      'alg none',
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: SERVICE, iat: 1 })}.`,
      activeService,
      403,
      AUTH_MESSAGES.algorithm,
    ],
    [
      'alg HS512',
      `Bearer ${signed({ alg: 'HS512', typ: 'JWT' }, { iss: SERVICE, iat: now.getTime() / 1000 })}`,
      activeService,
      403,
      AUTH_MESSAGES.algorithm,
    ],
    [
      'alg checked before iss',
      `Bearer ${signed({ alg: 'RS256' }, { iat: 1 })}`,
      activeService,
      403,
      AUTH_MESSAGES.algorithm,
    ],
    [
      'no iss',
      `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, { iat: now.getTime() / 1000 })}`,
      activeService,
      403,
      AUTH_MESSAGES.noIss,
    ],
    [
      'iss not a uuid',
      `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, { iss: 'not-a-uuid', iat: 1 })}`,
      activeService,
      403,
      AUTH_MESSAGES.issNotUuid,
    ],
    [
      'iss a number',
      `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, { iss: 42, iat: 1 })}`,
      activeService,
      403,
      AUTH_MESSAGES.issNotUuid,
    ],
    ['service unknown', `Bearer ${good}`, null, 403, AUTH_MESSAGES.serviceNotFound],
    ['service without keys', `Bearer ${good}`, { service: { active: true }, keys: [] }, 403, AUTH_MESSAGES.noKeys],
    [
      'service archived',
      `Bearer ${good}`,
      { ...activeService, service: { active: false } },
      403,
      AUTH_MESSAGES.archived,
    ],
    [
      'no keys checked before archived',
      `Bearer ${good}`,
      { service: { active: false }, keys: [] },
      403,
      AUTH_MESSAGES.noKeys,
    ],
    [
      'signed with a revoked key',
      `Bearer ${createApiToken(SERVICE, REVOKED_SECRET, now)}`,
      activeService,
      403,
      AUTH_MESSAGES.revoked,
    ],
    [
      'signed with an unknown secret',
      `Bearer ${createApiToken(SERVICE, 'f'.repeat(36), now)}`,
      activeService,
      403,
      AUTH_MESSAGES.keyNotFound,
    ],
    ['signature tampered', `Bearer ${good.slice(0, -4)}AAAA`, activeService, 403, AUTH_MESSAGES.keyNotFound],
    [
      'good signature, no iat',
      `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, { iss: SERVICE })}`,
      activeService,
      403,
      AUTH_MESSAGES.decode,
    ],
  ];
  for (const [name, header, data, status, message] of cases) {
    const e = await authError(authenticateApiKey(header, loaderFor(data).loader, now));
    t.equal(e.statusCode, status, `${name}: status`);
    t.equal(e.messages[0], message, `${name}: message`);
    t.same(e.toBody(), { status_code: status, errors: [{ error: 'AuthError', message }] }, `${name}: body`);
  }
});

t.test('iat must be within 30 seconds either way', async (t) => {
  const now = new Date('2024-05-01T10:00:00Z');
  const at = (seconds: number) => `Bearer ${createApiToken(SERVICE, SECRET, new Date(now.getTime() + seconds * 1000))}`;
  for (const ok of [-30, -1, 0, 1, 30]) {
    t.equal((await authenticateApiKey(at(ok), loaderFor(activeService).loader, now)).apiKeyId, 'key-live', `${ok}s ok`);
  }
  for (const bad of [-31, -3600, 31, 3600]) {
    const e = await authError(authenticateApiKey(at(bad), loaderFor(activeService).loader, now));
    t.equal(e.messages[0], AUTH_MESSAGES.clock, `${bad}s rejected`);
    t.equal(e.statusCode, 403);
  }
  const stringIat = `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, { iss: SERVICE, iat: 'yesterday' })}`;
  t.equal(
    (await authError(authenticateApiKey(stringIat, loaderFor(activeService).loader, now))).messages[0],
    AUTH_MESSAGES.clock,
  );
});

t.test('clock error wins over revoked on the matching key; other keys are skipped silently', async (t) => {
  const now = new Date('2024-05-01T10:00:00Z');
  const oldRevoked = `Bearer ${createApiToken(SERVICE, REVOKED_SECRET, new Date(now.getTime() - 60_000))}`;
  t.equal(
    (await authError(authenticateApiKey(oldRevoked, loaderFor(activeService).loader, now))).messages[0],
    AUTH_MESSAGES.clock,
  );
  const team = `Bearer ${createApiToken(SERVICE, OTHER_SECRET, now)}`;
  t.same(await authenticateApiKey(team, loaderFor(activeService).loader, now), {
    serviceId: SERVICE,
    apiKeyId: 'key-other',
    keyType: 'team',
  });
});

t.test('an upper-case or brace-wrapped iss is looked up in canonical form', async (t) => {
  const now = new Date();
  const { loader, calls } = loaderFor(activeService);
  const token = signed(
    { alg: 'HS256', typ: 'JWT' },
    { iss: `{${SERVICE.toUpperCase()}}`, iat: Math.round(now.getTime() / 1000) },
  );
  const result = await authenticateApiKey(`Bearer ${token}`, loader, now);
  t.equal(result.serviceId, SERVICE);
  t.same(calls, [SERVICE]);
});
