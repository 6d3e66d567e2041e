// Bulk sending through the upload route: a file streamed to the CSV bucket (local S3), checked with
// Notify's rules and the v2 API's messages, made a job by create_job, and its rows stored by
// process-job — for text messages, emails and letters. Bad files are 400s and leave nothing stored.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import t from 'tap';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { serviceFileKey } from '../../src/jobs/job-files.ts';
import { type JobDeps, processJob, uploadAndCheck } from '../../src/jobs/jobs.ts';
import { FILE_MESSAGES, MAX_ROWS } from '../../src/jobs/recipient-csv.ts';
import { makeS3Client } from '../../src/lib/s3.ts';
import { V2Cache } from '../../src/notifications/cache.ts';
import { TRIAL_MODE_MESSAGE } from '../../src/sending/sending.ts';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { createServiceWithKeys, createUser, type ServiceWithKeys } from '../helpers/factories.ts';
import { startTestS3 } from '../helpers/s3.ts';

const cfg0 = testConfig();
const { endpoint, s3 } = await startTestS3(t, cfg0, 'csv');
const cfg = testConfig({ S3_ENDPOINT: endpoint });
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: endpoint } });
const fx = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
const token = (s: ServiceWithKeys) => issueAdminToken(cfg.ADMIN_JWT_SECRET, s.userId, false);
const deps: JobDeps = {
  cache: new V2Cache({ pool: db.pool, listenUrl: null, ttlMs: 0 }),
  pool: db.pool,
  s3: () => makeS3Client(cfg),
  cfg,
};

async function upload(
  s: ServiceWithKeys,
  templateId: string,
  body: string | Buffer,
  opts: { fileName?: string; multipart?: boolean; auth?: string | null; contentType?: string; senderId?: string } = {},
) {
  const fileName = opts.fileName ?? 'people.csv';
  const headers: Record<string, string> = {};
  if (opts.auth !== null) headers.authorization = `Bearer ${opts.auth ?? token(s)}`;
  let payload: string | Buffer = body;
  if (opts.multipart) {
    const boundary = 'csvboundary123';
    payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
          'Content-Type: text/csv\r\n\r\n',
      ),
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  } else headers['content-type'] = opts.contentType ?? 'text/csv';
  const query = new URLSearchParams({
    template_id: templateId,
    ...(opts.multipart ? {} : { file_name: fileName }),
    ...(opts.senderId ? { sender_id: opts.senderId } : {}),
  });
  const res = await app.inject({
    method: 'POST',
    url: `/services/${s.serviceId}/uploads/csv?${query}`,
    headers,
    payload,
  });
  return { status: res.statusCode, body: res.json() };
}

const storedKeys = async (serviceId: string) =>
  (
    await s3.send(new ListObjectsV2Command({ Bucket: cfg.CSV_UPLOAD_BUCKET, Prefix: `service-${serviceId}-notify/` }))
  ).Contents?.map((o) => o.Key) ?? [];

async function makeJob(s: ServiceWithKeys, templateId: string, uploadId: string, file = 'f.csv') {
  return db.one(
    `select j.* from (select set_config('jwt.claims.user_id', $5, true)) c,
       app_public.create_job($1, $2, $3, $4) j`,
    [s.serviceId, templateId, uploadId, file, s.userId],
  );
}

const rowsOf = (jobId: string) =>
  db.query(
    `select job_row_number, "to", notification_type, created_by_id, api_key_id, key_type,
            app_private.decrypt(_personalisation) as p
     from app_public.notifications where job_id = $1 order by job_row_number`,
    [jobId],
  );

