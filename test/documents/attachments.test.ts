// Files sent by email: type sniffing, lenient base64, uploads and their removal when retention ends.
import t from 'tap';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { testConfig } from '../helpers/db.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { sniffMimeType } from '../../src/documents/file-types.ts';
import {
  decodeBase64Leniently,
  DocumentUploads,
  parseFileAttachment,
  prepareFileAttachments,
} from '../../src/documents/attachments.ts';
import { deleteExpiredDocuments } from '../../src/documents/documents.ts';
import { BadRequestError } from '../../src/lib/errors.ts';

const cfg = testConfig();
const { s3 } = await startTestS3(t, cfg, 'docs');
const bucket = cfg.DOCUMENT_DOWNLOAD_BUCKET;
const SERVICE = '0a0b0c0d-0000-4000-8000-000000000001';

t.test('content types are sniffed as document-download does', async (t) => {
  const zipWith = (name: string) =>
    Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(26), Buffer.from(name)]);
  const cases: Array<[Buffer, string]> = [
    [Buffer.from('%PDF-1.7\n'), 'application/pdf'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'image/png'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [zipWith('word/document.xml'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    [zipWith('xl/workbook.xml'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    [zipWith('mimetypeapplication/vnd.oasis.opendocument.text'), 'application/vnd.oasis.opendocument.text'],
    [zipWith('other.txt'), 'application/zip'],
    [Buffer.from('{\\rtf1 hello}'), 'text/rtf'],
    [Buffer.from(' {"a": [1, 2]} '), 'application/json'],
    [Buffer.from('{not json'), 'text/plain'],
    [Buffer.from('name,amount\nJo,1\n'), 'text/plain'],
    [Buffer.from('Crème brûlée\n'), 'text/plain'],
    [Buffer.from([0xc3, 0x28]), 'application/octet-stream'],
    [Buffer.from('a\u0000b'), 'application/octet-stream'],
  ];
  for (const [bytes, type] of cases) t.equal(sniffMimeType(bytes), type, type);
});

t.test("base64 read as python's b64decode reads it", async (t) => {
  t.equal(decodeBase64Leniently('aGVsbG8=')?.toString(), 'hello');
  t.equal(decodeBase64Leniently('aGVs\nbG8=')?.toString(), 'hello', 'line breaks dropped');
  t.equal(decodeBase64Leniently('aGVs*bG8=')?.toString(), 'hello', 'other characters dropped');
  t.equal(decodeBase64Leniently('aGVsbG8')?.toString(), undefined, 'missing padding');
  t.equal(decodeBase64Leniently('a')?.toString(), undefined, 'one character over a group');
  t.equal(decodeBase64Leniently('')?.length, 0);
});

t.test('parsed file: defaults, type from the extension, checks in order', async (t) => {
  const f = parseFileAttachment('doc', { file: Buffer.from('a,b\n').toString('base64'), filename: 'x.CSV' });
  t.same(
    { ...f, content: f.content.toString() },
    {
      key: 'doc',
      content: 'a,b\n',
      filename: 'x.CSV',
      confirmEmailBeforeDownload: true,
      retentionWeeks: 26,
      isCsv: false,
      mimeType: 'text/csv',
    },
  );
  const g = parseFileAttachment('doc', {
    file: 'aGk=',
    confirm_email_before_download: false,
    retention_period: '2 weeks',
  });
  t.same([g.confirmEmailBeforeDownload, g.retentionWeeks, g.mimeType], [false, 2, 'text/plain']);
  const message = (value: Record<string, unknown>) => {
    try {
      parseFileAttachment('doc', value);
      return 'no error';
    } catch (e) {
      return e instanceof BadRequestError ? e.messages[0] : String(e);
    }
  };
  t.equal(message({ file: 'abc', filename: 'x.exe' }), 'Document is not base64 encoded', 'base64 first');
  t.match(message({ file: '', filename: 'x.exe' }), /^Unsupported file type '\.exe'/, 'then the filename');
  t.equal(message({ file: '', filename: 'x.txt' }), 'Document must not be empty');
});

t.test('prepareFileAttachments: schema errors for every file before the contact link', async (t) => {
  const uploads = new DocumentUploads({
    s3: () => s3,
    bucket,
    host: 'https://d',
    serviceId: SERVICE,
    recipient: 'a@b.com',
    simulated: false,
  });
  const service = { id: SERVICE, contactLink: null };
  t.throws(() => prepareFileAttachments({ a: { file: 'aGk=', x: 1 } }, service, 'https://admin', uploads), {
    name: 'Error',
    message: 'Additional properties are not allowed (x was unexpected)',
  });
  t.throws(() => prepareFileAttachments({ a: { file: 'aGk=' } }, service, 'https://admin', uploads), {
    message:
      'Send files by email has not been set up - add contact details for your service at ' +
      `https://admin/services/${SERVICE}/service-settings/send-files-by-email`,
  });
  const same = { name: 'Jo', list: [{ file: 'x' }] };
  t.equal(prepareFileAttachments(same, service, 'https://admin', uploads), same, 'no files: unchanged');
  t.equal(uploads.count, 0);
});

t.test('uploads carry an expiry marker; the daily task deletes files past retention', async (t) => {
  const list = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  const upload = async (weeks: number, at: Date) => {
    const uploads = new DocumentUploads({
      s3: () => s3,
      bucket,
      host: 'https://d',
      serviceId: SERVICE,
      recipient: 'a@b.com',
      simulated: false,
      now: () => at,
    });
    const link = uploads.link(parseFileAttachment('doc', { file: 'aGk=', retention_period: `${weeks} weeks` }));
    await uploads.upload();
    return { uploads, id: new URL(link).pathname.split('/').pop()! };
  };
  const now = new Date('2027-03-10T09:00:00Z');
  const old = await upload(1, new Date('2027-03-01T12:00:00Z')); // expires 2027-03-08
  const lastNight = await upload(1, new Date('2027-03-02T23:00:00Z')); // expires 2027-03-09 23:00
  const today = await upload(1, new Date('2027-03-03T08:00:00Z')); // expires 2027-03-10 08:00
  const kept = await upload(26, new Date('2027-03-01T12:00:00Z'));
  t.same((await list('expiry/')).length, 4);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${SERVICE}/${kept.id}` }));
  t.equal(head.Metadata?.['expires-at'], '2027-08-30T12:00:00.000Z');

  t.same(await deleteExpiredDocuments(s3, bucket, now), { files: 2 });
  const left = await list(`${SERVICE}/`);
  t.notOk(left.includes(`${SERVICE}/${old.id}`));
  t.notOk(left.includes(`${SERVICE}/${lastNight.id}`));
  t.ok(left.includes(`${SERVICE}/${today.id}`), 'expiring today: the next run (the download route refuses it)');
  t.ok(left.includes(`${SERVICE}/${kept.id}`));
  t.same(await list('expiry/'), [
    `expiry/2027-03-10/${SERVICE}/${today.id}`,
    `expiry/2027-08-30/${SERVICE}/${kept.id}`,
  ]);
  t.same(await deleteExpiredDocuments(s3, bucket, now), { files: 0 }, 'a second run finds nothing');

  await today.uploads.remove();
  t.notOk((await list(`${SERVICE}/`)).includes(`${SERVICE}/${today.id}`), 'remove(): file and marker gone');
  t.same(await list('expiry/'), [`expiry/2027-08-30/${SERVICE}/${kept.id}`]);
});
