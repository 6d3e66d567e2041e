// Admin (GraphQL) authentication: `Authorization: Bearer <JWT>` signed with ADMIN_JWT_SECRET,
// claims {sub: user_id, exp}. The token only says who the user is: whether they are a platform admin, and whether
// they may sign in at all, is read from the database on every request, so demoting or deactivating a user takes
// effect at once instead of when their token expires. The result becomes Postgres settings for RLS.
import type pg from 'pg';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

const tokenSchema = z.object({
  sub: z.string().uuid(),
  exp: z.number(),
});

/** Who the request is from, as checked against the database (see resolveAdminUser). */
export interface AdminClaims {
  sub: string;
  platform_admin: boolean;
}

export class AdminAuthError extends Error {}

export function issueAdminToken(secret: string, userId: string, platformAdmin: boolean, expiresIn = '12h'): string {
  // platform_admin stays in the token for tools that show it; the server never trusts it.
  return jwt.sign({ sub: userId, platform_admin: platformAdmin }, secret, {
    algorithm: 'HS256',
    expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
  });
}

/** The user id of a valid admin token; null when there is no Authorization header. */
export function verifyAdminHeader(secret: string, header: string | undefined): { sub: string } | null {
  if (!header) return null;
  const match = /^bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw new AdminAuthError('Authorization header must use the Bearer scheme');
  let decoded: unknown;
  try {
    decoded = jwt.verify(match[1], secret, { algorithms: ['HS256'] });
  } catch (e) {
    throw new AdminAuthError(`Invalid token: ${(e as Error).message}`);
  }
  // jsonwebtoken accepts a token without exp as valid forever; a stolen one must not be.
  if (typeof decoded !== 'object' || decoded === null || !('exp' in decoded)) {
    throw new AdminAuthError('Invalid token: exp (expiry time) is required');
  }
  const parsed = tokenSchema.safeParse(decoded);
  if (!parsed.success) {
    const bad = parsed.error.issues[0]?.path[0] === 'exp' ? 'exp must be a number' : 'sub must be a user id (uuid)';
    throw new AdminAuthError(`Invalid token: ${bad}`);
  }
  return { sub: parsed.data.sub };
}

/**
 * The token's user as the database has them now (one primary-key lookup): platform_admin from the users row, and
 * a refusal when the user is gone or deactivated (state 'inactive'; a 'pending' user is still finishing sign-up).
 */
export async function resolveAdminUser(pool: pg.Pool, token: { sub: string }): Promise<AdminClaims> {
  const { rows } = await pool.query<{ platform_admin: boolean; state: string }>(
    'select platform_admin, state from app_public.users where id = $1',
    [token.sub],
  );
  const user = rows[0];
  if (!user) throw new AdminAuthError('Invalid token: user not found');
  if (user.state === 'inactive') throw new AdminAuthError('Invalid token: user is deactivated');
  return { sub: token.sub, platform_admin: user.platform_admin };
}

/** Postgres settings for a request: the role to switch to plus the claims RLS reads. */
export function pgSettingsFor(claims: AdminClaims | null): Record<string, string> {
  if (!claims) return { role: 'notify_anonymous' };
  return {
    role: 'notify_user',
    'jwt.claims.user_id': claims.sub,
    'jwt.claims.platform_admin': claims.platform_admin ? 'true' : 'false',
  };
}
