// Contact lists: saved, listed with their job counts, read, archived with their file removed;
// through SQL as a signed-in user, and through /graphql.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import t from 'tap';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { serviceFileKey } from '../../src/jobs/job-files.ts';
import { runTask } from '../../src/lib/run-task.ts';
import { objectExists } from '../../src/lib/s3.ts';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';
import { asUser, insertJob, queued, teamMember } from '../helpers/jobs.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { graphqlRequest } from '../helpers/graphql.ts';

const cfg = testConfig();
const { endpoint: s3Endpoint, s3 } = await startTestS3(t, cfg, 'contact-lists');
process.env.S3_ENDPOINT = s3Endpoint;
const { app, db } = await createTestApp(t, { graphql: true, config: { S3_ENDPOINT: s3Endpoint } });

const f = await serviceOwner(db);
const svc = await f.service('Lists');
const sms = await f.template(svc, 'sms');
const outsider = (await serviceOwner(db)).userId;
const ownerName = (await db.one('select name from app_public.users where id = $1', [f.userId])).name as string;

const save = (userId: string, id: string, type = 'sms', rows = 3) =>
  asUser(db, userId, 'select * from app_public.create_contact_list($1, $2, $3, $4, $5)', [
    id,
    svc,
    'people.csv',
    rows,
    type,
  ]);
const newId = async () => (await db.one('select gen_random_uuid() as id')).id as string;
const listed = (userId: string) =>
  asUser(
    db,
    userId,
    `select l.id, l.original_file_name, l.row_count, l.template_type, l.service_id,
            app_public.service_contact_list_has_jobs(l) as has_jobs,
            app_public.service_contact_list_recent_job_count(l) as recent_job_count,
            app_public.service_contact_list_created_by_name(l) as created_by
     from app_public.service_contact_lists($1) l`,
    [svc],
  );

t.test('saving a list: who may, and what', async (t) => {
  const id = await newId();
  const [row] = await save(f.userId, id);
  t.match(row, { id, service_id: svc, original_file_name: 'people.csv', row_count: 3, template_type: 'sms' });
  t.equal(row.created_by_id, f.userId, 'saved as the signed-in user');
  await t.rejects(save(f.userId, await newId(), 'letter'), { code: 'NTF01' }, 'only texts or emails');
  await t.rejects(save(f.userId, await newId(), 'sms', -1), { code: 'NTF01' });
  await t.rejects(save(outsider, await newId()), { code: 'NTF04' }, "not on another service's team");
  const emailer = await teamMember(db, svc, ['send_emails']);
  await t.rejects(save(emailer, await newId(), 'sms'), { code: 'NTF03' }, 'a text list needs send_texts');
  t.equal((await save(emailer, await newId(), 'email')).length, 1, 'an email list needs send_emails');
  await t.rejects(
    db.query(`select app_public.create_contact_list(gen_random_uuid(), $1, 'x.csv', 1, 'sms')`, [svc]),
    { code: 'NTF01' },
    'a trusted caller names the user',
  );
  await db.query('delete from app_public.service_contact_list');
});

t.test('the list: newest first, with has_jobs and recent_job_count', async (t) => {
  const older = await newId();
  const newer = await newId();
  await db.query(
    `insert into app_public.service_contact_list (id, original_file_name, row_count, template_type, service_id,
       created_by_id, created_at)
     values ($1, 'older.csv', 10, 'sms', $3, $4, now() - interval '1 day'),
            ($2, 'newer.csv', 20, 'email', $3, $4, now())`,
    [older, newer, svc, f.userId],
  );
  await insertJob(db, { serviceId: svc, templateId: sms, contactListId: older, processingStarted: 'now()' });
  await insertJob(db, {
    serviceId: svc,
    templateId: sms,
    contactListId: older,
    createdAt: "now() - interval '9 days'",
    processingStarted: "now() - interval '9 days'",
  });
  const viewer = await teamMember(db, svc, ['view_activity']);
  t.same(await listed(viewer), [
    {
      id: newer,
      original_file_name: 'newer.csv',
      row_count: 20,
      template_type: 'email',
      service_id: svc,
      has_jobs: false,
      recent_job_count: 0,
      created_by: ownerName,
    },
    {
      id: older,
      original_file_name: 'older.csv',
      row_count: 10,
      template_type: 'sms',
      service_id: svc,
      has_jobs: true,
      recent_job_count: 1,
      created_by: ownerName,
    },
  ]);
  await db.query(
    `insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
     values ($1, 'sms', 10)`,
    [svc],
  );
  t.equal((await listed(viewer))[1].recent_job_count, 2, "counted over the service's retention for the type");
  await t.rejects(listed(outsider), { code: 'NTF04' });

  const [one] = await asUser(db, viewer, 'select * from app_public.contact_list($1, $2)', [svc, older]);
  t.equal(one.original_file_name, 'older.csv');
  await t.rejects(asUser(db, outsider, 'select * from app_public.contact_list($1, $2)', [svc, older]), {
    code: 'NTF04',
  });
  await t.rejects(db.query('select * from app_public.contact_list($1, gen_random_uuid())', [svc]), {
    code: 'NTF04',
    message: 'No result found',
  });
  await db.query('delete from app_public.jobs');
  await db.query('delete from app_public.service_contact_list');
  await db.query('delete from app_public.service_data_retention');
});

