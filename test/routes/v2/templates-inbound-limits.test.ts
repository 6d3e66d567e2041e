// Templates (by id, by version, list, preview), received text messages, rate and daily limits.
import t from 'tap';
import { createTestApp } from '../../helpers/app.ts';
import { get, post } from '../../helpers/v2-requests.ts';
import { createApiKey, createServiceWithKeys } from '../../helpers/factories.ts';

const { app, db } = await createTestApp(t);
const fx = await createServiceWithKeys(db);
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const errors = (body: { errors: Array<{ error: string; message: string }> }) => body.errors;

t.test('template by id and by version', async (t) => {
  const owner = await db.one('select email_address from app_public.users where id = $1', [fx.userId]);
  await db.query(`select app_public.update_template($1, content => 'Hi ((name)), v2')`, [fx.sms]);
  const r = await get(app, fx.normal, `/v2/template/${fx.sms}`);
  t.equal(r.status, 200);
  t.match(r.body.created_at, TS);
  t.same(r.body, {
    id: fx.sms,
    type: 'sms',
    created_at: r.body.created_at,
    updated_at: r.body.updated_at,
    created_by: owner.email_address,
    version: 2,
    body: 'Hi ((name)), v2',
    subject: null,
    name: 'sms template',
    personalisation: { name: { required: true } },
    postage: null,
    letter_contact_block: null,
  });
  const v1 = await get(app, fx.normal, `/v2/template/${fx.sms}/version/1`);
  t.match(v1.body, { version: 1, body: 'Hello ((name))' });
  // Notify's route treats version 0 as no version: the current template.
  t.match((await get(app, fx.normal, `/v2/template/${fx.sms}/version/0`)).body, { version: 2 });
  const letter = await get(app, fx.normal, `/v2/template/${fx.letter}`);
  t.match(letter.body, { type: 'letter', subject: 'Your letter', postage: 'second', letter_contact_block: null });
  t.same((await get(app, fx.normal, `/v2/template/${fx.sms}/version/9`)).body, {
    status_code: 404,
    errors: [{ error: 'NoResultFound', message: 'No result found' }],
  });
  const other = await createServiceWithKeys(db);
  t.equal((await get(app, fx.normal, `/v2/template/${other.sms}`)).status, 404);
  t.equal((await get(app, fx.normal, `/v2/template/${fx.sms}/version/x`)).status, 404);
  t.same(errors((await get(app, fx.normal, '/v2/template/abc')).body), [
    { error: 'ValidationError', message: 'id is not a valid UUID' },
  ]);
});

t.test('templates list', async (t) => {
  const svc = await createServiceWithKeys(db);
  const archived = (await db.one(`select id from app_public.create_template($1, 'sms', 'gone', 'x')`, [svc.serviceId]))
    .id;
  await db.query('select app_public.update_template($1, archived => true)', [archived]);
  // The precompiled letter template is hidden: not listed, and "No result found" by id or version.
  const hidden = await db.one<{ id: string }>(
    `insert into app_public.templates (service_id, template_type, name, content, subject, postage, hidden,
       created_by_id)
     select $1, 'letter', 'Pre-compiled PDF', '', 'Pre-compiled PDF', 'second', true, created_by_id
     from app_public.templates where id = $2
     returning id`,
    [svc.serviceId, svc.sms],
  );
  for (const url of [`/v2/template/${hidden.id}`, `/v2/template/${hidden.id}/version/1`]) {
    t.same((await get(app, svc.normal, url)).body, {
      status_code: 404,
      errors: [{ error: 'NoResultFound', message: 'No result found' }],
    });
  }
  // Order by name, then type (Notify's dao_get_all_templates_for_service), whatever the creation order.
  const zed = (await db.one(`select id from app_public.create_template($1, 'sms', 'zed', 'x')`, [svc.serviceId])).id;
  const alphaEmail = (
    await db.one(`select id from app_public.create_template($1, 'email', 'alpha', 'x', 'S')`, [svc.serviceId])
  ).id;
  const alphaSms = (await db.one(`select id from app_public.create_template($1, 'sms', 'alpha', 'x')`, [svc.serviceId]))
    .id;
  const all = await get(app, svc.normal, '/v2/templates');
  t.same(
    all.body.templates.map((x: { id: string }) => x.id),
    [alphaEmail, alphaSms, svc.email, svc.letter, svc.sms, zed],
    'email template, letter template, sms template between alpha and zed',
  );
  t.same(all.body.templates[0].personalisation, {});
  const sms = await get(app, svc.normal, '/v2/templates?type=sms');
  t.same(
    sms.body.templates.map((x: { id: string }) => x.id),
    [alphaSms, svc.sms, zed],
  );
  t.same(errors((await get(app, svc.normal, '/v2/templates?type=fax')).body), [
    { error: 'ValidationError', message: 'type fax is not one of [sms, email, letter]' },
  ]);
});

