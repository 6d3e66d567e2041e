// Test data for the v2 API, made through the SQL functions an operator would use.
import type { FastifyInstance } from 'fastify';
import type { TestDb } from './db.ts';
import { createApiToken, parseApiKey } from '../../src/auth/jwt-auth.ts';

export interface V2Key {
  id: string;
  key: string;
  serviceId: string;
  secret: string;
  /** A fresh `Authorization` header value. */
  auth(): string;
}

export interface V2Fixture {
  userId: string;
  serviceId: string;
  normal: V2Key;
  team: V2Key;
  test: V2Key;
  sms: string;
  email: string;
  letter: string;
}

let counter = 0;

export async function makeKey(db: TestDb, serviceId: string, type: string, name = `${type}-key-${++counter}`): Promise<V2Key> {
  const row = await db.one<{ id: string; key: string }>('select * from app_public.create_api_key($1, $2, $3)', [
    serviceId,
    name,
    type,
  ]);
  const { secret } = parseApiKey(row.key);
  return { id: row.id, key: row.key, serviceId, secret, auth: () => `Bearer ${createApiToken(serviceId, secret)}` };
}

export async function makeService(
  db: TestDb,
  opts: { restricted?: boolean; permissions?: string[]; name?: string } = {},
): Promise<V2Fixture> {
  const n = ++counter;
  const user = await db.one<{ id: string }>('select id from app_public.create_user($1, $2, $3)', [
    `owner${n}-${Date.now()}@example.gov.uk`,
    `Owner ${n}`,
    '07700900123',
  ]);
  const service = await db.one<{ id: string }>(
    'select id from app_public.create_service($1, $2, permissions => $3, restricted => $4)',
    [opts.name ?? `Service ${n} ${Date.now()}`, user.id, opts.permissions ?? null, opts.restricted ?? false],
  );
  const tpl = async (type: string, content: string, subject: string | null = null) =>
    (
      await db.one<{ id: string }>('select id from app_public.create_template($1, $2, $3, $4, $5)', [
        service.id,
        type,
        `${type} template`,
        content,
        subject,
      ])
    ).id;
  return {
    userId: user.id,
    serviceId: service.id,
    normal: await makeKey(db, service.id, 'normal'),
    team: await makeKey(db, service.id, 'team'),
    test: await makeKey(db, service.id, 'test'),
    sms: await tpl('sms', 'Hello ((name))'),
    email: await tpl('email', 'Dear ((name)),\r\n\r\nYour reference is ((ref)).', 'Hello ((name))'),
    letter: await tpl('letter', 'Dear ((name))', 'Your letter'),
  };
}

export async function post(app: FastifyInstance, key: V2Key, url: string, payload: unknown) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: key.auth(), 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

export async function get(app: FastifyInstance, key: V2Key, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: key.auth() } });
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    body: type.includes('json') ? res.json() : null,
    raw: res.rawPayload,
    headers: res.headers,
  };
}

export const ADDRESS = { address_line_1: 'Ms A Person', address_line_2: '1 High Street', address_line_3: 'SW1A 1AA' };

/** A minimal one-page PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
