// The schema check's fast path (isValid, a compiled test run before the full error walk) must say "valid"
// exactly when the full walk finds nothing: compared here over generated bodies for every schema of the v2 API,
// good values, near misses and junk alike.
import fc from 'fast-check';
import t from 'tap';
import * as schemas from '../../../src/routes/v2/schemas.ts';
import { fullSchemaErrors, isValid, type JsonSchema, schemaErrors } from '../../../src/routes/v2/validate.ts';
import { anyJson, around, check, RUNS, text } from '../../fuzz/fuzz.ts';

const now = new Date('2024-05-01T12:00:00Z');
const TEMPLATE = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';

/** Every schema the module exports (objects with a type or properties), by name. */
const ALL = Object.entries(schemas).filter(
  ([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v) && ('type' in v || 'properties' in v),
) as [string, JsonSchema][];

// Values near each format's and length's edges: a character outside the Basic Multilingual Plane is two UTF-16
// units but one character to the length keywords, a lone surrogate one of each.
const astral = '😀';
const edgeValues = fc.constantFrom<unknown>(
  TEMPLATE,
  TEMPLATE.toUpperCase(),
  `{${TEMPLATE}}`,
  'not-a-uuid',
  '07700900123',
  '07700 900 123',
  '+447700900123',
  '+44 7797 123456',
  '07640123456',
  '01632 960 001',
  '+1 (202) 555-0143',
  '+800 1234 5678',
  '0770090012',
  'phone',
  '',
  ' ',
  'someone@example.com',
  'someone@',
  'someone',
  'a@b',
  'https://www.gov.uk/unsubscribe',
  'http://www.gov.uk',
  'mailto:x@y.z',
  '2024-05-01T18:00:00Z',
  '2024-05-01T11:00:00Z',
  '2024-05-03T12:00:00Z',
  '2024-05-01 13:00',
  '20240501T130000',
  '2024-02-30T10:00:00',
  'first',
  'second',
  'economy',
  'third',
  'sms',
  'delivered',
  'true',
  'True',
  '1 week',
  '78 weeks',
  '79 weeks',
  'report.csv',
  'report',
  null,
  true,
  false,
  0,
  1.5,
  -1,
  [],
  ['sms', 'email'],
  ['delivered', 'nope'],
  [null],
  {},
  { name: 'Jo' },
  { file: 'aGVsbG8=', filename: 'a.csv' },
  { file: 'aGVsbG8=', filename: 'a.csv', is_csv: true },
  { file: 'aGVsbG8=', retention_period: '2 weeks', confirm_email_before_download: 'yes' },
  { required: true },
  { required: 'yes' },
  { address_line_1: 'A', address_line_2: 2, address_line_3: null },
  'x'.repeat(1000),
  'x'.repeat(1001),
  astral.repeat(1000),
  astral.repeat(501),
  `${'x'.repeat(999)}${astral}`,
  `${'x'.repeat(1000)}\ud800`,
  '\ud800'.repeat(1001),
  astral,
  '\udc00\ud800',
);
const value = fc.oneof({ weight: 3, arbitrary: edgeValues }, { weight: 2, arbitrary: anyJson });

/** A good value for the request fields (the rest get a uuid or 'x'). */
const GOOD: Record<string, unknown> = {
  phone_number: '07700 900123',
  email_address: 'someone@example.com',
  personalisation: { name: 'Jo' },
  reference: 'ref',
  scheduled_for: '2024-05-01T18:00:00Z',
  one_click_unsubscribe_url: 'https://www.gov.uk/unsubscribe',
  sanitise_content_for: ['name'],
  content: 'JVBERi0=',
  postage: 'second',
  template_type: ['sms'],
  status: ['delivered'],
  include_jobs: 'true',
  type: 'sms',
  // A file sent by email: is_csv and filename together are refused, either alone is not.
  file: 'aGVsbG8=',
  filename: 'report.csv',
  is_csv: false,
  retention_period: '1 week',
  confirm_email_before_download: true,
};

/** Bodies for a schema: a good one changed here and there, records of its fields with any values, junk. */
function bodies(schema: JsonSchema): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const good: Record<string, unknown> = {};
  for (const name of names) good[name] = GOOD[name] ?? (name.endsWith('id') ? TEMPLATE : 'x');
  const fields = Object.fromEntries([...names, 'extra'].map((n) => [n, value]));
  const key = fc.oneof(fc.constantFrom(...names, 'extra', 'file', 'filename', 'is_csv', 'required'), text);
  return fc.oneof(
    around(good, fields),
    // Any subset of the good fields.
    fc.subarray(names).map((keep) => Object.fromEntries(keep.map((n) => [n, good[n]]))),
    fc.dictionary(key, value, { maxKeys: 6 }),
    // Nested: the properties' own schemas (personalisation, a file sent by email, arrays of statuses).
    fc.dictionary(key, fc.dictionary(key, value, { maxKeys: 4 }), { maxKeys: 3 }),
    value,
  );
}