t.test('text messages: upload (raw body) → report → job → rows', async (t) => {
  const csv = '\uFEFFPhone Number,NAME,extra\r\n07700 900001,Ann,x\r\n07700900002,Bob,\r\n,,\r\n+447700900003,Cy,z\r\n';
  const r = await upload(fx, fx.sms, csv);
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.match(r.body, {
    valid: true,
    row_count: 3,
    errors: [],
    template_type: 'sms',
    original_file_name: 'people.csv',
    column_headers: ['Phone Number', 'NAME', 'extra'],
  });
  t.same(await storedKeys(fx.serviceId), [serviceFileKey(fx.serviceId, r.body.upload_id)]);

  const job = await makeJob(fx, fx.sms, r.body.upload_id, 'people.csv');
  t.match(job, { id: r.body.upload_id, job_status: 'pending', created_by_id: fx.userId, notification_count: 3 });
  const queued = await db.one(
    `select count(*)::int as n from graphile_worker._private_jobs j
     join graphile_worker._private_tasks k on k.id = j.task_id
     where k.identifier = 'process-job' and j.payload->>'jobId' = $1`,
    [job.id],
  );
  t.equal(queued.n, 1, 'process-job queued with the job');

  const outcome = await processJob(deps, job.id);
  t.match(outcome, { status: 'finished', created: 3, skipped: 0, refused: 0 });
  const rows = await rowsOf(job.id);
  t.same(
    rows.map((x) => [x.job_row_number, x.to, x.created_by_id, x.api_key_id, x.key_type]),
    [
      [0, '07700 900001', fx.userId, null, 'normal'],
      [1, '07700900002', fx.userId, null, 'normal'],
      [2, '+447700900003', fx.userId, null, 'normal'],
    ],
  );
  t.same(JSON.parse(rows[0].p), { NAME: 'Ann' });
  const after = await db.one(
    'select job_status, processing_started, processing_finished from app_public.jobs where id = $1',
    [job.id],
  );
  t.equal(after.job_status, 'finished');
  t.ok(after.processing_started && after.processing_finished);
  t.equal(await processJob(deps, job.id), null, 'a finished job is not processed again');
  const check = await app.inject({
    method: 'GET',
    url: `/services/${fx.serviceId}/uploads/${r.body.upload_id}/check?template_id=${fx.sms}`,
    headers: { authorization: `Bearer ${token(fx)}` },
  });
  t.equal(check.statusCode, 200);
  t.match(check.json(), { upload_id: r.body.upload_id, valid: true, row_count: 3, original_file_name: 'people.csv' });
});

t.test('emails (multipart) and letters (TSV)', async (t) => {
  const email = await upload(fx, fx.email, 'email address,name,ref\nOne@Example.com,One,R1\ntwo@example.com,Two,R2\n', {
    multipart: true,
    fileName: 'mail.csv',
  });
  t.equal(email.status, 201, JSON.stringify(email.body));
  t.match(email.body, { valid: true, row_count: 2, original_file_name: 'mail.csv' });
  const ej = await makeJob(fx, fx.email, email.body.upload_id);
  t.match(await processJob(deps, ej.id), { created: 2 });
  t.same(
    (await rowsOf(ej.id)).map((x) => [x.to, x.notification_type]),
    [
      ['One@Example.com', 'email'],
      ['two@example.com', 'email'],
    ],
  );

  const letter = await upload(
    fx,
    fx.letter,
    'Address Line 1\taddress_line_2\tpostcode\tname\nMs A Person\t1 High Street\tSW1A 1AA\tAnn\n',
    { fileName: 'letters.tsv', contentType: 'text/plain' },
  );
  t.equal(letter.status, 201, JSON.stringify(letter.body));
  t.match(letter.body, { valid: true, row_count: 1, template_type: 'letter' });
  const lj = await makeJob(fx, fx.letter, letter.body.upload_id);
  t.match(await processJob(deps, lj.id), { created: 1 });
  t.same(
    (await rowsOf(lj.id)).map((x) => x.to),
    ['Ms A Person\n1 High Street\nSW1A 1AA'],
  );
});

