import t from 'tap';
import { badRequest } from '../helpers/errors.ts';
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
  sanitisePersonalisation,
  renderLetter,
  assertEmailSendable,
  EMAIL_MAX_BYTES,
  contentWithUnsubscribeLink,
  unsubscribeHeaders,
} from '../../src/templates/template.ts';

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

t.test('sanitise_content_for: URLs removed or broken up, markdown escaped (as Notify)', async (t) => {
  // Cases from notifications-api tests/app/v2/notifications/test_post_notifications.py.
  t.equal(sanitiseValue('www.evil.com'), 'www\\. evil\\. com');
  t.equal(sanitiseValue('Go to https://evil.com/path?x=1 now'), 'Go to  now');
  t.equal(sanitiseValue('http://evil.com'), '');
  t.equal(sanitiseValue('evil.co.uk/login'), '');
  t.equal(sanitiseValue('[click](https://evil.example) # x\n* y'), '\\[click\\]\\(\\) \\# x\n\\* y');
  t.equal(sanitiseValue('Jo Bloggs'), 'Jo Bloggs', 'plain text unchanged');
  t.equal(sanitiseValue('jo@example.com'), 'jo@example\\.com', 'an email address is not a URL');
  t.equal(sanitiseValue('a_b-c!|<>'), 'a\\_b\\-c\\!\\|\\<\\>');
  t.equal(sanitiseValue('café.example.com'), '', 'non-ASCII domain: removed, not broken');

  const { personalisation, sanitisedContent } = sanitisePersonalisation(
    { Name: 'www.evil.com', other: 'https://ok.example', plain: 'Jo', n: 42 },
    ['name', 'PLAIN', 'n', 'missing'],
  );
  t.same(personalisation, { Name: 'www\\. evil\\. com', other: 'https://ok.example', plain: 'Jo', n: 42 });
  t.same(sanitisedContent, { Name: { unsanitised: 'www.evil.com', sanitised: 'www\\. evil\\. com' } });
  t.same(sanitisePersonalisation({ a: 'x.com' }, null).sanitisedContent, {});
  t.same(sanitisePersonalisation(null, ['a']), { personalisation: null, sanitisedContent: {} });

  const r = renderEmail({ subject: 'Hi', content: 'Hello ((name))\n\nSee ((other))' }, personalisation);
  t.equal(r.body, 'Hello www\\. evil\\. com\n\nSee https://ok.example');
  t.match(r.html, /href="https:\/\/ok.example"/, 'unsanitised values still link');
  const r2 = renderEmail({ subject: 'Hi', content: 'Hello ((Name))' }, { Name: sanitiseValue('www.evil.com') });
  t.equal(r2.body, 'Hello www\\. evil\\. com', 'the response body keeps the escapes');
  t.match(r2.html, /Hello www\. evil\. com<\/p>/, 'the HTML shows the characters, not the backslashes');
  t.notMatch(r2.html, /<a /);
});

t.test('email size: at most 2,000,000 bytes of body (Notify message)', async (t) => {
  const ok = renderEmail({ subject: 's', content: '((x))\n\n' }, { x: 'a'.repeat(EMAIL_MAX_BYTES) });
  t.equal(
    badRequest(() => assertEmailSendable(ok)),
    'no error',
  );
  const multiByte = renderEmail({ subject: 's', content: 'é((x))' }, { x: 'a'.repeat(EMAIL_MAX_BYTES - 1) });
  t.equal(
    badRequest(() => assertEmailSendable(multiByte)),
    'Your message is too long. Emails cannot be longer than 2000000 bytes. Your message is 2000001 bytes.',
  );
  t.equal(
    badRequest(() => assertEmailSendable(renderEmail({ subject: 's', content: '((x))' }, { x: ' ' }))),
    'Your message is empty.',
  );
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

t.test("one-click unsubscribe: Notify's footer and headers", async (t) => {
  const r = renderEmail(
    { subject: 'S', content: 'Hello ((name))' },
    { name: 'Jo' },
    { unsubscribeLink: 'https://www.notifications.service.gov.uk/unsubscribe/abc/tok' },
  );
  t.equal(
    r.body,
    'Hello Jo\n\n---\n\n[Unsubscribe from these emails](https://www.notifications.service.gov.uk/unsubscribe/abc/tok)',
  );
  t.match(
    r.html,
    /<hr [^>]*>\n<p[^>]*><a [^>]*href="https:\/\/www.notifications.service.gov.uk\/unsubscribe\/abc\/tok">/,
  );
  t.match(r.html, /Unsubscribe from these emails<\/a><\/p>/);
  t.equal(renderEmail({ subject: 'S', content: 'Hello' }, {}, { unsubscribeLink: null }).body, 'Hello');
  t.equal(contentWithUnsubscribeLink('x', ''), 'x');
  t.same(unsubscribeHeaders('https://dept.gov.uk/unsub?u=1'), {
    'List-Unsubscribe': '<https://dept.gov.uk/unsub?u=1>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
  t.same(unsubscribeHeaders(null), {});
});
