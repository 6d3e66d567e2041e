// Configuration: parsed once, from the environment (+ .env), with zod.
// Nothing else in the code base reads process.env.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { z } from 'zod';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** A whole number from an environment string, within [min, max]. */
const int = (min: number, max?: number) => {
  const n = z.coerce.number().int().min(min);
  return max === undefined ? n : n.max(max);
};
const port = int(0, 65535);
const DEV_ADMIN_JWT_SECRET = 'dev-admin-jwt-secret-change-me';
const DEV_AUTH_PASSWORD = 'notify-authenticator-dev-password';
const postgresUrl = z
  .string()
  .url()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string');

// The variables, grouped by purpose. Each description is data (zod's .describe()) so that
// `npm run config:doc` can write docs/configuration.md from this file: one section per group.
const server = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe(
      '`production` turns GraphiQL off, requires ADMIN_JWT_SECRET, AUTHENTICATOR_PASSWORD and ' +
        'PROVIDER_CALLBACK_TOKEN (as does a HOST that is not a loopback address) and stops worker tasks ' +
        'falling back to the local S3 server.',
    ),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address the HTTP server listens on. Anything but a loopback address (`0.0.0.0`, a public address) ' +
        'makes the secrets and PROVIDER_CALLBACK_TOKEN required, as NODE_ENV=production does.',
    ),
  PORT: port.default(6011).describe('Port the HTTP server listens on.'),
  SHUTDOWN_TIMEOUT_MS: int(0, 300_000)
    .default(10_000)
    .describe(
      'On SIGTERM/SIGINT: how long in-flight requests, running jobs and pending simulated receipts each get ' +
        'to finish before they are cut off.',
    ),
  API_HOST_NAME: z
    .string()
    .url()
    .optional()
    .describe(
      'Public base URL used in `uri` fields of API responses and in the List-Unsubscribe header of emails ' +
        'whose template has an unsubscribe link. Unset: `http://localhost:$PORT`.',
    ),
  ADMIN_JWT_SECRET: z
    .string()
    .min(16)
    .default(DEV_ADMIN_JWT_SECRET)
    .describe(
      'HS256 secret of admin (GraphQL) tokens, as issued by `notify issue-admin-token`. The key of ' +
        'one-click unsubscribe links is derived from it: changing it invalidates links already sent. ' +
        'The default is for local development only: required when NODE_ENV=production or HOST is not loopback.',
    ),
});

const logging = z.object({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level of the server and its HTTP requests.'),
  LOG_FORMAT: z
    .enum(['auto', 'pretty', 'json'])
    .default('auto')
    .describe(
      'Log lines as JSON (for files and log collectors) or pretty-printed (pino-pretty) for people. ' +
        '`auto`: pretty when standard output is a terminal, JSON otherwise.',
    ),
});

const database = z.object({
  DATABASE_URL: postgresUrl
    .optional()
    .describe('Owner connection to an existing database (runs the migrations). Unset: start the embedded Postgres.'),
  AUTH_DATABASE_URL: postgresUrl
    .optional()
    .describe(
      'Connection used by the HTTP server (role notify_authenticator). ' +
        'Unset: DATABASE_URL (or the embedded server) with AUTHENTICATOR_PASSWORD.',
    ),
  API_DATABASE_URL: postgresUrl
    .optional()
    .describe(
      'Connection used by the v2 REST API (role notify_api: reads what the API reads, calls what it calls). ' +
        'Unset: DATABASE_URL (or the embedded server) as notify_api with AUTHENTICATOR_PASSWORD, set at start-up ' +
        "when AUTH_DATABASE_URL is unset too; otherwise the owner's connection.",
    ),
  AUTHENTICATOR_PASSWORD: z
    .string()
    .min(8)
    .default(DEV_AUTH_PASSWORD)
    .describe(
      'Password set on notify_authenticator (and notify_api) at start-up when AUTH_DATABASE_URL is unset. ' +
        'The default is for ' +
        'local development only: required (with AUTH_DATABASE_URL unset) when NODE_ENV=production or HOST ' +
        'is not loopback.',
    ),
  EMBEDDED_PG_PORT: port.default(5439).describe('Port of the embedded Postgres.'),
  EMBEDDED_PG_DIR: z
    .string()
    .min(1)
    .default('.pgdata')
    .describe('Data directory of the embedded Postgres, relative to the project root.'),
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .default('notify')
    .describe('Database created and used on the embedded Postgres.'),
  DB_POOL_SIZE: int(1, 500).default(20).describe('Connections of each pool (owner and authenticator).'),
});