t.test('the report: columns, bad rows with the v2 API’s messages, trial mode, daily limit', async (t) => {
  const noRecipient = await upload(fx, fx.sms, 'mobile,name\n07700900001,Ann\n');
  t.equal(noRecipient.status, 201);
  t.match(noRecipient.body, {
    valid: false,
    errors: ['Your file needs a column called ‘phone number’.'],
  });

  const missing = await upload(fx, fx.email, 'email address\na@example.com\n');
  t.match(missing.body, {
    valid: false,
    missing_column_headers: ['name', 'ref'],
    errors: [
      'The columns in your file need to match the double brackets in your template. ' +
        'Your file is missing columns called ‘name’ and ‘ref’.',
    ],
  });

  const letterCols = await upload(fx, fx.letter, 'address line 1,name\nA,B\n');
  t.match(letterCols.body.errors, [/at least 3 address columns/]);

  const bad = await upload(fx, fx.sms, 'phone number,name\n07700900001,Ann\n0770090,Bob\n07700900003,\n,Dee\n');
  t.match(bad.body, {
    valid: false,
    row_count: 4,
    rows_with_errors: 3,
    errors: ['There is a problem with your data: 3 rows need fixing.'],
    row_errors: [
      { row_number: 3, index: 1, message: /^phone_number / },
      { row_number: 4, index: 2, message: 'Missing personalisation: name' },
      { row_number: 5, index: 3, message: 'Missing phone number' },
    ],
  });

  const trial = await createServiceWithKeys(db, { restricted: true });
  const member = await upload(trial, trial.sms, 'phone number,name\n07700900123,Me\n07700900999,Stranger\n');
  t.match(member.body, {
    valid: false,
    recipients_not_allowed: 1,
    rows_with_errors: 0,
    errors: [/because your service is in trial mode/],
  });
  t.notOk(member.body.errors.includes(TRIAL_MODE_MESSAGE));

  const limited = await createServiceWithKeys(db);
  // Checked while the service could still send them all, then the limit lowered before the job runs.
  const fits = await upload(limited, limited.sms, 'phone number,name\n07700900001,A\n07700900002,B\n07700900003,C\n');
  t.equal(fits.body.valid, true);
  await db.query('update app_public.services set sms_message_limit = 2 where id = $1', [limited.serviceId]);
  const over = await upload(limited, limited.sms, 'phone number,name\n07700900001,A\n07700900002,B\n07700900003,C\n');
  t.match(over.body, {
    valid: false,
    remaining_today: 2,
    errors: ['You cannot send all these text messages today. You can only send 2 more today; your file has 3 rows.'],
  });
  const abroad = await createServiceWithKeys(db, { permissions: ['sms', 'international_sms'] });
  await db.query('update app_public.services set international_sms_message_limit = 1 where id = $1', [
    abroad.serviceId,
  ]);
  const intl = await upload(
    abroad,
    abroad.sms,
    'phone number,name\n+33 6 12 34 56 78,A\n+1 202 555 0143,B\n07700900001,C\n',
  );
  t.match(intl.body, {
    valid: false,
    international_sms_count: 2,
    remaining_international_today: 1,
    errors: [/to international numbers today\. You can only send 1 more today; your file has 2 international numbers/],
  });

  // The job is refused when it runs, as Notify's process_job does.
  await t.rejects(makeJob(limited, limited.sms, over.body.upload_id), { message: /has errors and cannot be sent/ });
  const job = await makeJob(limited, limited.sms, fits.body.upload_id);
  t.match(await processJob(deps, job.id), { status: 'sending limits exceeded', created: 0 });
  t.equal((await rowsOf(job.id)).length, 0);
});

t.test('who may upload', async (t) => {
  const anon = await upload(fx, fx.sms, 'phone number,name\n07700900001,A\n', { auth: null });
  t.equal(anon.status, 401);
  const stranger = await createUser(db);
  const other = await upload(fx, fx.sms, 'phone number,name\n07700900001,A\n', {
    auth: issueAdminToken(cfg.ADMIN_JWT_SECRET, stranger, false),
  });
  t.equal(other.status, 404);
  t.match(other.body, { errors: [{ error: 'BadRequestError', message: `Service ${fx.serviceId} not found` }] });
  await db.query(`delete from app_public.permissions where service_id = $1 and permission = 'send_texts'`, [
    fx.serviceId,
  ]);
  const noPerm = await upload(fx, fx.sms, 'phone number,name\n07700900001,A\n');
  t.equal(noPerm.status, 403);
  t.match(noPerm.body.errors[0].message, /send_texts/);
  await db.query(`insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, 'send_texts')`, [
    fx.serviceId,
    fx.userId,
  ]);
  const wrongTemplate = await upload(fx, '00000000-0000-4000-8000-000000000000', 'phone number\n07700900001\n');
  t.equal(wrongTemplate.status, 400);
  t.match(wrongTemplate.body, { errors: [{ message: 'Template not found' }] });
});

