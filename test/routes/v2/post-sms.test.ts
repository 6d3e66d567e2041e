// POST /v2/notifications/sms: happy path, stored row and delivery job, every documented error.
import t from 'tap';
import { createTestApp } from '../../helpers/app.ts';
import { createServiceWithKeys } from '../../helpers/factories.ts';
import { post } from '../../helpers/v2-requests.ts';

const { app, db } = await createTestApp(t);
const fx = await createServiceWithKeys(db);
const URL = '/v2/notifications/sms';
const base = 'http://localhost:6011';

const errors = (body: { errors: Array<{ error: string; message: string }> }) => body.errors;

t.test('201 with the documented body; the row, its encrypted personalisation and the job', async (t) => {
  const r = await post(app, fx.normal, URL, {
    phone_number: '+44 7700 900123',
    template_id: fx.sms,
    personalisation: { Name: 'Jo' },
    reference: 'ref-1',
  });
  t.equal(r.status, 201);
  t.same(r.body, {
    id: r.body.id,
    reference: 'ref-1',
    content: { body: 'Hello Jo', from_number: 'GOVUK' },
    uri: `${base}/v2/notifications/${r.body.id}`,
    template: { id: fx.sms, version: 1, uri: `${base}/services/${fx.serviceId}/templates/${fx.sms}` },
    scheduled_for: null,
  });
  t.same(Object.keys(r.body), ['id', 'reference', 'content', 'uri', 'template', 'scheduled_for']);
  const row = await db.one(
    `select n.*, app_private.decrypt(n._personalisation) as p from app_public.notifications n where id = $1`,
    [r.body.id],
  );
  t.equal(row.to, '+44 7700 900123');
  t.equal(row.normalised_to, '447700900123');
  t.equal(row.key_type, 'normal');
  t.equal(row.api_key_id, fx.normal.id);
  t.equal(row.notification_status, 'created');
  t.equal(row.client_reference, 'ref-1');
  t.equal(row.billable_units, 1);
  t.equal(row.reply_to_text, 'GOVUK');
  t.same(JSON.parse(row.p), { Name: 'Jo' });
  const jobs = await db.query(
    `select t.identifier, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t
     on t.id = j.task_id`,
  );
  t.ok(jobs.some((j) => j.identifier === 'deliver-sms' && j.payload.ids.includes(r.body.id)));
});

t.test('international numbers: permission, rate multiplier and prefix', async (t) => {
  const r = await post(app, fx.normal, URL, {
    phone_number: '+1 202 555 0123',
    template_id: fx.sms,
    personalisation: { name: 'x' },
  });
  t.equal(r.status, 201);
  const row = await db.one(
    'select international, phone_prefix, rate_multiplier from app_public.notifications where id = $1',
    [r.body.id],
  );
  t.same(
    { ...row, rate_multiplier: Number(row.rate_multiplier) },
    { international: true, phone_prefix: '1', rate_multiplier: 1 },
  );
  const noIntl = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
  const r2 = await post(app, noIntl.normal, URL, {
    phone_number: '+1 202 555 0123',
    template_id: noIntl.sms,
    personalisation: { name: 'x' },
  });
  t.same(r2.body, {
    status_code: 400,
    errors: [{ error: 'BadRequestError', message: 'Cannot send to international mobile numbers' }],
  });
});

const stored = async (id: string) => {
  const row = await db.one(
    'select normalised_to, international, phone_prefix, rate_multiplier from app_public.notifications where id = $1',
    [id],
  );
  return { ...row, rate_multiplier: Number(row.rate_multiplier) };
};

t.test('international numbers are billed at Notify’s rate for their prefix', async (t) => {
  for (const [number, expected] of [
    ['+20 12 1234 1234', { normalised_to: '201212341234', phone_prefix: '20', rate_multiplier: 7 }],
    ['16644913789', { normalised_to: '16644913789', phone_prefix: '1664', rate_multiplier: 6 }],
  ] as const) {
    const r = await post(app, fx.normal, URL, {
      phone_number: number,
      template_id: fx.sms,
      personalisation: { name: 'x' },
    });
    t.equal(r.status, 201, number);
    t.same(await stored(r.body.id), { ...expected, international: true }, number);
  }
});

t.test('UK landlines only with the sms_to_uk_landlines permission', async (t) => {
  const body = (template_id: string) => ({
    phone_number: '020 7946 0991',
    template_id,
    personalisation: { name: 'x' },
  });
  let r = await post(app, fx.normal, URL, body(fx.sms));
  t.same(r.body, { status_code: 400, errors: [{ error: 'InvalidPhoneError', message: 'Not a UK mobile number' }] });
  const landlines = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter', 'sms_to_uk_landlines'] });
  r = await post(app, landlines.normal, URL, body(landlines.sms));
  t.equal(r.status, 201);
  t.same(await stored(r.body.id), {
    normalised_to: '442079460991',
    international: false,
    phone_prefix: '44',
    rate_multiplier: 1,
  });
});

