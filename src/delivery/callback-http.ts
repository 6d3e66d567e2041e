// POSTs to services' callback URLs. A service chooses the URL, so the platform must not become its way into
// the platform's own network: outside loopback development the URL must be https, name no user or password,
// and the host must resolve only to public addresses. The check runs in the connection's own DNS lookup, so
// the address checked is the address connected to (a name cannot answer once for the check and again, with a
// private address, for the connection). Redirects are not followed (undici.request never does). Services'
// answers are not used, so at most CALLBACK_BODY_LIMIT bytes are read before the connection is dropped.
import dns from 'node:dns';
import net from 'node:net';
import { Agent, request } from 'undici';
import { NetworkError } from './providers/http.ts';

export const CALLBACK_BODY_LIMIT = 4096;

/** The URL (or the address its host resolves to) is one callbacks may not go to: a failure, not retried. */
export class CallbackRefused extends Error {
  override readonly name = 'CallbackRefused';
  readonly code = 'ERR_CALLBACK_REFUSED';
}

// Everything but the public internet: this host, private and shared networks, link-local (cloud metadata at
// 169.254.169.254), documentation, benchmarking, multicast and reserved ranges, and their IPv6 equivalents.
const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside, private or not
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23], // IETF protocol assignments (Teredo among them)
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: an IPv4 address inside
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(prefix, bits, 'ipv6');

/** True for an address callbacks may reach: public unicast IPv4 or IPv6 (IPv4-mapped ones checked as IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const [hi, lo] = [Number.parseInt(hexMapped[1], 16), Number.parseInt(hexMapped[2], 16)];
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !blocked.check(address, 'ipv6');
}

export interface CallbackPolicy {
  /** Loopback development: http and private addresses allowed (a service's test endpoint on this machine). */
  allowPrivate: boolean;
}

/** The URL, or CallbackRefused saying why it may not be called (before any connection is made). */
export function checkCallbackUrl(raw: string, policy: CallbackPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackRefused('callback URL is not a valid URL');
  }
  if (url.username || url.password) throw new CallbackRefused('callback URL must not contain a user name or password');
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:'))
    throw new CallbackRefused('callback URL must be https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && net.isIP(host) && !isPublicAddress(host))
    throw new CallbackRefused(`callback URL names a private or reserved address (${host})`);
  return url;
}

type LookupCallback = (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void;
type Resolve = (hostname: string, options: dns.LookupAllOptions) => Promise<dns.LookupAddress[]>;

/**
 * A `lookup` for net/tls.connect that resolves the name and fails unless every address is public: the
 * connection is made to an address from this answer, checked here.
 */
export function guardedLookup(resolve: Resolve = (h, o) => dns.promises.lookup(h, o)) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }).then(
      (addresses) => {
        const bad = addresses.find((a) => !isPublicAddress(a.address));
        if (bad || addresses.length === 0) {
          callback(new CallbackRefused(`callback host ${hostname} resolves to a private or reserved address`), '');
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: Error) => callback(err, ''),
    );
  };
}

const openAgent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
const guardedAgent = new Agent({ connections: 64, keepAliveTimeout: 30_000, connect: { lookup: guardedLookup() } });

function refusal(e: unknown): CallbackRefused | null {
  for (let err = e; err && typeof err === 'object'; err = (err as { cause?: unknown }).cause) {
    if (err instanceof CallbackRefused) return err;
    if ((err as { code?: unknown }).code === 'ERR_CALLBACK_REFUSED') return new CallbackRefused((err as Error).message);
  }
  return null;
}

/**
 * POST `payload` as JSON to a service's callback URL under `policy`: the status and at most CALLBACK_BODY_LIMIT
 * bytes of the answer. CallbackRefused: the URL or its address is not allowed; NetworkError: try again later.
 */
export async function postCallback(
  rawUrl: string,
  payload: unknown,
  opts: { headers?: Record<string, string>; timeoutMs: number; policy: CallbackPolicy; dispatcher?: Agent },
): Promise<{ status: number; body: string }> {
  const url = checkCallbackUrl(rawUrl, opts.policy);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher: opts.dispatcher ?? (opts.policy.allowPrivate ? openAgent : guardedAgent),
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: JSON.stringify(payload),
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      chunks.push(buf.subarray(0, CALLBACK_BODY_LIMIT - size));
      size += buf.length;
      if (size >= CALLBACK_BODY_LIMIT) {
        // The rest is never read: the connection goes rather than waiting for a body of any size.
        res.body.destroy();
        break;
      }
    }
    return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') };
  } catch (e) {
    const refused = refusal(e);
    if (refused) throw refused;
    if (signal.aborted) throw new NetworkError(`timed out after ${opts.timeoutMs} ms`);
    throw new NetworkError((e as Error).message);
  }
}