const worker = z.object({
  WORKER_IN_PROCESS: bool
    .default('true')
    .describe('Run graphile-worker inside the HTTP server process (`npm run worker` runs it alone).'),
  WORKER_CONCURRENCY: int(1, 100)
    .default(8)
    .describe('Jobs run at once (deliver jobs past DELIVERY_CHUNKS_IN_FLIGHT wait to be merged, which costs nothing).'),
  WORKER_HEARTBEAT_MS: int(100, 600_000)
    .default(15_000)
    .describe(
      'How often each running worker records that it is alive, and releases the jobs of workers silent for ' +
        'longer than WORKER_DEAD_AFTER_MS.',
    ),
  WORKER_DEAD_AFTER_MS: int(500, 86_400_000)
    .default(120_000)
    .describe(
      "A worker silent this long is taken for dead: its locked jobs run again (graphile-worker's own lock " +
        'expiry is four hours). Keep it several heartbeats long.',
    ),
});

const s3 = z.object({
  S3_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe(
      'S3 (or compatible) endpoint. Unset: `npm start` runs a local S3 server (s3rver) on S3_LOCAL_PORT; ' +
        'set it in production.',
    ),
  S3_REGION: z.string().min(1).default('eu-west-2').describe('S3 region.'),
  S3_ACCESS_KEY_ID: z.string().min(1).default('S3RVER').describe('S3 access key.'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default('S3RVER').describe('S3 secret key.'),
  S3_LOCAL_PORT: port.default(6012).describe('Port of the local S3 server.'),
  S3_LOCAL_DIR: z
    .string()
    .min(1)
    .default('.s3data')
    .describe('Directory of the local S3 server, relative to the project root.'),
  CSV_UPLOAD_BUCKET: z
    .string()
    .min(3)
    .default('notify-csv-upload')
    .describe('Bucket for uploaded recipient CSV files (created at start-up; not written to yet).'),
  CONTACT_LIST_BUCKET: z
    .string()
    .min(3)
    .default('notify-contact-list')
    .describe('Bucket for contact list files (created at start-up; not written to yet).'),
});

const emails = z.object({
  NOTIFY_EMAIL_DOMAIN: z
    .string()
    .min(3)
    .default('notifications.service.gov.uk')
    .describe("Domain of emails' from addresses: `<the service's email_from>@NOTIFY_EMAIL_DOMAIN`."),
  DOCUMENT_DOWNLOAD_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'Base of the download links put in emails for file attachments (served by this server at `/d/…`). ' +
        'Unset: `https://documents.<NOTIFY_EMAIL_DOMAIN>`.',
    ),
  ADMIN_BASE_URL: z
    .string()
    .url()
    .default('https://www.notifications.service.gov.uk')
    .describe(
      'Base URL of the admin site, named in API messages that send a service to its settings (for example ' +
        'the contact details needed to send files by email).',
    ),
  DOCUMENT_DOWNLOAD_BUCKET: z
    .string()
    .min(3)
    .default('notify-document-download')
    .describe('Bucket holding the files attached to emails until their retention period ends.'),
});

