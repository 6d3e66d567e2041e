import t from 'tap';
import { BadRequestError } from '../../src/lib/errors.ts';
import {
  placeholderNames,
  missingPersonalisation,
  assertNoMissingPersonalisation,
  showsOptionalContent,
  fillPlaceholders,
  renderSms,
  renderEmail,
  markdownToHtml,
  sanitiseValue,
  renderLetter,
  prepareFileAttachments,
  parseFileAttachment,
  MAX_ATTACHMENT_BYTES,
} from '../../src/templates/template.ts';

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadRequestError) return e.messages[0];
    throw e;
  }
  return 'no error';
}

t.test('placeholder names: unique by key, in order, conditional names', async (t) => {
  t.same(
    placeholderNames('Hi ((name)), ((Name)) ((first name)) ((DOB??You were born)) ((( x )))', '((subject thing))'),
    ['name', 'first name', 'DOB', 'x', 'subject thing'],
  );
  t.same(placeholderNames('no placeholders (here) ((  ))'), []);
  t.same(placeholderNames(null, undefined, ''), []);
});

t.test('keys match ignoring case, spaces, underscores and dashes', async (t) => {
  const p = { FIRST_NAME: 'Ann', 'ref-number': 7 };
  t.equal(fillPlaceholders('((first name)) ((First Name)) ((firstname)) ((Ref Number))', p), 'Ann Ann Ann 7');
  t.same(missingPersonalisation(['((first name)) ((ref number)) ((colour))', '((Size))'], p), ['colour', 'Size']);
  t.same(missingPersonalisation(['((a))'], { a: null }), ['a'], 'null counts as missing');
  t.same(missingPersonalisation(['((a))'], { a: '' }), [], 'empty string is a value');
  t.same(missingPersonalisation(['((a??shown))'], {}), ['a'], 'optional content needs its value too');
  t.equal(
    badRequest(() => assertNoMissingPersonalisation(['((a)) ((b)) ((c))'], { b: 1 })),
    'Missing personalisation: a, c',
  );
  t.equal(
    badRequest(() => assertNoMissingPersonalisation(['((a))'], { a: 1 })),
    'no error',
  );
});

t.test('optional content ((name??text))', async (t) => {
  for (const yes of [true, 'yes', 'YES', 'true', 'True', 'y', 't', '1', 1, 'include', 'Show'])
    t.ok(showsOptionalContent(yes), String(yes));
  // As Notify's str2bool: the text is not trimmed.
  for (const no of [false, 'no', 'false', '', 'maybe', 0, '0', null, undefined, 'Yes ', ' 1'])
    t.notOk(showsOptionalContent(no), String(no));
  const content = 'Start((show??, with extra text)) end ((other??, other))';
  t.equal(fillPlaceholders(content, { show: 'yes', other: 'no' }), 'Start, with extra text end ');
  t.equal(
    fillPlaceholders(content, { show: false }),
    'Start end ((other??, other))',
    'missing value leaves the placeholder',
  );
});

t.test('lists: markdown bullets in email, "a, b and c" in SMS', async (t) => {
  t.equal(renderSms({ content: 'Bring ((things)).' }, { things: ['a', 'b', 'c'] }).body, 'Bring a, b and c.');
  t.equal(renderSms({ content: '((things))' }, { things: ['a', 'b'] }).body, 'a and b');
  t.equal(renderSms({ content: '((things))' }, { things: ['a'] }).body, 'a');
  const email = renderEmail({ subject: 'S', content: 'You need:((things))\nThanks' }, { things: ['a', 'b'] });
  t.equal(email.body, 'You need:\n\n* a\n* b\n\nThanks');
  t.match(email.html, /<p[^>]*>Thanks<\/p>/);
  t.match(email.html, /<ul[^>]*><li[^>]*>a<\/li><li[^>]*>b<\/li><\/ul>/);
});

t.test('email: one-line subject, body keeps CRLF, HTML escapes values', async (t) => {
  const r = renderEmail(
    { subject: 'Hello\r\n  ((name))   and more', content: 'Dear ((name)),\r\n\r\nYour <b>code</b>: ((code))' },
    { name: 'Jo\n<script>', code: '1 & 2' },
  );
  t.equal(r.subject, 'Hello Jo <script> and more');
  t.equal(r.body, 'Dear Jo\n<script>,\r\n\r\nYour <b>code</b>: 1 & 2');
  t.notMatch(r.html, /<script>/);
  t.match(r.html, /Dear Jo<br \/>&lt;script&gt;,/);
  t.match(r.html, /Your &lt;b&gt;code&lt;\/b&gt;: 1 &amp; 2/);
  t.match(r.html, /<title>Hello Jo &lt;script&gt; and more<\/title>/);
  t.match(r.html, /^<!DOCTYPE html>/);
  t.same(r.sanitisedContent, {});
});

