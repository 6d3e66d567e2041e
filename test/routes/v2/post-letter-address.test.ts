// POST /v2/notifications/letter: the address in the personalisation, checked as Notify's v2 API checks it
// (validate_address: first error wins, 400 ValidationError), stored normalised, with Notify's postage.
import t from 'tap';
import { createTestApp } from '../../helpers/app.ts';
import { createServiceWithKeys } from '../../helpers/factories.ts';
import { post } from '../../helpers/v2-requests.ts';

const { app, db } = await createTestApp(t);
const intl = await createServiceWithKeys(db, { permissions: ['letter', 'international_letters'] });
const ukOnly = await createServiceWithKeys(db, { permissions: ['letter'] });

type Service = typeof intl;

function send(service: Service, address: Record<string, unknown>, templateId = service.letter) {
  return post(app, service.normal, '/v2/notifications/letter', {
    template_id: templateId,
    personalisation: { ...address, name: 'Jo' },
  });
}

async function stored(id: string) {
  return db.one<{ to: string; normalised_to: string; postage: string; international: boolean }>(
    'select "to", normalised_to, postage, international from app_public.notifications where id = $1',
    [id],
  );
}

t.test('errors: 400, Notify’s message, the first that applies', async (t) => {
  const cases: Array<[Service, Record<string, unknown>, string]> = [
    [ukOnly, { address_line_1: 'A', address_line_2: 'SW1A 1AA' }, 'Address must be at least 3 lines'],
    // A last line naming the UK is not a line.
    [ukOnly, { address_line_1: 'A', address_line_2: 'B', postcode: 'Scotland' }, 'Address must be at least 3 lines'],
    [
      ukOnly,
      { address_line_1: 'A\nB\nC\nD', address_line_2: 'E\nF', address_line_3: 'G', postcode: 'SW1A 1AA' },
      'Address must be no more than 7 lines',
    ],
    [
      ukOnly,
      { address_line_1: '!!!', address_line_2: '1 High Street', postcode: 'SW1A 1AA' },
      'The first 2 lines of the address must both include at least one alphanumeric character',
    ],
    [ukOnly, { address_line_1: 'A', address_line_2: 'B', postcode: 'NF1 1AA' }, 'Must be a real UK postcode'],
    [ukOnly, { address_line_1: 'A', address_line_2: 'B', postcode: 'SW1A 1AC' }, 'Must be a real UK postcode'],
    [ukOnly, { address_line_1: 'A', address_line_2: 'B', postcode: 'France' }, 'Must be a real UK postcode'],
    [
      intl,
      { address_line_1: 'A', address_line_2: 'B', postcode: 'Atlantis' },
      'Last line of address must be a real UK postcode or another country',
    ],
    [
      intl,
      { address_line_1: 'A', address_line_2: 'BFPO 1', address_line_3: 'BF1 1AA', postcode: 'France' },
      'The last line of a BFPO address must not be a country.',
    ],
    [
      ukOnly,
      { address_line_1: 'A', address_line_2: '=B', postcode: 'SW1A 1AA' },
      'Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >',
    ],
    [
      ukOnly,
      { address_line_1: 'A', address_line_2: '~B', postcode: 'SW1A 1AA' },
      'Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >',
    ],
    [ukOnly, { address_line_1: 'A', address_line_2: 'NFA', postcode: 'SW1A 1AA' }, 'Must be a real address'],
    [
      ukOnly,
      { address_line_1: 'A', address_line_2: 'No Fixed Address', postcode: 'SW1A 1AA' },
      'Must be a real address',
    ],
    // The first error that applies: the postcode before the characters, the characters before no fixed abode.
    [ukOnly, { address_line_1: '(A)', address_line_2: 'NFA', postcode: 'Nowhere' }, 'Must be a real UK postcode'],
    [
      ukOnly,
      { address_line_1: '(A)', address_line_2: 'NFA', postcode: 'SW1A 1AA' },
      'Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >',
    ],
    // address_line_7 is the last line; `postcode` is then not read at all.
    [
      ukOnly,
      { address_line_1: 'A', address_line_2: 'B', address_line_7: 'C', postcode: 'SW1A 1AA' },
      'Must be a real UK postcode',
    ],
  ];
  for (const [service, address, message] of cases) {
    const res = await send(service, address);
    t.same(
      [res.status, res.body],
      [400, { status_code: 400, errors: [{ error: 'ValidationError', message }] }],
      `${JSON.stringify(address)} → ${message}`,
    );
  }
});

