// Starts the embedded server on argv[2] (dir) / argv[3] (port) and waits forever:
// the embedded-server test SIGKILLs this process.
import { startEmbedded } from '../../src/db/embedded.ts';

await startEmbedded(process.argv[2], Number(process.argv[3]));
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
