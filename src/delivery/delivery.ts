// deliver-sms / deliver-email: claim a chunk in SQL (row locks), build each message with the
// template renderer, hand it to a provider chosen from provider_details, then record every outcome
// in one statement and commit.
import type { JobHelpers, Task } from 'graphile-worker';
import type pg from 'pg';
import { config } from '../config.ts';
import { payloadIds } from '../lib/payload-ids.ts';
import { unsubscribeLinks, unsubscribeTokenKey } from '../notifications/unsubscribe.ts';
import { renderEmail, renderSms, unsubscribeHeaders, type Personalisation } from '../templates/template.ts';
import {
  activeProviders,
  chooseProvider,
  emailProvider,
  invalidateProviderCache,
  ProviderError,
  smsProvider,
  type BatchResult,
  type EmailMessage,
  type SmsMessage,
} from './providers/index.ts';

export type Channel = 'sms' | 'email';

export interface ClaimedRow {
  id: string;
  notification_type: Channel;
  key_type: string;
  to: string;
  normalised_to: string | null;
  international: boolean;
  personalisation: string | null;
  template_content: string;
  template_subject: string | null;
  service_id: string;
  service_name: string;
  prefix_sms: boolean;
  email_from: string;
  sender: string | null;
  reply_to: string | null;
  one_click_unsubscribe_url: string | null;
  created_at: Date;
  /** False once the service was deactivated: the row fails (technical-failure) without a provider call. */
  service_active: boolean;
  /** The template version asks for Notify's unsubscribe footer and headers (emails only). */
  template_has_unsubscribe_link: boolean;
}

type Outcome =
  | { id: string; outcome: 'sent'; provider: string; reference: string; billable_units: number; status?: string }
  | { id: string; outcome: 'retry' | 'failed'; provider: string | null; billable_units: number }
  | { id: string; outcome: 'simulated'; provider: string; billable_units: number; status: string };

export interface BatchReport {
  claimed: number;
  sent: number;
  simulated: number;
  retry: number;
  failed: number;
  errors: string[];
}

/** Outcomes of test-key notifications, decided by the recipient. */
export function simulatedStatus(type: Channel, to: string): string {
  if (type === 'sms') {
    const digits = to.replace(/\D/g, '');
    if (digits.endsWith('7700900003')) return 'temporary-failure';
    if (digits.endsWith('7700900002')) return 'permanent-failure';
    return 'delivered';
  }
  const address = to.trim().toLowerCase();
  if (address === 'temp-fail@simulator.notify') return 'temporary-failure';
  if (address === 'perm-fail@simulator.notify') return 'permanent-failure';
  return 'delivered';
}

function parsePersonalisation(text: string | null): Personalisation {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Personalisation) : {};
}

export function buildSms(row: ClaimedRow): { message: SmsMessage; billableUnits: number } {
  const rendered = renderSms({ content: row.template_content }, parsePersonalisation(row.personalisation), {
    prefix: row.prefix_sms ? row.service_name : null,
  });
  return {
    message: {
      id: row.id,
      to: row.to,
      content: rendered.bodyWithPrefix,
      sender: row.sender,
      international: row.international,
    },
    billableUnits: rendered.fragmentCount,
  };
}

