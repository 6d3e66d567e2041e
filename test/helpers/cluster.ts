// The Postgres server tests run against (src/db/scratch-server.ts) with the migrated template database.
import type { EmbeddedServer } from '../../src/db/embedded.ts';
import { startScratchServer } from '../../src/db/scratch-server.ts';
import { AUTHENTICATOR_ROLE, withClient } from '../../src/db/bootstrap.ts';
import { ensureTemplate } from './template.ts';

export const AUTHENTICATOR_PASSWORD = 'notify-authenticator-test-password';

export interface Cluster {
  rootUrl: string;
  template: string;
  server: EmbeddedServer | null;
}

export async function startCluster(opts: { cleanup?: boolean } = {}): Promise<Cluster> {
  const { rootUrl, server } = await startScratchServer();
  const template = await ensureTemplate(rootUrl, opts);
  // The role comes from the migrations (roles are cluster-wide); tests log in as it.
  await withClient(rootUrl, (c) =>
    c.query(`do $$ begin if exists (select from pg_roles where rolname = '${AUTHENTICATOR_ROLE}') then
      alter role ${AUTHENTICATOR_ROLE} with login password '${AUTHENTICATOR_PASSWORD}'; end if; end $$`),
  );
  return { rootUrl, template, server };
}
