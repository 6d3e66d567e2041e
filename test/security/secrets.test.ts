// The development secrets are published in this repository: a server others can reach (NODE_ENV=production or a
// HOST beyond loopback) must not run with them, nor with the provider routes open; the embedded Postgres has a
// superuser password of its own install.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import pg from 'pg';
import { ConfigError, parseConfig, projectRoot, providerCallbackTokenProblem } from '../../src/config.ts';
import { LEGACY_EMBEDDED_PASSWORD, PASSWORD_FILE, startEmbedded, stopEmbedded } from '../../src/db/embedded.ts';
import { freePort, run } from '../helpers/spawn.ts';

const secrets = { ADMIN_JWT_SECRET: 'a'.repeat(32), AUTHENTICATOR_PASSWORD: 'b'.repeat(24) };

const failure = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '';
};

const exposures: Record<string, string>[] = [{ NODE_ENV: 'production' }, { HOST: '0.0.0.0' }, { HOST: '192.0.2.10' }];
for (const exposure of exposures) {
  const label = Object.entries(exposure)
    .map(([k, v]) => `${k}=${v}`)
    .join();
  t.test(`${label}: the development secrets are refused, naming the variable`, async (t) => {
    const none = failure(exposure);
    t.match(none, /ADMIN_JWT_SECRET: required/);
    t.match(none, /AUTHENTICATOR_PASSWORD: required/);
    t.match(
      failure({ ...exposure, ...secrets, ADMIN_JWT_SECRET: 'dev-admin-jwt-secret-change-me' }),
      /ADMIN_JWT_SECRET/,
      'the published default given explicitly is refused too',
    );
    t.match(
      failure({ ...exposure, ...secrets, AUTHENTICATOR_PASSWORD: 'notify-authenticator-dev-password' }),
      /AUTHENTICATOR_PASSWORD/,
    );
    const cfg = parseConfig({ ...exposure, ...secrets });
    t.equal(cfg.exposed, true);
    t.doesNotThrow(
      () => parseConfig({ ...exposure, ADMIN_JWT_SECRET: 'a'.repeat(32), AUTH_DATABASE_URL: 'postgres://a:b@h/d' }),
      'AUTH_DATABASE_URL carries its own password',
    );
    t.match(providerCallbackTokenProblem(cfg), /PROVIDER_CALLBACK_TOKEN: required/);
    t.equal(
      providerCallbackTokenProblem(parseConfig({ ...exposure, ...secrets, PROVIDER_CALLBACK_TOKEN: 'c'.repeat(20) })),
      null,
    );
  });
}

t.test('loopback development keeps its defaults and open provider routes', async (t) => {
  for (const HOST of ['127.0.0.1', 'localhost', '::1', '[::1]']) {
    const cfg = parseConfig({ HOST });
    t.equal(cfg.exposed, false, HOST);
    t.equal(providerCallbackTokenProblem(cfg), null);
  }
  t.equal(providerCallbackTokenProblem(parseConfig({ SMS_STUB_URL: 'http://127.0.0.1:9/sms' })), null);
});

t.test('a real provider needs PROVIDER_CALLBACK_TOKEN even on loopback', async (t) => {
  for (const [name, value] of [
    ['MMG_URL', 'https://api.mmg.co.uk/jsonv2a/api.php'],
    ['FIRETEXT_URL', 'https://www.firetext.co.uk/api/sendsms/json'],
    ['REACH_URL', 'https://reach.example/sms'],
    ['SES_ACCESS_KEY_ID', 'AKIAEXAMPLE'],
    ['SMS_STUB_URL', 'https://sms.example.com/send'],
    ['EMAIL_STUB_URL', 'https://mail.example.com/send'],
  ]) {
    t.match(
      providerCallbackTokenProblem(parseConfig({ [name]: value })),
      new RegExp(name.replace('_ACCESS_KEY_ID', '')),
    );
  }
});

t.test('the server refuses to start, naming the variable', async (t) => {
  const base = { EMBEDDED_PG_DIR: '.pgdata-never-created', PORT: String(await freePort()) };
  let r = await run(['src/server.ts'], { ...base, HOST: '0.0.0.0', NODE_ENV: 'development' });
  t.equal(r.code, 1, 'HOST=0.0.0.0 with the development secrets');
  t.match(r.stderr, /ADMIN_JWT_SECRET: required when NODE_ENV=production or HOST is not a loopback address/);
  r = await run(['src/server.ts'], { ...base, ...secrets, NODE_ENV: 'production' });
  t.equal(r.code, 1, 'production without PROVIDER_CALLBACK_TOKEN');
  t.match(r.stderr, /PROVIDER_CALLBACK_TOKEN: required with NODE_ENV=production/);
  t.notOk(
    await fs.stat(path.join(projectRoot, base.EMBEDDED_PG_DIR)).catch(() => null),
    'refused before any database was made',
  );
});

const connects = async (port: number, password: string) => {
  const c = new pg.Client({ host: 'localhost', port, user: 'postgres', password, database: 'postgres' });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
};

t.test('the embedded Postgres gets a password of its own, kept in its data directory', async (t) => {
  const dir = path.join(projectRoot, `.pgdata-test-secrets-${process.pid}`);
  const port = await freePort();
  t.teardown(async () => {
    await stopEmbedded(dir);
    await fs.rm(dir, { recursive: true, force: true });
  });
  const server = await startEmbedded(dir, port);
  const file = path.join(dir, PASSWORD_FILE);
  const password = (await fs.readFile(file, 'utf8')).trim();
  t.ok(password.length >= 24 && password !== LEGACY_EMBEDDED_PASSWORD, 'generated at initialisation');
  t.equal((await fs.stat(file)).mode & 0o777, 0o600, 'readable by its owner only');
  t.match(server.url('postgres'), encodeURIComponent(password));
  t.ok(await connects(port, password));
  t.notOk(await connects(port, LEGACY_EMBEDDED_PASSWORD), 'the published password does not log in');

  // A data directory from before: the published password, no file. Exposed, it is replaced before use.
  await connects(port, password).then(async () => {
    const c = new pg.Client({ connectionString: server.url('postgres') });
    await c.connect();
    await c.query(`alter role postgres with password '${LEGACY_EMBEDDED_PASSWORD}'`);
    await c.end();
  });
  await fs.rm(file);
  const dev = await startEmbedded(dir, port);
  t.match(dev.url('postgres'), `:${LEGACY_EMBEDDED_PASSWORD}@`, 'development keeps an old install working');
  const exposed = await startEmbedded(dir, port, undefined, { replaceLegacyPassword: true });
  const replaced = (await fs.readFile(file, 'utf8')).trim();
  t.not(replaced, LEGACY_EMBEDDED_PASSWORD);
  t.match(exposed.url('postgres'), encodeURIComponent(replaced));
  t.ok(await connects(port, replaced), 'the new password logs in');
  t.notOk(await connects(port, LEGACY_EMBEDDED_PASSWORD), 'the published one no longer does');
  await server.stop();
});