export function buildEmail(row: ClaimedRow, domain: string): EmailMessage {
  const cfg = config();
  const links = unsubscribeLinks({
    notificationId: row.id,
    to: row.to,
    requestUrl: row.one_click_unsubscribe_url,
    templateHasUnsubscribeLink: row.template_has_unsubscribe_link,
    apiHostName: cfg.apiHostName,
    key: unsubscribeTokenKey(cfg.ADMIN_JWT_SECRET),
  });
  const rendered = renderEmail(
    { subject: row.template_subject ?? '', content: row.template_content },
    parsePersonalisation(row.personalisation),
    { unsubscribeLink: links.body },
  );
  const headers = unsubscribeHeaders(links.headers);
  const name = row.service_name.replace(/["\\\r\n]/g, '');
  return {
    id: row.id,
    to: row.to,
    from: `"${name}" <${row.email_from}@${domain}>`,
    subject: rendered.subject,
    text: rendered.body,
    html: rendered.html,
    replyTo: row.reply_to,
    headers,
  };
}

/** Runs fn over items with at most `limit` in flight. */
export async function mapBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

type WithClient = <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/** One deliver job's part: where to get a connection, where to log, and whether it is its last attempt. */
export interface DeliverOptions {
  withPgClient: WithClient;
  logger?: Pick<JobHelpers['logger'], 'warn' | 'error' | 'info'>;
  /** True when no retry follows (the job's last attempt): failures become technical-failure. */
  lastAttempt: boolean;
  concurrency?: number;
}

/** Options of one delivery run, which may serve several jobs: the ids whose job is on its last attempt. */
interface RunOptions extends Omit<DeliverOptions, 'lastAttempt'> {
  finalIds: Set<string>;
}

/**
 * Delivers `ids`. Per chunk of DELIVERY_CHUNK_SIZE ids, one transaction: lock the rows
 * (claim_notifications: for update skip locked, nothing written), hand each message to a provider,
 * record every outcome (record_delivery_results), commit. A text is written once on its way out;
 * a repeated job sends nothing twice (rows already sent are not claimed). A worker killed before
 * the commit leaves its chunk created: the job's retry (or the replay task) sends it again with
 * the same reference, which providers can drop. A record or commit that fails after the providers
 * answered is tried again on its own (recordAgain), never by sending again. Returns the ids to
 * retry (graphile-worker backs off and runs their job again; the next claim picks up just those rows).
 */
async function deliverIds(
  channel: Channel,
  ids: string[],
  opts: RunOptions,
): Promise<{ report: BatchReport; retry: Set<string> }> {
  const report: BatchReport = { claimed: 0, sent: 0, simulated: 0, retry: 0, failed: 0, errors: [] };
  const retry = new Set<string>();
  const failedProviders = new Map<string, string>();
  const size = config().DELIVERY_CHUNK_SIZE;
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size);
    let outcomes: Outcome[] = [];
    let recordError: unknown = null;
    await opts.withPgClient(async (client) => {
      await client.query('begin');
      try {
        outcomes = await sendClaimed(channel, client, chunk, opts, report, failedProviders);
        if (outcomes.length)
          await client.query('select app_private.record_delivery_results($1::jsonb)', [JSON.stringify(outcomes)]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        // Before any provider call (the claim failed): nothing was sent, the job simply fails.
        if (outcomes.length === 0) throw e;
        recordError = e;
      }
    });
    if (recordError) await recordAgain(outcomes, recordError, opts);
    for (const o of outcomes) {
      report[o.outcome === 'sent' ? 'sent' : o.outcome]++;
      if (o.outcome === 'retry') retry.add(o.id);
    }
  }
  if (failedProviders.size)
    await opts.withPgClient(async (client) => {
      for (const [identifier, reason] of failedProviders) {
        const { rows: changed } = await client.query<{ changed: boolean }>(
          'select app_private.deprioritise_provider($1, $2) as changed',
          [identifier, reason.slice(0, 300)],
        );
        if (changed[0]?.changed) {
          invalidateProviderCache();
          opts.logger?.warn(`provider ${identifier} deprioritised after an error: ${reason}`);
        }
      }
    });
  return { report, retry };
}

/**
 * What providers accepted but could not be recorded (the record or the commit failed), by
 * notification id: the next claim of such a row records this outcome instead of calling the provider
 * again. Kept for an hour, for at most REMEMBERED ids, in this process only: after a restart the row is
 * sent again with the same reference (our notification id), which the simulated provider and the
 * providers that honour a reference drop; SES and SMTP do not, which the error log names.
 */
const unrecorded = new Map<string, { outcome: Outcome; at: number }>();
const REMEMBERED = 100_000;
const REMEMBER_MS = 3600_000;
/** Tries of recording outcomes again, in a new transaction, after the chunk's own record failed. */
const RECORD_TRIES = 3;

/** Counters of the record-after-send path (exposed for monitoring and tests). */
export const deliveryRecordStats = {
  /** Chunks whose record or commit failed after providers had accepted messages. */
  recordFailures: 0,
  /** Of those, recorded by a later try in the same run. */
  recordedOnRetry: 0,
  /** Messages left unrecorded by a run (remembered for the next claim). */
  unrecorded: 0,
  /** Remembered outcomes recorded by a later claim, with no second provider call. */
  recovered: 0,
};

/** Forgets the remembered outcomes, as a restarted process would (tests). */
export function forgetUnrecorded(): void {
  unrecorded.clear();
}

/** Providers that do not drop a message repeated with the same reference. */
const REPEATS_DELIVERED = new Set(['ses', 'smtp']);

/**
 * The chunk's record or commit failed after the providers answered: record the same outcomes again
 * in new transactions rather than send again (record_delivery_results skips rows already recorded,
 * so a commit that did land is harmless). If every try fails, accepted messages are remembered for
 * the next claim (the job fails, graphile-worker retries it) and the error is raised.
 */
async function recordAgain(outcomes: Outcome[], error: unknown, opts: RunOptions): Promise<void> {
  deliveryRecordStats.recordFailures++;
  let last = error;
  for (let attempt = 1; attempt < RECORD_TRIES; attempt++) {
    await new Promise((r) => setTimeout(r, 100 * attempt));
    try {
      await opts.withPgClient((client) =>
        client.query('select app_private.record_delivery_results($1::jsonb)', [JSON.stringify(outcomes)]),
      );
      deliveryRecordStats.recordedOnRetry++;
      opts.logger?.warn(`delivery outcomes recorded on try ${attempt + 1}: ${(error as Error).message}`);
      return;
    } catch (e) {
      last = e;
    }
  }
  const accepted = outcomes.filter((o) => o.outcome === 'sent');
  for (const o of accepted) {
    unrecorded.set(o.id, { outcome: o, at: Date.now() });
    if (unrecorded.size > REMEMBERED) unrecorded.delete(unrecorded.keys().next().value as string);
  }
  deliveryRecordStats.unrecorded += accepted.length;
  const repeats = [...new Set(accepted.map((o) => o.provider))].filter((p) => p && REPEATS_DELIVERED.has(p));
  opts.logger?.error(
    `${accepted.length} messages accepted by providers but not recorded (${(last as Error).message}); ` +
      'the next claim records them without sending' +
      (repeats.length ? `; if this process stops first, ${repeats.join(', ')} will deliver them again` : ''),
  );
  throw last;
}

/** Claims (locks) the rows of one chunk in the caller's transaction and hands each message to a provider. */
async function sendClaimed(
  channel: Channel,
  client: pg.PoolClient,
  ids: string[],
  opts: RunOptions,
  report: BatchReport,
  failedProviders: Map<string, string>,
): Promise<Outcome[]> {
  const cfg = config();
  const { rows } = await client.query<ClaimedRow>('select * from app_private.claim_notifications($1::uuid[])', [ids]);
  report.claimed += rows.length;
  const outcomes: Outcome[] = [];
  // Remembered rows a receipt has moved on (delivered before its send was recorded) are not claimed:
  // their send is recorded all the same (record_delivery_results keeps the receipt's status).
  const claimed = new Set(rows.map((r) => r.id));
  for (const id of ids) {
    const remembered = unrecorded.get(id);
    if (!remembered || claimed.has(id)) continue;
    unrecorded.delete(id);
    deliveryRecordStats.recovered++;
    outcomes.push(remembered.outcome);
  }
  if (rows.length === 0) return outcomes;
  const providers = await activeProviders(client, channel);
  const fail = (row: ClaimedRow, provider: string | null, billableUnits: number, e: unknown) => {
    const err = e as Error;
    const retryable = e instanceof ProviderError ? e.retryable : false;
    if (e instanceof ProviderError && !e.ofMessage && provider && e.provider === provider)
      failedProviders.set(provider, err.message);
    if (report.errors.length < 5) report.errors.push(err.message);
    outcomes.push({
      id: row.id,
      outcome: retryable && !opts.finalIds.has(row.id) ? 'retry' : 'failed',
      provider,
      billable_units: billableUnits,
    });
  };
  // Each message built and its provider chosen; then the provider calls: one request per message,
  // or per DELIVERY_PROVIDER_BATCH messages to providers that take many at once.
  type Ready = {
    row: ClaimedRow;
    provider: string;
    billableUnits: number;
    sms: SmsMessage | null;
    email: EmailMessage | null;
  };
  const calls: Array<() => Promise<void>> = [];
  const batches = new Map<string, Ready[]>();
  for (const row of rows) {
    const remembered = unrecorded.get(row.id);
    if (remembered) {
      unrecorded.delete(row.id);
      if (Date.now() - remembered.at < REMEMBER_MS) {
        // Accepted by a provider in an earlier run whose record failed: recorded now, not sent again.
        deliveryRecordStats.recovered++;
        outcomes.push(remembered.outcome);
        continue;
      }
    }
    // created ─service inactive─▶ technical-failure: an inactive service sends nothing.
    if (!row.service_active) {
      outcomes.push({ id: row.id, outcome: 'failed', provider: null, billable_units: 0 });
      continue;
    }
    let billableUnits = 0;
    let provider: string | null = null;
    try {
      let sms: SmsMessage | null = null;
      let email: EmailMessage | null = null;
      if (channel === 'sms') {
        const built = buildSms(row);
        sms = built.message;
        billableUnits = built.billableUnits;
      } else {
        email = buildEmail(row, cfg.NOTIFY_EMAIL_DOMAIN);
      }
      provider = chooseProvider(providers, channel === 'sms' && row.international);
      if (row.key_type === 'test') {
        // Test keys never reach a provider: the outcome is simulated, and nothing is billed (Notify's
        // send_to_providers sets a text's billable units only when it goes to a provider).
        outcomes.push({
          id: row.id,
          outcome: 'simulated',
          provider: provider ?? `${channel}-stub`,
          billable_units: 0,
          status: simulatedStatus(channel, row.to),
        });
        continue;
      }
      if (!provider)
        throw new ProviderError('none', `no active ${channel}${row.international ? ' international' : ''} provider`);
      const ready: Ready = { row, provider, billableUnits, sms, email };
      const batchable = sms ? smsProvider(provider).sendSmsBatch : emailProvider(provider).sendEmailBatch;
      if (batchable && cfg.DELIVERY_PROVIDER_BATCH > 1) {
        const list = batches.get(provider) ?? [];
        batches.set(provider, list);
        list.push(ready);
      } else {
        const send = sms
          ? () => smsProvider(ready.provider).sendSms(sms)
          : () => emailProvider(ready.provider).sendEmail(email!);
        calls.push(() =>
          send().then(
            (result) =>
              void outcomes.push({
                id: row.id,
                outcome: 'sent',
                provider: ready.provider,
                reference: result.reference,
                billable_units: billableUnits,
                status: result.status,
              }),
            (e) => fail(row, ready.provider, billableUnits, e),
          ),
        );
      }
    } catch (e) {
      fail(row, provider, billableUnits, e);
    }
  }
  for (const [provider, list] of batches) {
    for (let i = 0; i < list.length; i += cfg.DELIVERY_PROVIDER_BATCH) {
      const group = list.slice(i, i + cfg.DELIVERY_PROVIDER_BATCH);
      const send =
        channel === 'sms'
          ? () => smsProvider(provider).sendSmsBatch!(group.map((r) => r.sms!))
          : () => emailProvider(provider).sendEmailBatch!(group.map((r) => r.email!));
      calls.push(async () => {
        let results: BatchResult[];
        try {
          results = await send();
        } catch (e) {
          for (const { row, billableUnits } of group) fail(row, provider, billableUnits, e);
          return;
        }
        group.forEach(({ row, billableUnits }, k) => {
          const r = results[k];
          if (r instanceof ProviderError) fail(row, provider, billableUnits, r);
          else
            outcomes.push({
              id: row.id,
              outcome: 'sent',
              provider,
              reference: r.reference,
              billable_units: billableUnits,
              status: r.status,
            });
        });
      });
    }
  }
  await mapBounded(calls, opts.concurrency ?? cfg.DELIVERY_SEND_CONCURRENCY, (call) => call());
  return outcomes;
}

interface Waiting {
  ids: string[];
  opts: DeliverOptions;
  resolve: (report: BatchReport) => void;
  reject: (e: unknown) => void;
}

/**
 * Runs the deliver jobs of one channel. While `maxInFlight` runs are going, jobs that start wait,
 * then go together as one run (up to `maxIds` messages): one claim, one provider request, one
 * record and one commit for several create batches' jobs. Each job still succeeds or fails on its
 * own: it fails (and graphile-worker retries it) when one of its own messages is to be retried, or
 * when the merged run as a whole failed. maxInFlight Infinity: each job runs at once, alone.
 */
export class DeliveryCoalescer {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  /** Counters for the bench: chunks run and jobs in them. */
  readonly stats = { chunks: 0, jobs: 0 };

  private readonly channel: Channel;
  private readonly maxInFlight: number;
  private readonly maxIds: number;

  constructor(channel: Channel, maxInFlight: number, maxIds: number) {
    this.channel = channel;
    this.maxInFlight = maxInFlight;
    this.maxIds = maxIds;
  }

  submit(ids: string[], opts: DeliverOptions): Promise<BatchReport> {
    return new Promise<BatchReport>((resolve, reject) => {
      this.waiting.push({ ids, opts, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) {
      let n = 1;
      let count = this.waiting[0].ids.length;
      while (n < this.waiting.length && count + this.waiting[n].ids.length <= this.maxIds)
        count += this.waiting[n++].ids.length;
      void this.run(this.waiting.splice(0, n));
    }
  }

  private async run(group: Waiting[]) {
    this.inFlight++;
    try {
      await this.deliver(group);
    } catch (e) {
      // A merged chunk that failed as a whole (a lost connection, say) is tried again job by job,
      // so that one job's trouble does not fail the others.
      if (group.length === 1) group[0].reject(e);
      else await Promise.all(group.map((w) => this.deliver([w]).catch((err: unknown) => w.reject(err))));
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private async deliver(group: Waiting[]) {
    this.stats.chunks++;
    this.stats.jobs += group.length;
    const ids = [...new Set(group.flatMap((w) => w.ids))];
    const { withPgClient, logger, concurrency } = group[0].opts;
    const finalIds = new Set(group.filter((w) => w.opts.lastAttempt).flatMap((w) => w.ids));
    const { report, retry } = await deliverIds(this.channel, ids, { withPgClient, logger, concurrency, finalIds });
    for (const w of group) {
      const mine = w.ids.filter((id) => retry.has(id)).length;
      if (mine === 0) w.resolve(report);
      else
        w.reject(
          new Error(
            `${mine} of ${w.ids.length} ${this.channel} notifications not sent, ` +
              `will retry: ${report.errors.join('; ')}`,
          ),
        );
    }
  }
}

/**
 * The deliver-sms / deliver-email task: hands a batch of notifications ({"ids": [...]}) to
 * providers. Idempotent (only rows still created are claimed, under a row lock); provider errors are
 * retried with graphile-worker's exponential backoff and end in technical-failure on the last attempt.
 */
export function deliveryTask(channel: Channel): Task {
  let coalescer: DeliveryCoalescer | null = null;
  return async (payload, helpers) => {
    const opts: DeliverOptions = {
      withPgClient: helpers.withPgClient,
      logger: helpers.logger,
      lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
    };
    const cfg = config();
    coalescer ??= new DeliveryCoalescer(channel, cfg.DELIVERY_CHUNKS_IN_FLIGHT || Infinity, cfg.DELIVERY_CHUNK_SIZE);
    await coalescer.submit(payloadIds(payload, helpers.logger), opts);
  };
}