t.test('markdown subset to HTML', async (t) => {
  const html = markdownToHtml(
    [
      '# Main heading',
      '## Sub heading',
      'Para line 1',
      'line 2 see https://www.gov.uk/help.',
      '',
      '* one',
      '- two',
      '• three',
      '',
      '1. first',
      '2. second',
      '',
      '^ Inset text',
      'continues',
      '',
      '---',
      '',
      'A [link](https://example.com/a?b=1&c=2) and www.example.org',
    ].join('\n'),
  );
  t.match(html, /<h2[^>]*>Main heading<\/h2>/);
  t.match(html, /<h3[^>]*>Sub heading<\/h3>/);
  t.match(
    html,
    new RegExp(
      /<p[^>]*>Para line 1<br \/>line 2 see <a [^>]*href="https:\/\/www.gov.uk\/help">/.source +
        /https:\/\/www.gov.uk\/help<\/a>.<\/p>/.source,
    ),
  );
  t.match(html, /<ul[^>]*>(<li[^>]*>(one|two|three)<\/li>){3}<\/ul>/);
  t.match(html, /<ol[^>]*><li[^>]*>first<\/li><li[^>]*>second<\/li><\/ol>/);
  t.match(html, /<blockquote[^>]*><p[^>]*>Inset text<br \/>continues<\/p><\/blockquote>/);
  t.match(html, /<hr /);
  t.match(
    html,
    new RegExp(
      /A <a [^>]*href="https:\/\/example.com\/a\?b=1&amp;c=2">link<\/a> and /.source +
        /<a [^>]*href="http:\/\/www.example.org">www.example.org<\/a>/.source,
    ),
  );
  t.equal(markdownToHtml(''), '');
  t.match(
    markdownToHtml('(see https://example.com/x)'),
    /href="https:\/\/example.com\/x">https:\/\/example.com\/x<\/a>\)/,
  );
});

t.test('sanitise_content_for: values cannot inject links or markdown', async (t) => {
  const personalisation = { name: '[click](https://evil.example) # x\n* y', other: 'https://ok.example' };
  const r = renderEmail({ subject: 'Hi ((name))', content: 'Hello ((name))\n\nSee ((other))' }, personalisation, {
    sanitiseContentFor: ['Name'],
  });
  const sanitised = sanitiseValue(personalisation.name);
  t.equal(sanitised, '\\[click\\]\\(https\\://evil\\.example\\) \\# x \\* y');
  t.same(r.sanitisedContent, { Name: { sanitised, unsanitised: personalisation.name } });
  t.equal(r.body, `Hello ${sanitised}\n\nSee https://ok.example`);
  t.notMatch(r.html, /evil\.example"/, 'no link to the injected url');
  t.match(r.html, /Hello \[click\]\(https:\/\/evil.example\) # x \* y<\/p>/);
  t.match(r.html, /href="https:\/\/ok.example"/, 'unsanitised values still link');
  t.equal(r.subject, 'Hi [click](https://evil.example) # x * y');
  const none = renderEmail({ subject: 's', content: 'b' }, {}, { sanitiseContentFor: ['missing'] });
  t.same(none.sanitisedContent, {});
});

t.test('letters: subject, body and address lines', async (t) => {
  const r = renderLetter(
    { subject: 'Your ((thing))\nrenewal', content: 'Dear ((name)),\r\n\r\nItems:((items))' },
    {
      thing: 'licence',
      name: 'Sam',
      items: ['x', 'y'],
      address_line_1: 'Sam',
      address_line_2: '1 Road',
      postcode: 'sw1a1aa',
    },
  );
  t.equal(r.subject, 'Your licence renewal');
  t.equal(r.body, 'Dear Sam,\n\nItems:\n\n* x\n* y');
  t.same(r.addressLines, ['Sam', '1 Road', 'SW1A 1AA']);
});

t.test('file attachments are validated and replaced by links', async (t) => {
  const file = Buffer.from('hello,world\n').toString('base64');
  const seen: unknown[] = [];
  const { personalisation, files } = await prepareFileAttachments(
    {
      name: 'Jo',
      doc: {
        file,
        filename: 'report.csv',
        confirm_email_before_download: true,
        retention_period: '4 weeks',
        is_csv: true,
      },
      plain: { other: 1 },
    },
    async (f) => {
      seen.push(f);
      return `https://documents.example/d/${f.key}`;
    },
  );
  t.same(personalisation, { name: 'Jo', doc: 'https://documents.example/d/doc', plain: { other: 1 } });
  t.equal(files.length, 1);
  t.equal(files[0].content.toString(), 'hello,world\n');
  t.same(
    { ...files[0], content: null },
    {
      key: 'doc',
      content: null,
      filename: 'report.csv',
      confirmEmailBeforeDownload: true,
      retentionWeeks: 4,
      isCsv: true,
    },
  );
  t.same(parseFileAttachment('f', { file }), {
    key: 'f',
    content: Buffer.from('hello,world\n'),
    filename: null,
    confirmEmailBeforeDownload: null,
    retentionWeeks: null,
    isCsv: false,
  });
  t.equal(parseFileAttachment('f', { file, retention_period: '1 week' }).retentionWeeks, 1);
  t.equal(parseFileAttachment('f', { file, retention_period: '78 weeks' }).retentionWeeks, 78);

  const bad = (value: Record<string, unknown>) => badRequest(() => parseFileAttachment('doc', value));
  t.equal(bad({ file: 'not base64!' }), 'File is not base64 encoded');
  t.equal(bad({ file: 'abc' }), 'File is not base64 encoded');
  t.equal(bad({ file: 42 }), 'personalisation doc file is not of type string');
  t.equal(bad({ file: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1).toString('base64') }), 'File is larger than 2MB');
  t.equal(bad({ file: Buffer.alloc(MAX_ATTACHMENT_BYTES).toString('base64') }), 'no error');
  for (const period of ['0 weeks', '79 weeks', 'forever', 4]) {
    t.equal(
      bad({ file, retention_period: period }),
      `Unsupported value for retention_period '${period}'. Supported periods are from 1 to 78 weeks.`,
    );
  }
  t.equal(
    bad({ file, confirm_email_before_download: 'yes' }),
    "Unsupported value for confirm_email_before_download: 'yes'. Use a boolean true or false value.",
  );
  t.equal(bad({ file, is_csv: 'no' }), "Unsupported value for is_csv: 'no'. Use a boolean true or false value.");
  const rejected = await prepareFileAttachments({ doc: { file: '!!' } }, () => 'x').then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(rejected instanceof BadRequestError);
  t.same((rejected as BadRequestError).messages, ['File is not base64 encoded']);
});
