// Delivery receipts: each provider's format mapped to our statuses, applied in
// one SQL call. A receipt whose provider reference is not known yet (it can beat the worker's
// record of the send) is retried a bounded number of times with backoff (about five minutes in all),
// then dropped with a log line; other unknown references are reported.
import type pg from 'pg';
import { jsonBodyProblem } from '../lib/json-body.ts';

export interface Receipt {
  /** Our notification id (by_id) or the provider's own reference (SES message id, stub email id). */
  reference: string;
  by_id: boolean;
  status: string;
  provider: string;
  /** The channel of the route the receipt came in on: it applies only to a notification of that channel. */
  channel: 'sms' | 'email';
  /** Firetext: a permanent failure without a code on a pending notification becomes temporary. */
  soften?: boolean;
  /** When the provider accepted the message (ISO, never later than now), to stop retrying old references early. */
  sent_at?: string;
}

export interface ReceiptSummary {
  updated: number;
  duplicate: number;
  ignored: number;
  retrying: number;
  unknown: string[];
}

export const RECEIPT_RETRY_WINDOW_MS = 5 * 60_000;
/**
 * Retries of a receipt whose reference is not known yet. Counted, not timed by the provider's clock: a
 * `sent_at` in the future (a wrong clock, a forged receipt) must not keep a receipt in the queue for ever.
 */
export const RECEIPT_MAX_ATTEMPTS = 8;
/** Delay before retry `attempt` (1, 2, …): 5 s doubling to at most 60 s (5+10+20+40+60×4 ≈ 5 min in all). */
export const receiptRetryDelayS = (attempt: number) => Math.min(60, 5 * 2 ** Math.max(0, attempt - 1));

/**
 * A provider's timestamp as ISO text, never later than now (a provider's clock, or a forger, cannot date a
 * receipt or a text in the future); null when it is not a date.
 */
export function clampToNow(value: unknown, now = Date.now()): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  return new Date(Math.min(ms, now)).toISOString();
}

type Log = { warn(message: string): void };

export async function applyReceipts(
  db: Pick<pg.ClientBase, 'query'>,
  receipts: Receipt[],
  opts: { attempt?: number; log?: Log } = {},
): Promise<ReceiptSummary> {
  const summary: ReceiptSummary = { updated: 0, duplicate: 0, ignored: 0, retrying: 0, unknown: [] };
  if (receipts.length === 0) return summary;
  const { rows } = await db.query<{ reference: string; outcome: string }>(
    'select * from app_hidden.apply_delivery_receipts($1::jsonb)',
    [JSON.stringify(receipts)],
  );
  const attempt = Math.max(0, Math.trunc(opts.attempt ?? 0));
  const retry: Receipt[] = [];
  const dropped: string[] = [];
  rows.forEach((row, i) => {
    const receipt = receipts[i];
    if (row.outcome === 'updated') summary.updated++;
    else if (row.outcome === 'duplicate') summary.duplicate++;
    else if (row.outcome === 'ignored') summary.ignored++;
    else {
      const sentAt = Date.parse(clampToNow(receipt.sent_at) ?? '');
      const old = !Number.isNaN(sentAt) && Date.now() - sentAt >= RECEIPT_RETRY_WINDOW_MS;
      if (receipt.by_id || old) summary.unknown.push(receipt.reference);
      else if (attempt >= RECEIPT_MAX_ATTEMPTS) dropped.push(receipt.reference);
      else retry.push(receipt);
    }
  });
  if (retry.length) {
    await db.query(
      `select graphile_worker.add_job('retry-delivery-receipt', $1::json, run_at => now() + make_interval(secs => $2))`,
      [JSON.stringify({ receipts: retry, attempt: attempt + 1 }), receiptRetryDelayS(attempt + 1)],
    );
    summary.retrying = retry.length;
  }
  if (dropped.length) {
    summary.unknown.push(...dropped);
    opts.log?.warn(
      `delivery receipt dropped after ${RECEIPT_MAX_ATTEMPTS} retries, reference(s) still unknown: ` +
        dropped.slice(0, 10).join(', '),
    );
  } else if (summary.unknown.length) {
    opts.log?.warn(
      `delivery receipt for unknown notification reference(s): ${summary.unknown.slice(0, 10).join(', ')}`,
    );
  }
  return summary;
}

export class ReceiptFormatError extends Error {}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

function need(v: unknown, name: string): string {
  const s = str(v);
  if (s === null) throw new ReceiptFormatError(`${name} is required`);
  return s;
}

/** MMG: JSON {reference|CID, status: 3 delivered, 4 declined, 5 undelivered, substatus, ...}. */
export function mmgReceipt(body: Record<string, unknown>): Receipt {
  const reference = need(body.CID ?? body.reference, 'CID');
  const code = need(body.status, 'status');
  const map: Record<string, string> = {
    '2': 'pending',
    '3': 'delivered',
    '4': 'temporary-failure',
    '5': 'permanent-failure',
  };
  const status = map[code];
  if (!status) throw new ReceiptFormatError(`unknown MMG status ${code}`);
  return { reference, by_id: true, status, provider: 'mmg', channel: 'sms' };
}

// Firetext detail codes meaning "try again later"; other failure codes are permanent.
const FIRETEXT_TEMPORARY_CODES = new Set(['102', '103', '104', '105', '106', '107', '108', '111']);

