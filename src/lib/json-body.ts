// The JSON body parser of the v2 API. Notify (Flask's get_json) answers a body that is not UTF-8
// JSON with 400 "Invalid JSON supplied in POST data"; so does this parser, and it refuses what
// JSON allows but Postgres cannot store or the validators should not walk: the NUL character
// and unpaired UTF-16 surrogates ("\ud800": no UTF-8 for them, so text and jsonb cannot hold
// either) in any key or value, and nesting deeper than MAX_JSON_DEPTH.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { type ApiError, BadRequestError, ValidationError } from './errors.ts';

export const INVALID_JSON_MESSAGE = 'Invalid JSON supplied in POST data';
/** Far more than any request needs (personalisation values are flat or lists). */
export const MAX_JSON_DEPTH = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** An unpaired surrogate (with the u flag a pair is one code point, not Cs). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first problem in a parsed body: a NUL or an unpaired surrogate in a key or string value
 * (named by its top-level field), or nesting too deep. null when there is none.
 */
export function jsonBodyProblem(value: unknown): ApiError | null {
  // Iterative, so a hostile depth cannot exhaust the stack before it is measured.
  const stack: Array<{ value: unknown; depth: number; field: string | null }> = [{ value, depth: 0, field: null }];
  while (stack.length) {
    const { value: v, depth, field } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return nulError(field);
      if (LONE_SURROGATE.test(v)) return surrogateError(field);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return new BadRequestError(INVALID_JSON_MESSAGE);
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ value: item, depth: depth + 1, field });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (key.includes('\0')) return nulError(field);
      if (LONE_SURROGATE.test(key)) return surrogateError(field);
      stack.push({ value: item, depth: depth + 1, field: field ?? key });
    }
  }
  return null;
}

function nulError(field: string | null): ValidationError {
  return new ValidationError(`${field === null ? 'Request body' : field} must not contain NUL characters`);
}

function surrogateError(field: string | null): ValidationError {
  return new ValidationError(
    `${field === null ? 'Request body' : field} must not contain unpaired surrogate characters`,
  );
}

export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BadRequestError(INVALID_JSON_MESSAGE);
  }
  if (text.trim() === '') throw new BadRequestError(INVALID_JSON_MESSAGE);
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    throw new BadRequestError(INVALID_JSON_MESSAGE);
  }
  const problem = jsonBodyProblem(value);
  if (problem) throw problem;
  return value;
}

/** Installs parseJsonBody for application/json (and +json types) in this Fastify scope. */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'buffer' },
    (_request: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
      try {
        done(null, parseJsonBody(body));
      } catch (e) {
        done(e as Error);
      }
    },
  );
}
