// GET /v2/notifications/{id} and GET /v2/notifications: body field by field, filters, paging, key-type scoping.
import t from 'tap';
import { createTestApp } from '../../helpers/app.ts';
import { ADDRESS, createServiceWithKeys, insertNotification } from '../../helpers/factories.ts';
import { get, post } from '../../helpers/v2-requests.ts';

const { app, db } = await createTestApp(t);
const fx = await createServiceWithKeys(db);
const base = 'http://localhost:6011';
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

t.test('an sms by id, every key present', async (t) => {
  const sent = await post(app, fx.normal, '/v2/notifications/sms', {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: { name: 'Jo' },
    reference: 'abc',
  });
  const r = await get(app, fx.test, `/v2/notifications/${sent.body.id}`);
  t.equal(r.status, 200, 'any key of the service');
  t.match(r.body.created_at, TS);
  t.same(r.body, {
    id: sent.body.id,
    reference: 'abc',
    email_address: null,
    phone_number: '07700900123',
    line_1: null,
    line_2: null,
    line_3: null,
    line_4: null,
    line_5: null,
    line_6: null,
    postcode: null,
    postage: null,
    type: 'sms',
    status: 'created',
    template: { id: fx.sms, version: 1, uri: `${base}/v2/template/${fx.sms}/version/1` },
    body: 'Hello Jo',
    subject: null,
    created_at: r.body.created_at,
    created_by_name: null,
    sent_at: null,
    completed_at: null,
    scheduled_for: null,
    estimated_delivery: null,
    one_click_unsubscribe_url: null,
    cost_in_pounds: null,
    is_cost_data_ready: false,
    cost_details: {},
  });
  await db.query(
    `update app_public.notifications set notification_status = 'delivered', sent_at = now() where id = $1`,
    [sent.body.id],
  );
  const d = await get(app, fx.normal, `/v2/notifications/${sent.body.id}`);
  t.equal(d.body.status, 'delivered');
  t.match(d.body.sent_at, TS);
  t.match(d.body.completed_at, TS);
  t.equal(d.body.is_cost_data_ready, true);
  t.same(Object.keys(d.body.cost_details), ['billable_sms_fragments', 'international_rate_multiplier', 'sms_rate']);
  t.equal(
    d.body.cost_in_pounds,
    d.body.cost_details.billable_sms_fragments *
      d.body.cost_details.international_rate_multiplier *
      d.body.cost_details.sms_rate,
  );
});