const letters = z.object({
  LETTERS_PDF_BUCKET: z
    .string()
    .min(3)
    .default('notify-letters-pdf')
    .describe('Bucket of letter PDFs: made from templates, or precompiled ones once scanned.'),
  LETTERS_SCAN_BUCKET: z
    .string()
    .min(3)
    .default('notify-letters-scan')
    .describe('Bucket where precompiled letter PDFs wait for the virus scan.'),
  LETTERS_PRINT_BUCKET: z
    .string()
    .min(3)
    .default('notify-letters-print')
    .describe("The printer's inbox: collate-letters uploads the day's zips here (locally, the simulated DVLA)."),
  PDF_PARSE_TIMEOUT_MS: int(100)
    .default(10_000)
    .describe(
      'Time a precompiled letter PDF may take to be read (a worker thread counts its pages): longer is refused ' +
        '(the API) or fails validation (the scan).',
    ),
  PDF_PARSE_HEAP_MB: int(16)
    .default(256)
    .describe('Heap of the worker thread that reads a precompiled letter PDF: a PDF that needs more is refused.'),
});

const providers = z.object({
  SMS_STUB_URL: z
    .string()
    .url()
    .optional()
    .describe('Generic HTTP SMS provider (identifier sms-stub). Unset: `npm start` runs a local simulated one.'),
  EMAIL_STUB_URL: z
    .string()
    .url()
    .optional()
    .describe('Generic HTTP email provider (identifier email-stub). Unset: `npm start` runs a local simulated one.'),
  PROVIDER_STUB_TOKEN: z.string().optional().describe('Bearer token sent to the generic HTTP providers (optional).'),
  PROVIDER_CALLBACK_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe(
      'Required of providers calling back (receipts, inbound texts): `Authorization: Bearer …` or ' +
        '`?token=…` in the callback URL given to the provider. The server refuses to start without it when ' +
        'NODE_ENV=production, HOST is not loopback or a real provider is configured (MMG_URL, FIRETEXT_URL, ' +
        'REACH_URL, SES_*, a non-loopback SMS_STUB_URL / EMAIL_STUB_URL). Unset otherwise: open (local use).',
    ),
  SNS_TOPIC_ARNS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((arn) => arn.trim())
        .filter(Boolean),
    )
    .describe(
      'Comma-separated ARNs of the SNS topics that carry SES events to `/notifications/email/ses`. An SNS ' +
        "message from one of them with a valid signature (Amazon's certificate) is accepted without " +
        'PROVIDER_CALLBACK_TOKEN; any other SNS message there must carry the token or verify the same way.',
    ),
  MMG_URL: z.string().url().optional().describe('Endpoint of the MMG SMS provider (identifier mmg).'),
  MMG_API_KEY: z.string().default('').describe('MMG credentials, sent as `Authorization: Basic …`.'),
  FIRETEXT_URL: z.string().url().optional().describe('Endpoint of the Firetext SMS provider (identifier firetext).'),
  FIRETEXT_API_KEY: z.string().default('').describe('Firetext API key, sent in the form body.'),
  REACH_URL: z.string().url().optional().describe('Endpoint of the Reach SMS provider (identifier reach).'),
  REACH_API_KEY: z.string().default('').describe('Reach API key, sent as a bearer token (empty: none).'),
  SMTP_URL: z
    .string()
    .url()
    .optional()
    .describe('nodemailer connection URL (`smtp://user:pass@host:port`) for the smtp email provider.'),
  SES_REGION: z.string().min(1).default('eu-west-1').describe('AWS region of the ses email provider.'),
  SES_ENDPOINT: z.string().url().optional().describe('SES endpoint override (an SES stub). Unset: AWS.'),
  SES_ACCESS_KEY_ID: z
    .string()
    .optional()
    .describe("SES access key (with SES_SECRET_ACCESS_KEY). Unset: the AWS SDK's default credentials."),
  SES_SECRET_ACCESS_KEY: z.string().optional().describe('SES secret key (with SES_ACCESS_KEY_ID).'),
  SES_CONFIGURATION_SET: z.string().optional().describe('SES configuration set named on each email sent.'),
  PROVIDER_TIMEOUT_MS: int(100).default(10_000).describe('Timeout of one provider call.'),
});

