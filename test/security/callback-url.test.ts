// Services' callback URLs: the platform must not call into its own network for them (private, loopback,
// link-local addresses, whatever name leads there), nor send credentials in the URL, nor read answers of any
// size; and the URL is set only through the function that checks it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Agent } from 'undici';
import {
  CALLBACK_BODY_LIMIT,
  CallbackRefused,
  checkCallbackUrl,
  guardedLookup,
  isPublicAddress,
  postCallback,
} from '../../src/delivery/callback-http.ts';
import { createTestDb } from '../helpers/db.ts';
import { createService, createUser } from '../helpers/factories.ts';
import { startCallbackEndpoint } from '../helpers/recording-server.ts';

const strict = { allowPrivate: false };

t.test('only public unicast addresses are reachable', async (t) => {
  for (const a of [
    '127.0.0.1',
    '127.5.6.7',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001:db8::1',
    'not-an-address',
  ])
    t.equal(isPublicAddress(a), false, a);
  for (const a of [
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4009:81f::200e',
    '::ffff:8.8.8.8',
  ])
    t.equal(isPublicAddress(a), true, a);
});

t.test('the URL: https, no user name or password, no private address literal', async (t) => {
  const refused = (url: string, policy = strict) =>
    t.throws(() => checkCallbackUrl(url, policy), { name: 'CallbackRefused' }, url);
  refused('http://service.example/cb');
  refused('https://user:pass@service.example/cb');
  refused('https://service.example@169.254.169.254/latest/meta-data');
  refused('http://user@127.0.0.1/cb', { allowPrivate: true });
  refused('https://127.0.0.1/cb');
  refused('https://[::1]:8443/cb');
  refused('https://[::ffff:7f00:1]/cb');
  refused('https://169.254.169.254/latest/meta-data');
  refused('https://10.0.0.8/cb');
  refused('ftp://service.example/cb');
  refused('not a url');
  t.equal(checkCallbackUrl('https://service.example/cb', strict).hostname, 'service.example');
  t.equal(checkCallbackUrl('http://127.0.0.1:9/cb', { allowPrivate: true }).port, '9', 'loopback development');
});

t.test('the connection resolves the name itself and refuses private answers', async (t) => {
  const answers: Record<string, string[]> = {
    'public.example': ['93.184.216.34'],
    'internal.example': ['10.0.0.5'],
    'mixed.example': ['93.184.216.34', '127.0.0.1'],
    'v6.example': ['fd00::1'],
  };
  const lookup = guardedLookup(async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
  const ask = (host: string, all: boolean) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      lookup(host, { all }, (err, address) => resolve({ err, address })),
    );
  t.same((await ask('public.example', false)).address, '93.184.216.34');
  t.same((await ask('public.example', true)).address, [{ address: '93.184.216.34', family: 4 }]);
  for (const host of ['internal.example', 'mixed.example', 'v6.example', 'nothing.example'])
    t.type((await ask(host, true)).err, CallbackRefused, `${host} refused`);

  // A name that leads to this machine: refused when connecting, nothing reaches the endpoint.
  const endpoint = await startCallbackEndpoint(t);
  const port = new URL(endpoint.url).port;
  const dispatcher = new Agent({
    connect: { lookup: guardedLookup(async () => [{ address: '127.0.0.1', family: 4 }]) },
  });
  t.teardown(() => dispatcher.close());
  await t.rejects(
    postCallback(
      `https://service.example:${port}/callback`,
      { id: 1 },
      { timeoutMs: 2000, policy: strict, dispatcher },
    ),
    { name: 'CallbackRefused' },
  );
  // The default strict agent: localhost resolves to loopback.
  await t.rejects(postCallback(`https://localhost:${port}/callback`, { id: 1 }, { timeoutMs: 2000, policy: strict }), {
    name: 'CallbackRefused',
  });
  t.equal(endpoint.requests.length, 0, 'the endpoint was never called');
});

t.test('at most a few KB of a service answer are read', async (t) => {
  let sent = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // An endless answer: the call must still end.
    const pump = () => {
      while (res.write(chunk)) {
        sent += chunk.length;
        if (sent > 64 * 1024 * 1024) return res.end();
      }
      res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const started = Date.now();
  const res = await postCallback(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`,
    { id: 1 },
    { timeoutMs: 5000, policy: { allowPrivate: true } },
  );
  t.equal(res.status, 200);
  t.ok(res.body.length <= CALLBACK_BODY_LIMIT, `read ${res.body.length} bytes`);
  t.ok(Date.now() - started < 4000, 'did not wait for the rest');
  t.ok(sent < 64 * 1024 * 1024, 'the connection was dropped before the server finished');
});

t.test('the callback URL is written only through set_service_callback_api', async (t) => {
  const db = await createTestDb(t, 'cburl');
  const { writable } = await db.one(
    `select has_any_column_privilege('notify_user', 'app_public.service_callback_api', 'UPDATE')
         or has_any_column_privilege('notify_user', 'app_public.service_callback_api', 'INSERT') as writable`,
  );
  t.equal(writable, false, 'no insert or update grant on any column for notify_user');
  const userId = await createUser(db, { email: 'cb@dept.gov.uk', name: 'Cb' });
  const serviceId = await createService(db, { userId, name: 'Callbacks' });
  for (const url of ['https://user:pw@service.example/cb', 'https://service.example@10.0.0.1/cb']) {
    await t.rejects(
      db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
        serviceId,
        url,
      ]),
      { code: 'NTF01', message: /user name or password/ },
      url,
    );
  }
  await t.resolves(
    db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
      serviceId,
      'https://service.example/cb?key=a@b',
    ]),
    'an @ after the host is part of the path or query',
  );
});
