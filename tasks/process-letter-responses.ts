import type { Task } from 'graphile-worker';
import { z } from 'zod';

const Payload = z.object({ lines: z.array(z.string()).max(100_000) });

/**
 * The printer's response lines ({"lines": ["REFERENCE|Sent|pages|sorted", ...]}):
 * letters in sending become delivered (Sent) or temporary-failure (app_private.process_letter_responses).
 */
const processLetterResponses: Task = async (payload, helpers) => {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    helpers.logger.error('payload must be {"lines": ["REFERENCE|Sent|pages|sorted", ...]}');
    return;
  }
  const { rows } = await helpers.query<{ reference: string; outcome: string }>(
    'select * from app_private.process_letter_responses($1::text[])',
    [parsed.data.lines],
  );
  const unknown = rows.filter((r) => r.outcome === 'not-found').map((r) => r.reference);
  if (unknown.length) helpers.logger.warn(`printer response for unknown letters: ${unknown.slice(0, 20).join(', ')}`);
};

export default processLetterResponses;
