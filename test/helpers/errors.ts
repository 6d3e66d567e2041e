// The first message of the BadRequestError a check throws, or 'no error'.
import { BadRequestError } from '../../src/lib/errors.ts';

export function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadRequestError) return e.messages[0];
    throw e;
  }
  return 'no error';
}
