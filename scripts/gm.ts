// `npm run gm -- <graphile-migrate command>`: graphile-migrate against the embedded
// development server (or DATABASE_URL), with the shadow database it needs for `commit`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { config, projectRoot } from '../src/config.ts';
import { ensureDatabaseExists, installJobQueueSchema, withDatabase } from '../src/db/bootstrap.ts';
import { startEmbedded } from '../src/db/embedded.ts';

const cfg = config();
const embedded = cfg.DATABASE_URL ? null : await startEmbedded(cfg.embeddedDir!, cfg.EMBEDDED_PG_PORT);
const rootUrl = cfg.DATABASE_URL ?? embedded!.url('postgres');
const ownerUrl = cfg.DATABASE_URL ?? embedded!.url(cfg.DATABASE_NAME);
if (embedded) await ensureDatabaseExists(rootUrl, cfg.DATABASE_NAME);
// A new development database has no job-queue schema yet; the migrations need it.
await installJobQueueSchema(ownerUrl);
const r = spawnSync(
  process.execPath,
  [path.join(projectRoot, 'node_modules', 'graphile-migrate', 'dist', 'cli.js'), ...process.argv.slice(2)],
  {
    cwd: projectRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: ownerUrl,
      ROOT_DATABASE_URL: rootUrl,
      SHADOW_DATABASE_URL: withDatabase(rootUrl, `${cfg.DATABASE_NAME}_shadow`),
    },
  },
);
await embedded?.stop();
process.exit(r.status ?? 1);
