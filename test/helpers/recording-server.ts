// A recording HTTP endpoint on 127.0.0.1: what a service's callback URL, or a provider in tests,
// would have received.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Teardown } from './db.ts';

export interface CallbackRequest {
  authorization: string | undefined;
  body: Record<string, any>;
  answeredWith: number;
}

/**
 * An endpoint on 127.0.0.1 that records each POST (a service's callback URL, or a provider in
 * tests): `respond` decides the status of each call, or its status and body (default `{}`).
 */
export async function startCallbackEndpoint(
  t: Teardown,
  respond: (n: number, body: Record<string, any>) => number | { status: number; body: string } = () => 200,
) {
  const requests: CallbackRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = {};
      }
      const answer = respond(requests.length, body);
      const { status, body: text } = typeof answer === 'number' ? { status: answer, body: '{}' } : answer;
      requests.push({ authorization: req.headers.authorization, body, answeredWith: status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, requests };
}
