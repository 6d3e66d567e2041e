// The simulated printer (DVLA): it has no inbox to read, so collate-letters asks it for the
// response file a real printer would return for each accepted zip.
import type { JobHelpers } from 'graphile-worker';

/** The printer's response file (`reference|Sent|pages|sorted` per letter), a job that runs later. */
export async function simulatedPrinterResponse(
  helpers: Pick<JobHelpers, 'addJob'>,
  letters: ReadonlyArray<{ reference: string; billable_units: number }>,
  delayMs: number,
): Promise<void> {
  const lines = letters.map((l) => `${l.reference}|Sent|${l.billable_units * 2}|Sorted`);
  await helpers.addJob('process-letter-responses', { lines }, { runAt: new Date(Date.now() + delayMs) });
}
