// graphile-migrate afterReset action (.gmrc): install graphile-worker's schema into the
// freshly reset (shadow) database before migrations run, as src/db/bootstrap.ts does for
// every real database — the migrations' functions use graphile_worker types and functions.
import { installJobQueueSchema } from '../src/db/bootstrap.ts';

const url = process.env.GM_DBURL;
if (!url) {
  process.stderr.write('GM_DBURL is not set (this script is run by graphile-migrate)\n');
  process.exit(2);
}
await installJobQueueSchema(url);
