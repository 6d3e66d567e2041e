import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { config } from '../src/config.ts';
import { removeJobFiles } from '../src/jobs/job-files.ts';
import { processS3 } from '../src/lib/s3.ts';

const Payload = z.object({
  notification_types: z.array(z.enum(['sms', 'email', 'letter'])).min(1),
});

/**
 * CSVs of jobs past their service's retention are deleted from S3 and the jobs marked archived; the rows
 * checks kept that no job will read are removed.
 * Payload {"notification_types": [...]}: the crontab runs texts and emails, then letters.
 */
const task: Task = async (payload, helpers) => {
  const { notification_types } = Payload.parse(payload);
  const n = await helpers.withPgClient((c) =>
    removeJobFiles((sql, values) => c.query(sql, values), processS3(), config().CSV_UPLOAD_BUCKET, notification_types),
  );
  helpers.logger.info(`removed the CSV files of ${n} ${notification_types.join('/')} jobs past retention`);
  // The rows checks kept for jobs that have ended or uploads never sent (process-job removes its own).
  const { rows } = await helpers.query<{ n: number }>('select app_private.forget_checked_rows() as n');
  if (rows[0].n > 0) helpers.logger.info(`removed ${rows[0].n} checked rows no job will read`);
};

export default task;