t.test('bad files: 400 with the reason, nothing stored', async (t) => {
  const s = await createServiceWithKeys(db);
  const cases: Array<[string, string | Buffer, string, string | RegExp]> = [
    [
      'not a spreadsheet (by name)',
      'phone number\n07700900001\n',
      'people.xlsx',
      FILE_MESSAGES.notSpreadsheet('people.xlsx'),
    ],
    [
      'not a spreadsheet (zip bytes)',
      Buffer.from('PK\x03\x04rest of a zip', 'latin1'),
      'p.csv',
      /^Could not read p\.csv/,
    ],
    ['a PDF', Buffer.from('%PDF-1.4 ...'), 'p.txt', /^Could not read p\.txt/],
    ['empty', '', 'p.csv', FILE_MESSAGES.empty()],
    ['only blank lines', '\n\n\r\n', 'p.csv', FILE_MESSAGES.empty()],
    ['no header', ',,,\n07700900001,,,\n', 'p.csv', FILE_MESSAGES.noHeader()],
    ['no rows', 'phone number,name\n,\n', 'p.csv', FILE_MESSAGES.noRows()],
    ['duplicate headers', 'phone number,name,Phone_Number\n1,2,3\n', 'p.csv', FILE_MESSAGES.duplicate('Phone_Number')],
    [
      'bad encoding',
      Buffer.from('phone number,name\n07700900001,Jos\xe9\n', 'latin1'),
      'p.csv',
      FILE_MESSAGES.encoding('p.csv'),
    ],
    ['broken quoting', 'phone number,name\n07700900001,"Ann\n', 'p.csv', /^Could not read p\.csv: /],
  ];
  for (const [name, body, fileName, message] of cases) {
    const r = await upload(s, s.sms, body, { fileName });
    t.equal(r.status, 400, name);
    t.match(r.body, { status_code: 400, errors: [{ error: 'BadRequestError', message }] }, name);
  }
  // One row over Notify's limit: read to the end, refused, removed.
  const many = `phone number,name\n${'07700900001,A\n'.repeat(MAX_ROWS + 1)}`;
  const tooMany = await upload(s, s.sms, many, { multipart: true });
  t.equal(tooMany.status, 400);
  t.match(tooMany.body.errors[0].message, FILE_MESSAGES.tooManyRows());
  t.same(await storedKeys(s.serviceId), [], 'no file kept for any refused upload');
});

t.test('too large: refused while streaming, nothing stored', async (t) => {
  const s = await createServiceWithKeys(db);
  const { Readable } = await import('node:stream');
  const big = Readable.from(
    (function* () {
      yield 'phone number,name\n';
      for (let i = 0; i < 200; i++) yield '07700900001,A\n'.repeat(1000);
    })(),
  );
  await t.rejects(
    uploadAndCheck(
      { ...deps, maxFileBytes: 100_000 },
      { userId: s.userId },
      { serviceId: s.serviceId, templateId: s.sms, fileName: 'big.csv', body: big },
    ),
    { statusCode: 400, message: FILE_MESSAGES.tooLarge(100_000) },
  );
  t.same(await storedKeys(s.serviceId), []);
});

