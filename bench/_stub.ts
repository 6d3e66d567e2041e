// The simulated SMS provider in its own process for bench/api.ts (a real provider runs elsewhere,
// not on the platform's event loop): accepts messages on /sms and POSTs receipts to PLATFORM_URL
// after RECEIPT_DELAY_MS. Prints {"url": ...} on stdout once listening; stops on SIGTERM.
import { startStubProvider } from '../src/dev/simulators/providers.ts';

const stub = await startStubProvider({
  channel: 'sms',
  platformUrl: process.env.PLATFORM_URL,
  receiptDelayMs: Number(process.env.RECEIPT_DELAY_MS ?? 1000),
});
process.stdout.write(`${JSON.stringify({ url: stub.url })}\n`);
process.on('SIGTERM', () => void stub.close().finally(() => process.exit(0)));