t.test('UK addresses: the postcode key, address_line_7, normalised lines, the template’s postage', async (t) => {
  const withPostcode = await send(ukOnly, {
    address_line_1: 'Ms A Person ',
    address_line_2: '1 High St ,',
    postcode: 'sw1a1aa',
  });
  t.equal(withPostcode.status, 201);
  t.same(await stored(withPostcode.body.id), {
    to: 'Ms A Person\n1 High St\nSW1A 1AA',
    normalised_to: 'msaperson1highstsw1a1aa',
    postage: 'second',
    international: false,
  });

  const seven = await send(ukOnly, {
    address_line_1: 'Flat 1',
    address_line_2: 'The Building',
    address_line_3: '1 Street',
    address_line_4: 'District',
    address_line_5: 'Town',
    address_line_6: 'County',
    address_line_7: 'ec1a 1bb',
    postcode: 'not read',
  });
  t.equal(seven.status, 201);
  t.equal(
    (await stored(seven.body.id)).to,
    'Flat 1\nThe Building\n1 Street\nDistrict\nTown\nCounty\nEC1A 1BB',
    'a 7-line address',
  );

  // Trailing names of the UK are dropped, Crown dependencies are UK addresses at UK postage.
  const jersey = await send(intl, {
    address_line_1: 'A Person',
    address_line_2: '1 Rue',
    address_line_3: 'St Helier',
    address_line_4: 'JE2 3XP',
    postcode: 'Jersey',
  });
  t.equal(jersey.status, 201);
  t.same(await stored(jersey.body.id), {
    to: 'A Person\n1 Rue\nSt Helier\nJE2 3XP',
    normalised_to: 'aperson1ruesthelierje23xp',
    postage: 'second',
    international: false,
  });

  const firstClass = await db.one<{ id: string }>(
    `select id from app_public.create_template(service_id => $1, template_type => 'letter', name => 'first',
       content => 'Dear ((name))', subject => 'Letter', postage => 'first')`,
    [ukOnly.serviceId],
  );
  const first = await send(ukOnly, { address_line_1: 'A', address_line_2: 'B', postcode: 'SW1A 1AA' }, firstClass.id);
  t.equal(first.status, 201);
  t.equal((await stored(first.body.id)).postage, 'first');
});

t.test('international addresses need international_letters; postage by zone', async (t) => {
  const germany = { address_line_1: 'Herr A', address_line_2: 'Hauptstraße 1', address_line_3: '10115 Berlin' };
  const refused = await send(ukOnly, { ...germany, postcode: 'Deutschland' });
  t.same(refused.body.errors, [{ error: 'ValidationError', message: 'Must be a real UK postcode' }]);

  const europe = await send(intl, { ...germany, postcode: 'Deutschland' });
  t.equal(europe.status, 201);
  t.same(await stored(europe.body.id), {
    to: 'Herr A\nHauptstraße 1\n10115 Berlin\nGermany',
    normalised_to: 'herrahauptstraße110115berlingermany',
    postage: 'europe',
    international: true,
  });

  const world = await send(intl, { address_line_1: 'Jo', address_line_2: '1 Main St', postcode: 'u.s.a' });
  t.equal(world.status, 201);
  t.same((({ to, postage, international }) => ({ to, postage, international }))(await stored(world.body.id)), {
    to: 'Jo\n1 Main St\nUnited States',
    postage: 'rest-of-world',
    international: true,
  });

  const welsh = await send(intl, { address_line_1: 'Siân', address_line_2: '1 Rue', postcode: 'Ffrainc' });
  t.equal(welsh.status, 201);
  t.equal((await stored(welsh.body.id)).to, 'Siân\n1 Rue\nFrance');
});

t.test('BFPO addresses: UK postage, no country', async (t) => {
  const bfpo = await send(ukOnly, {
    address_line_1: 'Corporal A Person',
    address_line_2: 'Unit 5',
    postcode: 'BFPO 1234',
  });
  t.equal(bfpo.status, 201);
  t.same(await stored(bfpo.body.id), {
    to: 'Corporal A Person\nUnit 5\nBFPO 1234',
    normalised_to: 'corporalapersonunit5bfpo1234',
    postage: 'second',
    international: false,
  });
  const withPostcode = await send(ukOnly, {
    address_line_1: 'Corporal A Person',
    address_line_2: 'bfpo c/o 1234',
    postcode: 'bf1 1aa',
  });
  t.equal(withPostcode.status, 201);
  t.equal((await stored(withPostcode.body.id)).to, 'Corporal A Person\nBF1 1AA\nBFPO 1234');
});

t.test('no line is required by name: any 3 of the 7 will do', async (t) => {
  const r = await send(ukOnly, { address_line_3: '10 Downing Street', address_line_5: 'London', postcode: 'sw1a2aa' });
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.equal((await stored(r.body.id)).to, '10 Downing Street\nLondon\nSW1A 2AA');
  const two = await send(ukOnly, { address_line_4: 'London', address_line_6: 'SW1A 2AA' });
  t.equal(two.status, 400);
  t.same(two.body.errors, [{ error: 'ValidationError', message: 'Address must be at least 3 lines' }]);
});