t.test('Jersey, Guernsey and Isle of Man numbers need no international permission', async (t) => {
  const noIntl = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
  for (const [number, normalised] of [
    ['07797 800123', '447797800123'], // Jersey
    ['+44 7781 123456', '447781123456'], // Guernsey
    ['+44 7624 123456', '447624123456'], // Isle of Man
  ]) {
    const r = await post(app, noIntl.normal, URL, {
      phone_number: number,
      template_id: noIntl.sms,
      personalisation: { name: 'x' },
    });
    t.equal(r.status, 201, number);
    // As Notify stores them: international, under the UK prefix, at the crown dependencies' rate.
    t.same(
      await stored(r.body.id),
      { normalised_to: normalised, international: true, phone_prefix: '44', rate_multiplier: 2 },
      number,
    );
  }
});

t.test('schema errors', async (t) => {
  let r = await post(app, fx.normal, URL, {});
  t.equal(r.status, 400);
  t.same(errors(r.body), [
    { error: 'ValidationError', message: 'phone_number is a required property' },
    { error: 'ValidationError', message: 'template_id is a required property' },
  ]);
  r = await post(app, fx.normal, URL, { phone_number: '07700900123', template_id: 'nope', foo: 1 });
  t.same(
    errors(r.body).map((e: { message: string }) => e.message),
    ['template_id is not a valid UUID', 'Additional properties are not allowed (foo was unexpected)'],
  );
  r = await post(app, fx.normal, URL, {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: 'x',
    reference: 'r'.repeat(1001),
  });
  t.match(
    errors(r.body).map((e: { message: string }) => e.message),
    [/^reference r+ is too long$/, 'personalisation x is not of type object'],
  );
  for (const [number, message] of [
    ['0772345', 'phone_number Not enough digits'],
    ['0772345678910', 'phone_number Too many digits'],
    ['0770090012a', 'phone_number Must not contain letters or symbols'],
    ['0772345678', 'phone_number Number is not valid – double check the phone number you entered'],
    ['0900 123 4567', 'phone_number Number is not valid – double check the phone number you entered'],
    ['24741111', 'phone_number Not a valid country prefix'],
  ]) {
    r = await post(app, fx.normal, URL, { phone_number: number, template_id: fx.sms });
    t.same(errors(r.body), [{ error: 'ValidationError', message }], number);
  }
  r = await post(app, fx.normal, URL, {
    phone_number: '07700900123',
    template_id: fx.sms,
    scheduled_for: '2000-01-01T00:00:00',
  });
  t.same(errors(r.body), [{ error: 'ValidationError', message: 'scheduled_for datetime can not be in the past' }]);
});

t.test('template errors', async (t) => {
  const other = await createServiceWithKeys(db);
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown', { template_id: '00000000-0000-4000-8000-000000000000' }, 'Template not found'],
    ['other service', { template_id: other.sms }, 'Template not found'],
    ['wrong type', { template_id: fx.email }, 'email template is not suitable for sms notification'],
    ['missing', { template_id: fx.sms }, 'Missing personalisation: name'],
    ['empty', { template_id: fx.sms, personalisation: { name: '  ' }, empty: true }, 'Your message is empty.'],
  ];
  for (const [label, extra, message] of cases) {
    const { empty, ...body } = extra;
    const tid = empty
      ? (await db.one(`select id from app_public.create_template($1, 'sms', 'e', '((name))')`, [fx.serviceId])).id
      : body.template_id;
    const r = await post(app, fx.normal, URL, { phone_number: '07700900123', ...body, template_id: tid });
    t.same(r.body, { status_code: 400, errors: [{ error: 'BadRequestError', message }] }, label);
  }
  const long = await post(app, fx.normal, URL, {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: { name: 'x'.repeat(920) },
  });
  t.same(errors(long.body), [
    {
      error: 'BadRequestError',
      message:
        'Your message is too long. Text messages cannot be longer than 918 characters. ' +
        'Your message is 926 characters long.',
    },
  ]);
  const archived = (await db.one(`select id from app_public.create_template($1, 'sms', 'a', 'hi')`, [fx.serviceId])).id;
  await db.query('select app_public.update_template($1, archived => true)', [archived]);
  const r = await post(app, fx.normal, URL, { phone_number: '07700900123', template_id: archived });
  t.same(errors(r.body), [{ error: 'BadRequestError', message: 'Template has been deleted' }]);
});

