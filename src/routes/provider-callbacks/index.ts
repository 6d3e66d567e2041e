// Provider-facing routes: delivery receipts and inbound SMS callbacks.
// Each maps the provider's format to ours and calls one SQL function. Bad input → 400,
// unknown references → 404 (logged), database trouble → 503 so the provider retries; never 500.
import crypto from 'node:crypto';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  applyReceipts,
  clampToNow,
  firetextReceipt,
  mmgReceipt,
  reachReceipt,
  ReceiptFormatError,
  sesEvent,
  stubReceipts,
  type Receipt,
} from '../../delivery/receipts.ts';
import { fetchSnsCertificate, isSnsEnvelope, SnsSignatureError, verifySnsMessage } from '../../delivery/sns.ts';
import { receivedTextSender } from '../../recipients/recipients.ts';
import { jsonBodyProblem } from '../../lib/json-body.ts';

type Body = Record<string, unknown>;

const SES_ROUTE = '/notifications/email/ses';

const asBody = (v: unknown): Body => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {});

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/**
 * The token a provider presented: `Authorization: Bearer …`, else `?token=…` (for providers that cannot set
 * headers).
 */
function presentedToken(authorization: string | undefined, query: unknown): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer) return bearer;
  const q = (query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' && q ? q : null;
}

/**
 * Percent-decoding as Python's urllib.parse.unquote (what Notify applies to MMG's fields): a '%'
 * that does not start a valid escape is kept as it is, bytes that are not UTF-8 become U+FFFD.
 */
export function unquote(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    new TextDecoder('utf-8').decode(Buffer.from(run.replace(/%/g, ''), 'hex')),
  );
}

