// The operator CLI against a real database, as an operator runs it.
import t from 'tap';
import { createTestDb } from './helpers/db.ts';
import { cli } from './helpers/spawn.ts';

t.test('CLI happy path: organisation, user, service, key, templates, senders, inbound', async (t) => {
  const db = await createTestDb(t, 'cli');
  const org = await cli(db.url, 'create-organisation', '--name', 'Department of Tests', '--type', 'central');
  t.equal(org.code, 0, org.stderr);
  t.equal(org.json.name, 'Department of Tests');

  const user = await cli(
    db.url,
    'create-user',
    '--email',
    'ada@tests.gov.uk',
    '--name',
    'Ada',
    '--mobile',
    '07700900123',
  );
  t.equal(user.code, 0, user.stderr);
  t.match(user.json, { email_address: 'ada@tests.gov.uk', name: 'Ada', platform_admin: false });

  const service = await cli(
    db.url,
    'create-service',
    '--name',
    'Test Service',
    '--user',
    user.json.id,
    '--organisation',
    org.json.id,
    '--live',
  );
  t.equal(service.code, 0, service.stderr);
  t.equal(service.json.restricted, false);
  const sid = service.json.id;
  const perms = await db.query(
    'select permission from app_public.service_permissions where service_id = $1 order by 1',
    [sid],
  );
  t.ok(perms.map((p) => p.permission).includes('sms'), 'default permissions granted');

  const key = await cli(db.url, 'create-api-key', '--service', sid, '--name', 'my-live-key', '--type', 'normal');
  t.equal(key.code, 0, key.stderr);
  const combined: string = key.json.key;
  t.equal(combined.slice(-73, -37), sid, 'service id sits at [-73:-37]');
  t.ok(combined.startsWith('my-live-key-'), 'name first');
  const secret = combined.slice(-36);
  const stored = await db.query('select secret from app_hidden.service_api_keys($1)', [sid]);
  t.same(
    stored.map((r) => r.secret),
    [secret],
    'the secret round-trips through encryption',
  );
  const raw = await db.query('select secret::text as s from app_public.api_keys where service_id = $1', [sid]);
  t.notOk(raw[0].s.includes(secret), 'not stored in plain text');

  const tpl = await cli(
    db.url,
    'create-template',
    '--service',
    sid,
    '--type',
    'sms',
    '--name',
    'Hello',
    '--content',
    'Hello ((name))',
  );
  t.equal(tpl.code, 0, tpl.stderr);
  t.same(Object.keys(tpl.json).sort(), ['id', 'version']);
  t.equal(tpl.json.version, 1);
  const upd = await cli(db.url, 'update-template', '--template', tpl.json.id, '--content', 'Hi ((name))');
  t.equal(upd.code, 0, upd.stderr);
  t.same(upd.json, { id: tpl.json.id, version: 2 });
  const upd2 = await cli(db.url, 'update-template', '--template', tpl.json.id, '--name', 'Renamed');
  t.equal(upd2.json.version, 3, 'a rename is a new version too');
  const v1 = await db.one('select content from app_public.templates_history where id = $1 and version = 1', [
    tpl.json.id,
  ]);
  t.equal(v1.content, 'Hello ((name))', 'version 1 reads back exactly');

  const sender = await cli(db.url, 'add-sms-sender', '--service', sid, '--sender', 'TESTS', '--default');
  t.equal(sender.code, 0, sender.stderr);
  t.equal(sender.json.sms_sender, 'TESTS');
  const reply = await cli(db.url, 'add-email-reply-to', '--service', sid, '--email', 'reply@tests.gov.uk', '--default');
  t.equal(reply.code, 0, reply.stderr);
  const contact = await cli(
    db.url,
    'add-letter-contact',
    '--service',
    sid,
    '--contact-block',
    'Tests Dept\nLondon',
    '--default',
  );
  t.equal(contact.code, 0, contact.stderr);

  const inbound = await cli(db.url, 'add-inbound-number', '--number', '07700900500', '--service', sid);
  t.equal(inbound.code, 0, inbound.stderr);
  const received = await cli(
    db.url,
    'receive-sms',
    '--to',
    '07700900500',
    '--from',
    '07700900123',
    '--content',
    'STOP',
  );
  t.equal(received.code, 0, received.stderr);
  t.equal(received.json.service_id, sid);
  t.equal(received.json.user_number, '447700900123', 'the sender stored normalised, as by the provider route');
  const shortCode = await cli(db.url, 'receive-sms', '--to', '07700900500', '--from', 'BANK', '--content', 'Hi');
  t.equal(shortCode.json.user_number, 'BANK', 'a sender that is not a number is kept as it came');

  const token = await cli(db.url, 'issue-admin-token', '--user', user.json.id);
  t.equal(token.code, 0, token.stderr);
  t.match(token.json.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);

  const url = await cli(db.url, 'db-url');
  t.equal(url.json.url, db.url);

  const noop = await cli(db.url, 'run-task', 'noop', '--payload', '{"a":1}');
  t.equal(noop.code, 0, noop.stderr);
  t.match(noop.json, { task: 'noop', status: 'completed' });
});

