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
      '`production` turns GraphiQL off, requires ADMIN_JWT_SECRET and stops worker tasks falling back ' +
        'to the local S3 server.',
    ),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server listens on.'),
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
    .default('dev-admin-jwt-secret-change-me')
    .describe(
      'HS256 secret of admin (GraphQL) tokens, as issued by `notify issue-admin-token`. The key of ' +
        'one-click unsubscribe links is derived from it: changing it invalidates links already sent.',
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
  AUTHENTICATOR_PASSWORD: z
    .string()
    .min(8)
    .default('notify-authenticator-dev-password')
    .describe('Password set on notify_authenticator at start-up when AUTH_DATABASE_URL is unset.'),
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
      'Required of providers calling back (receipts, inbound texts) when set: `Authorization: Bearer …` ' +
        'or `?token=…` in the callback URL given to the provider. Unset: those routes are open (local use).',
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
  if (c.NODE_ENV === 'production' && !env.ADMIN_JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_JWT_SECRET: required when NODE_ENV=production');
  }
  return {
    ...c,
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

let cached: Config | undefined;

/** The process-wide configuration (env + .env), parsed on first use. */
export function config(): Config {
  if (!cached) {
    dotenv.config({ path: path.join(projectRoot, '.env'), quiet: true } as dotenv.DotenvConfigOptions);
    cached = parseConfig(process.env);
  }
  return cached;
}
