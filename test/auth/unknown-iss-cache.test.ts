// The v2 cache answers for any `iss` a caller sends, before any key is checked: what it remembers of unknown
// service and template ids is bounded in number and in time.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { V2Cache } from '../../src/notifications/cache.ts';
import { createTestDb } from '../helpers/db.ts';
import { createUser } from '../helpers/factories.ts';

t.test('unknown ids are remembered briefly and in bounded number', async (t) => {
  const db = await createTestDb(t, 'cache');
  const cache = new V2Cache({ pool: db.pool, listenUrl: null, ttlMs: 60_000, maxMissing: 50, missingTtlMs: 200 });
  t.teardown(() => cache.close());

  let found = 0;
  for (let i = 0; i < 300; i++) if (await cache.service(randomUUID())) found++;
  for (let i = 0; i < 120; i++) if (await cache.template(randomUUID())) found++;
  t.equal(found, 0, 'unknown ids are unknown');
  t.same(cache.sizes(), { services: 0, templates: 0, missingServices: 50, missingTemplates: 50 }, 'at most 50 each');

  // An id unknown a moment ago (a service created just now, no LISTEN here) is found once the short memory lapses.
  const userId = await createUser(db);
  const id = randomUUID();
  t.equal(await cache.service(id), null);
  await db.query(
    `insert into app_public.services (id, name, email_from, created_by_id) values ($1, 'New', 'new', $2)`,
    [id, userId],
  );
  t.equal(await cache.service(id), null, 'remembered as missing for a moment');
  await sleep(250);
  t.equal((await cache.service(id))?.id, id, 'then loaded');
  t.equal(cache.sizes().services, 1, 'known services are cached as before');

  const long = new V2Cache({ pool: db.pool, listenUrl: null, ttlMs: 60_000 });
  t.teardown(() => long.close());
  for (let i = 0; i < 6000; i++) await long.service(randomUUID());
  t.equal(long.sizes().missingServices, 5000, 'by default 5000');
});