t.test('sms_sender_id', async (t) => {
  const sender = await db.one(`select id from app_public.add_sms_sender($1, 'MYSENDER')`, [fx.serviceId]);
  const r = await post(app, fx.normal, URL, {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: { name: 'x' },
    sms_sender_id: sender.id,
  });
  t.equal(r.status, 201);
  t.equal(r.body.content.from_number, 'MYSENDER');
  const bad = '11111111-1111-4111-8111-111111111111';
  const r2 = await post(app, fx.normal, URL, {
    phone_number: '07700900123',
    template_id: fx.sms,
    personalisation: { name: 'x' },
    sms_sender_id: bad,
  });
  t.same(errors(r2.body), [
    {
      error: 'BadRequestError',
      message: `sms_sender_id ${bad} does not exist in database for service id ${fx.serviceId}`,
    },
  ]);
});

t.test('permission', async (t) => {
  const noSms = await createServiceWithKeys(db, { permissions: ['email'] });
  const r = await post(app, noSms.normal, URL, {
    phone_number: '07700900123',
    template_id: noSms.sms,
    personalisation: { name: 'x' },
  });
  t.same(r.body, {
    status_code: 400,
    errors: [{ error: 'BadRequestError', message: 'Service is not allowed to send text messages' }],
  });
});

t.test('simulated numbers are accepted and not stored; test keys store a test row', async (t) => {
  const before = await db.one('select count(*)::int as n from app_public.notifications');
  const r = await post(app, fx.normal, URL, {
    phone_number: '07700900000',
    template_id: fx.sms,
    personalisation: { name: 'x' },
  });
  t.equal(r.status, 201);
  t.equal((await db.one('select count(*)::int as n from app_public.notifications')).n, before.n);
  const r2 = await post(app, fx.test, URL, {
    phone_number: '07700900003',
    template_id: fx.sms,
    personalisation: { name: 'x' },
  });
  t.equal(r2.status, 201);
  const row = await db.one('select key_type, api_key_id from app_public.notifications where id = $1', [r2.body.id]);
  t.same(row, { key_type: 'test', api_key_id: fx.test.id });
});

t.test('trial mode and team keys', async (t) => {
  const trial = await createServiceWithKeys(db, { restricted: true });
  const ok = await post(app, trial.normal, URL, {
    phone_number: '07700 900123',
    template_id: trial.sms,
    personalisation: { name: 'x' },
  });
  t.equal(ok.status, 201, 'team member');
  const no = await post(app, trial.normal, URL, {
    phone_number: '07700900456',
    template_id: trial.sms,
    personalisation: { name: 'x' },
  });
  t.same(no.body, {
    status_code: 400,
    errors: [
      {
        error: 'BadRequestError',
        message:
          'Can’t send to this recipient when service is in trial mode – ' +
          'see https://www.notifications.service.gov.uk/trial-mode',
      },
    ],
  });
  // Notify checks trial mode before the service's permissions: a landline gets the trial-mode answer.
  const landline = await post(app, trial.normal, URL, {
    phone_number: '020 7946 0991',
    template_id: trial.sms,
    personalisation: { name: 'x' },
  });
  t.same(landline.body, no.body);
  const team = await post(app, fx.team, URL, {
    phone_number: '07700900456',
    template_id: fx.sms,
    personalisation: { name: 'x' },
  });
  t.same(errors(team.body), [
    { error: 'BadRequestError', message: 'Can’t send to this recipient using a team-only API key' },
  ]);
  await db.query(
    `insert into app_public.service_whitelist (service_id, recipient_type, recipient)
     values ($1, 'mobile', '+447700900456')`,
    [trial.serviceId],
  );
  // The guest list change reaches the cache through LISTEN/NOTIFY.
  let status = 0;
  for (let i = 0; i < 40 && status !== 201; i++) {
    await new Promise((r) => setTimeout(r, 50));
    status = (
      await post(app, trial.normal, URL, {
        phone_number: '07700900456',
        template_id: trial.sms,
        personalisation: { name: 'x' },
      })
    ).status;
  }
  t.equal(status, 201, 'guest list');
  const testKey = await post(app, trial.test, URL, {
    phone_number: '07700900789',
    template_id: trial.sms,
    personalisation: { name: 'x' },
  });
  t.equal(testKey.status, 201, 'test keys may send to anyone');
});

t.test('template edits are seen at once (cache invalidation)', async (t) => {
  await db.query(`select app_public.update_template($1, content => 'Hi ((name))!')`, [fx.sms]);
  let r: Awaited<ReturnType<typeof post>> | undefined;
  for (let i = 0; i < 40; i++) {
    r = await post(app, fx.normal, URL, {
      phone_number: '07700900123',
      template_id: fx.sms,
      personalisation: { name: 'x' },
    });
    if (r.body.template.version === 2) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  t.equal(r!.body.template.version, 2);
  t.equal(r!.body.content.body, 'Hi x!');
});
