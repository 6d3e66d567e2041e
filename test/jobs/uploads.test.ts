// The uploads page: CSV jobs and letters uploaded as PDFs (grouped by print day), newest first,
// hiding what Notify hides, with statistics and pages.
import t from 'tap';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { createTestApp } from '../helpers/app.ts';
import { createTestDb, testConfig } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';
import { asUser, insertJob } from '../helpers/jobs.ts';

const db = await createTestDb(t, 'uploads');
const f = await serviceOwner(db);
const svc = await f.service('Uploads');
const sms = await f.template(svc, 'sms');
const email = await f.template(svc, 'email');
const letter = await f.template(svc, 'letter');
const precompiled = (await db.one('select id from app_hidden.precompiled_letter_template($1)', [svc])).id as string;
const outsider = (await serviceOwner(db)).userId;

/** An instant `days` London days ago at a London wall-clock time. */
const londonAt = async (days: number, time: string) =>
  (
    await db.one<{ t: string }>(
      `select ((app_public.london_date(now()) - $1::int) + $2::time) at time zone 'Europe/London' as t`,
      [days, time],
    )
  ).t;
const upload = async (days: number, time: string, to: string, opts: { status?: string; templateId?: string } = {}) => {
  const id = await f.notify({
    serviceId: svc,
    templateId: opts.templateId ?? precompiled,
    type: 'letter',
    createdAt: await londonAt(days, time),
    status: opts.status ?? 'created',
  });
  await db.query('update app_public.notifications set "to" = $2, client_reference = $3 where id = $1', [
    id,
    to,
    `${to.split('\n')[0]}.pdf`,
  ]);
  return id;
};