t.test('GraphQL createJob: the same create_job, as the signed-in user', async (t) => {
  const { app: gqlApp } = await createTestApp(t, { db, graphql: true, config: { S3_ENDPOINT: endpoint } });
  const s = await createServiceWithKeys(db);
  const r = await upload(s, s.sms, 'phone number,name\n07700900001,Ann\n');
  t.equal(r.status, 201);
  const mutate = (userToken: string, uploadId: string) =>
    gqlApp
      .inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` },
        payload: {
          query: `mutation($input: CreateJobInput!) {
            createJob(input: $input) { result { rowId jobStatus createdById } }
          }`,
          variables: {
            input: {
              serviceId: s.serviceId,
              templateId: s.sms,
              uploadId,
              originalFileName: 'people.csv',
            },
          },
        },
      })
      .then((res) => res.json());
  const stranger = await createUser(db);
  const refused = await mutate(issueAdminToken(cfg.ADMIN_JWT_SECRET, stranger, false), r.body.upload_id);
  t.ok(refused.errors?.length, 'a user not on the team is refused');
  t.equal((await db.query('select 1 from app_public.jobs where id = $1', [r.body.upload_id])).length, 0);
  const made = await mutate(token(s), r.body.upload_id);
  t.same(made.data?.createJob?.result, { rowId: r.body.upload_id, jobStatus: 'pending', createdById: s.userId });
  t.match(await processJob(deps, r.body.upload_id), { status: 'finished', created: 1 });
});

t.test(
  'a sender for every row: the SMS sender or reply-to address chosen, kept with the file, refused if not the service’s',
  async (t) => {
    const s = await createServiceWithKeys(db, { permissions: ['sms', 'email'] });
    const sender = (await db.one(`select id from app_public.add_sms_sender($1, 'MYSENDER')`, [s.serviceId])).id;
    const replyTo = (
      await db.one(`select id from app_public.add_email_reply_to($1, 'replies@dept.gov.uk')`, [s.serviceId])
    ).id;
    const other = await createServiceWithKeys(db);
    const theirs = (await db.one(`select id from app_public.add_sms_sender($1, 'THEIRS')`, [other.serviceId])).id;

    const refused = await upload(s, s.sms, 'phone number,name\n07700900001,Ann\n', { senderId: theirs });
    t.equal(refused.status, 400);
    t.same(refused.body, {
      status_code: 400,
      errors: [
        {
          error: 'BadRequestError',
          message: `sms_sender_id ${theirs} does not exist in database for service id ${s.serviceId}`,
        },
      ],
    });
    t.same(await storedKeys(s.serviceId), [], 'nothing stored');

    const texts = await upload(s, s.sms, 'phone number,name\n07700900001,Ann\n07700900002,Bob\n', { senderId: sender });
    t.equal(texts.status, 201);
    t.ok(texts.body.valid, JSON.stringify(texts.body.errors) + JSON.stringify(texts.body.row_errors));
    const emails = await upload(s, s.email, 'email address,name,ref\nann@example.com,Ann,R1\n', {
      senderId: replyTo.toUpperCase(),
    });
    t.equal(emails.status, 201);
    t.ok(emails.body.valid, JSON.stringify(emails.body.errors) + JSON.stringify(emails.body.row_errors));
    // The texts from the rows the check kept; the emails from the file (the kept rows gone), which
    // carries the sender in its metadata as Notify's does.
    await db.query('delete from app_private.csv_upload_rows where upload_id = $1', [emails.body.upload_id]);
    for (const [upload, template, expected] of [
      [texts.body.upload_id, s.sms, 'MYSENDER'],
      [emails.body.upload_id, s.email, 'replies@dept.gov.uk'],
    ] as const) {
      const job = await makeJob(s, template, upload);
      t.match(await processJob(deps, job.id), { status: 'finished', refused: 0 });
      const senders = await db.query('select distinct reply_to_text from app_public.notifications where job_id = $1', [
        job.id,
      ]);
      t.same(senders, [{ reply_to_text: expected }]);
    }
  },
);

t.test('a NUL character anywhere: not a text file, refused before any row is kept', async (t) => {
  const s = await createServiceWithKeys(db);
  const r = await upload(s, s.sms, 'phone number,name\n07700900001,Ann\n07700900002,B\u0000b\n');
  t.equal(r.status, 400);
  t.match(r.body, { errors: [{ error: 'BadRequestError', message: FILE_MESSAGES.notSpreadsheet('people.csv') }] });
  t.same(await storedKeys(s.serviceId), [], 'nothing stored');
});
