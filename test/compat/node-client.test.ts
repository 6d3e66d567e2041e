// The official notifications-node-client, unchanged, against a listening server. Test data is made
// with the CLI, as an operator would.
import t from 'tap';
import { NotifyClient } from 'notifications-node-client';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { cli } from '../helpers/spawn.ts';
import { ADDRESS, PDF } from '../helpers/factories.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { letterPdfKey } from '../../src/routes/v2/state.ts';
import { runTask } from '../../src/lib/run-task.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'compat');
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: s3Endpoint } });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

async function run(...args: string[]) {
  const r = await cli(db.url, ...args);
  if (r.code !== 0) {
    throw new Error(`notify ${args.join(' ')} failed (exit ${r.code}): ${r.stderr || r.stdout || 'no output'}`);
  }
  return r.json;
}

// An operator sets up a live service.
const user = await run('create-user', '--email', 'ops@example.gov.uk', '--name', 'Ops', '--mobile', '07700900123');
const service = await run(
  'create-service',
  '--name',
  'Compat service',
  '--user',
  user.id,
  '--live',
  '--permissions',
  'sms,email,letter,international_sms,inbound_sms',
);
const normal = await run('create-api-key', '--service', service.id, '--name', 'normal key', '--type', 'normal');
const team = await run('create-api-key', '--service', service.id, '--name', 'team key', '--type', 'team');
const test = await run('create-api-key', '--service', service.id, '--name', 'test key', '--type', 'test');
const sms = await run(
  'create-template',
  '--service',
  service.id,
  '--type',
  'sms',
  '--name',
  'Hello',
  '--content',
  'Hello ((name))',
);
await run('update-template', '--template', sms.id, '--content', 'Hello ((name)), version 2');
const email = await run(
  'create-template',
  '--service',
  service.id,
  '--type',
  'email',
  '--name',
  'Mail',
  '--content',
  'Dear ((name))',
  '--subject',
  'Hi ((name))',
);
const letter = await run(
  'create-template',
  '--service',
  service.id,
  '--type',
  'letter',
  '--name',
  'Letter',
  '--content',
  'Dear ((name))',
  '--subject',
  'About you',
);
const sender = await run('add-sms-sender', '--service', service.id, '--sender', 'COMPAT');
const replyTo = await run('add-email-reply-to', '--service', service.id, '--email', 'replies@example.gov.uk');
await run('add-inbound-number', '--number', '07700900999', '--service', service.id);
await run('receive-sms', '--to', '07700900999', '--from', '07700900111', '--content', 'A reply');

const client = new NotifyClient(baseUrl, normal.key);
const testClient = new NotifyClient(baseUrl, test.key);

type AxiosishError = {
  response: { status: number; data: { status_code: number; errors: Array<{ error: string; message: string }> } };
};
async function failure(promise: Promise<unknown>): Promise<AxiosishError['response']> {
  try {
    await promise;
  } catch (e) {
    return (e as AxiosishError).response;
  }
  throw new Error('expected the client to reject');
}

t.test('send sms, email, letter and precompiled letter', async (t) => {
  const s = await client.sendSms(sms.id, '07700 900123', {
    personalisation: { name: 'Jo' },
    reference: 'compat-sms',
    smsSenderId: sender.id,
  });
  t.equal(s.status, 201);
  t.match(s.data, {
    reference: 'compat-sms',
    content: { body: 'Hello Jo, version 2', from_number: 'COMPAT' },
    template: { id: sms.id, version: 2 },
  });
  const e = await client.sendEmail(email.id, 'someone@example.com', {
    personalisation: { name: 'Jo' },
    emailReplyToId: replyTo.id,
    oneClickUnsubscribeURL: 'https://example.com/u',
  });
  t.match(e.data, {
    content: { subject: 'Hi Jo', body: 'Dear Jo', one_click_unsubscribe_url: 'https://example.com/u' },
  });
  const l = await client.sendLetter(letter.id, {
    personalisation: { ...ADDRESS, name: 'Jo' },
    reference: 'compat-letter',
  });
  t.match(l.data, { reference: 'compat-letter', content: { body: 'Dear Jo', subject: 'About you' } });
  const p = await testClient.sendPrecompiledLetter('compat-pdf', PDF, 'first');
  t.same(p.data, { id: p.data.id, reference: 'compat-pdf', postage: 'first' });
  const pdf = await testClient.getPdfForLetterNotification(p.data.id);
  t.same(Buffer.from(pdf), PDF, 'the PDF comes back');
});

