import type { Task } from 'graphile-worker';

/**
 * Notify's check-if-letters-still-in-created and letters-pending-virus-check: letters that should
 * have reached the printer but have not — still created after the last print run, or still
 * waiting for their virus scan after 90 minutes — are reported as errors (the alert), ten at most
 * by id. replay-created-notifications has already queued their PDF or scan again.
 */
const checkLetters: Task = async (_payload, helpers) => {
  const { rows } = await helpers.query<{ id: string; reference: string; problem: string }>(
    'select id, reference, problem from app_private.letters_needing_attention()',
  );
  if (rows.length === 0) return;
  const sample = rows.slice(0, 10).map((r) => `${r.id} (${r.reference}): ${r.problem}`);
  helpers.logger.error(`${rows.length} letters need attention: ${sample.join('; ')}${rows.length > 10 ? '; …' : ''}`);
};

export default checkLetters;
