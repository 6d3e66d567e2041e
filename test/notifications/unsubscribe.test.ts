// One-click unsubscribe as Notify: templates with has_unsubscribe_link, the footer and headers the
// email provider receives, POST /unsubscribe/<id>/<token> and the service's report.
import t from 'tap';
import { testConfig } from '../helpers/db.ts';
import { createNotifications, createTemplate, createUser, createService } from '../helpers/factories.ts';
import { setupDelivery, waitForStatuses } from '../helpers/delivery.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import {
  checkUnsubscribeToken,
  generateUnsubscribeToken,
  unsubscribeTokenKey,
} from '../../src/notifications/unsubscribe.ts';
import { graphqlRequest } from '../helpers/graphql.ts';

// The worker reads the process configuration (lazily, on first use); its token key must be the
// app's (testConfig's).
process.env.ADMIN_JWT_SECRET = testConfig().ADMIN_JWT_SECRET;
process.env.API_HOST_NAME = 'https://api.example.gov.uk';
process.env.ADMIN_BASE_URL = 'https://admin.example.gov.uk';

const final = (s: string) => ['delivered', 'temporary-failure', 'permanent-failure', 'technical-failure'].includes(s);
const invalid = { name: 'InvalidUnsubscribeToken' };
const key = unsubscribeTokenKey(testConfig().ADMIN_JWT_SECRET);

t.test('tokens: round trip, forged, tampered, expired, another key', async (t) => {
  const token = generateUnsubscribeToken('Ann@Example.com', key);
  t.equal(checkUnsubscribeToken(token, key), 'Ann@Example.com', 'the address as sent, not normalised');
  t.match(token, /^[A-Za-z0-9_=-]+$/, 'URL-safe');
  const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
  t.throws(() => checkUnsubscribeToken(flipped, key), invalid, 'tampered');
  t.throws(() => checkUnsubscribeToken('not-a-token', key), invalid, 'garbage');
  t.throws(() => checkUnsubscribeToken('a/b', key), invalid, 'not base64url');
  t.throws(() => checkUnsubscribeToken(token, unsubscribeTokenKey('another-secret-0123456789')), invalid);
  const old = generateUnsubscribeToken('a@b.com', key, Date.now() - 366 * 24 * 3600 * 1000);
  t.throws(() => checkUnsubscribeToken(old, key), invalid, 'older than a year');
  const future = generateUnsubscribeToken('a@b.com', key, Date.now() + 3600 * 1000);
  t.throws(() => checkUnsubscribeToken(future, key), invalid, 'stamped in the future');
});

t.test('has_unsubscribe_link: emails only, settable by create/update_template, versioned', async (t) => {
  const d = await setupDelivery(t, { label: 'unsub_flag', worker: false });
  const tpl = await d.db.one(
    `select id, has_unsubscribe_link, version from app_public.create_template(service_id => $1,
     template_type => 'email', name => 'News', subject => 'News', content => 'Hello', has_unsubscribe_link => true)`,
    [d.serviceId],
  );
  t.equal(tpl.has_unsubscribe_link, true);
  await t.rejects(
    d.db.query(
      `select app_public.create_template(service_id => $1, template_type => 'sms', name => 'S', content => 'x',
       has_unsubscribe_link => true)`,
      [d.serviceId],
    ),
    { message: 'Only email templates can have an unsubscribe link', code: 'NTF01' },
  );
  await t.rejects(
    d.db.query('select app_public.update_template(template_id => $1, has_unsubscribe_link => true)', [d.smsTemplateId]),
    { message: 'Only email templates can have an unsubscribe link', code: 'NTF01' },
  );
  await t.rejects(
    d.db.query('update app_public.templates set has_unsubscribe_link = true where id = $1', [d.smsTemplateId]),
    /ck_templates_non_email_has_unsubscribe_false/,
    'the check constraint holds for direct writes',
  );
  const off = await d.db.one(
    `select has_unsubscribe_link, version
     from app_public.update_template(template_id => $1, has_unsubscribe_link => false)`,
    [tpl.id],
  );
  t.same(off, { has_unsubscribe_link: false, version: 2 });
  const kept = await d.db.one(
    "select has_unsubscribe_link from app_public.update_template(template_id => $1, name => 'Renamed')",
    [tpl.id],
  );
  t.equal(kept.has_unsubscribe_link, false, 'null keeps the current value');
  const history = await d.db.query(
    'select version, has_unsubscribe_link from app_public.templates_history where id = $1 order by version',
    [tpl.id],
  );
  t.same(history, [
    { version: 1, has_unsubscribe_link: true },
    { version: 2, has_unsubscribe_link: false },
    { version: 3, has_unsubscribe_link: false },
  ]);
});

