import type { Task } from 'graphile-worker';
import { z } from 'zod';

const Payload = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

/**
 * ft_billing. Payload `{"day": "YYYY-MM-DD"}` rebuilds that London day;
 * no day (the crontab) queues one job per day of the window: yesterday and the 9 days
 * before, deduplicated by job_key.
 */
const createNightlyBilling: Task = async (payload, helpers) => {
  const { day } = Payload.parse(payload ?? {});
  if (!day) {
    const { rows } = await helpers.withPgClient((c) =>
      c.query<{ n: number }>(`select app_private.enqueue_nightly_facts('create-nightly-billing') as n`),
    );
    helpers.logger.info(`queued create-nightly-billing for ${rows[0].n} days`);
    return;
  }
  const { rows } = await helpers.withPgClient((c) =>
    c.query<{ n: number }>('select app_private.create_nightly_billing($1::date) as n', [day]),
  );
  helpers.logger.info(`ft_billing ${day}: ${rows[0].n} rows`);
};

export default createNightlyBilling;
