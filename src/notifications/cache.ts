// In-process cache of what the v2 API reads on every request: a service with its keys,
// permissions, senders, reply-to addresses, letter contacts and trial-mode recipients, and the
// templates. Entries live at most `ttlMs`; triggers (app_private.tg__notify_cache) send
// pg_notify('notify_cache', {"table", "service_id", "id"}) on every change, and a dedicated
// LISTEN connection evicts the entry at once (a revoked key stops working within milliseconds).
//
// Unknown ids (any `iss` an unauthenticated caller sends) are remembered only briefly and in bounded number.
//
// A load that started before an eviction is not stored (the generation check), so a change that
// commits while a load is running cannot leave a stale entry behind.
import pg from 'pg';
import type { ApiKeyForAuth, KeyType, ServiceForAuth } from '../auth/jwt-auth.ts';
import { normalisePhoneNumber } from '../recipients/recipients.ts';

export interface SmsSender {
  id: string;
  sender: string;
  isDefault: boolean;
  archived: boolean;
}
export interface ReplyTo {
  id: string;
  email: string;
  isDefault: boolean;
  archived: boolean;
}

export interface ServiceSnapshot extends ServiceForAuth {
  id: string;
  name: string;
  active: boolean;
  restricted: boolean;
  prefixSms: boolean;
  emailFrom: string;
  crown: boolean | null;
  rateLimit: number;
  /** Where recipients of files sent by email can get help (needed to send files). */
  contactLink: string | null;
  permissions: ReadonlySet<string>;
  service: { active: boolean };
  keys: ApiKeyForAuth[];
  smsSenders: ReadonlyMap<string, SmsSender>;
  defaultSmsSender: string | null;
  replyTos: ReadonlyMap<string, ReplyTo>;
  defaultReplyTo: string | null;
  /** Normalised phone numbers of team members and the guest list. */
  allowedPhones: ReadonlySet<string>;
  /** Lower-cased email addresses of team members and the guest list. */
  allowedEmails: ReadonlySet<string>;
}

export interface CachedTemplate {
  id: string;
  serviceId: string;
  type: 'sms' | 'email' | 'letter';
  name: string;
  content: string;
  subject: string | null;
  archived: boolean;
  hidden: boolean;
  postage: string | null;
  version: number;
  letterContactBlock: string | null;
  /** Emails of this template get Notify's unsubscribe footer and one-click headers. */
  hasUnsubscribeLink: boolean;
}

interface Entry<T> {
  value: T;
  expires: number;
}

/**
 * Ids known not to exist. Anyone can send a token with any `iss` (or a template id), so these are bounded in number
 * (oldest dropped first: a Map keeps insertion order) and kept briefly; existing services and templates are bounded
 * by the database.
 */
class MissingIds {
  private readonly expires = new Map<string, number>();
  private readonly max: number;
  private readonly ttlMs: number;

  constructor(max: number, ttlMs: number) {
    this.max = max;
    this.ttlMs = ttlMs;
  }

  get size(): number {
    return this.expires.size;
  }

  has(id: string): boolean {
    const until = this.expires.get(id);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.expires.delete(id);
    return false;
  }

  add(id: string): void {
    this.expires.delete(id);
    this.expires.set(id, Date.now() + this.ttlMs);
    if (this.expires.size > this.max) this.expires.delete(this.expires.keys().next().value as string);
  }

  delete(id: string): void {
    this.expires.delete(id);
  }

  clear(): void {
    this.expires.clear();
  }
}

