// The Postgres server tests run against: a separate embedded data directory
// (.pgdata-test, port 5440) so tests never touch the development database, or the
// server of TEST_DATABASE_URL (a superuser URL) when that is set.
import path from 'node:path';
import { projectRoot } from '../../src/config.ts';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded.ts';
import { AUTHENTICATOR_ROLE, withClient } from '../../src/db/bootstrap.ts';
import { ensureTemplate } from './template.ts';

export const TEST_PG_DIR = path.join(projectRoot, '.pgdata-test');
export const TEST_PG_PORT = Number(process.env.NOTIFY_TEST_PG_PORT ?? 5440);
export const AUTHENTICATOR_PASSWORD = 'notify-authenticator-test-password';

export interface Cluster {
  rootUrl: string;
  template: string;
  server: EmbeddedServer | null;
}

export async function startCluster(opts: { cleanup?: boolean } = {}): Promise<Cluster> {
  let server: EmbeddedServer | null = null;
  let rootUrl = process.env.TEST_DATABASE_URL;
  if (!rootUrl) {
    server = await startEmbedded(TEST_PG_DIR, TEST_PG_PORT);
    rootUrl = server.url('postgres');
  }
  const template = await ensureTemplate(rootUrl, opts);
  // The role comes from the migrations (roles are cluster-wide); tests log in as it.
  await withClient(rootUrl, (c) =>
    c.query(`do $$ begin if exists (select from pg_roles where rolname = '${AUTHENTICATOR_ROLE}') then
      alter role ${AUTHENTICATOR_ROLE} with login password '${AUTHENTICATOR_PASSWORD}'; end if; end $$`),
  );
  return { rootUrl, template, server };
}