t.test('get by id, list with filters and paging', async (t) => {
  const s = await client.sendSms(sms.id, '07700900123', { personalisation: { name: 'Kim' }, reference: 'find-me' });
  const byId = await client.getNotificationById(s.data.id);
  t.match(byId.data, {
    id: s.data.id,
    type: 'sms',
    status: 'created',
    body: 'Hello Kim, version 2',
    reference: 'find-me',
  });
  const list = await client.getNotifications('sms', 'created', 'find-me');
  t.same(
    list.data.notifications.map((n: { id: string }) => n.id),
    [s.data.id],
  );
  t.match(list.data.links.current, /\/v2\/notifications\?template_type=sms&status=created&reference=find-me$/);
  const all = await client.getNotifications();
  t.ok(all.data.notifications.length >= 3);
  const older = await client.getNotifications(undefined, undefined, undefined, all.data.notifications[0].id);
  t.equal(older.data.notifications.length, all.data.notifications.length - 1);
  // links.next on every page with rows, as the client iterators expect; the page after the last is empty.
  const lastId = all.data.notifications[all.data.notifications.length - 1].id;
  t.ok(all.data.links.next?.endsWith(`/v2/notifications?older_than=${lastId}`), all.data.links.next);
  const after = await client.getNotifications(undefined, undefined, undefined, lastId);
  t.same(after.data.notifications, []);
  t.same(Object.keys(after.data.links), ['current']);
  t.match(list.data.links.next, /\?template_type=sms&status=created&reference=find-me&older_than=[0-9a-f-]{36}$/);
  const letters = await client.getNotifications('letter', 'accepted');
  t.equal(letters.data.notifications[0].status, 'accepted');
  const testList = await testClient.getNotifications();
  t.same(
    testList.data.notifications.map((n) => n.reference),
    ['compat-pdf'],
    'only the test key’s own',
  );
});

t.test('templates, versions, preview', async (t) => {
  const tpl = await client.getTemplateById(sms.id);
  t.match(tpl.data, {
    id: sms.id,
    type: 'sms',
    version: 2,
    body: 'Hello ((name)), version 2',
    name: 'Hello',
    created_by: 'ops@example.gov.uk',
    personalisation: { name: { required: true } },
  });
  const v1 = await client.getTemplateByIdAndVersion(sms.id, 1);
  t.equal(v1.data.body, 'Hello ((name))');
  const all = await client.getAllTemplates();
  t.same(
    all.data.templates.map((x: { name: string }) => x.name),
    ['Hello', 'Letter', 'Mail'],
    'by name, as Notify',
  );
  const emails = await client.getAllTemplates('email');
  t.same(
    emails.data.templates.map((x: { id: string }) => x.id),
    [email.id],
  );
  const preview = await client.previewTemplateById(email.id, { name: 'Jo' });
  t.match(preview.data, {
    id: email.id,
    type: 'email',
    version: 1,
    body: 'Dear Jo',
    subject: 'Hi Jo',
    html: /Dear Jo/,
  });
});

t.test('received texts', async (t) => {
  const r = await client.getReceivedTexts();
  t.equal(r.data.received_text_messages.length, 1);
  // The sender as stored: normalised, by the CLI as by a provider's callback.
  t.match(r.data.received_text_messages[0], {
    content: 'A reply',
    service_id: service.id,
    user_number: '447700900111',
  });
  const lastText = r.data.received_text_messages[0].id;
  t.ok(r.data.links.next?.endsWith(`/v2/received-text-messages?older_than=${lastText}`), r.data.links.next);
  const older = await client.getReceivedTexts(r.data.received_text_messages[0].id);
  t.same(older.data.received_text_messages, []);
  t.notOk(older.data.links.next);
});

t.test('PDF of a live precompiled letter once scanned', async (t) => {
  const p = await client.sendPrecompiledLetter('live-pdf', PDF);
  const notReady = await failure(client.getPdfForLetterNotification(p.data.id));
  t.same(notReady.data, {
    status_code: 400,
    errors: [{ error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' }],
  });
  const row = await db.one(
    `update app_public.notifications set notification_status = 'created' where id = $1
     returning reference, postage, created_at`,
    [p.data.id],
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: cfg.LETTERS_PDF_BUCKET,
      Key: await letterPdfKey(db.pool, { reference: row.reference, postage: row.postage, createdAt: row.created_at }),
      Body: PDF,
    }),
  );
  t.same(Buffer.from(await client.getPdfForLetterNotification(p.data.id)), PDF);
});

t.test('PDF of a test-key template letter once made', async (t) => {
  const l = await testClient.sendLetter(letter.id, { personalisation: { ...ADDRESS, name: 'Test' } });
  const notReady = await failure(testClient.getPdfForLetterNotification(l.data.id));
  t.equal(notReady.data.errors[0].error, 'PDFNotReadyError');
  // The task reads the process configuration: point it at this S3.
  process.env.S3_ENDPOINT = s3Endpoint;
  t.equal((await runTask(db.url, 'create-letter-pdf', { ids: [l.data.id] })).status, 'completed');
  const pdf = Buffer.from(await testClient.getPdfForLetterNotification(l.data.id));
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-');
});

