import type { Task } from 'graphile-worker';

/**
 * Inbound texts past retention to inbound_sms_history, 10 000 per
 * transaction (each batch call commits on its own), until none are left.
 */
const archiveInboundSms: Task = async (_payload, helpers) => {
  let total = 0;
  for (;;) {
    const { rows } = await helpers.withPgClient((c) =>
      c.query<{ n: number }>('select app_private.archive_inbound_sms_batch(10000) as n'),
    );
    if (rows[0].n === 0) break;
    total += rows[0].n;
  }
  helpers.logger.info(`archived ${total} inbound texts`);
};

export default archiveInboundSms;
