import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { config } from '../src/config.ts';
import { deleteObjects, serviceFileKey } from '../src/jobs/job-files.ts';
import { processS3 } from '../src/lib/s3.ts';

const Payload = z.object({ serviceId: z.string().uuid(), contactListId: z.string().uuid() });

/** An archived contact list's CSV is deleted (queued by app_public.archive_contact_list). */
const task: Task = async (payload, helpers) => {
  const { serviceId, contactListId } = Payload.parse(payload);
  await deleteObjects(processS3(), config().CONTACT_LIST_BUCKET, [serviceFileKey(serviceId, contactListId)]);
  helpers.logger.info(`removed the file of contact list ${contactListId}`);
};

export default task;