const SERVICE_SQL = `
select json_build_object(
  'service', (select row_to_json(s) from (
      select s.id, s.name, s.active, s.restricted, s.prefix_sms, s.email_from, s.crown, s.rate_limit, s.contact_link
      from app_public.services s where s.id = $1) s),
  'permissions', (select coalesce(json_agg(p.permission), '[]') from app_public.service_permissions p
                  where p.service_id = $1),
  'keys', (select coalesce(json_agg(k), '[]') from app_hidden.service_api_keys($1) k
           where k.expiry_date is null or k.expiry_date > now() - interval '7 days'),
  'sms_senders', (select coalesce(json_agg(json_build_object('id', x.id, 'sender', x.sms_sender,
                     'is_default', x.is_default, 'archived', x.archived)), '[]')
                  from app_public.service_sms_senders x where x.service_id = $1),
  'reply_tos', (select coalesce(json_agg(json_build_object('id', x.id, 'email', x.email_address,
                   'is_default', x.is_default, 'archived', x.archived)), '[]')
                from app_public.service_email_reply_to x where x.service_id = $1),
  'team', (select coalesce(json_agg(json_build_object('mobile', u.mobile_number, 'email', u.email_address)), '[]')
           from app_public.user_to_service uts join app_public.users u on u.id = uts.user_id
           where uts.service_id = $1),
  'guest_list', (select coalesce(json_agg(json_build_object('type', g.recipient_type, 'recipient', g.recipient)), '[]')
                 from app_public.service_whitelist g where g.service_id = $1)
) as data`;

const TEMPLATE_SQL = `
select t.id, t.service_id, t.template_type, t.name, t.content, t.subject, t.archived, t.hidden, t.postage, t.version,
       c.contact_block, t.has_unsubscribe_link
from app_public.templates t left join app_public.service_letter_contacts c on c.id = t.service_letter_contact_id
where t.id = $1`;

interface ServiceJson {
  service: {
    id: string;
    name: string;
    active: boolean;
    restricted: boolean;
    prefix_sms: boolean;
    email_from: string;
    crown: boolean | null;
    rate_limit: number;
    contact_link: string | null;
  } | null;
  permissions: string[];
  keys: Array<{ id: string; key_type: KeyType; secret: string; expiry_date: string | null }>;
  sms_senders: Array<{ id: string; sender: string; is_default: boolean; archived: boolean }>;
  reply_tos: Array<{ id: string; email: string; is_default: boolean; archived: boolean }>;
  team: Array<{ mobile: string | null; email: string }>;
  guest_list: Array<{ type: string; recipient: string }>;
}

function toSnapshot(data: ServiceJson): ServiceSnapshot | null {
  const s = data.service;
  if (!s) return null;
  const allowedPhones = new Set<string>();
  const allowedEmails = new Set<string>();
  const addPhone = (raw: string | null) => {
    const n = raw ? normalisePhoneNumber(raw) : null;
    if (n) allowedPhones.add(n);
  };
  for (const m of data.team) {
    addPhone(m.mobile);
    allowedEmails.add(m.email.trim().toLowerCase());
  }
  for (const g of data.guest_list) {
    if (g.type === 'mobile') addPhone(g.recipient);
    else allowedEmails.add(g.recipient.trim().toLowerCase());
  }
  const smsSenders = new Map(
    data.sms_senders.map((x) => [x.id, { id: x.id, sender: x.sender, isDefault: x.is_default, archived: x.archived }]),
  );
  const replyTos = new Map(
    data.reply_tos.map((x) => [x.id, { id: x.id, email: x.email, isDefault: x.is_default, archived: x.archived }]),
  );
  return {
    id: s.id,
    name: s.name,
    active: s.active,
    restricted: s.restricted,
    prefixSms: s.prefix_sms,
    emailFrom: s.email_from,
    crown: s.crown,
    rateLimit: s.rate_limit,
    contactLink: s.contact_link,
    permissions: new Set(data.permissions),
    service: { active: s.active },
    keys: data.keys.map((k) => ({ id: k.id, keyType: k.key_type, secret: k.secret, expiryDate: k.expiry_date })),
    smsSenders,
    defaultSmsSender: data.sms_senders.find((x) => x.is_default && !x.archived)?.sender ?? null,
    replyTos,
    defaultReplyTo: data.reply_tos.find((x) => x.is_default && !x.archived)?.email ?? null,
    allowedPhones,
    allowedEmails,
  };
}