t.test('cost fields as Notify computes them', async (t) => {
  const svc = await createServiceWithKeys(db);
  const cost = async (type: 'sms' | 'email' | 'letter', status: string, units: number, extra = {}) => {
    const template = type === 'sms' ? svc.sms : type === 'email' ? svc.email : svc.letter;
    const id = await insertNotification(db, {
      serviceId: svc.serviceId,
      templateId: template,
      type,
      createdAt: '2022-04-15 12:00:00+00', // SMS rate 0.0161 from 1 April 2022
      status,
      units,
      postage: type === 'letter' ? 'second' : null,
      ...extra,
    });
    const r = await get(app, svc.normal, `/v2/notifications/${id}`);
    t.equal(r.status, 200);
    const { is_cost_data_ready, cost_in_pounds, cost_details } = r.body;
    return { is_cost_data_ready, cost_in_pounds, cost_details };
  };
  // 3 × 1 × 0.0161 in floating point, unrounded, as Notify's billable_units * rate_multiplier * sms_rate.
  t.same(await cost('sms', 'delivered', 3, { multiplier: 1 }), {
    is_cost_data_ready: true,
    cost_in_pounds: 0.048299999999999996,
    cost_details: { billable_sms_fragments: 3, international_rate_multiplier: 1, sms_rate: 0.0161 },
  });
  t.same((await cost('sms', 'sending', 2, { multiplier: 3 })).cost_in_pounds, 2 * 3 * 0.0161);
  t.same(await cost('sms', 'created', 0), { is_cost_data_ready: false, cost_in_pounds: null, cost_details: {} });
  // Fragments counted on creation, but not billed before sending (Notify counts them when it sends).
  t.same(await cost('sms', 'created', 1, { multiplier: 1 }), {
    is_cost_data_ready: false,
    cost_in_pounds: null,
    cost_details: {},
  });
  // After that, whatever the status.
  t.same(await cost('sms', 'technical-failure', 0, { multiplier: 1 }), {
    is_cost_data_ready: true,
    cost_in_pounds: 0,
    cost_details: { billable_sms_fragments: 0, international_rate_multiplier: 1, sms_rate: 0.0161 },
  });
  t.same(await cost('email', 'delivered', 0), { is_cost_data_ready: true, cost_in_pounds: 0, cost_details: {} });

  // Letters: second class 2 sheets from the rate card (0.36 + 2 × 0.05).
  t.same(await cost('letter', 'sending', 2), {
    is_cost_data_ready: true,
    cost_in_pounds: 0.46,
    cost_details: { billable_sheets_of_paper: 2, postage: 'second' },
  });
  t.same(await cost('letter', 'created', 0), { is_cost_data_ready: false, cost_in_pounds: null, cost_details: {} });
  t.same(await cost('letter', 'pending-virus-check', 1), {
    is_cost_data_ready: false,
    cost_in_pounds: null,
    cost_details: {},
  });
  for (const status of ['cancelled', 'technical-failure', 'validation-failed', 'virus-scan-failed']) {
    t.same(
      await cost('letter', status, 3),
      { is_cost_data_ready: true, cost_in_pounds: 0, cost_details: { billable_sheets_of_paper: 0, postage: 'second' } },
      `${status}: never sent, not billed`,
    );
  }
});

t.test('errors by id', async (t) => {
  const other = await createServiceWithKeys(db);
  const sent = await post(app, other.normal, '/v2/notifications/sms', {
    phone_number: '07700900123',
    template_id: other.sms,
    personalisation: { name: 'x' },
  });
  t.same((await get(app, fx.normal, `/v2/notifications/${sent.body.id}`)).body, {
    status_code: 404,
    errors: [{ error: 'NoResultFound', message: 'No result found' }],
  });
  t.same((await get(app, fx.normal, '/v2/notifications/00000000-0000-4000-8000-000000000000')).status, 404);
  t.same((await get(app, fx.normal, '/v2/notifications/nope')).body, {
    status_code: 400,
    errors: [{ error: 'ValidationError', message: 'notification_id is not a valid UUID' }],
  });
});

t.test('email and letter by id', async (t) => {
  const e = await post(app, fx.normal, '/v2/notifications/email', {
    email_address: 'Someone@Example.com',
    template_id: fx.email,
    personalisation: { name: 'Jo', ref: 'R1' },
    one_click_unsubscribe_url: 'https://example.com/unsub',
  });
  const r = await get(app, fx.normal, `/v2/notifications/${e.body.id}`);
  t.match(r.body, {
    email_address: 'Someone@Example.com',
    phone_number: null,
    type: 'email',
    subject: 'Hello Jo',
    body: 'Dear Jo,\r\n\r\nYour reference is R1.',
    one_click_unsubscribe_url: 'https://example.com/unsub',
    is_cost_data_ready: true,
    cost_in_pounds: 0,
    cost_details: {},
  });
  const l = await post(app, fx.normal, '/v2/notifications/letter', {
    template_id: fx.letter,
    personalisation: { ...ADDRESS, name: 'Jo' },
  });
  const lr = await get(app, fx.normal, `/v2/notifications/${l.body.id}`);
  t.match(lr.body, {
    type: 'letter',
    status: 'accepted',
    line_1: 'Ms A Person',
    line_2: '1 High Street',
    line_3: 'SW1A 1AA',
    postage: 'second',
    body: 'Dear Jo',
    subject: 'Your letter',
    is_cost_data_ready: false,
  });
  t.match(lr.body.estimated_delivery, TS);
  // Moved to a known time: Thursday 26 Nov 2026 17:30 GMT prints on Friday; second class → Tuesday.
  await db.query(`update app_public.notifications set created_at = '2026-11-26 17:30:00+00' where id = $1`, [
    l.body.id,
  ]);
  t.equal(
    (await get(app, fx.normal, `/v2/notifications/${l.body.id}`)).body.estimated_delivery,
    '2026-12-01T16:00:00.000000Z',
  );
  await db.query(`update app_public.notifications set notification_status = 'returned-letter' where id = $1`, [
    l.body.id,
  ]);
  t.equal((await get(app, fx.normal, `/v2/notifications/${l.body.id}`)).body.status, 'received');
});