t.test('errors surface as the client expects', async (t) => {
  const bad = await failure(client.sendSms(sms.id, '0772345', { personalisation: { name: 'x' } }));
  t.same(bad, {
    ...bad,
    status: 400,
    data: { status_code: 400, errors: [{ error: 'ValidationError', message: 'phone_number Not enough digits' }] },
  });
  const missing = await failure(client.sendSms(sms.id, '07700900123'));
  t.same(missing.data.errors, [{ error: 'BadRequestError', message: 'Missing personalisation: name' }]);
  const teamClient = new NotifyClient(baseUrl, team.key);
  const teamErr = await failure(teamClient.sendSms(sms.id, '07700900456', { personalisation: { name: 'x' } }));
  t.same(teamErr.data.errors, [
    { error: 'BadRequestError', message: 'Can’t send to this recipient using a team-only API key' },
  ]);
  const notFound = await failure(client.getNotificationById('00000000-0000-4000-8000-000000000000'));
  t.same(notFound.status, 404);
  t.same(notFound.data.errors, [{ error: 'NoResultFound', message: 'No result found' }]);
  const tpl = await failure(client.getTemplateById('00000000-0000-4000-8000-000000000000'));
  t.equal(tpl.status, 404);
  const sms2 = await client.sendSms(sms.id, '07700900123', { personalisation: { name: 'x' } });
  const notLetter = await failure(client.getPdfForLetterNotification(sms2.data.id));
  t.same(notLetter.data.errors, [{ error: 'BadRequestError', message: 'Notification is not a letter' }]);
  const badKey = new NotifyClient(baseUrl, `bad-${service.id}-11111111-2222-4333-8444-555555555555`);
  const auth = await failure(badKey.getAllTemplates());
  t.same(auth, {
    ...auth,
    status: 403,
    data: { status_code: 403, errors: [{ error: 'AuthError', message: 'Invalid token: API key not found' }] },
  });
  await db.query('update app_public.services set rate_limit = 0 where id = $1', [service.id]);
  const limited = await failure(client.sendSms(sms.id, '07700900123', { personalisation: { name: 'x' } }));
  t.same(limited.data, {
    status_code: 429,
    errors: [
      { error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 0 requests per 60 seconds' },
    ],
  });
});

t.test('Notify’s sending rules through the client', async (t) => {
  await db.query('update app_public.services set rate_limit = 3000 where id = $1', [service.id]);
  // SMS encoding: Welsh letters kept, curly quotes downgraded, an emoji with no downgrade becomes '?'.
  const welsh = await client.sendSms(sms.id, '07700900123', { personalisation: { name: 'Dŵr “Jo” 😀' } });
  t.equal(welsh.data.content.body, 'Hello Dŵr "Jo" ?, version 2');
  // A UK landline without the sms_to_uk_landlines permission.
  const landline = await failure(client.sendSms(sms.id, '020 7946 0000', { personalisation: { name: 'x' } }));
  t.equal(landline.status, 400);
  t.same(landline.data.errors, [{ error: 'InvalidPhoneError', message: 'Not a UK mobile number' }]);
  // A letter addressed in lines 3 to 5, no line required by name; then a postcode that is not real.
  const l = await client.sendLetter(letter.id, {
    personalisation: {
      address_line_3: '10 Downing Street',
      address_line_4: 'London',
      address_line_5: 'SW1A 2AA',
      name: 'x',
    },
  });
  t.equal(l.status, 201);
  const fake = await failure(
    client.sendLetter(letter.id, {
      personalisation: { address_line_1: 'A', address_line_2: 'B', address_line_3: 'NF1 1AA', name: 'x' },
    }),
  );
  t.same(fake.data.errors, [{ error: 'ValidationError', message: 'Must be a real UK postcode' }]);
  // Files by email: refused until the service has a contact link; the client sends its nulls, so the
  // recipient must confirm their address before downloading (Notify's default).
  const fileTemplate = await run(
    'create-template',
    ...['--service', service.id, '--type', 'email', '--name', 'File', '--subject', 'Your file'],
    ...['--content', 'Download: ((link))'],
  );
  const file = client.prepareUpload(Buffer.from('a,b\n1,2\n'), { filename: 'report.csv' });
  const noContact = await failure(
    client.sendEmail(fileTemplate.id, 'someone@example.com', { personalisation: { link: file } }),
  );
  t.equal(noContact.status, 400);
  t.match(noContact.data.errors[0].message, /^Send files by email has not been set up/);
  await db.query(`update app_public.services set contact_link = 'https://example.gov.uk/contact' where id = $1`, [
    service.id,
  ]);
  let sent: Awaited<ReturnType<typeof client.sendEmail>> | undefined;
  for (let i = 0; i < 50 && !sent; i++) {
    // The API's service cache hears of the change within moments.
    sent = await client
      .sendEmail(fileTemplate.id, 'someone@example.com', { personalisation: { link: file } })
      .catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
  }
  t.ok(sent, 'sent once the contact link is set');
  const link = /https?:\/\/\S+/.exec(sent!.data.content.body)![0];
  const page = await fetch(link.replace(/^https?:\/\/[^/]+/, baseUrl));
  t.equal(page.status, 200);
  const html = await page.text();
  t.match(html, /<form/, 'asks for the email address first');
  t.notMatch(html, /a,b/, 'the file is not given away without it');
});