t.test('preview', async (t) => {
  let r = await post(app, fx.normal, `/v2/template/${fx.email}/preview`, {
    personalisation: { name: 'Jo', ref: '**R**' },
  });
  t.equal(r.status, 200);
  t.same(Object.keys(r.body), ['id', 'type', 'version', 'body', 'subject', 'html', 'postage']);
  t.match(r.body, {
    id: fx.email,
    type: 'email',
    version: 1,
    body: 'Dear Jo,\r\n\r\nYour reference is **R**.',
    subject: 'Hello Jo',
    postage: null,
  });
  // The body's HTML alone, as Notify's html_body: no document around it.
  t.match(r.body.html, /^<p style=.*>Dear Jo,<\/p>/);
  t.notMatch(r.body.html, /<html|<body|<title/);
  r = await post(app, fx.normal, `/v2/template/${fx.letter}/preview`, { personalisation: { name: 'Jo' } });
  t.match(r.body, { type: 'letter', body: 'Dear Jo', subject: 'Your letter', html: null, postage: 'second' });
  r = await post(app, fx.normal, `/v2/template/${fx.sms}/preview`, {});
  t.same(r.body, {
    status_code: 400,
    errors: [{ error: 'BadRequestError', message: 'Missing personalisation: name' }],
  });
  r = await post(app, fx.normal, `/v2/template/${fx.sms}/preview`, { personalisation: 'x' });
  t.same(errors(r.body), [{ error: 'ValidationError', message: 'personalisation x is not of type object' }]);
  r = await post(app, fx.normal, `/v2/template/00000000-0000-4000-8000-000000000000/preview`, { personalisation: {} });
  t.equal(r.status, 404);

  // A letter's contact block is printed on it: its placeholders come first and are required; the address is not.
  const contact = await db.one<{ id: string }>(
    `select id from app_public.add_letter_contact($1, 'Ring ((Team Phone))')`,
    [fx.serviceId],
  );
  const letter = (
    await db.one(
      `select id from app_public.create_template($1, 'letter', 'with contact', 'Dear ((name)) ((team_phone))',
         'About ((thing))', 'first', $2)`,
      [fx.serviceId, contact.id],
    )
  ).id;
  r = await get(app, fx.normal, `/v2/template/${letter}`);
  t.same(r.body.personalisation, {
    'Team Phone': { required: true },
    thing: { required: true },
    name: { required: true },
  });
  t.equal(r.body.letter_contact_block, 'Ring ((Team Phone))');
  r = await post(app, fx.normal, `/v2/template/${letter}/preview`, { personalisation: { name: 'Jo' } });
  t.same(errors(r.body), [{ error: 'BadRequestError', message: 'Missing personalisation: Team Phone, thing' }]);
  r = await post(app, fx.normal, `/v2/template/${letter}/preview`, {
    personalisation: { name: 'Jo', thing: 'tax', teamphone: '0123' },
  });
  t.same(r.body, {
    id: letter,
    type: 'letter',
    version: 1,
    body: 'Dear Jo 0123',
    subject: 'About tax',
    html: null,
    postage: 'first',
  });
  // Body trimmed, as Notify's content_with_placeholders_filled_in.
  const spaced = (
    await db.one(`select id from app_public.create_template($1, 'email', 'spaced', E'\n\nHi ((name))\n\n ', 'S')`, [
      fx.serviceId,
    ])
  ).id;
  r = await post(app, fx.normal, `/v2/template/${spaced}/preview`, { personalisation: { name: 'Jo' } });
  t.equal(r.body.body, 'Hi Jo');
  // An SMS whose only placeholder is given empty previews as empty (Notify checks emptiness when sending).
  const bare = (await db.one(`select id from app_public.create_template($1, 'sms', 'bare', '((x))')`, [fx.serviceId]))
    .id;
  r = await post(app, fx.normal, `/v2/template/${bare}/preview`, { personalisation: { x: '' } });
  t.equal(r.status, 200);
  t.same(r.body, { id: bare, type: 'sms', version: 1, body: '', subject: null, html: null, postage: null });
});

