// Local simulated provider (one per channel): an HTTP server on localhost that accepts messages
// in the generic format (/sms, /email; one message or {"messages": [...]}) and in MMG (/mmg), Firetext (/firetext)
// and Reach (/reach) style, answers at once, and later POSTs delivery receipts to the platform with
// outcomes drawn from configurable ratios. Receipts of the generic formats are batched (one POST
// per flush), the provider-style ones are sent one by one in that provider's format.
// A reference it has already accepted is acknowledged again without a second delivery.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpPost } from '../../delivery/providers/http.ts';

export type StubChannel = 'sms' | 'email';
type Flavour = 'sms' | 'email' | 'mmg' | 'firetext' | 'reach';
type Outcome = 'delivered' | 'temporary-failure' | 'permanent-failure';

export interface StubOptions {
  channel: StubChannel;
  /** Base URL of the platform (receipts go to /notifications/...); may be set later. */
  platformUrl?: string;
  deliveredRatio?: number;
  permanentFailureRatio?: number;
  receiptDelayMs?: number;
  /** Decide the outcome per recipient (tests); falls back to the ratios when it returns null. */
  outcomeFor?: (to: string) => Outcome | null;
  host?: string;
  port?: number;
  /** Sent as `Authorization: Bearer …` with receipts and inbound texts (the platform's PROVIDER_CALLBACK_TOKEN). */
  callbackToken?: string;
  /** Accepted messages remembered (for repeats and for tests), the oldest forgotten first; default 100,000. */
  remember?: number;
}

export interface AcceptedMessage {
  flavour: Flavour;
  reference: string;
  messageId: string;
  to: string;
  content: string;
  sender?: string | null;
  subject?: string;
  from?: string;
  replyTo?: string | null;
  headers?: Record<string, string>;
  html?: string;
  acceptedAt: number;
  outcome: Outcome;
}

export interface StubBehaviour {
  /** Answer every send with this HTTP status (e.g. 500 for an outage); null = accept. */
  failWith: number | null;
  /** Wait this long before answering a send. */
  responseDelayMs: number;
}

export interface StubProvider {
  url: string;
  channel: StubChannel;
  behaviour: StubBehaviour;
  /** Accepted messages by reference (first acceptance only; the last `remember` of them). */
  messages: Map<string, AcceptedMessage>;
  /** Sends received per reference (repeats included). */
  hits: Map<string, number>;
  /** requests: send requests received (a batch is one). */
  stats: {
    requests: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    receiptsSent: number;
    receiptsFailed: number;
  };
  setPlatformUrl(url: string): void;
  /** Send every pending receipt now (not waiting for its delay), retrying until none is left or `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Simulate a text received from a phone (SMS stub): POSTs to the platform's inbound route. */
  sendInbound(msg: { from: string; to: string; content: string }): Promise<number>;
  close(): Promise<void>;
}

interface PendingReceipt {
  due: number;
  flavour: Flavour;
  reference: string;
  outcome: Outcome;
  sentAt: string;
  tries: number;
}

/** The generic formats (/sms, /email): batches of messages in, batches of receipts out. */
const isGeneric = (f: Flavour) => f === 'sms' || f === 'email';

const RECEIPT_PATH: Record<Flavour, string> = {
  sms: '/notifications/sms/stub',
  email: '/notifications/email/stub',
  mmg: '/notifications/sms/mmg',
  firetext: '/notifications/sms/firetext',
  reach: '/notifications/sms/reach',
};

