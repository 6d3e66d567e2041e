// The Postgres server tests run against (src/db/scratch-server.ts) with the migrated template database.
import type { EmbeddedServer } from '../../src/db/embedded.ts';
import { startScratchServer } from '../../src/db/scratch-server.ts';
import { API_ROLE, AUTHENTICATOR_ROLE, withClient } from '../../src/db/bootstrap.ts';
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
  for (const role of [AUTHENTICATOR_ROLE, API_ROLE])
    await withClient(rootUrl, (c) =>
      c.query(`do $$ begin if exists (select from pg_roles where rolname = '${role}') then
        alter role ${role} with login password '${AUTHENTICATOR_PASSWORD}'; end if; end $$`),
    );
  return { rootUrl, template, server };
}
