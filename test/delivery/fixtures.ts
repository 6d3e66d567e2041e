// Shared set-up of the delivery tests: a test database, the app listening on 127.0.0.1 (for
// receipts), simulated SMS and email providers, a real worker, a service with templates, and a
// callback endpoint that records what services would receive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runner } from 'graphile-worker';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../helpers/app.ts';
import { createTestDb, type Teardown, type TestDb } from '../helpers/db.ts';
import { startWorker } from '../../src/worker.ts';
import { configureProviders, invalidateProviderCache } from '../../src/delivery/providers/index.ts';
import { startStubProvider, type StubProvider } from '../../src/dev/simulators/providers.ts';


export const DELIVERY_TASKS = [
  'deliver-sms',
  'deliver-email',
  'send-delivery-status',
  'send-inbound-sms',
  'send-complaint',
  'retry-delivery-receipt',
  'timeout-sending-notifications',
  'replay-created-notifications',
  'switch-sms-provider-on-slow-delivery',
  'tend-providers-back-to-middle',
];

export interface Delivery {
  db: TestDb;
  app: FastifyInstance;
  platformUrl: string;
  sms: StubProvider;
  email: StubProvider;
  runner: Runner | null;
  serviceId: string;
  userId: string;
  smsTemplateId: string;
  emailTemplateId: string;
}

export async function setupDelivery(
  t: Teardown,
  opts: { label?: string; worker?: boolean; receiptDelayMs?: number; callbackToken?: string } = {},
): Promise<Delivery> {
  const db = await createTestDb(t, opts.label ?? 'delivery');
  const { app } = await createTestApp(t, { db, config: opts.callbackToken ? { PROVIDER_CALLBACK_TOKEN: opts.callbackToken } : undefined });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const platformUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const stubOptions = { platformUrl, receiptDelayMs: opts.receiptDelayMs ?? 30, callbackToken: opts.callbackToken };
  const sms = await startStubProvider({ channel: 'sms', ...stubOptions });
  const email = await startStubProvider({ channel: 'email', ...stubOptions });
  configureProviders({ SMS_STUB_URL: `${sms.url}/sms`, EMAIL_STUB_URL: `${email.url}/email` });
  invalidateProviderCache();
  const runner = opts.worker === false ? null : await startWorker({ pgPool: db.pool, concurrency: 4, crontab: false, only: DELIVERY_TASKS });
  t.teardown(async () => {
    await runner?.stop();
    await sms.close();
    await email.close();
  });

  const user = await db.one(`select id from app_public.create_user(email_address => 'dev@dept.gov.uk', name => 'Dev', mobile_number => '07700900123')`);
  const service = await db.one(`select id from app_public.create_service(name => 'Parking', user_id => $1, email_from => 'parking', restricted => false)`, [user.id]);
  const smsTemplate = await db.one(
    `select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'S', content => 'Hello ((name)), your code is ((code))')`,
    [service.id],
  );
  const emailTemplate = await db.one(
    `select id from app_public.create_template(service_id => $1, template_type => 'email', name => 'E', subject => 'Permit for ((name))', content => '# Your permit\n\nDear ((name)),\n\n* one\n* two')`,
    [service.id],
  );
  return { db, app, platformUrl, sms, email, runner, serviceId: service.id, userId: user.id, smsTemplateId: smsTemplate.id, emailTemplateId: emailTemplate.id };
}

export interface NewNotification {
  to: string;
  personalisation?: Record<string, unknown>;
  keyType?: 'normal' | 'team' | 'test';
  clientReference?: string;
  international?: boolean;
  createdAt?: Date;
  replyToText?: string;
  unsubscribeUrl?: string;
}

/** Inserts notifications as the v2 API does (status created) and, unless told not to, queues delivery. */
export async function createNotifications(
  d: Delivery,
  type: 'sms' | 'email',
  list: NewNotification[],
  opts: { enqueue?: boolean; batchSize?: number } = {},
): Promise<string[]> {
  const templateId = type === 'sms' ? d.smsTemplateId : d.emailTemplateId;
  const rows = await d.db.query<{ id: string }>(
    `insert into app_public.notifications (service_id, template_id, template_version, notification_type, key_type, "to", normalised_to,
        _personalisation, client_reference, international, created_at, reply_to_text, one_click_unsubscribe_url)
     select $1, $2, 1, $3, coalesce(x.j->>'key_type', 'normal'), x.j->>'to', lower(x.j->>'to'),
            app_private.encrypt(coalesce(x.j->'personalisation', '{}'::jsonb)::text), x.j->>'client_reference',
            coalesce((x.j->>'international')::boolean, false), coalesce((x.j->>'created_at')::timestamptz, now()),
            x.j->>'reply_to_text', x.j->>'unsubscribe_url'
     from jsonb_array_elements($4::jsonb) with ordinality as x(j, ord)
     order by x.ord
     returning id`,
    [
      d.serviceId,
      templateId,
      type,
      JSON.stringify(
        list.map((n) => ({
          to: n.to,
          personalisation: n.personalisation ?? { name: 'Jo', code: '1234' },
          key_type: n.keyType,
          client_reference: n.clientReference,
          international: n.international,
          created_at: n.createdAt?.toISOString(),
          reply_to_text: n.replyToText,
          unsubscribe_url: n.unsubscribeUrl,
        })),
      ),
    ],
  );
  const ids = rows.map((r) => r.id);
  if (opts.enqueue !== false) await d.db.query('select app_hidden.enqueue_delivery($1::uuid[], $2)', [ids, opts.batchSize ?? 50]);
  return ids;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function statuses(db: TestDb, ids: string[]): Promise<string[]> {
  const rows = await db.query<{ id: string; notification_status: string }>(
    'select id, notification_status from app_public.notifications where id = any($1::uuid[])',
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r.notification_status]));
  return ids.map((id) => byId.get(id) ?? 'missing');
}

export async function waitForStatuses(db: TestDb, ids: string[], done: (s: string) => boolean, timeoutMs = 20_000): Promise<string[]> {
  return waitFor(`statuses of ${ids.length} notifications`, async () => {
    const s = await statuses(db, ids);
    return s.every(done) ? s : null;
  }, timeoutMs);
}

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
