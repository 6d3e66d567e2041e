// Micro-batching of notification creation: concurrent requests are collected and sent to
// app_hidden.create_notifications(jsonb) together — one statement, one transaction, one commit
// (one WAL flush) for many requests. Each caller gets its own row of the result, after COMMIT.
//
// Batching is "natural": a batch leaves as soon as a connection slot is free (so a lone request
// waits for nothing), and while `maxInFlight` batches are running, new requests queue and leave
// together in the next one (at most `maxBatch`, or after `maxWaitMs` at the latest).
import type pg from 'pg';
import {
  ApiError,
  AuthError,
  BadRequestError,
  RateLimitError,
  TooManyRequestsError,
  ValidationError,
} from '../lib/errors.ts';

export interface CreateItem {
  id: string;
  service_id: string;
  api_key_id: string | null;
  key_type: string;
  notification_type: 'sms' | 'email' | 'letter';
  template_id: string;
  template_version: number;
  to: string;
  normalised_to: string | null;
  personalisation: Record<string, unknown> | null;
  client_reference: string | null;
  billable_units?: number;
  international?: boolean;
  phone_prefix?: string | null;
  rate_multiplier?: number | null;
  reply_to_text?: string | null;
  postage?: string | null;
  status?: string;
  reference?: string | null;
  scheduled_for?: string | null;
  one_click_unsubscribe_url?: string | null;
  created_at?: string;
  persist?: boolean;
  /** The signed-in user who sent it (GraphQL); API keys and DBAs leave it out. */
  created_by_id?: string | null;
  /** A CSV job's row: the job and the row's 0-based index (unique together; not rate limited). */
  job_id?: string;
  job_row_number?: number;
}

/**
 * create_notifications' outcome for one item: created, or why not. The refusals (who may send what
 * to whom) are checked there as well as in the route, so a stale cache or another caller cannot get
 * round them; each carries the message the API gives.
 */
export type CreateOutcome =
  | 'created'
  | 'rate_limit'
  | 'daily_limit'
  | 'refused'
  | 'forbidden'
  | 'invalid'
  | 'inactive'
  // A CSV job's row stored already (a restarted job): nothing done, not an error.
  | 'skipped';

export interface CreateResult {
  id: string;
  outcome: CreateOutcome;
  message: string | null;
}

/** The API error for an item that was not created (null when it was): the one place outcomes become responses. */
export function createError(result: CreateResult): ApiError | null {
  const message = result.message ?? result.outcome;
  switch (result.outcome) {
    case 'created':
    case 'skipped':
      return null;
    case 'rate_limit':
      return new RateLimitError(message);
    case 'daily_limit':
      return new TooManyRequestsError(message);
    case 'refused':
      return new BadRequestError(message);
    // Letters with a team key or from a trial service: Notify answers 403 with a BadRequestError body.
    case 'forbidden':
      return new ApiError(403, 'BadRequestError', message);
    case 'invalid':
      return new ValidationError(message);
    case 'inactive':
      return new AuthError(403, message);
  }
}

/** Throws the API error for an item that was not created. */
export function assertCreated(result: CreateResult): void {
  const error = createError(result);
  if (error) throw error;
}

interface Pending {
  item: CreateItem;
  resolve: (r: CreateResult) => void;
  reject: (e: unknown) => void;
}

const SQL = 'select ord, id, outcome, message from app_hidden.create_notifications($1::jsonb)';

export interface BatcherOptions {
  maxBatch?: number;
  maxInFlight?: number;
  maxWaitMs?: number;
}

export class CreateBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxWaitMs: number;
  /** Counters for the bench: batches sent and items in them. */
  readonly stats = { batches: 0, items: 0 };

  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool, opts: BatcherOptions = {}) {
    this.pool = pool;
    this.maxBatch = opts.maxBatch ?? 100;
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxWaitMs = opts.maxWaitMs ?? 2;
  }

  submit(item: CreateItem): Promise<CreateResult> {
    return new Promise<CreateResult>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.pump();
      else this.schedule();
    });
  }

  private schedule() {
    if (!this.scheduled) {
      this.scheduled = true;
      // Collect whatever arrives in this turn of the event loop.
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump(true);
      }, this.maxWaitMs);
    }
  }

  private pump(force = false) {
    while (this.queue.length > 0 && (this.inFlight < this.maxInFlight || force)) {
      force = false;
      const batch = this.queue.splice(0, this.maxBatch);
      void this.run(batch);
    }
    if (this.queue.length === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private async run(batch: Pending[]) {
    this.inFlight++;
    this.stats.batches++;
    this.stats.items += batch.length;
    try {
      const results = await this.call(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        p.resolve(results[i]);
      });
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err);
      else {
        // One bad item must not fail the others: retry them one by one.
        await Promise.all(
          batch.map((p) =>
            this.call([p.item]).then(
              (r) => p.resolve(r[0]),
              (e) => p.reject(e),
            ),
          ),
        );
      }
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.pump();
    }
  }

  private async call(items: CreateItem[]): Promise<CreateResult[]> {
    const { rows } = await this.pool.query<{
      ord: number;
      id: string;
      outcome: CreateResult['outcome'];
      message: string | null;
    }>(SQL, [JSON.stringify(items)]);
    const out: CreateResult[] = new Array(items.length);
    for (const r of rows) out[r.ord] = { id: r.id, outcome: r.outcome, message: r.message };
    return out;
  }
}
