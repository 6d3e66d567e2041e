// The throwaway Postgres that tests, the schema dump and the benchmarks run on: an embedded server of its own
// (.pgdata-test, port 5440 or NOTIFY_TEST_PG_PORT) so nothing touches the development database, or the server
// of TEST_DATABASE_URL (a superuser URL) when that is set. One definition, so CI starts one server for all.
import path from 'node:path';
import { projectRoot } from '../config.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';

export async function startScratchServer(): Promise<{ rootUrl: string; server: EmbeddedServer | null }> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { rootUrl: external, server: null };
  const server = await startEmbedded(
    path.join(projectRoot, '.pgdata-test'),
    Number(process.env.NOTIFY_TEST_PG_PORT ?? 5440),
  );
  return { rootUrl: server.url('postgres'), server };
}
