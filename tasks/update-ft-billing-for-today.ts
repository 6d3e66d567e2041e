import type { Task } from 'graphile-worker';

/** Today's ft_billing, hourly, so usage reports include today. */
const updateFtBillingForToday: Task = async (_payload, helpers) => {
  const { rows } = await helpers.withPgClient((c) =>
    c.query<{ day: string; n: number }>(
      `select d::text as day, app_private.create_nightly_billing(d) as n from app_public.london_date(now()) d`,
    ),
  );
  helpers.logger.info(`ft_billing ${rows[0].day} (today): ${rows[0].n} rows`);
};

export default updateFtBillingForToday;
