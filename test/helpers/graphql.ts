// GraphQL in tests: POST /graphql through app.inject, signed in by an admin token or anonymous, and users made
// straight in SQL for the tests that sign them in.
import type { FastifyInstance } from 'fastify';
import type { TestDb } from './db.ts';

export interface GraphqlBody {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function graphqlRequest(
  app: FastifyInstance,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: GraphqlBody }> {
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: { query, variables },
  });
  return { status: res.statusCode, body: res.json() as GraphqlBody };
}

/** A user (the email address is the name too), optionally a platform admin. */
export function createUserRow(db: TestDb, email: string, admin = false): Promise<{ id: string }> {
  return db.one<{ id: string }>(
    `select id from app_public.create_user(email_address => $1, name => $1, mobile_number => '07700900123',
     platform_admin => $2)`,
    [email, admin],
  );
}
