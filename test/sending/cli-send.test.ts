// `notify send-notification`: a DBA sends for the platform through the same rules as the v2 API
// (src/sending): key type normal, no API key, no user; refusals with the v2 API's messages.
import t from 'tap';
import { TRIAL_MODE_MESSAGE } from '../../src/sending/sending.ts';
import { createTestDb } from '../helpers/db.ts';
import { ADDRESS, createServiceWithKeys } from '../helpers/factories.ts';
import { cli } from '../helpers/spawn.ts';

const db = await createTestDb(t, 'cli-send');
const fx = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });

t.test('sends a text message and a letter', async (t) => {
  const sms = await cli(
    db.url,
    'send-notification',
    '--service',
    fx.serviceId,
    '--template',
    fx.sms,
    '--to',
    '07700 900456',
    '--personalisation',
    '{"name":"DBA"}',
    '--reference',
    'ops-1',
  );
  t.equal(sms.code, 0, sms.stderr);
  t.match(sms.json, { notification_type: 'sms', to: '07700 900456', status: 'created', key_type: 'normal' });
  const row = await db.one(
    `select n.*, app_private.decrypt(n._personalisation) as p from app_public.notifications n where id = $1`,
    [sms.json.id],
  );
  t.match(row, {
    key_type: 'normal',
    api_key_id: null,
    created_by_id: null,
    normalised_to: '447700900456',
    client_reference: 'ops-1',
    template_id: fx.sms,
    billable_units: 1,
    reply_to_text: 'GOVUK',
  });
  t.same(JSON.parse(row.p), { name: 'DBA' });
  const jobs = await db.one(
    `select count(*)::int as n from graphile_worker._private_jobs where payload::text like '%' || $1 || '%'`,
    [sms.json.id],
  );
  t.equal(jobs.n, 1, 'delivery queued in the same transaction');

  const letter = await cli(
    db.url,
    'send-notification',
    '--service',
    fx.serviceId,
    '--template',
    fx.letter,
    '--personalisation',
    JSON.stringify({ ...ADDRESS, name: 'DBA' }),
  );
  t.equal(letter.code, 0, letter.stderr);
  t.match(letter.json, { notification_type: 'letter', to: 'Ms A Person\n1 High Street\nSW1A 1AA' });
});

t.test('refusals: the v2 API’s messages, exit 1, nothing stored', async (t) => {
  const trial = await createServiceWithKeys(db, { restricted: true });
  const before = await db.one('select count(*)::int as n from app_public.notifications');
  const send = (service: string, template: string, to: string, personalisation = '{"name":"x"}') =>
    cli(
      db.url,
      'send-notification',
      '--service',
      service,
      '--template',
      template,
      '--to',
      to,
      '--personalisation',
      personalisation,
    );

  const stranger = await send(trial.serviceId, trial.sms, '07700900456');
  t.equal(stranger.code, 1);
  t.same(stranger.json, { error: 'BadRequestError', message: TRIAL_MODE_MESSAGE });

  const badPhone = await send(fx.serviceId, fx.sms, '0770090');
  t.equal(badPhone.code, 1);
  t.match(badPhone.json, { error: 'ValidationError', message: /^phone_number / });

  const otherService = await send(fx.serviceId, trial.sms, '07700900456');
  t.same(otherService.json, { error: 'BadRequestError', message: 'Template not found' });

  const missing = await send(fx.serviceId, fx.sms, '07700900456', '{}');
  t.same(missing.json, { error: 'BadRequestError', message: 'Missing personalisation: name' });

  const badJson = await send(fx.serviceId, fx.sms, '07700900456', '{name');
  t.equal(badJson.code, 2);
  t.match(badJson.stderr, /--personalisation must be valid JSON/);

  const after = await db.one('select count(*)::int as n from app_public.notifications');
  t.equal(after.n, before.n);
});
