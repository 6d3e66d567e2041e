// `npm run gm -- <graphile-migrate command>`: graphile-migrate against the embedded
// development server (or DATABASE_URL), with the shadow database it needs for `commit`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { config, projectRoot } from '../src/config.ts';
import { prepareDatabase, withDatabase } from '../src/db/bootstrap.ts';

const cfg = config();
const db = await prepareDatabase(cfg);
const rootUrl = cfg.DATABASE_URL ?? db.embedded!.url('postgres');
const r = spawnSync(
  process.execPath,
  [path.join(projectRoot, 'node_modules', 'graphile-migrate', 'dist', 'cli.js'), ...process.argv.slice(2)],
  {
    cwd: projectRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: db.ownerUrl,
      ROOT_DATABASE_URL: rootUrl,
      SHADOW_DATABASE_URL: withDatabase(rootUrl, `${cfg.DATABASE_NAME}_shadow`),
    },
  },
);
await db.stop();
process.exit(r.status ?? 1);