/** Firetext: form {mobile, status: 0 delivered, 1 failed, 2 pending, code, time, reference}. */
export function firetextReceipt(body: Record<string, unknown>): Receipt {
  const reference = need(body.reference, 'reference');
  const code = str(body.code);
  switch (need(body.status, 'status')) {
    case '0':
      return { reference, by_id: true, status: 'delivered', provider: 'firetext', channel: 'sms' };
    case '2':
      return { reference, by_id: true, status: 'pending', provider: 'firetext', channel: 'sms' };
    case '1':
      if (code && FIRETEXT_TEMPORARY_CODES.has(code))
        return { reference, by_id: true, status: 'temporary-failure', provider: 'firetext', channel: 'sms' };
      return {
        reference,
        by_id: true,
        status: 'permanent-failure',
        provider: 'firetext',
        channel: 'sms',
        soften: !code,
      };
    default:
      throw new ReceiptFormatError(`unknown Firetext status ${String(body.status)}`);
  }
}

/** Reach: JSON {reference, status: delivered | pending | expired | undeliverable | failed}. */
export function reachReceipt(body: Record<string, unknown>): Receipt {
  const reference = need(body.reference, 'reference');
  const map: Record<string, string> = {
    delivered: 'delivered',
    pending: 'pending',
    accepted: 'pending',
    expired: 'temporary-failure',
    undeliverable: 'permanent-failure',
    failed: 'permanent-failure',
  };
  const status = map[need(body.status, 'status').toLowerCase()];
  if (!status) throw new ReceiptFormatError(`unknown Reach status ${String(body.status)}`);
  return { reference, by_id: true, status, provider: 'reach', channel: 'sms' };
}

const STUB_STATUSES = new Set(['delivered', 'pending', 'temporary-failure', 'permanent-failure']);

/** The simulated providers: {receipts: [{reference, status, by_id?, sent_at?}]} or one receipt. */
export function stubReceipts(body: Record<string, unknown>, channel: 'sms' | 'email'): Receipt[] {
  const list = Array.isArray(body.receipts) ? (body.receipts as unknown[]) : [body];
  return list.map((item) => {
    const r = (item ?? {}) as Record<string, unknown>;
    const status = need(r.status, 'status');
    if (!STUB_STATUSES.has(status)) throw new ReceiptFormatError(`unknown status ${status}`);
    return {
      reference: need(r.reference, 'reference'),
      by_id: typeof r.by_id === 'boolean' ? r.by_id : channel === 'sms',
      status,
      provider: `${channel}-stub`,
      channel,
      sent_at: clampToNow(r.sent_at) ?? undefined,
    };
  });
}

export interface SesEvent {
  kind: 'receipt' | 'complaint' | 'subscription' | 'other';
  receipt?: Receipt;
  complaint?: { reference: string; feedbackId: string | null; type: string | null; date: string | null };
}

/** An ISO 8601 date as JavaScript reads it, within the years Postgres stores; else null. */
function isoDate(v: unknown): string | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** SES event (optionally inside an SNS envelope): Delivery, Bounce (Permanent/Transient), Complaint. */
export function sesEvent(body: Record<string, unknown>): SesEvent {
  let message: Record<string, unknown> = body;
  if (body.Type === 'SubscriptionConfirmation' || body.Type === 'UnsubscribeConfirmation')
    return { kind: 'subscription' };
  if (typeof body.Message === 'string') {
    try {
      message = JSON.parse(body.Message) as Record<string, unknown>;
    } catch {
      throw new ReceiptFormatError('SNS Message is not JSON');
    }
    if (!message || typeof message !== 'object' || Array.isArray(message))
      throw new ReceiptFormatError('SNS Message is not a JSON object');
    // The route checked the envelope; the message inside it is checked the same way (a NUL or an
    // unpaired surrogate would reach Postgres and fail there, answered 503: SNS would retry it for ever).
    const problem = jsonBodyProblem(message);
    if (problem) throw new ReceiptFormatError(`SNS Message: ${problem.messages[0]}`);
  }
  const type = str(message.notificationType ?? message.eventType);
  const mail = (message.mail ?? {}) as Record<string, unknown>;
  const reference = need(mail.messageId, 'mail.messageId');
  const sentAt = clampToNow(mail.timestamp) ?? undefined;
  switch (type) {
    case 'Delivery':
      return {
        kind: 'receipt',
        receipt: { reference, by_id: false, status: 'delivered', provider: 'ses', channel: 'email', sent_at: sentAt },
      };
    case 'Bounce': {
      const bounce = (message.bounce ?? {}) as Record<string, unknown>;
      const status = bounce.bounceType === 'Permanent' ? 'permanent-failure' : 'temporary-failure';
      return {
        kind: 'receipt',
        receipt: { reference, by_id: false, status, provider: 'ses', channel: 'email', sent_at: sentAt },
      };
    }
    case 'Complaint': {
      const c = (message.complaint ?? {}) as Record<string, unknown>;
      return {
        kind: 'complaint',
        complaint: {
          reference,
          feedbackId: str(c.feedbackId),
          type: str(c.complaintFeedbackType),
          // A timestamp Postgres would not read is left out (the complaint is dated when it arrives); one in
          // the future is taken as now.
          date: clampToNow(isoDate(c.timestamp)),
        },
      };
    }
    default:
      return { kind: 'other' };
  }
}
