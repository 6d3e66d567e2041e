// One-click unsubscribe links of emails whose template has has_unsubscribe_link, as notifications-api
// (models.py Notification.get_unsubscribe_link_for_headers / _for_body, utils.py url_with_token): the
// recipient's address travels in the link as an encrypted token, so the POST needs no other lookup to
// know who asked, and a link cannot be forged for another address or notification's recipient.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// From notifications-api, one_click_unsubscribe/rest.py: links are honoured for a year.
export const UNSUBSCRIBE_TOKEN_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;

// Fernet (the format of Notify's tokens, notifications-utils url_safe_token with TOKEN_SECRET_KEY):
// version byte, 64-bit timestamp, AES-128-CBC of the payload, HMAC-SHA256 over all of it.
const VERSION = 0x80;
// Fernet refuses tokens stamped further than this in the future (clock skew between servers).
const MAX_CLOCK_SKEW_SECONDS = 60;

export class InvalidUnsubscribeToken extends Error {
  override name = 'InvalidUnsubscribeToken';
}

const keys = new Map<string, Buffer>();

/**
 * The 32-byte Fernet key, derived from a server secret (ADMIN_JWT_SECRET, required in production)
 * so that no separate key needs managing; HKDF keeps it independent of the secret's other use.
 */
export function unsubscribeTokenKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'notify', 'one-click unsubscribe token', 32));
    keys.set(secret, key);
  }
  return key;
}

function b64url(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function generateUnsubscribeToken(emailAddress: string, key: Buffer, now = Date.now()): string {
  const header = Buffer.alloc(9);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', key.subarray(16, 32), iv);
  const body = Buffer.concat([header, iv, cipher.update(emailAddress, 'utf8'), cipher.final()]);
  const mac = createHmac('sha256', key.subarray(0, 16)).update(body).digest();
  return b64url(Buffer.concat([body, mac]));
}

/** The address in a token; throws InvalidUnsubscribeToken when it is malformed, forged or too old. */
export function checkUnsubscribeToken(
  token: string,
  key: Buffer,
  maxAgeSeconds = UNSUBSCRIBE_TOKEN_MAX_AGE_SECONDS,
  now = Date.now(),
): string {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new InvalidUnsubscribeToken('malformed');
  const raw = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // version + timestamp + iv + at least one cipher block + mac
  if (raw.length < 9 + 16 + 16 + 32 || (raw.length - 9 - 16 - 32) % 16 !== 0 || raw[0] !== VERSION) {
    throw new InvalidUnsubscribeToken('malformed');
  }
  const body = raw.subarray(0, raw.length - 32);
  const mac = createHmac('sha256', key.subarray(0, 16)).update(body).digest();
  if (!timingSafeEqual(mac, raw.subarray(raw.length - 32))) throw new InvalidUnsubscribeToken('bad signature');
  const issued = Number(raw.readBigUInt64BE(1));
  const nowSeconds = Math.floor(now / 1000);
  if (issued + maxAgeSeconds < nowSeconds) throw new InvalidUnsubscribeToken('expired');
  if (issued > nowSeconds + MAX_CLOCK_SKEW_SECONDS) throw new InvalidUnsubscribeToken('from the future');
  try {
    const decipher = createDecipheriv('aes-128-cbc', key.subarray(16, 32), raw.subarray(9, 25));
    return Buffer.concat([decipher.update(raw.subarray(25, raw.length - 32)), decipher.final()]).toString('utf8');
  } catch {
    throw new InvalidUnsubscribeToken('bad padding');
  }
}

/** `{base}/unsubscribe/<notification id>/<token>`, as Notify's url_with_token. */
export function unsubscribeLink(baseUrl: string, notificationId: string, emailAddress: string, key: Buffer): string {
  return `${baseUrl.replace(/\/+$/, '')}/unsubscribe/${notificationId}/${generateUnsubscribeToken(emailAddress, key)}`;
}

export interface UnsubscribeLinks {
  /** For List-Unsubscribe: the API's POST endpoint, or the link given with the request. */
  headers: string | null;
  /** For the footer: the admin site's page, which asks the recipient to confirm. */
  body: string | null;
}

/**
 * As notifications-api's Notification.get_unsubscribe_link_for_headers / _for_body: a
 * one_click_unsubscribe_url given with the request wins in the headers (and adds no footer); a
 * template with has_unsubscribe_link gets a link of Notify's making on the API host, for the headers
 * and for the footer (whose page Notify's admin site serves; here the API does).
 */
export function unsubscribeLinks(opts: {
  notificationId: string;
  to: string;
  requestUrl: string | null;
  templateHasUnsubscribeLink: boolean;
  apiHostName: string;
  key: Buffer;
}): UnsubscribeLinks {
  const make = (base: string) => unsubscribeLink(base, opts.notificationId, opts.to, opts.key);
  return {
    headers: opts.requestUrl || (opts.templateHasUnsubscribeLink ? make(opts.apiHostName) : null),
    // Notify's footer link is on its admin site; here the API serves that page too.
    body: opts.templateHasUnsubscribeLink ? make(opts.apiHostName) : null,
  };
}
