// Work that costs more than a row (files uploaded for an email, a precompiled letter's PDF) waits
// for the service's limits: over them, the request is refused before anything reaches S3.
import t from 'tap';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createTestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/db.ts';
import { startTestS3 } from '../../helpers/s3.ts';
import { createServiceWithKeys, createTemplate } from '../../helpers/factories.ts';
import { post } from '../../helpers/v2-requests.ts';

const cfg = testConfig();
const { endpoint, s3 } = await startTestS3(t, cfg, 'limits-upload');
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: endpoint } });

t.test('an email with a file over the daily limit uploads nothing', async (t) => {
  const fx = await createServiceWithKeys(db);
  await db.query(
    `update app_public.services set email_message_limit = 1, contact_link = 'https://example.gov.uk/contact'
     where id = $1`,
    [fx.serviceId],
  );
  const template = await createTemplate(db, {
    serviceId: fx.serviceId,
    type: 'email',
    name: 'file',
    subject: 'Your file',
    content: 'Download: ((link))',
  });
  const files = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: cfg.DOCUMENT_DOWNLOAD_BUCKET }))).Contents ?? []).length;
  const send = () =>
    post(app, fx.normal, '/v2/notifications/email', {
      email_address: 'a@example.com',
      template_id: template,
      personalisation: { link: { file: Buffer.from('name,amount\n').toString('base64'), filename: 'a.csv' } },
    });
  t.equal((await send()).status, 201);
  const stored = await files();
  t.ok(stored > 0, 'the first one uploaded its file');
  // Over the limit, the answer is the limit's even where S3 cannot be reached: S3 is never asked.
  const noS3 = await createTestApp(t, { db, config: { S3_ENDPOINT: 'http://127.0.0.1:9' } });
  const over = await post(noS3.app, fx.normal, '/v2/notifications/email', {
    email_address: 'a@example.com',
    template_id: template,
    personalisation: { link: { file: Buffer.from('name,amount\n').toString('base64'), filename: 'a.csv' } },
  });
  t.same(over.body, {
    status_code: 429,
    errors: [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (email: 1) for today' }],
  });
  t.equal(await files(), stored, 'nothing more uploaded');
});