t.test('the fast path agrees with the full walk, schema by schema', async (t) => {
  t.ok(ALL.length >= 10, `schemas found (${ALL.map(([n]) => n).join(', ')})`);
  for (const [name, schema] of ALL) {
    let invalid = 0;
    let valid = 0;
    await check(
      fc.asyncProperty(bodies(schema), async (body) => {
        const full = fullSchemaErrors(schema, body, { now });
        const fast = isValid(schema, body, { now });
        if (fast !== (full.length === 0)) {
          throw new Error(`${name}: fast ${fast}, full ${JSON.stringify(full)} for ${JSON.stringify(body)}`);
        }
        if (fast) valid++;
        else invalid++;
        if (JSON.stringify(schemaErrors(schema, body, { now })) !== JSON.stringify(full)) {
          throw new Error(`${name}: schemaErrors differs from the full walk for ${JSON.stringify(body)}`);
        }
      }),
      RUNS * 2,
    );
    t.ok(invalid > 0, `${name}: some bodies were invalid (${invalid})`);
    if (/^(post.*Request|get.*Query|sendAFile)$/.test(name))
      t.ok(valid > 0, `${name}: some bodies were valid (${valid})`);
  }
});

t.test('lengths count characters, not UTF-16 units, on both paths', async (t) => {
  const ref = schemas.postSmsRequest;
  const body = (reference: string) => ({ phone_number: '07700900123', template_id: TEMPLATE, reference });
  for (const [reference, ok] of [
    ['x'.repeat(1000), true],
    ['x'.repeat(1001), false],
    [astral.repeat(1000), true],
    [astral.repeat(1001), false],
    [`${'x'.repeat(999)}\ud800`, true],
    [`${'x'.repeat(999)}\ud800\ud800`, false],
    [`${'x'.repeat(998)}\udc00\ud800`, true],
  ] as const) {
    t.equal(isValid(ref, body(reference)), ok, `${reference.length} units`);
    t.equal(fullSchemaErrors(ref, body(reference)).length === 0, ok, `${reference.length} units, full walk`);
  }
  const min = { type: 'string', minLength: 2 } as const;
  for (const [s, ok] of [
    [astral, false],
    [`${astral}${astral}`, true],
    ['\ud800\ud800', true],
    ['a', false],
  ] as const) {
    t.equal(isValid(min, s), ok, JSON.stringify(s));
    t.equal(fullSchemaErrors(min, s).length === 0, ok, `${JSON.stringify(s)}, full walk`);
  }
});

t.test('a valid SMS request passes the fast path; each kind of fault falls to the full walk', async (t) => {
  const good = { phone_number: '07700 900123', template_id: TEMPLATE, personalisation: { name: 'Jo' } };
  t.ok(isValid(schemas.postSmsRequest, good, { now }));
  t.same(schemaErrors(schemas.postSmsRequest, good, { now }), []);
  t.same(schemaErrors(schemas.postSmsRequest, { ...good, phone_number: '07700900123456' }, { now }), [
    'phone_number Too many digits',
  ]);
  t.same(schemaErrors(schemas.postSmsRequest, { ...good, extra: 1, template_id: 'x' }, { now }), [
    'template_id is not a valid UUID',
    'Additional properties are not allowed (extra was unexpected)',
  ]);
  t.same(schemaErrors(schemas.postSmsRequest, { ...good, scheduled_for: '2024-05-03T12:00:00Z' }, { now }), [
    'scheduled_for datetime can only be 24 hours in the future',
  ]);
});
