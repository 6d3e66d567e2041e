import type { Task } from 'graphile-worker';
import { z } from 'zod';

const Payload = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  notification_types: z
    .array(z.enum(['sms', 'email', 'letter']))
    .nonempty()
    .optional(),
});

/**
 * ft_notification_status. Payload `{"day": "YYYY-MM-DD"}` (optionally
 * `notification_types`) rebuilds that London day; no day (the crontab) queues one job per
 * day: sms/email for 4 days, letters for 10.
 */
const createNightlyNotificationStatus: Task = async (payload, helpers) => {
  const { day, notification_types } = Payload.parse(payload ?? {});
  if (!day) {
    const { rows } = await helpers.withPgClient((c) =>
      c.query<{ n: number }>(`select app_private.enqueue_nightly_facts('create-nightly-notification-status') as n`),
    );
    helpers.logger.info(`queued create-nightly-notification-status for ${rows[0].n} days`);
    return;
  }
  const types = notification_types ?? ['sms', 'email', 'letter'];
  const { rows } = await helpers.withPgClient((c) =>
    c.query<{ n: number }>('select app_private.create_nightly_notification_status($1::date, $2::text[]) as n', [
      day,
      types,
    ]),
  );
  helpers.logger.info(`ft_notification_status ${day} (${types.join(', ')}): ${rows[0].n} groups`);
};

export default createNightlyNotificationStatus;
