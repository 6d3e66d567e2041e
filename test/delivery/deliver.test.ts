// Delivery end to end: real worker, real Postgres, simulated providers on 127.0.0.1.
import t from 'tap';
import { createNotifications } from '../helpers/factories.ts';
import { setupDelivery, statuses, waitFor, waitForStatuses } from '../helpers/delivery.ts';
import { startCallbackEndpoint } from '../helpers/recording-server.ts';

const final = (s: string) => ['delivered', 'temporary-failure', 'permanent-failure', 'technical-failure'].includes(s);

t.test('texts: created → sending → delivered, with a callback to the service', async (t) => {
  const d = await setupDelivery(t, { label: 'sms' });
  const endpoint = await startCallbackEndpoint(t);
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  await d.db.query(`select app_public.add_sms_sender(service_id => $1, sms_sender => 'PARKING', is_default => true)`, [
    d.serviceId,
  ]);

  const ids = await createNotifications(d, 'sms', [
    { to: '07700900123', personalisation: { name: 'Ann', code: '1' }, clientReference: 'ref-1' },
    { to: '07700900124', personalisation: { name: 'Bob', code: '2' } },
    { to: '07700900125', personalisation: { name: 'Cy', code: '3' } },
  ]);
  t.same(await waitForStatuses(d.db, ids, final), ['delivered', 'delivered', 'delivered']);

  const first = d.sms.messages.get(ids[0])!;
  t.equal(first.content, 'Parking: Hello Ann, your code is 1', 'rendered with the service name prefix');
  t.equal(first.sender, 'PARKING', 'sender from service_sms_senders');
  t.equal(first.to, '07700900123');
  const rows = await d.db.query(
    `select id, sent_by, sent_at, updated_at, reference, billable_units from app_public.notifications
     where id = any($1::uuid[]) order by id`,
    [ids],
  );
  for (const r of rows) {
    t.equal(r.sent_by, 'sms-stub');
    // The provider was given our id as its reference (receipts come back by id); as in Notify,
    // nothing is stored in reference for texts (an indexed column the update would have to change).
    t.equal(d.sms.messages.get(r.id)?.reference, r.id, 'provider reference = notification id');
    t.equal(r.reference, null, 'SMS reference column left empty');
    t.equal(r.billable_units, 1);
    t.ok(r.sent_at && r.updated_at && r.updated_at >= r.sent_at, 'sent_at and updated_at recorded');
  }
  t.equal(d.sms.stats.accepted, 3, 'each text handed over once');
  t.equal(d.sms.stats.requests, 1, 'in one request (the generic format takes a batch)');

  await waitFor('3 callbacks', async () => endpoint.requests.length >= 3);
  const cb = endpoint.requests.find((r) => r.body.id === ids[0])!;
  t.equal(cb.authorization, 'Bearer secret-token-123');
  t.same(
    Object.keys(cb.body).sort(),
    [
      'completed_at',
      'created_at',
      'id',
      'notification_type',
      'reference',
      'sent_at',
      'status',
      'template_id',
      'template_version',
      'to',
    ].sort(),
  );
  t.match(cb.body, {
    id: ids[0],
    reference: 'ref-1',
    to: '07700900123',
    status: 'delivered',
    notification_type: 'sms',
    template_id: d.smsTemplateId,
    template_version: 1,
  });
  t.match(cb.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  t.match(cb.body.sent_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  // A job run again (retry, replay) sends nothing twice.
  await d.db.query('select app_hidden.enqueue_delivery($1::uuid[])', [ids]);
  await d.db.query(`select graphile_worker.add_job('deliver-sms', json_build_object('ids', $1::uuid[]))`, [ids]);
  await waitFor(
    'jobs done',
    async () =>
      (await d.db.one(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'deliver-sms'`))
        .n === 0,
  );
  t.equal(d.sms.stats.accepted + d.sms.stats.duplicates, 3, 'a repeated job does not call the provider');
});

t.test(
  'emails: plain + HTML, reply-to, unsubscribe header, from address; receipts by SES-style message id',
  async (t) => {
    const d = await setupDelivery(t, { label: 'email', receiptDelayMs: 0 });
    await d.db.query(
      `select app_public.add_email_reply_to(service_id => $1, email_address => 'replies@dept.gov.uk',
       is_default => true)`,
      [d.serviceId],
    );
    const ids = await createNotifications(d, 'email', [
      { to: 'ann@example.com', personalisation: { name: 'Ann' }, unsubscribeUrl: 'https://dept.gov.uk/unsub?u=1' },
      { to: 'bob@example.com', personalisation: { name: 'Bob' }, replyToText: 'other@dept.gov.uk' },
    ]);
    t.same(await waitForStatuses(d.db, ids, final), ['delivered', 'delivered']);
    const ann = d.email.messages.get(ids[0])!;
    t.equal(ann.subject, 'Permit for Ann');
    t.equal(ann.from, '"Parking" <parking@notifications.service.gov.uk>');
    t.equal(ann.replyTo, 'replies@dept.gov.uk', 'default reply-to of the service');
    t.match(ann.content, /Dear Ann,/);
    t.match(ann.html!, /<h2[^>]*>Your permit<\/h2>|Your permit/);
    t.match(ann.html!, /<li/, 'markdown list rendered as HTML');
    t.notMatch(ann.html!, /Unsubscribe/, 'a request URL goes in the headers only (as Notify)');
    t.notMatch(ann.content, /Unsubscribe/);
    t.same(ann.headers, {
      'List-Unsubscribe': '<https://dept.gov.uk/unsub?u=1>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    t.equal(d.email.messages.get(ids[1])!.replyTo, 'other@dept.gov.uk', 'reply_to_text of the notification wins');
    t.same(d.email.messages.get(ids[1])!.headers, {}, 'no unsubscribe header without a URL');
    const row = await d.db.one(
      'select reference, sent_by, billable_units from app_public.notifications where id = $1',
      [ids[0]],
    );
    t.equal(row.reference, ann.messageId, 'the provider message id is the reference');
    t.equal(row.sent_by, 'email-stub');
    t.equal(row.billable_units, 0);
  },
);

t.test('test-key notifications get simulated outcomes and never reach a provider', async (t) => {
  const d = await setupDelivery(t, { label: 'testkey' });
  const sms = await createNotifications(d, 'sms', [
    { to: '07700900003', keyType: 'test' },
    { to: '+447700900002', keyType: 'test' },
    { to: '07700900555', keyType: 'test' },
  ]);
  const email = await createNotifications(d, 'email', [
    { to: 'temp-fail@simulator.notify', keyType: 'test' },
    { to: 'perm-fail@simulator.notify', keyType: 'test' },
    { to: 'someone@example.com', keyType: 'test' },
  ]);
  t.same(await waitForStatuses(d.db, sms, final), ['temporary-failure', 'permanent-failure', 'delivered']);
  t.same(await waitForStatuses(d.db, email, final), ['temporary-failure', 'permanent-failure', 'delivered']);
  t.equal(d.sms.stats.accepted + d.email.stats.accepted, 0, 'no provider called');
  const r = await d.db.one('select sent_at, sent_by, billable_units from app_public.notifications where id = $1', [
    sms[2],
  ]);
  t.ok(r.sent_at);
  t.equal(r.sent_by, 'sms-stub');
  t.equal(r.billable_units, 0, 'a test-key text is not billed');
});

t.test('receipts: duplicates, unknown references, every provider format', async (t) => {
  const d = await setupDelivery(t, { label: 'receipts', worker: false });
  const endpoint = await startCallbackEndpoint(t);
  await d.db.query(`select app_public.set_service_callback_api($1, 'delivery_status', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  const [a, b, c, e, f] = await createNotifications(
    d,
    'sms',
    [{ to: '07700900001' }, { to: '07700900002' }, { to: '07700900003' }, { to: '07700900004' }, { to: '07700900005' }],
    { enqueue: false },
  );
  await d.db.query(
    `update app_public.notifications set notification_status = 'sending', sent_at = now(), sent_by = 'mmg'
     where id = any($1::uuid[])`,
    [[a, b, c, e, f]],
  );
  const inject = (url: string, payload: unknown, contentType = 'application/json') =>
    d.app.inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': contentType },
    });

  let res = await inject('/notifications/sms/mmg', {
    reference: 'x',
    CID: a,
    MSISDN: '447700900001',
    status: '3',
    substatus: '1',
  });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { result: 'success', updated: 1 });
  res = await inject('/notifications/sms/mmg', {
    reference: 'x',
    CID: a,
    MSISDN: '447700900001',
    status: '3',
    substatus: '1',
  });
  t.equal(res.statusCode, 200, 'a duplicate receipt is accepted');
  t.match(res.json(), { updated: 0, duplicate: 1 });
  res = await inject('/notifications/sms/mmg', { CID: a, status: '5' });
  t.match(res.json(), { updated: 0, ignored: 1 }, 'a final status never changes');

  res = await inject('/notifications/sms/mmg', { CID: '6f1e1b9a-0000-4000-8000-000000000000', status: '3' });
  t.equal(res.statusCode, 404, 'unknown id → 404');
  t.match(res.json(), { result: 'error', message: /not found/ });
  res = await inject('/notifications/sms/mmg', { CID: 'not-a-uuid', status: '3' });
  t.equal(res.statusCode, 404);
  res = await inject('/notifications/sms/mmg', { CID: a, status: '99' });
  t.equal(res.statusCode, 400, 'unknown status → 400');
  res = await inject('/notifications/sms/mmg', 'not json{');
  t.equal(res.statusCode, 400, 'bad JSON → 400, not 500');

  res = await inject(
    '/notifications/sms/firetext',
    `mobile=447700900002&status=2&time=2024-01-01+10%3A00%3A00&reference=${b}`,
    'application/x-www-form-urlencoded',
  );
  t.equal(res.statusCode, 200);
  t.same(await statuses(d.db, [b]), ['pending'], 'firetext pending');
  res = await inject(
    '/notifications/sms/firetext',
    `mobile=447700900002&status=1&reference=${b}`,
    'application/x-www-form-urlencoded',
  );
  t.same(
    await statuses(d.db, [b]),
    ['temporary-failure'],
    'firetext permanent failure without code on a pending row → temporary',
  );
  await inject(
    '/notifications/sms/firetext',
    `mobile=447700900003&status=1&code=101&reference=${c}`,
    'application/x-www-form-urlencoded',
  );
  t.same(await statuses(d.db, [c]), ['permanent-failure'], 'firetext 101 → permanent');
  await inject('/notifications/sms/reach', { reference: e, status: 'expired' });
  t.same(await statuses(d.db, [e]), ['temporary-failure'], 'reach expired → temporary');
  res = await inject('/notifications/sms/stub', {
    receipts: [
      { reference: f, status: 'delivered' },
      { reference: f, status: 'delivered' },
    ],
  });
  t.same(await statuses(d.db, [f]), ['delivered']);

  // SES: by message id (reference); an unknown young reference is retried later, an old one is 404.
  const [m] = await createNotifications(d, 'email', [{ to: 'x@example.com' }], { enqueue: false });
  await d.db.query(
    `update app_public.notifications
     set notification_status = 'sending', sent_at = now(), sent_by = 'ses', reference = 'ses-msg-1' where id = $1`,
    [m],
  );
  const sns = (
    type: string,
    messageId: string,
    extra: Record<string, unknown> = {},
    timestamp = new Date().toISOString(),
  ) => ({
    Type: 'Notification',
    Message: JSON.stringify({ notificationType: type, mail: { messageId, timestamp }, ...extra }),
  });
  res = await inject(
    '/notifications/email/ses',
    sns('Bounce', 'ses-msg-1', { bounce: { bounceType: 'Permanent' } }),
    'text/plain; charset=UTF-8',
  );
  t.equal(res.statusCode, 200);
  t.same(await statuses(d.db, [m]), ['permanent-failure'], 'SES permanent bounce');
  await d.db.query(`select app_public.set_service_callback_api($1, 'complaint', $2, 'secret-token-123')`, [
    d.serviceId,
    endpoint.url,
  ]);
  res = await inject(
    '/notifications/email/ses',
    sns('Complaint', 'ses-msg-1', {
      complaint: { feedbackId: 'fb-1', complaintFeedbackType: 'abuse', timestamp: new Date().toISOString() },
    }),
  );
  t.equal(res.statusCode, 200);
  t.equal(
    (await d.db.one('select count(*)::int as n from app_public.complaints where notification_id = $1', [m])).n,
    1,
    'complaint recorded',
  );
  const job = await d.db.one(
    `select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
     where k.identifier = 'send-complaint'`,
  );
  const body = await d.db.one('select body from app_private.complaint_callback($1)', [job.payload.id]);
  t.match(
    body.body,
    { notification_id: m, complaint_id: job.payload.id, to: 'x@example.com' },
    'complaint callback queued with the documented body',
  );
  res = await inject('/notifications/email/ses', sns('Delivery', 'ses-unknown-young'));
  t.equal(res.statusCode, 200, 'young unknown SES reference accepted for a later retry');
  t.match(res.json(), { retrying: 1 });
  t.equal(
    (
      await d.db.one(
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'retry-delivery-receipt'`,
      )
    ).n,
    1,
  );
  res = await inject(
    '/notifications/email/ses',
    sns('Delivery', 'ses-unknown-old', {}, new Date(Date.now() - 3600_000).toISOString()),
  );
  t.equal(res.statusCode, 404, 'old unknown SES reference → 404');
  res = await inject('/notifications/email/ses', {
    Type: 'SubscriptionConfirmation',
    SubscribeURL: 'https://example.com',
  });
  t.equal(res.statusCode, 200);

  // One callback per final status change, none for duplicates.
  const { n } = await d.db.one(
    `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send-delivery-status'`,
  );
  t.equal(n, 6, 'callbacks queued once per notification reaching a final status');
});

t.test('a receipt that beats the record of the send is applied by the retry job', async (t) => {
  const d = await setupDelivery(t, { label: 'early' });
  const [m] = await createNotifications(d, 'email', [{ to: 'x@example.com' }], { enqueue: false });
  await d.db.query(`update app_public.notifications set notification_status = 'sending' where id = $1`, [m]);
  const res = await d.app.inject({
    method: 'POST',
    url: '/notifications/email/stub',
    payload: {
      receipts: [{ reference: 'stub-early', status: 'delivered', by_id: false, sent_at: new Date().toISOString() }],
    },
  });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { retrying: 1 });
  await d.db.query(
    `update app_public.notifications set sent_at = now(), sent_by = 'email-stub', reference = 'stub-early'
     where id = $1`,
    [m],
  );
  t.same(await waitForStatuses(d.db, [m], final), ['delivered']);
});
