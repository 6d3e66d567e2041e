// What a text message says and costs, end to end: POST /v2/notifications/sms content.body and billable units,
// the text the provider is given, GET /v2/notifications/{id} body and cost, and the template preview.
// The service (Parking) prefixes its texts: "Parking: " is sent and billed, never shown in the API.
import t from 'tap';
import { createApiKey, createTemplate } from '../../helpers/factories.ts';
import { setupDelivery, waitForStatuses } from '../../helpers/delivery.ts';
import { get, post } from '../../helpers/v2-requests.ts';

const d = await setupDelivery(t, { label: 'sms-content' });
const key = await createApiKey(d.db, d.serviceId, 'normal');
const template = (content: string) => createTemplate(d.db, { serviceId: d.serviceId, type: 'sms', content });
const send = (templateId: string, personalisation: Record<string, unknown>) =>
  post(d.app, key, '/v2/notifications/sms', { phone_number: '07700900123', template_id: templateId, personalisation });
const billableUnits = async (id: string) =>
  (
    await d.db.one<{ billable_units: number }>('select billable_units from app_public.notifications where id = $1', [
      id,
    ])
  ).billable_units;

const welsh = await template('Croeso ((name))! Mae’r tŷ yn barod. Dewch i’w nôl o’r swyddfa cyn dydd Gwener.');
const accented = await template(`Dear ((name)), your “permit” is ready – collect it soon…${' ok'.repeat(28)}`);
const plain = await template('Hello ((name))');
const single = await template('((x))');

const WELSH_BODY = "Croeso Siân! Mae'r tŷ yn barod. Dewch i'w nôl o'r swyddfa cyn dydd Gwener.";
const ACCENTED_BODY = `Dear Francois Otani, your "permit" is ready - collect it soon...${' ok'.repeat(28)}`;
const sent: Record<string, { id: string; body: string; units: number }> = {};

t.test('Welsh: ŵ ŷ â kept, the message counted as unicode', async (t) => {
  const r = await send(welsh, { name: 'Siân' });
  t.equal(r.status, 201);
  t.equal(r.body.content.body, WELSH_BODY, 'curly apostrophes downgraded, Welsh letters kept');
  const sentLength = 'Parking: '.length + WELSH_BODY.length;
  t.ok(sentLength > 70 && sentLength <= 134, `${sentLength} characters: one GSM fragment, two unicode ones`);
  t.equal(await billableUnits(r.body.id), 2);
  sent.welsh = { id: r.body.id, body: WELSH_BODY, units: 2 };
});

t.test('accents and typography downgraded, counted as GSM', async (t) => {
  const r = await send(accented, { name: 'François Ōtani' });
  t.equal(r.status, 201);
  t.equal(r.body.content.body, ACCENTED_BODY);
  const sentLength = 'Parking: '.length + ACCENTED_BODY.length;
  t.ok(sentLength > 134 && sentLength <= 160, `${sentLength} characters: one GSM fragment, three unicode ones`);
  t.equal(await billableUnits(r.body.id), 1);
  sent.accented = { id: r.body.id, body: ACCENTED_BODY, units: 1 };
});

t.test('an emoji becomes ? and the message stays GSM', async (t) => {
  const r = await send(plain, { name: `😀 ${'a'.repeat(70)}` });
  t.equal(r.status, 201);
  t.equal(r.body.content.body, `Hello ? ${'a'.repeat(70)}`);
  t.equal(await billableUnits(r.body.id), 1, '87 GSM characters');
  sent.emoji = { id: r.body.id, body: r.body.content.body, units: 1 };
});

t.test('extension characters take two GSM characters', async (t) => {
  const r = await send(plain, { name: '€'.repeat(80) });
  t.equal(r.status, 201);
  t.equal(r.body.content.body, `Hello ${'€'.repeat(80)}`);
  t.equal(await billableUnits(r.body.id), 2, '95 characters, 175 counted');
  sent.euro = { id: r.body.id, body: r.body.content.body, units: 2 };
});

t.test('918 characters without the prefix; empty after whitespace', async (t) => {
  const ok = await send(single, { x: 'ŵ'.repeat(918) });
  t.equal(ok.status, 201);
  t.equal(await billableUnits(ok.body.id), Math.ceil((918 + 9) / 67), 'unicode, billed with the prefix');
  const long = await send(single, { x: `${'ŵ'.repeat(918)}😀` });
  t.same(long.body, {
    status_code: 400,
    errors: [
      {
        error: 'BadRequestError',
        message:
          'Your message is too long. Text messages cannot be longer than 918 characters. ' +
          'Your message is 919 characters long.',
      },
    ],
  });
  const empty = await send(single, { x: ' \u200b\t\n ' });
  t.same(empty.body.errors, [{ error: 'BadRequestError', message: 'Your message is empty.' }]);
});

t.test('the provider is given the sent text, with the prefix; billable units stay', async (t) => {
  const ids = Object.values(sent).map((s) => s.id);
  await waitForStatuses(d.db, ids, (s) => s === 'delivered');
  for (const [name, s] of Object.entries(sent)) {
    t.equal(d.sms.messages.get(s.id)?.content, `Parking: ${s.body}`, name);
    t.equal(await billableUnits(s.id), s.units, `${name}: billable units`);
  }
});

t.test('GET /v2/notifications/{id}: body as sent (no prefix), cost not rounded', async (t) => {
  for (const [name, s] of Object.entries(sent)) {
    const r = await get(d.app, key, `/v2/notifications/${s.id}`);
    t.equal(r.body.body, s.body, name);
    t.equal(r.body.is_cost_data_ready, true);
    const {
      billable_sms_fragments: units,
      international_rate_multiplier: multiplier,
      sms_rate: rate,
    } = r.body.cost_details;
    t.equal(units, s.units);
    t.equal(multiplier, 1);
    t.equal(r.body.cost_in_pounds, units * multiplier * rate, `${name}: ${units} × ${rate}`);
  }
  // Three fragments: the float product has digits that rounding would drop (3 × 0.024 = 0.07200000000000001).
  await d.db.query('update app_public.notifications set billable_units = 3 where id = $1', [sent.welsh.id]);
  const r = await get(d.app, key, `/v2/notifications/${sent.welsh.id}`);
  t.equal(r.body.cost_in_pounds, 3 * 1 * r.body.cost_details.sms_rate);
});

t.test('template preview: the text as sent, without the prefix', async (t) => {
  let r = await post(d.app, key, `/v2/template/${welsh}/preview`, { personalisation: { name: 'Siân' } });
  t.equal(r.status, 200);
  t.match(r.body, { type: 'sms', body: WELSH_BODY, subject: null, html: null });
  r = await post(d.app, key, `/v2/template/${accented}/preview`, { personalisation: { name: 'François Ōtani' } });
  t.equal(r.body.body, ACCENTED_BODY);
  r = await post(d.app, key, `/v2/template/${plain}/preview`, { personalisation: { name: '😀  ‘x’ ,' } });
  t.equal(r.body.body, "Hello ? 'x',");
  r = await post(d.app, key, `/v2/template/${single}/preview`, { personalisation: { x: ' ' } });
  t.equal(r.status, 200, 'as in Notify, an empty text previews');
  t.equal(r.body.body, '');
});
