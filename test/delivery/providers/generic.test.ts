// Many messages in one provider request (the generic HTTP format): the client's reading of each
// answer, the simulated provider's side, and what the worker records per message.
import t from 'tap';
import { postGenericBatch } from '../../../src/delivery/providers/generic.ts';
import { ProviderError, configureProviders, invalidateProviderCache } from '../../../src/delivery/providers/index.ts';
import { startStubProvider } from '../../../src/dev/simulators/providers.ts';
import { httpPost } from '../../../src/delivery/providers/http.ts';
import type { Teardown } from '../../helpers/db.ts';
import { createNotifications } from '../../helpers/factories.ts';
import { setupDelivery, statuses, waitFor } from '../../helpers/delivery.ts';
import { startCallbackEndpoint } from '../../helpers/recording-server.ts';

/** A provider on 127.0.0.1 whose answer to each request is decided by `answer`. */
const scriptedProvider = (
  t: Teardown,
  answer: (body: { messages: Array<Record<string, unknown>> }) => { status: number; body: string },
) => startCallbackEndpoint(t, (_n, body) => answer(body as { messages: Array<Record<string, unknown>> }));

const opts = (url: string) => ({
  identifier: 'sms-stub',
  url,
  token: 'tok',
  timeoutMs: 2_000,
  retryableStatus: (s: number) => s >= 500,
});
const messages = [{ reference: 'a' }, { reference: 'b' }, { reference: 'c' }];

t.test('postGenericBatch: one request, one result per message in order', async (t) => {
  const p = await scriptedProvider(t, (b) => ({
    status: 200,
    body: JSON.stringify({
      results: [
        { id: `id-${String(b.messages[0].reference)}` },
        { error: 'invalid number', permanent: true },
        { error: 'throttled' },
      ],
    }),
  }));
  const results = await postGenericBatch(opts(p.url), messages);
  t.equal(p.requests.length, 1);
  t.same(p.requests[0].body, { messages });
  t.equal(p.requests[0].authorization, 'Bearer tok');
  t.same(results[0], { id: 'id-a' });
  t.ok(results[1] instanceof ProviderError && !results[1].retryable, 'permanent refusal of one message: not retried');
  t.equal((results[1] as ProviderError).message, 'sms-stub: invalid number');
  t.ok(results[2] instanceof ProviderError && results[2].retryable, 'other refusals are retried');
  t.ok((results[1] as ProviderError).ofMessage && (results[2] as ProviderError).ofMessage, 'errors of single messages');
});

