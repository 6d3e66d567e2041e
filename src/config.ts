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
const port = z.coerce.number().int().min(0).max(65535);
const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// connection string');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(6011),
  /** Public base URL used in `uri` fields of API responses. */
  API_HOST_NAME: z.string().url().optional(),
  /** Owner connection to an existing database. Unset: start the embedded Postgres. */
  DATABASE_URL: postgresUrl.optional(),
  /** Connection used by the HTTP server (role notify_authenticator). Defaults from DATABASE_URL. */
  AUTH_DATABASE_URL: postgresUrl.optional(),
  AUTHENTICATOR_PASSWORD: z.string().min(8).default('notify-authenticator-dev-password'),
  EMBEDDED_PG_PORT: port.default(5439),
  EMBEDDED_PG_DIR: z.string().min(1).default('.pgdata'),
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .default('notify'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  ADMIN_JWT_SECRET: z.string().min(16).default('dev-admin-jwt-secret-change-me'),
  /** Run graphile-worker inside the HTTP server process. */
  WORKER_IN_PROCESS: bool.default('true'),
  /** Jobs run at once (deliver jobs past DELIVERY_CHUNKS_IN_FLIGHT wait to be merged, which costs nothing). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('eu-west-2'),
  S3_ACCESS_KEY_ID: z.string().min(1).default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default('S3RVER'),
  S3_LOCAL_PORT: port.default(6012),
  S3_LOCAL_DIR: z.string().min(1).default('.s3data'),
  CSV_UPLOAD_BUCKET: z.string().min(3).default('notify-csv-upload'),
  CONTACT_LIST_BUCKET: z.string().min(3).default('notify-contact-list'),
  LETTERS_PDF_BUCKET: z.string().min(3).default('notify-letters-pdf'),
  LETTERS_SCAN_BUCKET: z.string().min(3).default('notify-letters-scan'),
  /** The printer's inbox: collate-letters uploads the day's zips here (locally, the simulated DVLA). */
  LETTERS_PRINT_BUCKET: z.string().min(3).default('notify-letters-print'),
  DOCUMENT_DOWNLOAD_BUCKET: z.string().min(3).default('notify-document-download'),
  NOTIFY_EMAIL_DOMAIN: z.string().min(3).default('notifications.service.gov.uk'),
  /** Base of the download links put in emails for file attachments (served by this server at /d/…). */
  DOCUMENT_DOWNLOAD_URL: z.string().url().optional(),
  // Delivery. Provider URLs unset: `npm start` runs the local simulated providers.
  /** Simulated / generic HTTP SMS provider (identifier sms-stub). */
  SMS_STUB_URL: z.string().url().optional(),
  /** Simulated / generic HTTP email provider (identifier email-stub). */
  EMAIL_STUB_URL: z.string().url().optional(),
  /** Bearer token sent to the generic HTTP providers (optional). */
  PROVIDER_STUB_TOKEN: z.string().optional(),
  /**
   * Required of providers calling back (receipts, inbound texts) when set: `Authorization: Bearer …`
   * or `?token=…` in the callback URL given to the provider. Unset: those routes are open (local use).
   */
  PROVIDER_CALLBACK_TOKEN: z.string().min(16).optional(),
  MMG_URL: z.string().url().optional(),
  MMG_API_KEY: z.string().default(''),
  FIRETEXT_URL: z.string().url().optional(),
  FIRETEXT_API_KEY: z.string().default(''),
  REACH_URL: z.string().url().optional(),
  REACH_API_KEY: z.string().default(''),
  /** nodemailer connection URL (smtp://user:pass@host:port) for the smtp provider. */
  SMTP_URL: z.string().url().optional(),
  SES_REGION: z.string().min(1).default('eu-west-1'),
  /** SES endpoint override (an SES stub); unset: AWS. */
  SES_ENDPOINT: z.string().url().optional(),
  SES_ACCESS_KEY_ID: z.string().optional(),
  SES_SECRET_ACCESS_KEY: z.string().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** Timeout of one provider call. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Messages of one chunk sent to providers that take one per request at the same time. */
  DELIVERY_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
  /**
   * Messages claimed, sent and recorded in one transaction (row locks held while providers answer).
   * A worker killed mid-chunk re-sends that chunk (same reference) when the job runs again.
   */
  DELIVERY_CHUNK_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  /**
   * Deliver jobs of one channel running in one worker process at once as separate chunks; jobs that
   * start while that many run wait and go together, merged into one chunk (up to DELIVERY_CHUNK_SIZE
   * messages). 0 = never merged (each job its own chunks).
   */
  DELIVERY_CHUNKS_IN_FLIGHT: z.coerce.number().int().min(0).max(100).default(2),
  /** Messages per request to providers that take many at once (the generic HTTP format); 1 = one request each. */
  DELIVERY_PROVIDER_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  /** Simulated providers: share of delivered / permanent-failure outcomes (the rest temporary-failure). */
  STUB_DELIVERED_RATIO: z.coerce.number().min(0).max(1).default(0.9),
  STUB_PERMANENT_FAILURE_RATIO: z.coerce.number().min(0).max(1).default(0.05),
  /** Simulated providers: delay before the receipt is sent back. */
  STUB_RECEIPT_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Callbacks to services: calls that failed for good in a row before a URL is suspended. */
  CALLBACK_SUSPEND_AFTER: z.coerce.number().int().min(1).default(5),
  CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Simulated printer (DVLA): delay before its response file marks collated letters delivered. */
  LETTER_PRINT_RESPONSE_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
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