t.test('received text messages', async (t) => {
  await db.query(`select app_public.add_inbound_number('07700900500', $1)`, [fx.serviceId]);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(
      (await db.one(`select id from app_public.receive_sms('07700900500', '447700900111', $1)`, [`msg ${i}`])).id,
    );
  }
  const r = await get(app, fx.normal, '/v2/received-text-messages');
  t.equal(r.status, 200);
  t.same(
    r.body.received_text_messages.map((m: { content: string }) => m.content),
    ['msg 2', 'msg 1', 'msg 0'],
  );
  const m = r.body.received_text_messages[0];
  t.same(Object.keys(m), ['id', 'user_number', 'notify_number', 'created_at', 'service_id', 'content']);
  t.match(m, { user_number: '447700900111', service_id: fx.serviceId, created_at: TS });
  // next whenever the page has rows, as Notify (the client iterators stop at an empty page).
  t.same(r.body.links, {
    current: 'http://localhost:6011/v2/received-text-messages',
    next: `http://localhost:6011/v2/received-text-messages?older_than=${ids[0]}`,
  });
  const older = await get(app, fx.normal, `/v2/received-text-messages?older_than=${ids[2]}`);
  t.same(
    older.body.received_text_messages.map((x: { content: string }) => x.content),
    ['msg 1', 'msg 0'],
  );
  t.same(older.body.links, {
    current: 'http://localhost:6011/v2/received-text-messages',
    next: `http://localhost:6011/v2/received-text-messages?older_than=${ids[0]}`,
  });
  const last = await get(app, fx.normal, `/v2/received-text-messages?older_than=${ids[0]}`);
  t.same(last.body, {
    received_text_messages: [],
    links: { current: 'http://localhost:6011/v2/received-text-messages' },
  });
  t.same(errors((await get(app, fx.normal, '/v2/received-text-messages?older_than=x')).body), [
    { error: 'ValidationError', message: 'older_than is not a valid UUID' },
  ]);
});

