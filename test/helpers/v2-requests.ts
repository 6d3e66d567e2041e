// Requests to the v2 API through app.inject, signed with a test API key.
import type { FastifyInstance } from 'fastify';
import type { TestApiKey } from './factories.ts';

export async function post(app: FastifyInstance, key: TestApiKey, url: string, payload: unknown) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: key.auth(), 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

export async function get(app: FastifyInstance, key: TestApiKey, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: key.auth() } });
  const type = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    body: type.includes('json') ? res.json() : null,
    raw: res.rawPayload,
    headers: res.headers,
  };
}
