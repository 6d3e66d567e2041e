// Minimal HTTP client for provider and callback calls: keep-alive agents (the hot path makes
// thousands of small POSTs), a hard timeout, and no exceptions for HTTP error statuses.
import http from 'node:http';
import https from 'node:https';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpResponse {
  status: number;
  body: string;
}

export class NetworkError extends Error {}

export function httpPost(
  url: string,
  body: string,
  opts: { headers?: Record<string, string>; timeoutMs: number; contentType?: string },
): Promise<HttpResponse> {
  const u = new URL(url);
  const isHttps = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(
      u,
      {
        method: 'POST',
        agent: isHttps ? httpsAgent : httpAgent,
        headers: {
          'content-type': opts.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(body),
          ...opts.headers,
        },
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(new NetworkError(e.message)));
      },
    );
    req.on('timeout', () => req.destroy(new NetworkError(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof NetworkError ? e : new NetworkError(e.message)));
    req.end(body);
  });
}

export const postJson = (url: string, payload: unknown, opts: { headers?: Record<string, string>; timeoutMs: number }) =>
  httpPost(url, JSON.stringify(payload), opts);