const delivery = z.object({
  DELIVERY_SEND_CONCURRENCY: int(1, 500)
    .default(50)
    .describe('Messages of one chunk sent to providers that take one per request at the same time.'),
  DELIVERY_CHUNK_SIZE: int(1, 1000)
    .default(50)
    .describe(
      'Messages claimed, sent and recorded in one transaction (row locks held while providers answer). ' +
        'A worker killed mid-chunk re-sends that chunk (same reference) when the job runs again.',
    ),
  DELIVERY_CHUNKS_IN_FLIGHT: int(0, 100)
    .default(2)
    .describe(
      'Deliver jobs of one channel running in one worker process at once as separate chunks; jobs that ' +
        'start while that many run wait and go together, merged into one chunk (up to DELIVERY_CHUNK_SIZE ' +
        'messages). 0 = never merged (each job its own chunks).',
    ),
  DELIVERY_REPLAY_AFTER_MS: int(1000, 86_400_000)
    .default(300_000)
    .describe(
      'Texts and emails still `created` this long after creation (their job failed for good or died with its ' +
        'worker) get a new delivery job from the replay task (every 5 minutes). A repeat never sends twice.',
    ),
  DELIVERY_PROVIDER_BATCH: int(1, 1000)
    .default(50)
    .describe(
      'Messages per request to providers that take many at once (the generic HTTP format); 1 = one request each.',
    ),
});

const callbacks = z.object({
  CALLBACK_SUSPEND_AFTER: int(1)
    .default(5)
    .describe('Calls to a service that failed for good in a row before its callback URL is suspended.'),
  CALLBACK_TIMEOUT_MS: int(100).default(5000).describe('Timeout of one call to a service.'),
});

const simulators = z.object({
  STUB_DELIVERED_RATIO: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('Simulated providers: share of delivered outcomes.'),
  STUB_PERMANENT_FAILURE_RATIO: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('Simulated providers: share of permanent-failure outcomes (what both ratios leave fails temporarily).'),
  STUB_RECEIPT_DELAY_MS: int(0).default(1000).describe('Simulated providers: delay before the receipt is sent back.'),
  LETTER_PRINT_RESPONSE_DELAY_MS: int(0)
    .default(60_000)
    .describe('Simulated printer (DVLA): delay before its response file marks collated letters delivered.'),
});

/** The variables by purpose, in the order docs/configuration.md shows them. */
export const configSections = [
  { title: 'Server', schema: server },
  { title: 'Logging', schema: logging },
  { title: 'Database', schema: database },
  { title: 'Worker', schema: worker },
  { title: 'S3 storage', schema: s3 },
  { title: 'Emails and documents', schema: emails },
  { title: 'Letters', schema: letters },
  { title: 'Providers', schema: providers },
  { title: 'Delivery', schema: delivery },
  { title: 'Callbacks to services', schema: callbacks },
  { title: 'Simulators', schema: simulators },
] as const;

const schema = z.object({
  ...server.shape,
  ...logging.shape,
  ...database.shape,
  ...worker.shape,
  ...s3.shape,
  ...emails.shape,
  ...letters.shape,
  ...providers.shape,
  ...delivery.shape,
  ...callbacks.shape,
  ...simulators.shape,
});

export type Config = z.infer<typeof schema> & {
  /**
   * NODE_ENV=production or a HOST beyond loopback: others can reach this server, so the development
   * secrets and open provider routes are not allowed.
   */
  exposed: boolean;
  apiHostName: string;
  /** DOCUMENT_DOWNLOAD_URL, or https://documents.<NOTIFY_EMAIL_DOMAIN> (no trailing slash). */
  documentDownloadUrl: string;
  /** Path of the embedded Postgres data directory, or null when DATABASE_URL is set. */
  embeddedDir: string | null;
  buckets: string[];
};

