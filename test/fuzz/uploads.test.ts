// Property-based tests of the CSV upload route: whatever file, name, content type, query string or token it
// is sent, it answers 201 with a check report or a 4xx in the API's error shape — never a 5xx — and a refused
// upload leaves no object in the CSV bucket.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import t from 'tap';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';
import { createTestApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/db.ts';
import { createServiceWithKeys } from '../helpers/factories.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { check, enc, headerValue, RUNS, text } from './fuzz.ts';

const cfg0 = testConfig();
const { endpoint, s3 } = await startTestS3(t, cfg0, 'fuzz-uploads');
const cfg = testConfig({ S3_ENDPOINT: endpoint });
const { app, db } = await createTestApp(t, { config: { S3_ENDPOINT: endpoint } });
const s = await createServiceWithKeys(db, { permissions: ['sms', 'email', 'letter'] });
const token = issueAdminToken(cfg.ADMIN_JWT_SECRET, s.userId, false);

async function storedKeys(): Promise<number> {
  const out = await s3.send(
    new ListObjectsV2Command({ Bucket: cfg.CSV_UPLOAD_BUCKET, Prefix: `service-${s.serviceId}-notify/` }),
  );
  return out.KeyCount ?? 0;
}

const cell = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('07700900123', '+447700900456', 'a@b.com', 'Ann', '1 High St', 'SW1A 1AA') },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('"', '""', '"a,b"', '\r', '\n', ',', '\t', '\ufeff', '\u0000') },
);
const header = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('phone number', 'Phone_Number', 'email address', 'address_line_1', 'postcode', 'name'),
  },
  { weight: 1, arbitrary: text },
);
const separator = fc.constantFrom(',', '\t', ';');
const newline = fc.constantFrom('\n', '\r\n', '\r');
const spreadsheet = fc
  .tuple(
    fc.array(header, { maxLength: 6 }),
    fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 12 }),
    separator,
    newline,
  )
  .map(([h, rows, sep, nl]) => [h, ...rows].map((r) => r.join(sep)).join(nl));
const body = fc.oneof(
  { weight: 4, arbitrary: spreadsheet.map((x) => Buffer.from(x)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: text.map((x) => Buffer.from(x, 'latin1')) },
);
const fileName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('people.csv', 'people.tsv', 'people.txt', 'People.CSV', 'p.tab') },
  { weight: 1, arbitrary: fc.constantFrom('p.xlsx', 'p.pdf', '', '.csv', '../../etc/passwd.csv', 'a\u0000.csv') },
  { weight: 1, arbitrary: text },
);
const templateId = fc.constantFrom(s.sms, s.email, s.letter, '00000000-0000-4000-8000-000000000000', 'nope', '');

t.test('any upload: 201 with a report or a 4xx in the API error shape; refusals keep no file', async (t) => {
  const seen = new Set<number>();
  await check(
    fc.asyncProperty(body, fileName, templateId, fc.boolean(), async (payload, name, template, multipart) => {
      const before = await storedKeys();
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      let sent: Buffer = payload;
      if (multipart) {
        const boundary = 'fuzzboundary42';
        const safeName = name.replace(/["\r\n]/g, '_');
        sent = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
              'Content-Type: text/csv\r\n\r\n',
          ),
          payload,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      } else headers['content-type'] = 'text/csv';
      const query = `template_id=${enc(template)}${multipart ? '' : `&file_name=${enc(name)}`}`;
      const res = await app.inject({
        method: 'POST',
        url: `/services/${s.serviceId}/uploads/csv?${query}`,
        headers,
        payload: sent,
      });
      if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body}`);
      seen.add(res.statusCode);
      const json = res.json();
      if (res.statusCode === 201) {
        if (typeof json !== 'object' || json === null || !Array.isArray(json.errors)) throw new Error(res.body);
        return;
      }
      if (json.status_code !== res.statusCode || typeof json.errors?.[0]?.message !== 'string') {
        throw new Error(`not the API's error shape: ${res.body}`);
      }
      if ((await storedKeys()) !== before) throw new Error(`a refused upload kept its file: ${res.body}`);
    }),
    Math.min(RUNS, 150),
  );
  t.ok(seen.has(201) && seen.has(400), `both accepted and refused files were tried (${[...seen].join(', ')})`);
});

t.test('any query, path and token: never a 5xx', async () => {
  await check(
    fc.asyncProperty(
      fc.oneof(fc.constant(s.serviceId), text.map(enc)),
      fc.oneof(
        fc.constant(`Bearer ${token}`),
        fc.constant(''),
        headerValue,
        headerValue.map((h) => `Bearer ${h}`),
      ),
      fc.string({ maxLength: 200 }),
      async (service, auth, rawQuery) => {
        const res = await app.inject({
          method: 'POST',
          url: `/services/${service}/uploads/csv?${rawQuery.replace(/[#\s]/g, '')}`,
          headers: { authorization: auth, 'content-type': 'text/csv' },
          payload: 'phone number\n07700900123\n',
        });
        if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body}`);
        const check = await app.inject({
          method: 'GET',
          url: `/services/${service}/uploads/${enc(rawQuery)}/check?${rawQuery.replace(/[#\s]/g, '')}`,
          headers: { authorization: auth },
        });
        if (check.statusCode >= 500) throw new Error(`check: ${check.statusCode}: ${check.body}`);
      },
    ),
    Math.min(RUNS, 150),
  );
});
