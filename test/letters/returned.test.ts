// Returned letters: the per-day list and the report of one day, beside the 7-day statistics.
import t from 'tap';
import { createTestDb } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';
import { asUser, insertJob } from '../helpers/jobs.ts';

const db = await createTestDb(t, 'returned');
const f = await serviceOwner(db);
const svc = await f.service('Returns');
const letter = await f.template(svc, 'letter', 'Reminder letter');
const precompiled = (await db.one('select id from app_hidden.precompiled_letter_template($1)', [svc])).id as string;
const owner = await db.one('select name, email_address::text from app_public.users where id = $1', [f.userId]);
const outsider = (await serviceOwner(db)).userId;
const today = (await db.one(`select to_char(app_public.london_date(now()), 'YYYY-MM-DD') as d`)).d as string;

interface Letter {
  templateId: string;
  minutesAgo: number;
  reference: string;
  apiKey?: boolean;
  clientReference?: string;
  createdBy?: string;
  jobId?: string;
  row?: number;
  history?: boolean;
}
const sent = async (l: Letter) => {
  const createdAt = (await db.one(`select (now() - $1 * interval '1 minute')::text as t`, [l.minutesAgo])).t;
  const id = await f.notify({
    serviceId: svc,
    templateId: l.templateId,
    type: 'letter',
    createdAt,
    status: 'delivered',
    reference: l.reference,
    jobId: l.jobId,
    history: l.history,
  });
  await db.query(
    `update app_public.${l.history ? 'notification_history' : 'notifications'}
     set api_key_id = case when $2 then gen_random_uuid() end, client_reference = $3, created_by_id = $4,
         job_row_number = $5
     where id = $1`,
    [id, l.apiKey ?? false, l.clientReference ?? null, l.createdBy ?? null, l.row ?? null],
  );
  return id;
};

t.test('reports of returned letters', async (t) => {
  const job = await insertJob(db, { serviceId: svc, templateId: letter, fileName: 'letters.csv', count: 5 });
  const fromJob = await sent({
    templateId: letter,
    minutesAgo: 30,
    reference: 'REF-JOB',
    createdBy: f.userId,
    jobId: job,
    row: 4,
  });
  const api = await sent({
    templateId: precompiled,
    minutesAgo: 20,
    reference: 'REF-API',
    apiKey: true,
    clientReference: 'my-ref',
  });
  const uploaded = await sent({
    templateId: precompiled,
    minutesAgo: 10,
    reference: 'REF-UP',
    clientReference: 'scan.pdf',
    createdBy: f.userId,
  });
  const archived = await sent({
    templateId: letter,
    minutesAgo: 60 * 24 * 20,
    reference: 'REF-OLD',
    apiKey: true,
    clientReference: 'old-ref',
    history: true,
  });
  const earlier = await sent({ templateId: letter, minutesAgo: 60 * 24 * 12, reference: 'REF-EARLIER' });

  t.equal(
    (await db.one(`select app_private.process_returned_letters('{REF-JOB,REF-API,REF-UP,REF-OLD,REF-EARLIER}') as n`))
      .n,
    5,
  );
  await db.query(`update app_public.returned_letters set reported_at = current_date - 10 where notification_id = $1`, [
    earlier,
  ]);

  t.same(await db.query('select * from app_public.returned_letter_days($1)', [svc]), [
    { returned_letter_count: 4, reported_at: today },
    {
      returned_letter_count: 1,
      reported_at: (await db.one(`select to_char(current_date - 10, 'YYYY-MM-DD') as d`)).d,
    },
  ]);
  t.same(
    await db
      .query('select * from app_public.returned_letter_summary($1)', [svc])
      .then((r) => r[0].returned_letter_count),
    4,
    'the 7-day statistics beside them',
  );

  const report = await db.query('select * from app_public.returned_letters_report($1, $2)', [svc, today]);
  t.same(
    report.map((r) => r.notification_id),
    [uploaded, api, fromJob, archived],
    'newest letter first, archived ones included',
  );
  const createdAt = (id: string, table = 'notifications') =>
    db
      .one(
        `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as c
         from app_public.${table} where id = $1`,
        [id],
      )
      .then((r) => r.c as string);
  t.same(
    report[0],
    {
      notification_id: uploaded,
      client_reference: null,
      reported_at: today,
      created_at: await createdAt(uploaded),
      template_name: null,
      template_id: null,
      template_version: null,
      user_name: owner.name,
      email_address: owner.email_address,
      original_file_name: null,
      job_row_number: null,
      uploaded_letter_file_name: 'scan.pdf',
    },
    'a letter uploaded through the website: known by its file name',
  );
  t.same(
    report[1],
    {
      notification_id: api,
      client_reference: 'my-ref',
      reported_at: today,
      created_at: await createdAt(api),
      template_name: null,
      template_id: null,
      template_version: null,
      user_name: 'API',
      email_address: 'API',
      original_file_name: null,
      job_row_number: null,
      uploaded_letter_file_name: null,
    },
    'a precompiled API letter: its reference, no template',
  );
  t.same(
    report[2],
    {
      notification_id: fromJob,
      client_reference: null,
      reported_at: today,
      created_at: await createdAt(fromJob),
      template_name: 'Reminder letter',
      template_id: letter,
      template_version: 1,
      user_name: owner.name,
      email_address: owner.email_address,
      original_file_name: 'letters.csv',
      job_row_number: 5,
      uploaded_letter_file_name: null,
    },
    'a letter from a CSV: its file and row counted from 1',
  );
  t.match(report[3], { client_reference: 'old-ref', template_name: 'Reminder letter', user_name: 'API' });
  t.equal(report[3].created_at, await createdAt(archived, 'notification_history'));
  t.match(report[0].created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  t.same(
    await db.query(`select * from app_public.returned_letters_report($1, '2000-01-01')`, [svc]),
    [],
    'a quiet day',
  );

  await t.rejects(asUser(db, outsider, 'select * from app_public.returned_letter_days($1)', [svc]), { code: 'NTF04' });
  await t.rejects(asUser(db, outsider, 'select * from app_public.returned_letters_report($1, $2)', [svc, today]), {
    code: 'NTF04',
  });
  t.equal(
    (await asUser(db, f.userId, 'select * from app_public.returned_letters_report($1, $2)', [svc, today])).length,
    4,
    'the team reads the report',
  );
});