export interface V2CacheOptions {
  pool: pg.Pool;
  /** Connection string for the LISTEN connection (null: no invalidation, TTL only). */
  listenUrl: string | null;
  ttlMs?: number;
  /** How many unknown service and template ids are remembered (each); default 5000. */
  maxMissing?: number;
  /** How long an unknown id is remembered; default 5 seconds (never longer than ttlMs). */
  missingTtlMs?: number;
  onError?: (err: unknown) => void;
}

// LISTEN reconnect backoff: first retry after about a second, doubling up to half a minute.
const LISTEN_RETRY_MIN_MS = 1000;
const LISTEN_RETRY_MAX_MS = 30_000;

/** A template row (templates or templates_history, with its letter contact block) in the cache's shape. */
export function cachedTemplate(r: {
  id: string;
  service_id: string;
  template_type: CachedTemplate['type'];
  name: string;
  content: string;
  subject: string | null;
  archived: boolean;
  hidden: boolean;
  postage: string | null;
  version: number;
  contact_block: string | null;
  has_unsubscribe_link: boolean | null;
}): CachedTemplate {
  return {
    id: r.id,
    serviceId: r.service_id,
    type: r.template_type,
    name: r.name,
    content: r.content,
    subject: r.subject,
    archived: r.archived,
    hidden: r.hidden,
    postage: r.postage,
    version: r.version,
    letterContactBlock: r.contact_block,
    hasUnsubscribeLink: r.has_unsubscribe_link ?? false,
  };
}

export class V2Cache {
  private readonly pool: pg.Pool;
  private readonly ttlMs: number;
  private readonly services = new Map<string, Entry<ServiceSnapshot>>();
  private readonly templates = new Map<string, Entry<CachedTemplate>>();
  private readonly missingServices: MissingIds;
  private readonly missingTemplates: MissingIds;
  private readonly loadingServices = new Map<string, Promise<ServiceSnapshot | null>>();
  private readonly loadingTemplates = new Map<string, Promise<CachedTemplate | null>>();
  private generation = 0;
  private listener: pg.Client | null = null;
  /** The LISTEN client, connecting or connected (at most one). */
  private current: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Failed attempts since the last successful LISTEN (drives the backoff). */
  private failures = 0;
  private closed = false;
  private readonly listenUrl: string | null;
  private readonly onError: (err: unknown) => void;

