// Provider registry: clients by provider_details.identifier, built from the configuration
// (or from endpoints set at run time: the local simulated providers, tests), and the choice of
// provider for a message from the active rows of provider_details, cached 10 s.
import type pg from 'pg';
import { config, type Config } from '../../config.ts';
import { HttpSmsProvider } from './sms.ts';
import { HttpEmailProvider, SesEmailProvider, SmtpEmailProvider } from './email.ts';
import { ProviderError, type EmailProvider, type SmsProvider } from './types.ts';

export * from './types.ts';

type SettingKey =
  | 'SMS_STUB_URL'
  | 'EMAIL_STUB_URL'
  | 'PROVIDER_STUB_TOKEN'
  | 'MMG_URL'
  | 'MMG_API_KEY'
  | 'FIRETEXT_URL'
  | 'FIRETEXT_API_KEY'
  | 'REACH_URL'
  | 'REACH_API_KEY'
  | 'SMTP_URL'
  | 'SES_REGION'
  | 'SES_ENDPOINT'
  | 'SES_ACCESS_KEY_ID'
  | 'SES_SECRET_ACCESS_KEY'
  | 'SES_CONFIGURATION_SET'
  | 'PROVIDER_TIMEOUT_MS';
export type ProviderSettings = Pick<Config, SettingKey>;

let overrides: Partial<ProviderSettings> = {};
const smsClients = new Map<string, SmsProvider>();
const emailClients = new Map<string, EmailProvider>();

/** Set provider endpoints at run time (local simulated providers started by the server, tests). */
export function configureProviders(settings: Partial<ProviderSettings>): void {
  overrides = { ...overrides, ...settings };
  smsClients.clear();
  emailClients.clear();
}

export function providerSettings(): ProviderSettings {
  return { ...config(), ...overrides };
}

function notConfigured(identifier: string, variable: string): never {
  throw new ProviderError(identifier, `not configured (set ${variable})`);
}

export function smsProvider(identifier: string): SmsProvider {
  const cached = smsClients.get(identifier);
  if (cached) return cached;
  const s = providerSettings();
  const timeoutMs = s.PROVIDER_TIMEOUT_MS;
  let client: SmsProvider;
  switch (identifier) {
    case 'sms-stub':
      if (!s.SMS_STUB_URL) notConfigured(identifier, 'SMS_STUB_URL');
      client = new HttpSmsProvider({
        identifier,
        style: 'generic',
        url: s.SMS_STUB_URL,
        apiKey: s.PROVIDER_STUB_TOKEN ?? '',
        timeoutMs,
      });
      break;
    case 'mmg':
      if (!s.MMG_URL) notConfigured(identifier, 'MMG_URL');
      client = new HttpSmsProvider({ identifier, style: 'mmg', url: s.MMG_URL, apiKey: s.MMG_API_KEY, timeoutMs });
      break;
    case 'firetext':
      if (!s.FIRETEXT_URL) notConfigured(identifier, 'FIRETEXT_URL');
      client = new HttpSmsProvider({
        identifier,
        style: 'firetext',
        url: s.FIRETEXT_URL,
        apiKey: s.FIRETEXT_API_KEY,
        timeoutMs,
      });
      break;
    case 'reach':
      if (!s.REACH_URL) notConfigured(identifier, 'REACH_URL');
      client = new HttpSmsProvider({
        identifier,
        style: 'reach',
        url: s.REACH_URL,
        apiKey: s.REACH_API_KEY,
        timeoutMs,
      });
      break;
    default:
      throw new ProviderError(identifier, 'unknown SMS provider');
  }
  smsClients.set(identifier, client);
  return client;
}

export function emailProvider(identifier: string): EmailProvider {
  const cached = emailClients.get(identifier);
  if (cached) return cached;
  const s = providerSettings();
  let client: EmailProvider;
  switch (identifier) {
    case 'email-stub':
      if (!s.EMAIL_STUB_URL) notConfigured(identifier, 'EMAIL_STUB_URL');
      client = new HttpEmailProvider(identifier, s.EMAIL_STUB_URL, s.PROVIDER_STUB_TOKEN ?? '', s.PROVIDER_TIMEOUT_MS);
      break;
    case 'ses':
      client = new SesEmailProvider({
        region: s.SES_REGION,
        endpoint: s.SES_ENDPOINT,
        accessKeyId: s.SES_ACCESS_KEY_ID,
        secretAccessKey: s.SES_SECRET_ACCESS_KEY,
        configurationSet: s.SES_CONFIGURATION_SET,
      });
      break;
    case 'smtp':
      if (!s.SMTP_URL) notConfigured(identifier, 'SMTP_URL');
      client = new SmtpEmailProvider(s.SMTP_URL, s.PROVIDER_TIMEOUT_MS);
      break;
    default:
      throw new ProviderError(identifier, 'unknown email provider');
  }
  emailClients.set(identifier, client);
  return client;
}

// ---------------------------------------------------------------------------------------------
// Choice
// ---------------------------------------------------------------------------------------------

export interface ProviderRow {
  identifier: string;
  priority: number;
  supports_international: boolean;
}

export const PROVIDER_CACHE_MS = 10_000;
const cache = new Map<string, { at: number; rows: ProviderRow[] }>();

export function invalidateProviderCache(): void {
  cache.clear();
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Active providers of a channel, at most PROVIDER_CACHE_MS old. */
export async function activeProviders(db: Queryable, notificationType: 'sms' | 'email'): Promise<ProviderRow[]> {
  const hit = cache.get(notificationType);
  if (hit && Date.now() - hit.at < PROVIDER_CACHE_MS) return hit.rows;
  const { rows } = await db.query<ProviderRow>('select * from app_hidden.delivery_providers($1)', [notificationType]);
  cache.set(notificationType, { at: Date.now(), rows });
  return rows;
}

/** Weighted random choice by priority (one candidate = 100 %; all weights 0 = equal chances). */
export function chooseProvider(rows: ProviderRow[], international: boolean, random = Math.random): string | null {
  const candidates = international ? rows.filter((r) => r.supports_international) : rows;
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0].identifier;
  const total = candidates.reduce((sum, r) => sum + r.priority, 0);
  if (total <= 0) return candidates[Math.floor(random() * candidates.length)].identifier;
  let pick = random() * total;
  for (const r of candidates) {
    pick -= r.priority;
    if (pick < 0) return r.identifier;
  }
  return candidates[candidates.length - 1].identifier;
}