export class ConfigError extends Error {}

/** Parse a set of variables; throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = result.data;
  const exposed = c.NODE_ENV === 'production' || !isLoopbackHost(c.HOST);
  if (exposed) {
    // The defaults are published in this repository: anyone could sign admin tokens or log in with them.
    const why = 'required when NODE_ENV=production or HOST is not a loopback address';
    const problems: string[] = [];
    if (!cleaned.ADMIN_JWT_SECRET || c.ADMIN_JWT_SECRET === DEV_ADMIN_JWT_SECRET)
      problems.push(`  ADMIN_JWT_SECRET: ${why} (at least 16 characters, not the development default)`);
    if (!c.AUTH_DATABASE_URL && (!cleaned.AUTHENTICATOR_PASSWORD || c.AUTHENTICATOR_PASSWORD === DEV_AUTH_PASSWORD))
      problems.push(`  AUTHENTICATOR_PASSWORD: ${why} unless AUTH_DATABASE_URL is set (not the development default)`);
    if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return {
    ...c,
    exposed,
    apiHostName: c.API_HOST_NAME ?? `http://localhost:${c.PORT}`,
    documentDownloadUrl: (c.DOCUMENT_DOWNLOAD_URL ?? `https://documents.${c.NOTIFY_EMAIL_DOMAIN}`).replace(/\/+$/, ''),
    embeddedDir: c.DATABASE_URL ? null : path.resolve(projectRoot, c.EMBEDDED_PG_DIR),
    buckets: [
      c.CSV_UPLOAD_BUCKET,
      c.CONTACT_LIST_BUCKET,
      c.LETTERS_PDF_BUCKET,
      c.LETTERS_SCAN_BUCKET,
      c.LETTERS_PRINT_BUCKET,
      c.DOCUMENT_DOWNLOAD_BUCKET,
    ],
  };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Why the provider callback routes would be open to forgery, or null: without PROVIDER_CALLBACK_TOKEN anyone
 * who reaches them can mark notifications failed or store texts, so the server does not start when others can
 * reach it or a real provider (which posts receipts from outside) is configured.
 */
export function providerCallbackTokenProblem(cfg: Config): string | null {
  if (cfg.PROVIDER_CALLBACK_TOKEN) return null;
  const remoteStub = (url: string | undefined) => url !== undefined && !isLoopbackHost(new URL(url).hostname);
  const reasons = [
    cfg.NODE_ENV === 'production' && 'NODE_ENV=production',
    !isLoopbackHost(cfg.HOST) && `HOST=${cfg.HOST}`,
    cfg.MMG_URL && 'MMG_URL',
    cfg.FIRETEXT_URL && 'FIRETEXT_URL',
    cfg.REACH_URL && 'REACH_URL',
    (cfg.SES_ENDPOINT || cfg.SES_ACCESS_KEY_ID || cfg.SES_CONFIGURATION_SET) && 'SES_*',
    remoteStub(cfg.SMS_STUB_URL) && 'SMS_STUB_URL',
    remoteStub(cfg.EMAIL_STUB_URL) && 'EMAIL_STUB_URL',
  ].filter(Boolean);
  if (!reasons.length) return null;
  return (
    `PROVIDER_CALLBACK_TOKEN: required with ${reasons.join(', ')} (at least 16 characters): without it anyone ` +
    'can post delivery receipts and inbound texts'
  );
}

let cached: Config | undefined;

/** The process-wide configuration (env + .env), parsed on first use. */
export function config(): Config {
  if (!cached) {
    dotenv.config({ path: path.join(projectRoot, '.env'), quiet: true } as dotenv.DotenvConfigOptions);
    cached = parseConfig(process.env);
  }
  return cached;
}
