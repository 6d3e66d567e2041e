// Shared pieces of the property-based tests: the number of runs (FUZZ_RUNS, default 200, a fixed
// seed unless FUZZ_SEED is given, so `npm test` is repeatable and fast) and the arbitraries of
// hostile input.
import fc from 'fast-check';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261204;

/** fc.assert with the runs and seed of this run; its error names the counterexample and the seed. */
export async function check<T>(property: fc.IAsyncPropertyWithHooks<T>, runs = RUNS): Promise<void> {
  await fc.assert(property, { numRuns: runs, seed: SEED, endOnFailure: true });
}

/** Text of every kind: ASCII, any Unicode, control characters, long runs, lookalikes of real values. */
export const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '%', '%E0%A4%A', '../../etc/passwd', 'null', 'true', '0', '-1', '1e309'),
  fc.string({ minLength: 200, maxLength: 3000 }),
);

/** Any JSON value, and the values JSON cannot hold made into strings. */
export const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);

/** A value for a field: mostly the given good ones, else anything. */
export function field(...good: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: anyJson });
}

/** Printable header values (app.inject refuses control characters, as any HTTP client would). */
export const headerValue = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));

/** A valid value with one field changed, dropped or added, or a record of any of the fields, or anything. */
export function around(valid: Record<string, unknown>, fields: Record<string, fc.Arbitrary<unknown>>) {
  const keys = Object.keys(fields);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(valid) },
    { weight: 6, arbitrary: fc.constantFrom(...keys).chain((k) => fields[k].map((v) => ({ ...valid, [k]: v }))) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...keys)
        .map((k) => Object.fromEntries(Object.entries(valid).filter(([n]) => n !== k))),
    },
    { weight: 1, arbitrary: fc.tuple(text, anyJson).map(([k, v]) => ({ ...valid, [k]: v })) },
    { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anyJson },
  );
}

/** Percent-encoding of any text (lone surrogates made well-formed first: no client can send them). */
export const enc = (s: string) => encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd'));

const otherContentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '',
  `application/json; charset=utf-8; x=${'a'.repeat(100)}`,
);
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: otherContentType },
);

/** A query string: known keys and junk, values good and bad, percent-encoded or raw. */
export function queryString(keys: string[], values: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...keys), fc.constantFrom('a[b]', 'status[]', '__proto__', 'constructor'), text);
  const value = fc.oneof(fc.constantFrom(...values), fc.uuid(), text);
  const pair = fc
    .tuple(key, value, fc.boolean())
    .map(([k, v, raw]) =>
      raw ? `${k.replace(/[^\x21-\x7e]/g, '')}=${v.replace(/[^\x21-\x7e]/g, '')}` : `${enc(k)}=${enc(v)}`,
    );
  return fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&').replace(/#/g, '%23'));
}