t.test('archiving a list removes its file', async (t) => {
  const id = await newId();
  await save(f.userId, id);
  await db.query(
    `insert into app_public.service_contact_list (id, original_file_name, row_count, template_type, service_id,
       created_by_id) values ($1, 'people.csv', 3, 'sms', $2, $3)`,
    [id, svc, f.userId],
  );
  const key = serviceFileKey(svc, id);
  await s3.send(new PutObjectCommand({ Bucket: cfg.CONTACT_LIST_BUCKET, Key: key, Body: 'phone number\n07700900123' }));

  const viewer = await teamMember(db, svc, ['view_activity']);
  await t.rejects(asUser(db, viewer, 'select * from app_public.archive_contact_list($1, $2)', [svc, id]), {
    code: 'NTF03',
  });
  await t.rejects(asUser(db, outsider, 'select * from app_public.archive_contact_list($1, $2)', [svc, id]), {
    code: 'NTF04',
  });
  t.same(await queued(db, 'remove-contact-list-file'), [], 'a refused archive queues nothing');

  const [row] = await db.query('select * from app_public.archive_contact_list($1, $2)', [svc, id]);
  t.equal(row.archived, true);
  t.same(await queued(db, 'remove-contact-list-file'), [
    { key: `remove-contact-list-file:${id}`, payload: { serviceId: svc, contactListId: id } },
  ]);
  t.same(await listed(f.userId), [], 'gone from the list');
  await t.rejects(db.query('select * from app_public.contact_list($1, $2)', [svc, id]), { code: 'NTF04' });
  await t.rejects(db.query('select * from app_public.archive_contact_list($1, $2)', [svc, id]), { code: 'NTF04' });

  t.ok(await objectExists(s3, cfg.CONTACT_LIST_BUCKET, key));
  const run = await runTask(db.url, 'remove-contact-list-file', { serviceId: svc, contactListId: id });
  t.equal(run.status, 'completed', run.error ?? '');
  t.notOk(await objectExists(s3, cfg.CONTACT_LIST_BUCKET, key), 'the file is deleted');
  const again = await runTask(db.url, 'remove-contact-list-file', { serviceId: svc, contactListId: id });
  t.equal(again.status, 'completed', 'a file already gone is fine');
  t.equal((await runTask(db.url, 'remove-contact-list-file', { contactListId: id })).status, 'failed');
  await db.query('delete from app_public.service_contact_list');
});

t.test('through /graphql', async (t) => {
  const gql = async (userId: string, query: string, variables: Record<string, unknown>) =>
    (await graphqlRequest(app, issueAdminToken(cfg.ADMIN_JWT_SECRET, userId, false), query, variables)).body;
  const id = await newId();
  const created = await gql(
    f.userId,
    `mutation($id: UUID!, $svc: UUID!) {
      createContactList(input: { id: $id, serviceId: $svc, originalFileName: "team.csv", rowCount: 2,
                                 templateType: "email" }) { result { rowId createdById } } }`,
    { id, svc },
  );
  t.same(created.data?.createContactList.result, { rowId: id, createdById: f.userId }, JSON.stringify(created));
  const list = await gql(
    f.userId,
    `query($svc: UUID!) { serviceContactLists(serviceId: $svc) {
       nodes { rowId originalFileName rowCount templateType hasJobs recentJobCount createdByName } } }`,
    { svc },
  );
  t.ok(list.data?.serviceContactLists, JSON.stringify(list));
  t.same(list.data?.serviceContactLists.nodes, [
    {
      rowId: id,
      originalFileName: 'team.csv',
      rowCount: 2,
      templateType: 'email',
      hasJobs: false,
      recentJobCount: 0,
      createdByName: ownerName,
    },
  ]);
  const refused = await gql(outsider, 'query($svc: UUID!) { serviceContactLists(serviceId: $svc) { nodes { id } } }', {
    svc,
  });
  t.ok(refused.errors?.length, 'another service refused');
  t.notOk(refused.data?.serviceContactLists, 'and nothing listed');
  const raw = await gql(
    f.userId,
    `mutation($id: UUID!) {
       updateServiceContactListByRowId(input: { rowId: $id, serviceContactListPatch: { archived: true } }) {
         clientMutationId } }`,
    { id },
  );
  t.match(raw.errors?.[0].message, /Cannot query field/, 'no raw update: archiving goes through its function');
  const archived = await gql(
    f.userId,
    `mutation($svc: UUID!, $id: UUID!) {
       archiveContactList(input: { serviceId: $svc, contactListId: $id }) { result { archived } } }`,
    { svc, id },
  );
  t.same(archived.data?.archiveContactList.result, { archived: true }, JSON.stringify(archived));
});