t.test('CLI bad arguments: usage message, non-zero exit, no partial rows', async (t) => {
  const db = await createTestDb(t, 'clibad');
  const count = async () => (await db.one('select count(*)::int as n from app_public.services')).n as number;
  const before = await count();

  const missing = await cli(db.url, 'create-service', '--name', 'X');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /missing required option: --user/);
  t.match(missing.stderr, /Usage: notify create-service/);

  const badUuid = await cli(db.url, 'create-service', '--name', 'X', '--user', 'not-a-uuid');
  t.equal(badUuid.code, 2);
  t.match(badUuid.stderr, /--user must be a UUID/);

  const unknownOpt = await cli(db.url, 'create-user', '--email', 'a@b.gov.uk', '--name', 'A', '--colour', 'red');
  t.equal(unknownOpt.code, 2);
  t.match(unknownOpt.stderr, /colour/);

  const unknownCmd = await cli(db.url, 'make-coffee');
  t.equal(unknownCmd.code, 2);
  t.match(unknownCmd.stderr, /Unknown command 'make-coffee'/);

  const badType = await cli(
    db.url,
    'create-api-key',
    '--service',
    '00000000-0000-0000-0000-000000000001',
    '--name',
    'k',
    '--type',
    'gold',
  );
  t.equal(badType.code, 2);

  const unknownUser = await cli(
    db.url,
    'create-service',
    '--name',
    'Orphan',
    '--user',
    '00000000-0000-0000-0000-0000000000ff',
  );
  t.equal(unknownUser.code, 1, 'a database error exits 1');
  t.match(unknownUser.json, { error: /^(NTF|23)/ });

  const badOrgType = await cli(db.url, 'create-organisation', '--name', 'Bad', '--type', 'galactic');
  t.equal(badOrgType.code, 1);
  t.equal(
    (
      await db
        .one('select count(*)::int as n from app_public.organisation where name = $1', ['Bad'])
        .catch(() => db.one('select count(*)::int as n from app_public.organisations where name = $1', ['Bad']))
    ).n,
    0,
  );

  const user = await cli(
    db.url,
    'create-user',
    '--email',
    'dup@tests.gov.uk',
    '--name',
    'Dup',
    '--mobile',
    '07700900124',
  );
  const first = await cli(db.url, 'create-service', '--name', 'Once', '--user', user.json.id);
  t.equal(first.code, 0, first.stderr);
  const dup = await cli(db.url, 'create-service', '--name', 'Once', '--user', user.json.id);
  t.equal(dup.code, 1);
  t.match(dup.stderr, /Duplicate service name 'Once'/);

  const badTask = await cli(db.url, 'run-task', 'no-such-task');
  t.equal(badTask.code, 2);
  t.match(badTask.stderr, /unknown task 'no-such-task'/);

  t.equal(await count(), before + 1, 'only the one good service was created');
});