t.test("postGenericBatch: whole-request failures become each message's error", async (t) => {
  let answer = { status: 500, body: '{"error":"down"}' };
  const p = await scriptedProvider(t, () => answer);
  const check = async (what: string, retryable: boolean, message: RegExp) => {
    const results = await postGenericBatch(opts(p.url), messages);
    t.equal(results.length, 3, what);
    for (const r of results) {
      t.ok(r instanceof ProviderError, `${what}: an error`);
      t.equal((r as ProviderError).retryable, retryable, `${what}: retryable ${retryable}`);
      t.match((r as ProviderError).message, message, what);
      t.equal((r as ProviderError).ofMessage, false, `${what}: the provider's error`);
    }
  };
  await check('HTTP 500', true, /^sms-stub: HTTP 500: \{"error":"down"\}$/);
  answer = { status: 400, body: '{"error":"bad"}' };
  await check('HTTP 400', false, /HTTP 400/);
  answer = { status: 200, body: '{"results":[{"id":"x"}]}' };
  await check('fewer results than messages', true, /expected 3 results, got: \{"results"/);
  answer = { status: 200, body: 'not json' };
  await check('not JSON', true, /expected 3 results, got: not json/);
  answer = { status: 200, body: '{"results":[{"id":""},{"id":7},null]}' };
  const results = await postGenericBatch(opts(p.url), messages);
  t.ok(
    results.every((r) => r instanceof ProviderError && r.retryable),
    'results without an id are errors',
  );
  t.match((results[2] as ProviderError).message, /invalid result null/);
  const closed = await postGenericBatch(opts('http://127.0.0.1:1/sms'), messages);
  t.ok(
    closed.every((r) => r instanceof ProviderError && r.retryable),
    'network error: retried',
  );
});

t.test(
  'the simulated provider takes {"messages": [...]}: accepts each, refuses bad items, acknowledges repeats',
  async (t) => {
    const stub = await startStubProvider({ channel: 'sms' });
    t.teardown(() => stub.close());
    const post = (body: unknown) => httpPost(`${stub.url}/sms`, JSON.stringify(body), { timeoutMs: 2_000 });
    const ok = await post({
      messages: [
        { reference: 'r1', to: '07700900001', content: 'hi' },
        { reference: 'r2', content: 'no to' },
        'junk',
        { reference: 'r1', to: '07700900001', content: 'hi' },
      ],
    });
    t.equal(ok.status, 200);
    t.same(JSON.parse(ok.body), {
      results: [
        { id: 'r1' },
        { error: 'reference and to are required', permanent: true },
        { error: 'reference and to are required', permanent: true },
        { id: 'r1' },
      ],
    });
    t.equal(stub.stats.accepted, 1);
    t.equal(stub.stats.duplicates, 1, 'a repeated reference is acknowledged, not delivered twice');
    t.equal(stub.stats.requests, 1);
    t.equal((await post({ messages: [] })).status, 400, 'an empty batch is refused');
    t.equal(
      (await post({ messages: Array.from({ length: 1001 }, (_, i) => ({ reference: `x${i}`, to: '1' })) })).status,
      400,
      'over 1,000 is refused',
    );
    stub.behaviour.failWith = 503;
    t.equal(
      (await post({ messages: [{ reference: 'r3', to: '07700900003' }] })).status,
      503,
      'an outage refuses the whole batch',
    );
    t.equal(stub.messages.has('r3'), false);
  },
);

t.test('the worker records each message of a batch by its own result', async (t) => {
  const d = await setupDelivery(t, { label: 'batch' });
  // A second active provider that is never chosen (priority 0), neither changed in the last
  // minute: an error of the provider would move 10 points from sms-stub to reach.
  await d.db.query(
    `update app_public.provider_details
     set active = true, priority = case identifier when 'reach' then 0 else 50 end,
         updated_at = now() - interval '2 hours'
     where identifier in ('reach', 'sms-stub')`,
  );
  // Numbers ending 1: refused for good; ending 2: refused for now; the rest accepted.
  const p = await scriptedProvider(t, (b) => ({
    status: 200,
    body: JSON.stringify({
      results: b.messages.map((m) => {
        const to = String(m.to);
        if (to.endsWith('1')) return { error: 'invalid number', permanent: true };
        if (to.endsWith('2')) return { error: 'throttled' };
        return { id: String(m.reference) };
      }),
    }),
  }));
  configureProviders({ SMS_STUB_URL: p.url });
  invalidateProviderCache();
  t.teardown(() => configureProviders({ SMS_STUB_URL: `${d.sms.url}/sms` }));
  const ids = await createNotifications(d, 'sms', [
    { to: '07700900120' },
    { to: '07700900121' },
    { to: '07700900122' },
    { to: '07700900123' },
  ]);
  const got = await waitFor('outcomes recorded', async () => {
    const s = await statuses(d.db, ids);
    return s[0] === 'sending' && s[1] === 'technical-failure' && s[3] === 'sending' ? s : null;
  });
  t.same(got, ['sending', 'technical-failure', 'created', 'sending'], 'the throttled one waits for its retry');
  t.equal(p.requests.length, 1, 'four texts, one request');
  const sent = p.requests[0].body.messages as Array<Record<string, unknown>>;
  t.same(sent.map((m) => m.reference).sort(), [...ids].sort(), 'each text under its id');
  t.match(
    sent.find((m) => m.reference === ids[0]),
    { to: '07700900120', content: 'Parking: Hello Jo, your code is 1234', international: false },
  );
  // The job's failure is recorded just after the chunk's commit.
  const job = await waitFor('the job failed', async () => {
    const j = await d.db.one(
      `select attempts, last_error from graphile_worker.jobs where task_identifier = 'deliver-sms'`,
    );
    return j.last_error ? j : null;
  });
  t.equal(job.attempts, 1);
  t.match(job.last_error, /^1 of 4 sms notifications not sent, will retry: .*sms-stub: throttled/);
  const history = await d.db.query(`select reason from app_public.provider_details_history where reason is not null`);
  t.same(history, [], 'refusals of single messages do not deprioritise the provider');
});

t.test(
  'the simulated provider remembers the last `remember` messages only (a long npm start stays bounded)',
  async (t) => {
    const stub = await startStubProvider({ channel: 'sms', remember: 2 });
    t.teardown(() => stub.close());
    const send = (reference: string) =>
      httpPost(`${stub.url}/sms`, JSON.stringify({ messages: [{ reference, to: '07700900001', content: 'x' }] }), {
        timeoutMs: 2_000,
      });
    for (const r of ['m1', 'm2', 'm3']) t.equal((await send(r)).status, 200);
    t.same([...stub.messages.keys()], ['m2', 'm3'], 'the oldest forgotten');
    t.same([...stub.hits.keys()], ['m2', 'm3']);
    await send('m3');
    t.equal(stub.stats.duplicates, 1, 'a remembered reference is a repeat');
    await send('m1');
    t.equal(stub.stats.accepted, 4, 'a forgotten one is taken as new');
  },
);