  constructor(opts: V2CacheOptions) {
    this.pool = opts.pool;
    this.ttlMs = opts.ttlMs ?? 30_000;
    const missingTtl = Math.min(this.ttlMs, opts.missingTtlMs ?? 5_000);
    this.missingServices = new MissingIds(opts.maxMissing ?? 5_000, missingTtl);
    this.missingTemplates = new MissingIds(opts.maxMissing ?? 5_000, missingTtl);
    this.listenUrl = opts.listenUrl;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** Opens the LISTEN connection; until it is open (or if it fails) entries only expire by TTL. */
  async start(): Promise<void> {
    // One listener at a time: a client still connecting counts, so a retry never opens a second one.
    if (!this.listenUrl || this.closed || this.current || this.retryTimer) return;
    const client = new pg.Client({ connectionString: this.listenUrl });
    this.current = client;
    client.on('notification', (msg) => this.onNotification(msg.payload));
    client.on('error', (err) => {
      this.onError(err);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query('listen notify_cache');
      if (this.current !== client) return; // closed (or retired) meanwhile
      this.listener = client;
      this.failures = 0;
      this.clear(); // anything loaded before we listened may be stale
    } catch (err) {
      this.onError(err);
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client) {
    // A dying client reports 'error', 'end' and a failed query: only its first report schedules a retry.
    if (this.current !== client) return;
    this.current = null;
    if (this.listener === client) this.listener = null;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.clear();
    // Exponential backoff with full jitter, capped, so many processes losing Postgres at once do not
    // all come back at the same instant.
    const ceiling = Math.min(LISTEN_RETRY_MAX_MS, LISTEN_RETRY_MIN_MS * 2 ** Math.min(this.failures, 10));
    this.failures++;
    const delay = LISTEN_RETRY_MIN_MS / 2 + Math.random() * ceiling;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) void this.start();
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const l = this.current;
    this.current = null;
    this.listener = null;
    if (l) await l.end().catch(() => undefined);
  }

  clear(): void {
    this.generation++;
    this.services.clear();
    this.templates.clear();
    this.missingServices.clear();
    this.missingTemplates.clear();
  }

  /** How many entries are held (for tests and diagnostics). */
  sizes(): { services: number; templates: number; missingServices: number; missingTemplates: number } {
    return {
      services: this.services.size,
      templates: this.templates.size,
      missingServices: this.missingServices.size,
      missingTemplates: this.missingTemplates.size,
    };
  }

  private onNotification(payload: string | undefined) {
    this.generation++;
    let msg: { table?: string; service_id?: string | null; id?: string | null } = {};
    try {
      msg = JSON.parse(payload ?? '{}');
    } catch {
      this.clear();
      return;
    }
    if (msg.table === 'templates' && msg.id) {
      this.templates.delete(msg.id);
      this.missingTemplates.delete(msg.id);
    }
    if (msg.table === 'users' || !msg.service_id) {
      if (msg.table !== 'templates') {
        this.services.clear();
        this.missingServices.clear();
      }
      return;
    }
    this.services.delete(msg.service_id);
    this.missingServices.delete(msg.service_id);
  }

  private readonly lastRefresh = new Map<string, number>();

  /**
   * Drops the cached service so the next read loads it again — at most ten times a second per service
   * (used when a token matches none of the cached keys: the key may be seconds old).
   */
  refresh(serviceId: string): boolean {
    const last = this.lastRefresh.get(serviceId) ?? 0;
    if (Date.now() - last < 100) return false;
    this.lastRefresh.set(serviceId, Date.now());
    if (this.lastRefresh.size > 10_000) this.lastRefresh.clear();
    this.services.delete(serviceId);
    this.missingServices.delete(serviceId);
    return true;
  }

  /**
   * The service as cached if `has` holds for it; otherwise reloaded once (rate-limited like
   * refresh), for ids that may be seconds old (a sender or reply-to added just now).
   */
  async serviceWith(service: ServiceSnapshot, has: (s: ServiceSnapshot) => boolean): Promise<ServiceSnapshot> {
    if (has(service) || !this.refresh(service.id)) return service;
    return (await this.service(service.id)) ?? service;
  }

  async service(serviceId: string): Promise<ServiceSnapshot | null> {
    const hit = this.services.get(serviceId);
    if (hit && hit.expires > Date.now()) return hit.value;
    if (this.missingServices.has(serviceId)) return null;
    let loading = this.loadingServices.get(serviceId);
    if (!loading) {
      const generation = this.generation;
      loading = this.pool
        .query<{ data: ServiceJson }>(SERVICE_SQL, [serviceId])
        .then(({ rows }) => {
          const value = toSnapshot(rows[0].data);
          if (generation === this.generation) {
            if (value) this.services.set(serviceId, { value, expires: Date.now() + this.ttlMs });
            else {
              this.services.delete(serviceId);
              this.missingServices.add(serviceId);
            }
          }
          return value;
        })
        .finally(() => this.loadingServices.delete(serviceId));
      this.loadingServices.set(serviceId, loading);
    }
    return loading;
  }

  async template(templateId: string): Promise<CachedTemplate | null> {
    const hit = this.templates.get(templateId);
    if (hit && hit.expires > Date.now()) return hit.value;
    if (this.missingTemplates.has(templateId)) return null;
    let loading = this.loadingTemplates.get(templateId);
    if (!loading) {
      const generation = this.generation;
      loading = this.pool
        .query(TEMPLATE_SQL, [templateId])
        .then(({ rows }) => {
          const r = rows[0];
          const value: CachedTemplate | null = r ? cachedTemplate(r) : null;
          if (generation === this.generation) {
            if (value) this.templates.set(templateId, { value, expires: Date.now() + this.ttlMs });
            else {
              this.templates.delete(templateId);
              this.missingTemplates.add(templateId);
            }
          }
          return value;
        })
        .finally(() => this.loadingTemplates.delete(templateId));
      this.loadingTemplates.set(templateId, loading);
    }
    return loading;
  }
}
