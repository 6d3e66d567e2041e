// An S3 client that fails at chosen calls, for the tasks that must survive S3 faults: every call is
// numbered per command (PutObjectCommand 1, 2, …) and `fail` decides, before the call or after it
// (the request was carried out but its answer lost), whether it throws instead.
import type { S3Client } from '@aws-sdk/client-s3';

export interface S3Call {
  command: string;
  /** 1 for the first call of this command, 2 for the second, … */
  nth: number;
  input: Record<string, unknown>;
}

export type Fault = 'before' | 'after' | null;

export interface FaultyS3 {
  client: S3Client;
  calls: S3Call[];
  /** Calls of one command (with their inputs), in order. */
  of(command: string): S3Call[];
}

/** An S3 500 error (a passing fault, as the SDK raises it). */
export function s3Error(status = 500, name = 'InternalError'): Error {
  return Object.assign(new Error(`simulated ${name}`), { name, $metadata: { httpStatusCode: status } });
}

export function faultyS3(
  real: S3Client,
  fail: (call: S3Call) => Fault,
  error: (call: S3Call) => Error = () => s3Error(),
): FaultyS3 {
  const calls: S3Call[] = [];
  const counts = new Map<string, number>();
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      const nth = (counts.get(name) ?? 0) + 1;
      counts.set(name, nth);
      const call = { command: name, nth, input: command.input };
      calls.push(call);
      const fault = fail(call);
      if (fault === 'before') throw error(call);
      const result = await (real.send as (c: unknown) => Promise<unknown>)(command);
      if (fault === 'after') throw error(call);
      return result;
    },
  } as unknown as S3Client;
  return { client, calls, of: (command) => calls.filter((c) => c.command === command) };
}
