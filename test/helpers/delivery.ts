// Shared set-up of the delivery tests: a test database, the app listening on 127.0.0.1 (for
// receipts), simulated SMS and email providers, a real worker, a service with templates; and
// waiting for notifications to reach a status.
import type { AddressInfo } from 'node:net';
import type { Runner } from 'graphile-worker';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from './app.ts';
import { createTestDb, type Teardown, type TestDb } from './db.ts';
import { createService, createTemplate, createUser } from './factories.ts';
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
  const { app } = await createTestApp(t, {
    db,
    config: opts.callbackToken ? { PROVIDER_CALLBACK_TOKEN: opts.callbackToken } : undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const platformUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const stubOptions = { platformUrl, receiptDelayMs: opts.receiptDelayMs ?? 30, callbackToken: opts.callbackToken };
  const sms = await startStubProvider({ channel: 'sms', ...stubOptions });
  const email = await startStubProvider({ channel: 'email', ...stubOptions });
  configureProviders({ SMS_STUB_URL: `${sms.url}/sms`, EMAIL_STUB_URL: `${email.url}/email` });
  invalidateProviderCache();
  const runner =
    opts.worker === false
      ? null
      : await startWorker({ pgPool: db.pool, concurrency: 4, crontab: false, only: DELIVERY_TASKS });
  t.teardown(async () => {
    await runner?.stop();
    await sms.close();
    await email.close();
  });

  const userId = await createUser(db, { email: 'dev@dept.gov.uk', name: 'Dev' });
  const serviceId = await createService(db, { userId, name: 'Parking', emailFrom: 'parking' });
  const smsTemplateId = await createTemplate(db, {
    serviceId,
    type: 'sms',
    name: 'S',
    content: 'Hello ((name)), your code is ((code))',
  });
  const emailTemplateId = await createTemplate(db, {
    serviceId,
    type: 'email',
    name: 'E',
    subject: 'Permit for ((name))',
    content: '# Your permit\n\nDear ((name)),\n\n* one\n* two',
  });
  return { db, app, platformUrl, sms, email, runner, serviceId, userId, smsTemplateId, emailTemplateId };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
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

export async function waitForStatuses(
  db: TestDb,
  ids: string[],
  done: (s: string) => boolean,
  timeoutMs = 20_000,
): Promise<string[]> {
  return waitFor(
    `statuses of ${ids.length} notifications`,
    async () => {
      const s = await statuses(db, ids);
      return s.every(done) ? s : null;
    },
    timeoutMs,
  );
}