const providers: FastifyPluginAsync = async (app) => {
  const pool = app.ctx.ownerPool;
  const fail = (reply: FastifyReply, status: number, message: string) =>
    reply.status(status).send({ result: 'error', message });

  // PROVIDER_CALLBACK_TOKEN set: nobody else can record receipts or inbound texts. Compared as digests with
  // timingSafeEqual: equal lengths, and no timing that tells how much of a guess was right.
  // SES events from our SNS topics (SNS_TOPIC_ARNS) may instead prove themselves by their SNS signature, which
  // can only be checked once the body is read (in the route).
  const token = app.ctx.cfg.PROVIDER_CALLBACK_TOKEN;
  const snsTopics = app.ctx.cfg.SNS_TOPIC_ARNS;
  const fetchCertificate = app.ctx.snsCertificates ?? fetchSnsCertificate;
  const withValidToken = new WeakSet<FastifyRequest>();
  if (token) {
    const expected = digest(token);
    app.addHook('onRequest', async (req, reply) => {
      const given = presentedToken(req.headers.authorization, req.query);
      if (given !== null && crypto.timingSafeEqual(digest(given), expected)) {
        withValidToken.add(req);
        return;
      }
      if (given === null && snsTopics.length > 0 && req.routeOptions.url === SES_ROUTE) return;
      req.log.warn({ url: req.url.split('?')[0] }, 'provider callback without a valid token');
      return fail(reply, 401, given === null ? 'Provider callback token missing' : 'Provider callback token invalid');
    });
  }

  // Firetext and MMG inbound post forms; SNS posts JSON as text/plain. Scoped to this plugin.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      const err = new Error('Invalid JSON supplied in POST data') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });

  // What Postgres cannot store (a NUL, an unpaired surrogate) is refused as bad input: answered 503,
  // as a database error, the provider would send it again for ever.
  app.addHook('preHandler', async (req, reply) => {
    const problem = jsonBodyProblem(req.body);
    if (problem) return fail(reply, 400, problem.messages[0]);
  });

  async function receive(reply: FastifyReply, log: FastifyBaseLogger, provider: string, parse: () => Receipt[]) {
    let receipts: Receipt[];
    try {
      receipts = parse();
    } catch (e) {
      if (e instanceof ReceiptFormatError) {
        log.warn({ provider, reason: e.message }, 'invalid delivery receipt');
        return fail(reply, 400, e.message);
      }
      throw e;
    }
    try {
      const summary = await applyReceipts(pool, receipts, { log: { warn: (m) => log.warn({ provider }, m) } });
      if (summary.unknown.length === receipts.length) {
        return fail(reply, 404, `Notification not found for reference ${summary.unknown.slice(0, 3).join(', ')}`);
      }
      return reply.send({ result: 'success', ...summary, unknown: summary.unknown.length });
    } catch (e) {
      log.error({ err: e, provider }, 'delivery receipt not recorded');
      return fail(reply, 503, 'Receipt not recorded, try again later');
    }
  }

  app.post('/notifications/sms/mmg', (req, reply) =>
    receive(reply, req.log, 'mmg', () => [mmgReceipt(asBody(req.body))]),
  );
  app.post('/notifications/sms/firetext', (req, reply) =>
    receive(reply, req.log, 'firetext', () => [firetextReceipt(asBody(req.body))]),
  );
  app.post('/notifications/sms/reach', (req, reply) =>
    receive(reply, req.log, 'reach', () => [reachReceipt(asBody(req.body))]),
  );
  app.post('/notifications/sms/stub', (req, reply) =>
    receive(reply, req.log, 'sms-stub', () => stubReceipts(asBody(req.body), 'sms')),
  );
  app.post('/notifications/email/stub', (req, reply) =>
    receive(reply, req.log, 'email-stub', () => stubReceipts(asBody(req.body), 'email')),
  );

  app.post(SES_ROUTE, async (req, reply) => {
    const body = asBody(req.body);
    if (!withValidToken.has(req) && (token || (snsTopics.length > 0 && isSnsEnvelope(body)))) {
      // No token (the hook let it through only with SNS_TOPIC_ARNS set): the SNS signature must verify.
      try {
        await verifySnsMessage(body, snsTopics, fetchCertificate);
      } catch (e) {
        if (!(e instanceof SnsSignatureError)) throw e;
        req.log.warn({ provider: 'ses', reason: e.message }, 'SNS message refused');
        return fail(reply, 401, `SNS message not verified: ${e.message}`);
      }
    }
    let event: ReturnType<typeof sesEvent>;
    try {
      event = sesEvent(body);
    } catch (e) {
      if (e instanceof ReceiptFormatError) {
        req.log.warn({ provider: 'ses', reason: e.message }, 'invalid SES event');
        return fail(reply, 400, e.message);
      }
      throw e;
    }
    if (event.kind === 'receipt') return receive(reply, req.log, 'ses', () => [event.receipt!]);
    if (event.kind === 'complaint') {
      const c = event.complaint!;
      try {
        const { rows } = await pool.query<{ id: string | null }>(
          'select app_hidden.record_ses_complaint($1, $2, $3, $4) as id',
          [c.reference, c.feedbackId, c.type, c.date],
        );
        if (!rows[0].id) {
          req.log.warn({ provider: 'ses', reference: c.reference }, 'complaint for unknown notification');
          return fail(reply, 404, `Notification not found for reference ${c.reference}`);
        }
        return reply.send({ result: 'success', complaint_id: rows[0].id });
      } catch (e) {
        req.log.error({ err: e, provider: 'ses' }, 'complaint not recorded');
        return fail(reply, 503, 'Complaint not recorded, try again later');
      }
    }
    return reply.send({ result: 'success', ignored: true });
  });

  // Inbound SMS (content is never logged).
  async function inbound(
    reply: FastifyReply,
    log: FastifyBaseLogger,
    provider: string,
    msg: { to: unknown; from: unknown; content: unknown; reference?: unknown; date?: unknown },
  ) {
    const to = typeof msg.to === 'string' || typeof msg.to === 'number' ? String(msg.to) : '';
    const from = typeof msg.from === 'string' || typeof msg.from === 'number' ? String(msg.from) : '';
    if (!to || !from || typeof msg.content !== 'string') return fail(reply, 400, 'to, from and content are required');
    // A decoded MMG message ("%00") can hold what the JSON check saw only escaped.
    if (msg.content.includes('\0')) return fail(reply, 400, 'content must not contain NUL characters');
    const date = typeof msg.date === 'string' ? clampToNow(msg.date) : null;
    try {
      const { rows } = await pool.query<{ id: string; service_id: string }>(
        `select id, service_id from app_public.receive_sms(notify_number => $1, user_number => $2, content => $3,
           provider => $4, provider_reference => $5, provider_date => $6)`,
        [
          to,
          receivedTextSender(from),
          msg.content,
          provider,
          msg.reference == null ? null : String(msg.reference),
          date,
        ],
      );
      return reply.send({ result: 'success', id: rows[0].id });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'NTF04' || code === 'NTF01') {
        log.warn({ provider, notify_number: to }, 'inbound SMS for unknown number');
        return fail(reply, code === 'NTF04' ? 404 : 400, (e as Error).message);
      }
      log.error({ err: e, provider }, 'inbound SMS not recorded');
      return fail(reply, 503, 'Message not recorded, try again later');
    }
  }

  // MMG: {ID, MSISDN, Number, Message (URL-encoded), DateRecieved "2017-05-21+11%3A56%3A11"}.
  app.post('/notifications/sms/receive/mmg', (req, reply) => {
    const b = asBody(req.body);
    const decode = (v: unknown) => (typeof v === 'string' ? unquote(v.replace(/\+/g, ' ')) : v);
    const rawDate = decode(b.DateRecieved ?? b.DateReceived);
    return inbound(reply, req.log, 'mmg', {
      to: b.Number,
      from: b.MSISDN,
      content: decode(b.Message),
      reference: b.ID,
      date: typeof rawDate === 'string' ? `${rawDate.replace(' ', 'T')}Z` : undefined,
    });
  });
  // Firetext: form {source, destination, message, time}.
  app.post('/notifications/sms/receive/firetext', (req, reply) => {
    const b = asBody(req.body);
    return inbound(reply, req.log, 'firetext', {
      to: b.destination,
      from: b.source,
      content: b.message,
      date: typeof b.time === 'string' ? `${b.time.replace(' ', 'T')}Z` : undefined,
    });
  });
  // Simulated provider: JSON {to, from, content, reference, date}.
  app.post('/notifications/sms/receive/stub', (req, reply) => {
    const b = asBody(req.body);
    return inbound(reply, req.log, 'sms-stub', {
      to: b.to,
      from: b.from,
      content: b.content,
      reference: b.reference,
      date: b.date,
    });
  });
};

export default providers;
