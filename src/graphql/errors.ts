// What a GraphQL caller is told when a request fails. Errors the database raises on purpose (the NTF codes of
// our functions, raise exception, bad values, constraint and row-level-security refusals) carry a message
// written for the caller, so it is shown with its SQLSTATE as `extensions.code`, as the v2 API shows its
// messages. Anything else (a bug, a lost connection) keeps grafserv's masked message with an id to find it in
// the log, so internals never reach the caller.
import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'postgraphile/graphql';
import { isSafeError } from 'postgraphile/grafast';

/** NTF01–NTF04 (ours), P0001 raise exception, class 22 data exceptions, class 23 integrity, 42501 privilege. */
const CALLER_SQLSTATE = /^(NTF\d\d|P0001|22[0-9A-Z]{3}|23[0-9A-Z]{3}|42501)$/;

function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** Where masked errors are logged: the app's logger (pino's shape: object first, then message). */
export type ErrorLog = (details: Record<string, unknown>, message: string) => void;

export function makeMaskError(log: ErrorLog): (error: GraphQLError) => GraphQLError {
  return (error) => maskError(error, log);
}

function maskError(error: GraphQLError, log: ErrorLog): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) return error;
  const base = {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: original,
  };
  if (isSafeError(original)) {
    return new GraphQLError(original.message, { ...base, extensions: original.extensions ?? null });
  }
  const code = sqlState(original);
  if (code && CALLER_SQLSTATE.test(code)) {
    return new GraphQLError(original.message, { ...base, extensions: { code } });
  }
  const hash = createHash('sha1').update(String(original)).digest('base64url').slice(0, 27);
  const errorId = randomBytes(5).toString('hex');
  log({ err: original, hash, errorId, path: error.path }, 'GraphQL request failed');
  return new GraphQLError(`An error occurred (logged with hash: '${hash}', id: '${errorId}')`, {
    ...base,
    extensions: { errorId },
  });
}