function receiptRequest(r: PendingReceipt): { body: string; contentType: string } {
  switch (r.flavour) {
    case 'mmg':
      return {
        body: JSON.stringify({
          reference: 'mmg-ref',
          CID: r.reference,
          MSISDN: '447700900000',
          status: { delivered: '3', 'temporary-failure': '4', 'permanent-failure': '5' }[r.outcome],
          substatus: '1',
          deliverytime: new Date().toISOString(),
        }),
        contentType: 'application/json',
      };
    case 'firetext':
      return {
        body: new URLSearchParams({
          mobile: '447700900000',
          status: r.outcome === 'delivered' ? '0' : '1',
          code: r.outcome === 'temporary-failure' ? '102' : r.outcome === 'permanent-failure' ? '101' : '000',
          time: new Date().toISOString().slice(0, 19).replace('T', ' '),
          reference: r.reference,
        }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'reach':
      return {
        body: JSON.stringify({
          reference: r.reference,
          status: { delivered: 'delivered', 'temporary-failure': 'expired', 'permanent-failure': 'undeliverable' }[
            r.outcome
          ],
        }),
        contentType: 'application/json',
      };
    default:
      throw new Error('batched flavour');
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startStubProvider(opts: StubOptions): Promise<StubProvider> {
  const delivered = opts.deliveredRatio ?? 1;
  const permanent = opts.permanentFailureRatio ?? 0;
  const receiptDelay = opts.receiptDelayMs ?? 0;
  let platformUrl = opts.platformUrl?.replace(/\/$/, '') ?? null;
  const behaviour: StubBehaviour = { failWith: null, responseDelayMs: 0 };
  const authHeaders: Record<string, string> = opts.callbackToken
    ? { authorization: `Bearer ${opts.callbackToken}` }
    : {};
  const messages = new Map<string, AcceptedMessage>();
  const hits = new Map<string, number>();
  const stats = { requests: 0, accepted: 0, duplicates: 0, rejected: 0, receiptsSent: 0, receiptsFailed: 0 };
  let queue: PendingReceipt[] = [];
  const remember = opts.remember ?? 100_000;
  // A long `npm start` must not keep every message it ever took: the oldest are forgotten.
  const forgetOldest = (map: Map<string, unknown>) => {
    if (map.size > remember) map.delete(map.keys().next().value as string);
  };
  let closed = false;

  const draw = (to: string): Outcome => {
    const forced = opts.outcomeFor?.(to);
    if (forced) return forced;
    const x = Math.random();
    if (x < delivered) return 'delivered';
    if (x < delivered + permanent) return 'permanent-failure';
    return 'temporary-failure';
  };

  type Parsed = Omit<AcceptedMessage, 'messageId' | 'acceptedAt' | 'outcome' | 'flavour'>;
  function parse(flavour: Flavour, b: Record<string, unknown>): Parsed {
    const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
    switch (flavour) {
      case 'mmg':
        return {
          reference: s(b.cid),
          to: s(b.MSISDN),
          content: s(b.msg),
          sender: b.sender == null ? null : s(b.sender),
        };
      case 'firetext':
        return { reference: s(b.reference), to: s(b.to), content: s(b.message), sender: s(b.from) || null };
      case 'reach':
        return {
          reference: s(b.reference),
          to: s(b.to),
          content: s(b.body),
          sender: b.from == null ? null : s(b.from),
        };
      case 'email':
        return {
          reference: s(b.reference),
          to: s(b.to),
          content: s(b.text),
          subject: s(b.subject),
          from: s(b.from),
          replyTo: b.reply_to == null ? null : s(b.reply_to),
          headers: (b.headers ?? {}) as Record<string, string>,
          html: s(b.html),
        };
      default:
        return {
          reference: s(b.reference),
          to: s(b.to),
          content: s(b.content),
          sender: b.sender == null ? null : s(b.sender),
        };
    }
  }

  /** Takes one message (a repeated reference is acknowledged again, not delivered twice). */
  function accept(flavour: Flavour, msg: Parsed): AcceptedMessage {
    hits.set(msg.reference, (hits.get(msg.reference) ?? 0) + 1);
    forgetOldest(hits);
    const known = messages.get(msg.reference);
    if (known) {
      stats.duplicates++;
      return known;
    }
    const accepted: AcceptedMessage = {
      ...msg,
      flavour,
      messageId: flavour === 'email' ? `stub-${crypto.randomUUID()}` : msg.reference,
      acceptedAt: Date.now(),
      outcome: draw(msg.to),
    };
    messages.set(msg.reference, accepted);
    forgetOldest(messages);
    stats.accepted++;
    queue.push({
      due: Date.now() + receiptDelay,
      flavour,
      reference: flavour === 'email' ? accepted.messageId : accepted.reference,
      outcome: accepted.outcome,
      sentAt: new Date(accepted.acceptedAt).toISOString(),
      tries: 0,
    });
    return accepted;
  }

  const server = http.createServer(async (req, res) => {
    const flavour = (req.url ?? '').replace(/^\/+/, '').split(/[/?]/)[0] as Flavour;
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'POST' || !(flavour in RECEIPT_PATH) || (opts.channel === 'email') !== (flavour === 'email')) {
      await readBody(req).catch(() => '');
      return send(404, { error: 'not found' });
    }
    stats.requests++;
    let body: Record<string, unknown>;
    try {
      const raw = await readBody(req);
      body = String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(raw))
        : (JSON.parse(raw) as Record<string, unknown>);
      if (!body || typeof body !== 'object') throw new Error('not an object');
    } catch {
      return send(400, { error: 'invalid body' });
    }
    // The generic formats also take {"messages": [...]}: one result per message, in order.
    const batch = isGeneric(flavour) && Array.isArray(body.messages) ? (body.messages as unknown[]) : null;
    if (batch && (batch.length === 0 || batch.length > 1000))
      return send(400, { error: 'messages must hold 1 to 1000 messages' });
    const msg = batch ? null : parse(flavour, body);
    if (msg && (!msg.reference || !msg.to)) return send(400, { error: 'reference and to are required' });
    if (behaviour.responseDelayMs > 0) await new Promise((r) => setTimeout(r, behaviour.responseDelayMs));
    if (behaviour.failWith !== null) {
      stats.rejected++;
      return send(behaviour.failWith, { error: 'simulated outage' });
    }
    if (batch) {
      return send(200, {
        results: batch.map((item) => {
          const m = item && typeof item === 'object' ? parse(flavour, item as Record<string, unknown>) : null;
          if (!m?.reference || !m.to) return { error: 'reference and to are required', permanent: true };
          return { id: accept(flavour, m).messageId };
        }),
      });
    }
    const m = accept(flavour, msg!);
    if (flavour === 'firetext') return send(200, { code: 0, description: 'SMS successfully queued' });
    if (flavour === 'mmg') return send(200, { Reference: m.messageId });
    return send(200, { id: m.messageId });
  });
  server.keepAliveTimeout = 30_000;

  async function post(path: string, body: string, contentType: string): Promise<boolean> {
    try {
      const r = await httpPost(`${platformUrl}${path}`, body, { contentType, headers: authHeaders, timeoutMs: 10_000 });
      // 4xx: the platform will never take it (e.g. unknown reference); only retry 5xx.
      return r.status < 500;
    } catch {
      return false;
    }
  }

  let flushing = false;
  async function flush() {
    if (flushing || !platformUrl || queue.length === 0) return;
    flushing = true;
    try {
      const now = Date.now();
      // One pass (splicing each due receipt out was quadratic in the queue's length).
      const due: PendingReceipt[] = [];
      const later: PendingReceipt[] = [];
      for (const r of queue) (r.due <= now ? due : later).push(r);
      queue = later;
      const retry = (rs: PendingReceipt[]) => {
        for (const r of rs) {
          if (++r.tries < 20) queue.push({ ...r, due: Date.now() + 500 * r.tries });
          else stats.receiptsFailed++;
        }
      };
      const batched = due.filter((r) => isGeneric(r.flavour));
      const single = due.filter((r) => !isGeneric(r.flavour));
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < batched.length; i += 1000) {
        const chunk = batched.slice(i, i + 1000);
        const body = JSON.stringify({
          receipts: chunk.map((r) => ({
            reference: r.reference,
            status: r.outcome,
            by_id: r.flavour === 'sms',
            sent_at: r.sentAt,
          })),
        });
        jobs.push(
          post(RECEIPT_PATH[chunk[0].flavour], body, 'application/json').then((ok) => {
            if (ok) stats.receiptsSent += chunk.length;
            else retry(chunk);
          }),
        );
      }
      for (const r of single) {
        const { body, contentType } = receiptRequest(r);
        jobs.push(
          post(RECEIPT_PATH[r.flavour], body, contentType).then((ok) => (ok ? void stats.receiptsSent++ : retry([r]))),
        );
      }
      await Promise.all(jobs);
    } finally {
      flushing = false;
    }
  }
  const timer = setInterval(() => void flush(), 25);
  timer.unref();

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url,
    channel: opts.channel,
    behaviour,
    messages,
    hits,
    stats,
    setPlatformUrl(u: string) {
      platformUrl = u.replace(/\/$/, '');
    },
    async sendInbound(msg) {
      if (!platformUrl) throw new Error('platform URL not set');
      const r = await httpPost(
        `${platformUrl}/notifications/sms/receive/stub`,
        JSON.stringify({ ...msg, reference: crypto.randomUUID(), date: new Date().toISOString() }),
        { headers: authHeaders, timeoutMs: 10_000 },
      );
      return r.status;
    },
    async drain(timeoutMs: number) {
      // On shutdown: a message the provider accepted must get its receipt, or it stays `sending`.
      const deadline = Date.now() + timeoutMs;
      while (queue.length > 0 && platformUrl && Date.now() < deadline) {
        for (const r of queue) r.due = 0;
        if (!flushing) await flush();
        // Receipts the platform refused (5xx) are back in the queue: pause rather than spin.
        if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
