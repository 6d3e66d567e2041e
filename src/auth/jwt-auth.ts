// API-key authentication for the v2 API, as a pure function.
//
// Tokens are made by the official clients: header {"typ":"JWT","alg":"HS256"}, claims
// {"iss": service_id, "iat": unix seconds}, HMAC-SHA256 over `header.payload` keyed with the
// key's secret string (its UTF-8 bytes). notifications-node-client uses jsonwebtoken.sign for
// this; we verify with node:crypto only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../lib/errors.ts';

export type KeyType = 'normal' | 'team' | 'test';

export interface ApiKeyForAuth {
  id: string;
  keyType: KeyType;
  secret: string;
  /** Set when the key was revoked. The loader decides which revoked keys it still returns
   * (Notify returns keys revoked in the last 7 days, so older ones give "API key not found"). */
  expiryDate: Date | string | null;
}

export interface ServiceForAuth {
  service: { active: boolean };
  keys: ApiKeyForAuth[];
}

export type ServiceKeyLoader = (serviceId: string) => Promise<ServiceForAuth | null>;

export interface AuthenticatedKey {
  serviceId: string;
  apiKeyId: string;
  keyType: KeyType;
}

/** Allowed clock difference between the client's `iat` and our clock, in seconds. */
export const IAT_TOLERANCE_SECONDS = 30;

export const AUTH_MESSAGES = {
  missing: 'Unauthorized: authentication token must be provided',
  scheme: 'Unauthorized: authentication bearer scheme must be used',
  decode:
    'Invalid token: make sure your API token matches the example at ' +
    'https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header',
  algorithm: 'Invalid token: algorithm used is not HS256',
  noIss: 'Invalid token: iss field not provided',
  issNotUuid: 'Invalid token: service id is not the right data type',
  serviceNotFound: 'Invalid token: service not found',
  noKeys: 'Invalid token: service has no API keys',
  archived: 'Invalid token: service is archived',
  clock: 'Error: Your system clock must be accurate to within 30 seconds',
  revoked: 'Invalid token: API key revoked',
  keyNotFound: 'Invalid token: API key not found',
} as const;

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function base64UrlDecode(segment: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(segment)) return null;
  return Buffer.from(segment.replace(/=+$/, ''), 'base64url');
}

function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlDecode(segment);
  if (!bytes || bytes.length === 0) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Splits a compact JWT without verifying it; null when it is not a decodable JWT. */
export function decodeUnverified(token: string): DecodedToken | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts;
  const header = decodeJsonSegment(h);
  const payload = decodeJsonSegment(p);
  const signature = base64UrlDecode(s);
  if (!header || !payload || !signature) return null;
  return { header, payload, signingInput: `${h}.${p}`, signature };
}

function signatureMatches(token: DecodedToken, secret: string): boolean {
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(token.signingInput).digest();
  return expected.length === token.signature.length && timingSafeEqual(expected, token.signature);
}

/** Reads the bearer token from the Authorization header (401 errors as Notify gives them). */
export function bearerToken(authorization: string | undefined | null): string {
  if (authorization === undefined || authorization === null || authorization === '') {
    throw new AuthError(401, AUTH_MESSAGES.missing);
  }
  // Notify title-cases the first 7 characters and compares them with "Bearer ".
  const scheme = authorization.slice(0, 7);
  const titled = scheme.charAt(0).toUpperCase() + scheme.slice(1).toLowerCase();
  if (titled !== 'Bearer ') throw new AuthError(401, AUTH_MESSAGES.scheme);
  return authorization.slice(7).trim();
}

/**
 * Authenticates a v2 request. Checks, in order: header present, Bearer scheme, decodable JWT,
 * HS256, `iss` present, `iss` a UUID, service found, service has keys, service not archived; then
 * each key in turn: a bad signature tries the next key, a good one with `iat` more than 30 s
 * away from `now` is the clock error, a good one on a revoked key is "revoked"; none → "not found".
 * A good signature without an `iat` claim gets the generic "make sure your token…" message (as
 * notifications-python-client's TokenIssuedAtError does).
 */
export async function authenticateApiKey(
  authorization: string | undefined | null,
  loadService: ServiceKeyLoader,
  now: Date = new Date(),
): Promise<AuthenticatedKey> {
  const raw = bearerToken(authorization);
  const token = decodeUnverified(raw);
  if (!token) throw new AuthError(403, AUTH_MESSAGES.decode);
  if (token.header.alg !== 'HS256') throw new AuthError(403, AUTH_MESSAGES.algorithm);
  const iss = token.payload.iss;
  if (iss === undefined || iss === null) throw new AuthError(403, AUTH_MESSAGES.noIss);
  if (typeof iss !== 'string' || !UUID_RE.test(iss.replace(/^\{(.*)\}$/, '$1'))) {
    throw new AuthError(403, AUTH_MESSAGES.issNotUuid);
  }
  const serviceId = canonicalUuid(iss);
  const found = await loadService(serviceId);
  if (!found) throw new AuthError(403, AUTH_MESSAGES.serviceNotFound);
  if (found.keys.length === 0) throw new AuthError(403, AUTH_MESSAGES.noKeys);
  if (!found.service.active) throw new AuthError(403, AUTH_MESSAGES.archived);

  const nowSeconds = Math.floor(now.getTime() / 1000);
  for (const key of found.keys) {
    if (!signatureMatches(token, key.secret)) continue;
    const iatRaw = token.payload.iat;
    if (iatRaw === undefined || iatRaw === null) throw new AuthError(403, AUTH_MESSAGES.decode);
    const iat = typeof iatRaw === 'number' ? Math.trunc(iatRaw) : Number.NaN;
    if (!Number.isFinite(iat) || nowSeconds > iat + IAT_TOLERANCE_SECONDS || iat > nowSeconds + IAT_TOLERANCE_SECONDS) {
      throw new AuthError(403, AUTH_MESSAGES.clock);
    }
    if (key.expiryDate !== null && key.expiryDate !== undefined) {
      throw new AuthError(403, AUTH_MESSAGES.revoked);
    }
    return { serviceId, apiKeyId: key.id, keyType: key.keyType };
  }
  throw new AuthError(403, AUTH_MESSAGES.keyNotFound);
}

function canonicalUuid(value: string): string {
  const hex = value.replace(/[{}-]/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ParsedApiKey {
  name: string;
  serviceId: string;
  secret: string;
}

/**
 * Splits a combined API key `{name}-{service_id}-{secret}` by position as the clients do:
 * secret = last 36 characters, service id = the 36 before the dash that precedes the secret.
 * The name may contain dashes (and may be empty). Throws on a string too short to hold both.
 */
export function parseApiKey(combined: string): ParsedApiKey {
  const key = combined.trim();
  if (key.length < 73) throw new Error('API key is too short to contain a service id and a secret');
  const secret = key.slice(-36);
  const serviceId = key.slice(-73, -37);
  const name = key.length > 74 ? key.slice(0, -74) : '';
  return { name, serviceId, secret };
}

/** Makes a token exactly as the official clients do (useful for tests and the CLI). */
export function createApiToken(serviceId: string, secret: string, issuedAt: Date = new Date()): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: serviceId, iat: Math.round(issuedAt.getTime() / 1000) })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}
