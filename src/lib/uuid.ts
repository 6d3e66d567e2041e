// Ids that come from outside (URLs, query strings, task payloads) are checked before they reach a
// uuid column, so a malformed one is refused or skipped instead of failing the query.
const UUID_RE = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** True for a UUID in canonical form, or as 32 hex digits, optionally in braces (what Postgres accepts). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value) && value.startsWith('{') === value.endsWith('}');
}