t.test('rate limit per service and key type', async (t) => {
  const svc = await createServiceWithKeys(db);
  await db.query('update app_public.services set rate_limit = 3 where id = $1', [svc.serviceId]);
  const send = (key = svc.normal) =>
    post(app, key, '/v2/notifications/sms', {
      phone_number: '07700900123',
      template_id: svc.sms,
      personalisation: { name: 'x' },
    });
  // The rate_limit change reaches the database function directly (no cache involved); concurrent requests share a
  // batch.
  const results = await Promise.all([send(), send(), send(), send(), send()]);
  t.same(results.map((r) => r.status).sort(), [201, 201, 201, 429, 429]);
  t.same(results.find((r) => r.status === 429)!.body, {
    status_code: 429,
    errors: [
      { error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3 requests per 60 seconds' },
    ],
  });
  t.equal(
    (await db.one('select count(*)::int as n from app_public.notifications where service_id = $1', [svc.serviceId])).n,
    3,
  );
  const team = await send(svc.team);
  t.equal(team.status, 201, 'other key types have their own budget');
  const tests = [await send(svc.test), await send(svc.test), await send(svc.test), await send(svc.test)];
  t.same(
    tests.map((r) => r.status),
    [201, 201, 201, 429],
    'test keys count too',
  );
  t.equal(tests[3].body.errors[0].message, 'Exceeded rate limit for key type TEST of 3 requests per 60 seconds');
});

t.test(
  'rate limit is over the last 60 seconds: the previous minute counts for the part still inside them',
  async (t) => {
    const svc = await createServiceWithKeys(db);
    await db.query('update app_public.services set rate_limit = 10 where id = $1', [svc.serviceId]);
    const send = () =>
      post(app, svc.normal, '/v2/notifications/sms', {
        phone_number: '07700900123',
        template_id: svc.sms,
        personalisation: { name: 'x' },
      });
    // Away from a minute boundary, so "this minute" and "the previous one" stay what they are here.
    while ((await db.one<{ s: number }>('select extract(second from now())::float8 as s')).s > 50)
      await new Promise((r) => setTimeout(r, 500));
    const putPrevious = (minutesBack: number, requests: number) =>
      db.query(
        `insert into app_private.rate_limit_counters (service_id, key_type, window_start, shard, requests)
       values ($1, 'normal', to_timestamp(floor(extract(epoch from now()) / 60) * 60) - make_interval(mins => $2),
               0, $3)
       on conflict (service_id, key_type, window_start, shard) do update set requests = excluded.requests`,
        [svc.serviceId, minutesBack, requests],
      );
    // 1,000 requests in the previous minute: at most 50 s into this one, at least a sixth of it is
    // still inside the last 60 seconds (≥ 166 requests, over the limit of 10).
    await putPrevious(1, 1000);
    const r = await send();
    t.equal(r.status, 429, 'a burst at the end of the previous minute still counts');
    t.equal(r.body.errors[0].message, 'Exceeded rate limit for key type LIVE of 10 requests per 60 seconds');
    // The same burst two minutes ago is outside the last 60 seconds.
    await db.query('delete from app_private.rate_limit_counters where service_id = $1', [svc.serviceId]);
    await putPrevious(2, 1000);
    t.equal((await send()).status, 201, 'older minutes do not count');
  },
);

t.test('daily limits per channel; texts abroad count toward sms and international_sms; test keys exempt', async (t) => {
  const svc = await createServiceWithKeys(db);
  await db.query(
    'update app_public.services set sms_message_limit = 4, international_sms_message_limit = 1 where id = $1',
    [svc.serviceId],
  );
  const send = (key = svc.normal, phone = '07700900123') =>
    post(app, key, '/v2/notifications/sms', {
      phone_number: phone,
      template_id: svc.sms,
      personalisation: { name: 'x' },
    });
  const France = '+33 6 12 34 56 78';
  t.equal((await send()).status, 201);
  t.equal((await send(svc.team)).status, 201);
  t.equal((await send(svc.normal, France)).status, 201, 'third text, first abroad');
  t.same(errors((await send(svc.normal, France)).body), [
    { error: 'TooManyRequestsError', message: 'Exceeded send limits (international_sms: 1) for today' },
  ]);
  t.equal((await send()).status, 201, 'fourth text: the one abroad counted toward sms too');
  const over = await send();
  t.same(over.body, {
    status_code: 429,
    errors: [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (sms: 4) for today' }],
  });
  t.same(
    errors((await send(svc.normal, France)).body),
    [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (sms: 4) for today' }],
    'the sms limit is checked first, as Notify',
  );
  t.equal((await send(svc.test)).status, 201, 'test key exempt');
  // Jersey is +44: it counts against the text message limit, as Notify's, not the international one.
  t.same(errors((await send(svc.normal, '07797 800123')).body), [
    { error: 'TooManyRequestsError', message: 'Exceeded send limits (sms: 4) for today' },
  ]);
  const counters = await db.query<{ channel: string; sent: number }>(
    `select channel, sum(sent)::int as sent from app_private.daily_limit_counters
     where service_id = $1 group by 1 order by 1`,
    [svc.serviceId],
  );
  t.same(counters, [
    { channel: 'international_sms', sent: 1 },
    { channel: 'sms', sent: 4 },
  ]);
  const email = await post(app, svc.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: svc.email,
    personalisation: { name: 'x', ref: 'y' },
  });
  t.equal(email.status, 201, 'other channels unaffected');
});

t.test('inactive service and a key of another service', async (t) => {
  const svc = await createServiceWithKeys(db);
  const key = await createApiKey(db, svc.serviceId, 'normal');
  await db.query('update app_public.services set active = false where id = $1', [svc.serviceId]);
  let r: Awaited<ReturnType<typeof post>> | undefined;
  for (let i = 0; i < 40; i++) {
    r = await post(app, key, '/v2/notifications/sms', {
      phone_number: '07700900123',
      template_id: svc.sms,
      personalisation: { name: 'x' },
    });
    if (r.status === 403) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  t.same(r!.body, {
    status_code: 403,
    errors: [{ error: 'AuthError', message: 'Invalid token: service is archived' }],
  });
});
