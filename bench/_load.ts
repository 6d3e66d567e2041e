// Load generator for bench/api.ts, run as a child process so it does not share the server's event
// loop: autocannon POSTing JSON to URL for DURATION seconds with CONNECTIONS connections. With
// SERVICE_ID + SECRET set, each request carries a JWT from a pool of tokens re-made every 2 s. RATE: at most that
// many requests a second in all (a fixed rate, bench/soak.ts), instead of as many as the connections can send.
// Prints the autocannon result as JSON on stdout.
import autocannon from 'autocannon';
import { createApiToken } from '../src/auth/jwt-auth.ts';

const url = process.env.URL!;
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 50);
const body = process.env.BODY ?? '{}';
const serviceId = process.env.SERVICE_ID;
const secret = process.env.SECRET;
const rate = Number(process.env.RATE ?? 0);

let tokens: string[] = [];
const refresh = () => {
  if (!serviceId || !secret) return;
  const now = Date.now();
  // Different iat values give different tokens: a small pool, as many clients sending at once would.
  tokens = Array.from({ length: 16 }, (_, i) => createApiToken(serviceId, secret, new Date(now - i * 1000)));
};
refresh();
const timer = setInterval(refresh, 2000);
let n = 0;

const result = await autocannon({
  url,
  method: 'POST',
  connections,
  duration,
  ...(rate > 0 ? { overallRate: rate } : {}),
  headers: { 'content-type': 'application/json' },
  body,
  requests: [
    {
      setupRequest: (req) =>
        tokens.length
          ? { ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[n++ % tokens.length]}` } }
          : req,
    },
  ],
});
clearInterval(timer);
process.stdout.write(`${JSON.stringify(result)}\n`);