t.test('list: filters, key-type scoping, paging and links', async (t) => {
  const svc = await createServiceWithKeys(db);
  const send = (key = svc.normal, reference = 'r') =>
    post(app, key, '/v2/notifications/sms', {
      phone_number: '07700900123',
      template_id: svc.sms,
      personalisation: { name: 'x' },
      reference,
    });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await send(svc.normal, `ref-${i}`)).body.id);
  const testId = (await send(svc.test, 'ref-test')).body.id;
  const email = await post(app, svc.normal, '/v2/notifications/email', {
    email_address: 'a@b.com',
    template_id: svc.email,
    personalisation: { name: 'x', ref: 'y' },
  });
  const letter = await post(app, svc.normal, '/v2/notifications/letter', {
    template_id: svc.letter,
    personalisation: { ...ADDRESS, name: 'x' },
  });

  let r = await get(app, svc.normal, '/v2/notifications');
  t.equal(r.status, 200);
  t.same(r.body.notifications.map((n: { id: string }) => n.id).sort(), [...ids, email.body.id, letter.body.id].sort());
  t.same(r.body.links, {
    current: `${base}/v2/notifications`,
    next: `${base}/v2/notifications?older_than=${r.body.notifications[4].id}`,
  });
  r = await get(app, svc.test, '/v2/notifications');
  t.same(
    r.body.notifications.map((n: { id: string }) => n.id),
    [testId],
    'test key sees only test notifications',
  );

  r = await get(app, svc.normal, '/v2/notifications?template_type=sms&reference=ref-1');
  t.same(
    r.body.notifications.map((n: { id: string }) => n.id),
    [ids[1]],
  );
  t.same(r.body.links, {
    current: `${base}/v2/notifications?template_type=sms&reference=ref-1`,
    next: `${base}/v2/notifications?template_type=sms&reference=ref-1&older_than=${ids[1]}`,
  });
  // Links keep the parameters in the client's order, each list value repeated, one value for the others, with
  // Python's urlencode escaping; older_than is replaced where it stood.
  r = await get(
    app,
    svc.normal,
    `/v2/notifications?older_than=${testId}&status=created&reference=a%20b/c:d%26e&status=sending&reference=z`,
  );
  t.same(r.body, {
    notifications: [],
    links: {
      current: `${base}/v2/notifications?older_than=${testId}&status=created&status=sending&reference=a+b/c:d%26e`,
    },
  });
  r = await get(app, svc.normal, `/v2/notifications?older_than=${ids[2]}&include_jobs=true&template_type=sms`);
  t.same(
    r.body.notifications.map((n: { id: string }) => n.id),
    [ids[1], ids[0]],
  );
  t.equal(r.body.links.next, `${base}/v2/notifications?older_than=${ids[0]}&include_jobs=true&template_type=sms`);
  // As Notify: accepted stands for created and sending, received for delivered, whatever the type.
  r = await get(app, svc.normal, '/v2/notifications?status=accepted&template_type=letter');
  t.same(
    r.body.notifications.map((n: { id: string }) => n.id),
    [letter.body.id],
  );
  r = await get(app, svc.normal, '/v2/notifications?status=accepted');
  t.equal(r.body.notifications.length, 5);
  r = await get(app, svc.normal, '/v2/notifications?status=created&template_type=sms&template_type=email');
  t.equal(r.body.notifications.length, 4);
  await db.query(`update app_public.notifications set notification_status = 'permanent-failure' where id = $1`, [
    ids[0],
  ]);
  r = await get(app, svc.normal, '/v2/notifications?status=failed');
  t.same(
    r.body.notifications.map((n: { id: string }) => n.id),
    [ids[0]],
  );

  r = await get(app, svc.normal, '/v2/notifications?status=nope&foo=1&older_than=x');
  t.same(
    r.body.errors.map((e: { message: string }) => e.message),
    [
      'status nope is not one of [cancelled, created, sending, sent, delivered, pending, failed, technical-failure, ' +
        'temporary-failure, permanent-failure, pending-virus-check, validation-failed, virus-scan-failed, ' +
        'returned-letter, accepted, received]',
      'older_than is not a valid UUID',
      'Additional properties are not allowed (foo was unexpected)',
    ],
  );

  // Paging: 250 per page, next whenever the page has rows, older_than continues (rows created in one batch share
  // created_at).
  const many = await createServiceWithKeys(db);
  const items = Array.from({ length: 260 }, (_, i) => ({
    service_id: many.serviceId,
    api_key_id: many.normal.id,
    key_type: 'normal',
    notification_type: 'sms',
    template_id: many.sms,
    template_version: 1,
    to: '07700900123',
    normalised_to: '447700900123',
    client_reference: `p${i}`,
  }));
  await db.query('select * from app_hidden.create_notifications($1::jsonb)', [JSON.stringify(items)]);
  const page1 = await get(app, many.normal, '/v2/notifications?template_type=sms');
  t.equal(page1.body.notifications.length, 250);
  const last = page1.body.notifications[249].id;
  t.equal(page1.body.links.next, `${base}/v2/notifications?template_type=sms&older_than=${last}`);
  const page2 = await get(app, many.normal, `/v2/notifications?template_type=sms&older_than=${last}`);
  t.equal(page2.body.notifications.length, 10);
  const last2 = page2.body.notifications[9].id;
  t.equal(page2.body.links.next, `${base}/v2/notifications?template_type=sms&older_than=${last2}`);
  const page3 = await get(app, many.normal, `/v2/notifications?template_type=sms&older_than=${last2}`);
  t.same(page3.body, {
    notifications: [],
    links: { current: `${base}/v2/notifications?template_type=sms&older_than=${last2}` },
  });
  const all = new Set([...page1.body.notifications, ...page2.body.notifications].map((n: { id: string }) => n.id));
  t.equal(all.size, 260);
});

