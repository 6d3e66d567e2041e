import type { Task } from 'graphile-worker';

/** Lower the priority of SMS providers delivering slowly (every minute). */
const task: Task = async (_payload, helpers) => {
  const rows = await helpers.withPgClient(
    async (c) =>
      (
        await c.query<{ identifier: string; ratio: string; lowered: boolean }>(
          'select * from app_private.switch_providers_on_slow_delivery()',
        )
      ).rows,
  );
  for (const r of rows.filter((x) => x.lowered))
    helpers.logger.warn(`SMS provider ${r.identifier} deprioritised: ${Number(r.ratio) * 100}% slow`);
};

export default task;
