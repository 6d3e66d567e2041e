// Admin (GraphQL) authentication: `Authorization: Bearer <JWT>` signed with ADMIN_JWT_SECRET,
// claims {sub: user_id, platform_admin?: bool}. The claims become Postgres settings for RLS.
import jwt from 'jsonwebtoken';
import { z } from 'zod';

const claimsSchema = z.object({
  sub: z.string().uuid(),
  platform_admin: z.boolean().optional(),
});
export type AdminClaims = z.infer<typeof claimsSchema>;

export class AdminAuthError extends Error {}

export function issueAdminToken(secret: string, userId: string, platformAdmin: boolean, expiresIn = '12h'): string {
  return jwt.sign({ sub: userId, platform_admin: platformAdmin }, secret, {
    algorithm: 'HS256',
    expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
  });
}

/** Claims of a valid admin token; null when there is no Authorization header. */
export function verifyAdminHeader(secret: string, header: string | undefined): AdminClaims | null {
  if (!header) return null;
  const match = /^bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw new AdminAuthError('Authorization header must use the Bearer scheme');
  let decoded: unknown;
  try {
    decoded = jwt.verify(match[1], secret, { algorithms: ['HS256'] });
  } catch (e) {
    throw new AdminAuthError(`Invalid token: ${(e as Error).message}`);
  }
  const parsed = claimsSchema.safeParse(decoded);
  if (!parsed.success) throw new AdminAuthError('Invalid token: sub must be a user id (uuid)');
  return parsed.data;
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