t.test('estimated delivery: 17:30 London cut-off (GMT and BST), working days by postage', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['2026-11-26 17:29:59+00', 'first', '2026-11-27'], // Thursday before the cut-off: prints Thursday
    ['2026-11-26 17:30:00+00', 'first', '2026-11-30'], // after it: prints Friday, first class → Monday
    ['2026-07-01 16:29:59+00', 'first', '2026-07-02'], // 17:29:59 BST
    ['2026-07-01 16:30:00+00', 'first', '2026-07-03'], // 17:30 BST: prints the next day
    ['2026-11-27 10:00:00+00', 'second', '2026-12-01'],
    ['2026-11-27 10:00:00+00', 'europe', '2026-12-02'],
    ['2026-11-27 10:00:00+00', 'economy', '2026-12-03'],
    ['2026-11-27 10:00:00+00', 'rest-of-world', '2026-12-04'],
    ['2026-11-28 12:00:00+00', 'second', '2026-12-01'], // printed on a Saturday: working days from Monday
  ];
  for (const [createdAt, postage, day] of cases) {
    const { v } = await db.one<{ v: string }>('select app_hidden.letter_estimated_delivery($1, $2) as v', [
      createdAt,
      postage,
    ]);
    t.equal(v, `${day}T16:00:00.000000Z`, `${createdAt} ${postage}`);
  }
  const { key } = await db.one<{ key: string }>(
    `select app_private.letter_pdf_key('abc', 'first', '2026-07-01 16:30:00+00') as key`,
  );
  t.equal(key, '2026-07-02/NOTIFY.ABC.D.1.C.20260701163000.PDF', 'the PDF folder uses the same print date');
});