t.test('jobs and uploaded letters, newest first', async (t) => {
  const listed = await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    count: 3,
    createdAt: "now() - interval '1 day'",
    processingStarted: "now() - interval '1 day'",
  });
  await f.notify({
    serviceId: svc,
    templateId: sms,
    type: 'sms',
    createdAt: new Date().toISOString(),
    jobId: listed,
    count: 2,
  });
  await f.notify({
    serviceId: svc,
    templateId: sms,
    type: 'sms',
    createdAt: new Date().toISOString(),
    jobId: listed,
    status: 'permanent-failure',
  });
  const waiting = await insertJob(db, { serviceId: svc, templateId: email, status: 'pending', count: 2 });
  // hidden: one-off sends, cancelled or scheduled jobs, jobs from a contact list, jobs past retention
  await insertJob(db, { serviceId: svc, templateId: sms, fileName: 'Test message', processingStarted: 'now()' });
  await insertJob(db, { serviceId: svc, templateId: sms, fileName: 'Report', processingStarted: 'now()' });
  await insertJob(db, { serviceId: svc, templateId: sms, status: 'cancelled' });
  await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    status: 'scheduled',
    scheduledFor: "now() + interval '1 hour'",
  });
  const list = await db.one(
    `select id from app_public.create_contact_list(gen_random_uuid(), $1, 'list.csv', 1, 'sms', $2)`,
    [svc, f.userId],
  );
  await insertJob(db, { serviceId: svc, templateId: sms, contactListId: list.id, processingStarted: 'now()' });
  await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    createdAt: "now() - interval '9 days'",
    processingStarted: "now() - interval '9 days'",
  });

  // two letters printing on the same day, one alone on another day
  await upload(2, '10:00', 'Ms A Person\n1 High Street\nSW1A 1AA');
  await upload(2, '11:00', 'Mr B Person\n2 High Street\nSW1A 2AA', { status: 'delivered' });
  await upload(4, '18:00', 'Dr C Person\n3 High Street\nSW1A 3AA');
  // hidden: cancelled, sent through the API, a letter from a template, past retention
  await upload(2, '12:00', 'Cancelled\nX\nY', { status: 'cancelled' });
  const api = await upload(2, '12:30', 'By API\nX\nY');
  await db.query('update app_public.notifications set api_key_id = gen_random_uuid() where id = $1', [api]);
  await upload(2, '12:45', 'Templated\nX\nY', { templateId: letter });
  await upload(9, '10:00', 'Too old\nX\nY');

  const rows = await db.query('select * from app_public.service_uploads($1)', [svc]);
  const printsAt = async (days: number) => new Date(await londonAt(days, '17:30'));
  t.same(
    rows.map((r) => [r.upload_type, r.original_file_name, r.notification_count, r.recipient, r.statistics, r.total]),
    [
      ['job', 'people.csv', 2, null, [], 4],
      [
        'job',
        'people.csv',
        3,
        null,
        [
          { status: 'delivered', count: 2 },
          { status: 'permanent-failure', count: 1 },
        ],
        4,
      ],
      [
        'letter_day',
        'Uploaded letters',
        2,
        null,
        [
          { status: 'created', count: 1 },
          { status: 'delivered', count: 1 },
        ],
        4,
      ],
      [
        'letter_day',
        'Uploaded letters',
        1,
        'Dr C Person\n3 High Street\nSW1A 3AA',
        [{ status: 'created', count: 1 }],
        4,
      ],
    ],
  );
  t.same(
    rows.slice(0, 2).map((r) => r.id),
    [waiting, listed],
  );
  t.same(
    rows.slice(2).map((r) => r.id),
    [null, null],
    'a letter day has no id',
  );
  t.same(rows[2].created_at, await printsAt(2), 'a letter day is shown at 17:30 on its print day');
  t.same(rows[3].created_at, await printsAt(3), 'a letter after 17:30 prints the next day');
  t.same(rows[0].template_type, 'email');

  const page2 = await db.query('select * from app_public.service_uploads($1, page => 2, page_size => 3)', [svc]);
  t.same(
    page2.map((r) => [r.recipient, r.total]),
    [['Dr C Person\n3 High Street\nSW1A 3AA', 4]],
    'pages',
  );
  const recent = await db.query('select * from app_public.service_uploads($1, limit_days => 1)', [svc]);
  t.same(
    recent.map((r) => r.id),
    [waiting, listed],
    'limit_days: created since that London midnight',
  );
  await t.rejects(db.query('select * from app_public.service_uploads($1, page => 0)', [svc]), { code: 'NTF01' });

  await t.rejects(asUser(db, outsider, 'select * from app_public.service_uploads($1)', [svc]), { code: 'NTF04' });
  const viewer = await asUser(db, f.userId, 'select id from app_public.service_uploads($1)', [svc]);
  t.equal(viewer.length, 4, 'the team sees the page');

  const printDay = async (days: number) =>
    db.query('select file_name, recipient, notification_status from app_public.service_uploaded_letters($1, $2)', [
      svc,
      (await db.one(`select to_char(app_public.london_date(now()) - $1::int, 'YYYY-MM-DD') as d`, [days])).d,
    ]);
  t.same(
    await printDay(2),
    [
      {
        file_name: 'Mr B Person.pdf',
        recipient: 'Mr B Person\n2 High Street\nSW1A 2AA',
        notification_status: 'delivered',
      },
      {
        file_name: 'Ms A Person.pdf',
        recipient: 'Ms A Person\n1 High Street\nSW1A 1AA',
        notification_status: 'created',
      },
    ],
    "a print day's letters, newest first",
  );
  t.same(
    (await printDay(3)).map((r) => r.file_name),
    ['Dr C Person.pdf'],
    'a letter after 17:30 belongs to the next print day',
  );
  t.same(await printDay(4), []);
  await t.rejects(asUser(db, outsider, `select * from app_public.service_uploaded_letters($1, current_date)`, [svc]), {
    code: 'NTF04',
  });
});

t.test('through /graphql', async (t) => {
  const { app } = await createTestApp(t, { graphql: true, db });
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${issueAdminToken(testConfig().ADMIN_JWT_SECRET, f.userId, false)}` },
    payload: {
      query: `query($svc: UUID!) {
        serviceUploads(serviceId: $svc, pageSize: 2) { nodes { uploadType notificationCount statistics total } }
        serviceJobs(serviceId: $svc, first: 1) { totalCount nodes { originalFileName statistics } }
      }`,
      variables: { svc },
    },
  });
  const body = res.json();
  t.same(
    body.data?.serviceUploads.nodes,
    [
      { uploadType: 'job', notificationCount: 2, statistics: [], total: 4 },
      {
        uploadType: 'job',
        notificationCount: 3,
        statistics: [
          { status: 'delivered', count: 2 },
          { status: 'permanent-failure', count: 1 },
        ],
        total: 4,
      },
    ],
    JSON.stringify(body),
  );
  t.equal(body.data?.serviceJobs.totalCount, 6, 'every job but the one-off sends');
  t.same(body.data?.serviceJobs.nodes, [{ originalFileName: 'people.csv', statistics: [] }]);
});
