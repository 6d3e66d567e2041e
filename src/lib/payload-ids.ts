// The payload of the tasks that work on notifications by id (deliver-sms, deliver-email,
// create-letter-pdf, scan-letter): {"ids": ["<uuid>", ...]}, as create_notifications and the
// replay task queue them.
import { z } from 'zod';
import { isUuid } from './uuid.ts';

const IdsPayload = z.object({ ids: z.array(z.string()) });

/**
 * The ids of an {"ids": [...]} payload (ids that are not UUIDs dropped); any other payload is logged and gives
 * none.
 */
export function payloadIds(payload: unknown, logger: { error(message: string): void }): string[] {
  const parsed = IdsPayload.safeParse(payload);
  if (!parsed.success) {
    logger.error('payload must be {"ids": ["<uuid>", ...]}');
    return [];
  }
  return parsed.data.ids.filter(isUuid);
}