t.test('email with an unsubscribe link: footer, headers, POST records once, bad links refused', async (t) => {
  const d = await setupDelivery(t, { label: 'unsub_send', receiptDelayMs: 0 });
  const newsId = await d.db
    .one(
      `select id from app_public.create_template(service_id => $1, template_type => 'email', name => 'News',
       subject => 'News for ((name))', content => 'Dear ((name)),', has_unsubscribe_link => true)`,
      [d.serviceId],
    )
    .then((r) => r.id as string);
  const target = { ...d, emailTemplateId: newsId };
  const [plain, overridden] = await createNotifications(target, 'email', [
    { to: 'Ann@Example.com', personalisation: { name: 'Ann' } },
    { to: 'bob@example.com', personalisation: { name: 'Bob' }, unsubscribeUrl: 'https://dept.gov.uk/unsub?u=2' },
  ]);
  t.same(await waitForStatuses(d.db, [plain, overridden], final), ['delivered', 'delivered']);

  const ann = d.email.messages.get(plain)!;
  const link = ann.headers!['List-Unsubscribe'].replace(/^<|>$/g, '');
  const prefix = `https://api.example.gov.uk/unsubscribe/${plain}/`;
  t.ok(link.startsWith(prefix), `headers point at the API's POST endpoint: ${link}`);
  t.equal(ann.headers!['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  const token = link.slice(prefix.length);
  t.equal(checkUnsubscribeToken(token, key), 'Ann@Example.com');
  // The footer: Notify's text, linking to the page that asks the recipient to confirm (served by the API).
  const bodyLink = /https:\/\/api\.example\.gov\.uk\/unsubscribe\/([^/]+)\/([A-Za-z0-9_=-]+)/;
  t.match(ann.content, /Dear Ann,\n\n---\n\n\[Unsubscribe from these emails\]\(https:\/\/api\.example/);
  const [, bodyId, bodyToken] = bodyLink.exec(ann.content)!;
  t.equal(bodyId, plain);
  t.equal(checkUnsubscribeToken(bodyToken, key), 'Ann@Example.com', 'the footer link carries the same address');
  t.match(
    ann.html!,
    /<a [^>]*href="https:\/\/api\.example\.gov\.uk\/unsubscribe\/[^"]+"[^>]*>Unsubscribe from these emails</,
  );
  t.match(ann.html!, /<hr/, 'the --- becomes a rule');

  const bob = d.email.messages.get(overridden)!;
  t.equal(bob.headers!['List-Unsubscribe'], '<https://dept.gov.uk/unsub?u=2>', 'the request URL wins in headers');
  t.match(bob.content, /Unsubscribe from these emails/, 'the footer is still the template’s own link');

  const post = (url: string, payload = 'List-Unsubscribe=One-Click') =>
    d.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
  const path = `/unsubscribe/${plain}/${token}`;
  let res = await post(path);
  t.equal(res.statusCode, 200);
  t.same(res.json(), { result: 'success', message: 'Unsubscribe successful' });
  res = await post(path);
  t.equal(res.statusCode, 200, 'a repeat succeeds');
  res = await d.app.inject({ method: 'POST', url: path });
  t.equal(res.statusCode, 200, 'no body at all is fine too');
  const rows = await d.db.query(
    `select notification_id, template_id, template_version, service_id, email_address
     from app_public.unsubscribe_requests`,
  );
  t.same(
    rows,
    [
      {
        notification_id: plain,
        template_id: newsId,
        template_version: 1,
        service_id: d.serviceId,
        email_address: 'Ann@Example.com',
      },
    ],
    'recorded once, with the address as sent',
  );

  res = await post(`/unsubscribe/${plain}/${token.slice(0, -6)}AAAAAA`);
  t.equal(res.statusCode, 404);
  t.same(res.json(), { result: 'error', message: { 'unsubscribe request': 'This is not a valid unsubscribe link.' } });
  res = await post(`/unsubscribe/${plain}/garbage`);
  t.equal(res.statusCode, 404, 'garbage token');
  t.same(res.json().message, { 'unsubscribe request': 'This is not a valid unsubscribe link.' });
  const stranger = '00000000-0000-4000-8000-000000000000';
  res = await post(`/unsubscribe/${stranger}/${generateUnsubscribeToken('x@example.com', key)}`);
  t.equal(res.statusCode, 404, 'a valid token for an unknown notification');
  t.same(res.json(), {
    result: 'error',
    message: { 'unsubscribe request': 'This unsubscribe link is invalid or expired.' },
  });
  // A long address makes a token longer than the router's default parameter length.
  const longAddress = `${'someone.with.a.long.name'.repeat(4)}@example.gov.uk`;
  const longToken = generateUnsubscribeToken(longAddress, key);
  t.ok(longToken.length > 200, `token of ${longToken.length} characters`);
  res = await post(`/unsubscribe/${plain}/${longToken}`);
  t.equal(res.statusCode, 200, 'a long token is routed');
  res = await post(`/unsubscribe/not-a-uuid/${token}`);
  t.equal(res.statusCode, 404, 'not a UUID: not found');
  // The footer's page: GET asks the person to confirm and records nothing; its form posts back.
  res = await d.app.inject({ method: 'GET', url: path });
  t.equal(res.statusCode, 200);
  t.match(res.body, /<form method="post" action="\?confirmed=page">/);
  res = await d.app.inject({ method: 'GET', url: `/unsubscribe/${plain}/garbage` });
  t.equal(res.statusCode, 404, 'the page refuses a bad link');
  res = await d.app.inject({ method: 'POST', url: `${path}?confirmed=page` });
  t.equal(res.statusCode, 200);
  t.match(res.body, /You have been unsubscribed/, 'a person gets a page, not JSON');
  t.equal((await d.db.query('select 1 from app_public.unsubscribe_requests')).length, 1, 'nothing else recorded');

  // Archived past retention: still found in notification_history.
  const [archived] = await createNotifications(target, 'email', [{ to: 'cy@example.com' }], { enqueue: false });
  await d.db.query(
    `insert into app_public.notification_history (id, service_id, template_id, template_version, key_type,
       notification_type, created_at, notification_status)
     select id, service_id, template_id, template_version, key_type, notification_type, created_at, 'delivered'
     from app_public.notifications where id = $1`,
    [archived],
  );
  await d.db.query('delete from app_public.notifications where id = $1', [archived]);
  res = await post(`/unsubscribe/${archived}/${generateUnsubscribeToken('cy@example.com', key)}`);
  t.equal(res.statusCode, 200, 'an archived notification is found in notification_history');
  t.equal((await d.db.query('select 1 from app_public.unsubscribe_requests')).length, 2);
});

t.test('report: the service’s team reads its requests through GraphQL, other services cannot', async (t) => {
  const d = await setupDelivery(t, { label: 'unsub_report', worker: false });
  const newsId = await createTemplate(d.db, { serviceId: d.serviceId, type: 'email', name: 'Newsletter' });
  await d.db.query('update app_public.templates set has_unsubscribe_link = true where id = $1', [newsId]);
  const [n] = await createNotifications({ ...d, emailTemplateId: newsId }, 'email', [{ to: 'ann@example.com' }], {
    enqueue: false,
  });
  await d.db.query('select app_hidden.record_unsubscribe_request($1, $2)', [n, 'ann@example.com']);

  // GraphQL needs its own app (the delivery set-up's skips it).
  const { createTestApp } = await import('../helpers/app.ts');
  const { app } = await createTestApp(t, { db: d.db, graphql: true });
  const otherUser = await createUser(d.db, { email: 'other@else.gov.uk', name: 'Other' });
  await createService(d.db, { userId: otherUser, name: 'Elsewhere', emailFrom: 'elsewhere' });
  const gql = async (userId: string, query: string) =>
    (await graphqlRequest(app, issueAdminToken(testConfig().ADMIN_JWT_SECRET, userId, false), query)).body;
  const query = `{ allUnsubscribeRequestReports { nodes { serviceId notificationId emailAddress templateName
    originalFileName unsubscribeRequestReceivedAt } }
    allUnsubscribeRequests { nodes { notificationId } } }`;
  const own = await gql(d.userId, query);
  t.notOk(own.errors, JSON.stringify(own.errors));
  t.match(own.data.allUnsubscribeRequestReports.nodes, [
    {
      serviceId: d.serviceId,
      notificationId: n,
      emailAddress: 'ann@example.com',
      templateName: 'Newsletter',
      originalFileName: 'N/A',
      unsubscribeRequestReceivedAt: String,
    },
  ]);
  t.equal(own.data.allUnsubscribeRequestReports.nodes.length, 1);
  t.same(own.data.allUnsubscribeRequests.nodes, [{ notificationId: n }]);
  const other = await gql(otherUser, query);
  t.notOk(other.errors);
  t.same(other.data.allUnsubscribeRequestReports.nodes, [], 'another service’s team sees nothing');
  t.same(other.data.allUnsubscribeRequests.nodes, []);

  const created = await gql(
    d.userId,
    `mutation { createTemplate(input: { serviceId: "${d.serviceId}", templateType: "email", name: "G",
     subject: "S", content: "C", hasUnsubscribeLink: true }) { result { hasUnsubscribeLink } } }`,
  );
  t.same(created.data?.createTemplate?.result, { hasUnsubscribeLink: true }, 'settable through GraphQL');
});
