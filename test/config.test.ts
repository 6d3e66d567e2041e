import t from 'tap';
import { parseConfig, ConfigError } from '../src/config.ts';

t.test('defaults give a runnable local set-up', async (t) => {
  const c = parseConfig({});
  t.equal(c.PORT, 6011);
  t.equal(c.DATABASE_URL, undefined);
  t.ok(c.embeddedDir?.endsWith('.pgdata'), 'embedded data directory inside the project');
  t.equal(c.apiHostName, 'http://localhost:6011');
  t.same(c.buckets.length, 6);
  t.ok(c.buckets.includes('notify-letters-print'), 'the printer inbox bucket');
});

t.test('DATABASE_URL switches the embedded server off', async (t) => {
  const c = parseConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/notify' });
  t.equal(c.embeddedDir, null);
});

t.test('a bad value stops start-up with a message naming the variable', async (t) => {
  for (const [name, value] of [
    ['PORT', 'eleven'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['WORKER_IN_PROCESS', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['ADMIN_JWT_SECRET', 'short'],
    ['PROVIDER_CALLBACK_TOKEN', 'too-short'],
    ['DELIVERY_PROVIDER_BATCH', '0'],
  ]) {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof ConfigError, `${name}=${value} is rejected`);
    t.match((error as Error).message, name, `the message names ${name}`);
  }
});

t.test(
  'production needs an explicit ADMIN_JWT_SECRET (and AUTHENTICATOR_PASSWORD: test/security/secrets.test.ts)',
  async (t) => {
    t.throws(() => parseConfig({ NODE_ENV: 'production' }), /ADMIN_JWT_SECRET/);
    t.doesNotThrow(() =>
      parseConfig({ NODE_ENV: 'production', ADMIN_JWT_SECRET: 'x'.repeat(32), AUTHENTICATOR_PASSWORD: 'y'.repeat(20) }),
    );
  },
);
