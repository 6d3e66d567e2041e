// ft_billing and the usage reports, with exact money.
import t from 'tap';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { serviceOwner } from '../helpers/factories.ts';

const usageCols = `to_char(month, 'YYYY-MM') as month, notification_type, rate::text, postage, chargeable_units::int,
  notifications_sent::int, free_allowance_used::int, charged_units::int, cost::text`;

async function billDays(db: TestDb, days: string[]) {
  for (const d of days) await db.query(`select app_private.create_nightly_billing($1::date)`, [d]);
}

t.test(
  'FY2022 usage: allowance ends inside a day (ROWS), two SMS rates, multipliers, letters, test keys, history',
  async (t) => {
    const db = await createTestDb(t, 'usage');
    const f = await serviceOwner(db);
    const svc = await f.service('Usage service');
    await db.query(`select app_public.set_annual_billing($1, 10, 2022)`, [svc]);
    const smsA = await f.template(svc, 'sms', 'A');
    const smsB = await f.template(svc, 'sms', 'B');
    const email = await f.template(svc, 'email');
    const letter = await f.template(svc, 'letter');

    // 2022-04-20 (BST: the London day is 2022-04-19T23:00Z .. 2022-04-20T23:00Z)
    const d1 = '2022-04-20 10:00+01';
    await f.notify({ serviceId: svc, templateId: smsA, type: 'sms', createdAt: d1, units: 3, count: 2 }); // 6 units
    await f.notify({
      serviceId: svc,
      templateId: smsB,
      type: 'sms',
      createdAt: d1,
      units: 3,
      multiplier: 2,
      international: true,
      status: 'sent',
    }); // 6 chargeable
    await f.notify({
      serviceId: svc,
      templateId: smsA,
      type: 'sms',
      createdAt: '2022-04-20 00:30+01',
      units: 1,
      status: 'technical-failure',
    }); // not billable
    // test key
    await f.notify({ serviceId: svc, templateId: smsA, type: 'sms', createdAt: d1, units: 100, keyType: 'test' });
    // previous London day, not billed below
    await f.notify({ serviceId: svc, templateId: smsA, type: 'sms', createdAt: '2022-04-19 23:30+01', units: 50 });
    await f.notify({ serviceId: svc, templateId: email, type: 'email', createdAt: d1, count: 2 });
    await f.notify({ serviceId: svc, templateId: email, type: 'email', createdAt: d1, status: 'created' });
    await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: d1,
      units: 1,
      postage: 'second',
      count: 2,
    });
    await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: d1,
      units: 2,
      postage: 'first',
      status: 'returned-letter',
      history: true,
    });
    await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: d1,
      units: 3,
      postage: 'europe',
      international: true,
      status: 'sending',
    });
    await f.notify({ serviceId: svc, templateId: letter, type: 'letter', createdAt: d1, units: 1, status: 'created' });
    await f.notify({
      serviceId: svc,
      templateId: letter,
      type: 'letter',
      createdAt: d1,
      units: 1,
      status: 'cancelled',
    });
    await f.notify({ serviceId: svc, templateId: letter, type: 'letter', createdAt: d1, units: 1, keyType: 'test' });
    // 2022-05-10: the second rate of FY2022; rows already archived
    await f.notify({
      serviceId: svc,
      templateId: smsA,
      type: 'sms',
      createdAt: '2022-05-10 09:00+01',
      units: 5,
      history: true,
      sentBy: null,
    });

    await billDays(db, ['2022-04-20', '2022-05-10']);

    const ft = await db.query(
      `select bst_date::text, notification_type, template_id = $2 as is_b, provider, rate_multiplier, international,
            rate::text, postage, billable_units, notifications_sent
     from app_public.ft_billing where service_id = $1
     order by bst_date, notification_type, rate, provider, rate_multiplier`,
      [svc, smsB],
    );
    t.same(
      ft,
      [
        {
          bst_date: '2022-04-20',
          notification_type: 'email',
          is_b: false,
          provider: 'ses',
          rate_multiplier: 0,
          international: false,
          rate: '0',
          postage: 'none',
          billable_units: 0,
          notifications_sent: 2,
        },
        {
          bst_date: '2022-04-20',
          notification_type: 'letter',
          is_b: false,
          provider: 'dvla',
          rate_multiplier: 1,
          international: false,
          rate: '0.41',
          postage: 'second',
          billable_units: 2,
          notifications_sent: 2,
        },
        {
          bst_date: '2022-04-20',
          notification_type: 'letter',
          is_b: false,
          provider: 'dvla',
          rate_multiplier: 1,
          international: false,
          rate: '0.68',
          postage: 'first',
          billable_units: 2,
          notifications_sent: 1,
        },
        {
          bst_date: '2022-04-20',
          notification_type: 'letter',
          is_b: false,
          provider: 'dvla',
          rate_multiplier: 1,
          international: true,
          rate: '1.12',
          postage: 'europe',
          billable_units: 3,
          notifications_sent: 1,
        },
        {
          bst_date: '2022-04-20',
          notification_type: 'sms',
          is_b: false,
          provider: 'mmg',
          rate_multiplier: 1,
          international: false,
          rate: '0.0161',
          postage: 'none',
          billable_units: 6,
          notifications_sent: 2,
        },
        {
          bst_date: '2022-04-20',
          notification_type: 'sms',
          is_b: true,
          provider: 'mmg',
          rate_multiplier: 2,
          international: true,
          rate: '0.0161',
          postage: 'none',
          billable_units: 3,
          notifications_sent: 1,
        },
        {
          bst_date: '2022-05-10',
          notification_type: 'sms',
          is_b: false,
          provider: 'unknown',
          rate_multiplier: 1,
          international: false,
          rate: '0.0172',
          postage: 'none',
          billable_units: 5,
          notifications_sent: 1,
        },
      ],
      'ft_billing: literal columns, rate by date and postage/sheets, test keys and unbillable statuses out',
    );

    const monthly = await db.query(`select ${usageCols} from app_public.service_usage_for_year($1, 2022)`, [svc]);
    t.same(
      monthly,
      [
        {
          month: '2022-04',
          notification_type: 'email',
          rate: '0',
          postage: 'none',
          chargeable_units: 0,
          notifications_sent: 2,
          free_allowance_used: 0,
          charged_units: 0,
          cost: '0',
        },
        {
          month: '2022-04',
          notification_type: 'letter',
          rate: '0.41',
          postage: 'second',
          chargeable_units: 2,
          notifications_sent: 2,
          free_allowance_used: 0,
          charged_units: 2,
          cost: '0.82',
        },
        {
          month: '2022-04',
          notification_type: 'letter',
          rate: '0.68',
          postage: 'first',
          chargeable_units: 1,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 1,
          cost: '0.68',
        },
        {
          month: '2022-04',
          notification_type: 'letter',
          rate: '1.12',
          postage: 'europe',
          chargeable_units: 1,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 1,
          cost: '1.12',
        },
        // 12 chargeable units on one day against 10 free: ROWS gives 6 + 4 free, 2 charged
        // (RANGE would give both rows the whole allowance: 12 free, 0 charged).
        {
          month: '2022-04',
          notification_type: 'sms',
          rate: '0.0161',
          postage: 'none',
          chargeable_units: 12,
          notifications_sent: 3,
          free_allowance_used: 10,
          charged_units: 2,
          cost: '0.0322',
        },
        {
          month: '2022-05',
          notification_type: 'sms',
          rate: '0.0172',
          postage: 'none',
          chargeable_units: 5,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 5,
          cost: '0.0860',
        },
      ],
      'monthly usage: every column',
    );

    const annual = await db.query(
      `select notification_type, rate::text, chargeable_units::int, notifications_sent::int, free_allowance_used::int,
            charged_units::int, cost::text from app_public.service_annual_usage_for_year($1, 2022)`,
      [svc],
    );
    t.same(
      annual,
      [
        {
          notification_type: 'email',
          rate: '0',
          chargeable_units: 0,
          notifications_sent: 2,
          free_allowance_used: 0,
          charged_units: 0,
          cost: '0',
        },
        {
          notification_type: 'letter',
          rate: '0.41',
          chargeable_units: 2,
          notifications_sent: 2,
          free_allowance_used: 0,
          charged_units: 2,
          cost: '0.82',
        },
        {
          notification_type: 'letter',
          rate: '0.68',
          chargeable_units: 1,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 1,
          cost: '0.68',
        },
        {
          notification_type: 'letter',
          rate: '1.12',
          chargeable_units: 1,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 1,
          cost: '1.12',
        },
        {
          notification_type: 'sms',
          rate: '0.0161',
          chargeable_units: 12,
          notifications_sent: 3,
          free_allowance_used: 10,
          charged_units: 2,
          cost: '0.0322',
        },
        {
          notification_type: 'sms',
          rate: '0.0172',
          chargeable_units: 5,
          notifications_sent: 1,
          free_allowance_used: 0,
          charged_units: 5,
          cost: '0.0860',
        },
      ],
      'annual usage per type and rate',
    );

    // The same window with a RANGE frame: both rows of the day are peers and see the same
    // units used before them, so together they take 12 free units out of 10.
    const range = await db.one(
      `select sum(least(greatest(10 - used_before, 0), cu))::int as free from (
       select billable_units * rate_multiplier as cu,
              coalesce(sum(billable_units * rate_multiplier) over (
                order by bst_date range between unbounded preceding and '1 day' preceding), 0) as used_before
       from app_public.ft_billing where service_id = $1 and notification_type = 'sms' and bst_date = '2022-04-20') x`,
      [svc],
    );
    t.equal(range.free, 12, 'RANGE would spend the allowance twice within a day');

    // Allowance spent on the earliest rows: a year where the free units run out in May.
    await db.query(`select app_public.set_annual_billing($1, 14, 2022)`, [svc]);
    const sms = await db.query(
      `select month::text, rate::text, free_allowance_used::int, charged_units::int, cost::text
     from app_public.service_usage_for_year($1, 2022) where notification_type = 'sms'`,
      [svc],
    );
    t.same(
      sms,
      [
        { month: '2022-04-01', rate: '0.0161', free_allowance_used: 12, charged_units: 0, cost: '0.0000' },
        { month: '2022-05-01', rate: '0.0172', free_allowance_used: 2, charged_units: 3, cost: '0.0516' },
      ],
      'the allowance carries across months and rates',
    );
  },
);

t.test('letters: rate by sheets, postage and crown; 0 sheets cost 0; missing rate is an error', async (t) => {
  const db = await createTestDb(t, 'letters');
  const f = await serviceOwner(db);
  const svc = await f.service('Letters', { crown: false });
  const tpl = await f.template(svc, 'letter');
  const day = '2023-01-10 12:00Z';
  for (const [sheets, postage] of [
    [1, 'second'],
    [5, 'second'],
    [2, 'rest-of-world'],
    [0, 'second'],
    [3, 'economy'],
  ] as const) {
    await f.notify({
      serviceId: svc,
      templateId: tpl,
      type: 'letter',
      createdAt: day,
      units: sheets,
      postage,
      international: postage === 'rest-of-world',
    });
  }
  await db.query(`select app_private.create_nightly_billing('2023-01-10')`);
  const rows = await db.query(
    `select postage, rate::text, billable_units, notifications_sent from app_public.ft_billing
     where service_id = $1 order by postage, rate`,
    [svc],
  );
  t.same(rows, [
    { postage: 'economy', rate: '0.45', billable_units: 3, notifications_sent: 1 },
    { postage: 'rest-of-world', rate: '1.04', billable_units: 2, notifications_sent: 1 },
    { postage: 'second', rate: '0', billable_units: 0, notifications_sent: 1 },
    { postage: 'second', rate: '0.41', billable_units: 1, notifications_sent: 1 },
    { postage: 'second', rate: '0.61', billable_units: 5, notifications_sent: 1 },
  ]);
  // A crown-only price change: this non-crown service keeps the old price.
  await db.query(
    `insert into app_public.letter_rates (start_date, sheet_count, rate, crown, post_class)
     values (app_public.london_midnight('2023-01-01'), 1, 0.99, true, 'second')`,
  );
  await db.query(`select app_private.create_nightly_billing('2023-01-10')`);
  const one = await db.one(
    `select rate::text from app_public.ft_billing where service_id = $1 and postage = 'second' and billable_units = 1`,
    [svc],
  );
  t.equal(one.rate, '0.41', 'crown rates do not apply to a non-crown service');

  await f.notify({ serviceId: svc, templateId: tpl, type: 'letter', createdAt: day, units: 9 });
  await t.rejects(
    db.query(`select app_private.create_nightly_billing('2023-01-10')`),
    { code: 'NTF04' },
    'no price for 9 sheets',
  );
});

t.test(
  'organisation SMS usage: live services only, each with its own allowance, services without rows included',
  async (t) => {
    const db = await createTestDb(t, 'org');
    const f = await serviceOwner(db);
    const org = await db.one(`select id from app_public.create_organisation('Org of services', 'local')`);
    const a = await f.service('Alpha', { organisationId: org.id });
    const b = await f.service('Bravo', { organisationId: org.id });
    const c = await f.service('Charlie (no texts)', { organisationId: org.id });
    const trial = await f.service('Delta (trial)', { organisationId: org.id, live: false });
    for (const s of [a, b, c, trial]) await db.query(`select app_public.set_annual_billing($1, 5, 2022)`, [s]);
    const ta = await f.template(a, 'sms');
    const tb = await f.template(b, 'sms');
    const tt = await f.template(trial, 'sms');
    await f.notify({ serviceId: a, templateId: ta, type: 'sms', createdAt: '2022-04-02 12:00Z', units: 4 });
    await f.notify({ serviceId: a, templateId: ta, type: 'sms', createdAt: '2022-06-02 12:00Z', units: 3 });
    await f.notify({
      serviceId: b,
      templateId: tb,
      type: 'sms',
      createdAt: '2022-04-02 12:00Z',
      units: 2,
      multiplier: 3,
    });
    await f.notify({ serviceId: trial, templateId: tt, type: 'sms', createdAt: '2022-04-02 12:00Z', units: 50 });
    await billDays(db, ['2022-04-02', '2022-06-02']);
    const rows = await db.query(
      `select service_name, free_sms_limit::int, sms_remainder::int, chargeable_units::int, charged_units::int,
            cost::text
     from app_public.organisation_sms_usage_for_year($1, 2022)`,
      [org.id],
    );
    t.same(rows, [
      // 4 + 3 units, 5 free: 2 charged at 0.0172 (June)
      {
        service_name: 'Alpha',
        free_sms_limit: 5,
        sms_remainder: 0,
        chargeable_units: 7,
        charged_units: 2,
        cost: '0.0344',
      },
      // 2 units x 3 = 6, 5 free: 1 charged at 0.0161 (April)
      {
        service_name: 'Bravo',
        free_sms_limit: 5,
        sms_remainder: 0,
        chargeable_units: 6,
        charged_units: 1,
        cost: '0.0161',
      },
      {
        service_name: 'Charlie (no texts)',
        free_sms_limit: 5,
        sms_remainder: 5,
        chargeable_units: 0,
        charged_units: 0,
        cost: '0',
      },
    ]);
  },
);

t.test('reports check the caller: team members see their service, others get NTF04', async (t) => {
  const db = await createTestDb(t, 'perm');
  const f = await serviceOwner(db);
  const svc = await f.service('Mine');
  const other = await db.one(
    `select id from app_public.create_user(email_address => 'other@example.gov.uk', name => 'O',
     mobile_number => '07700900124')`,
  );
  const asUser = async (userId: string, sql: string, params: unknown[]) => {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query(`select set_config('jwt.claims.user_id', $1, true)`, [userId]);
      await c.query('set local role notify_user');
      return (await c.query(sql, params)).rows;
    } finally {
      await c.query('rollback');
      c.release();
    }
  };
  const mine = await asUser(f.userId, `select * from app_public.service_usage_for_year($1, 2022)`, [svc]);
  t.same(mine, [], 'team member: empty year');
  await t.rejects(asUser(other.id, `select * from app_public.service_usage_for_year($1, 2022)`, [svc]), {
    code: 'NTF04',
  });
  await t.rejects(asUser(other.id, `select * from app_public.returned_letter_summary($1)`, [svc]), { code: 'NTF04' });
  const ab = await asUser(
    f.userId,
    `select free_sms_fragment_limit, financial_year_start from app_public.annual_billing_for_year($1, 2023)`,
    [svc],
  );
  t.same(
    ab,
    [{ free_sms_fragment_limit: 10000, financial_year_start: 2023 }],
    'GET creates the default row (other, 2023)',
  );
});

t.test('annual_billing get/set per year', async (t) => {
  const db = await createTestDb(t, 'annual');
  const f = await serviceOwner(db);
  const svc = await f.service('Allowance');
  const got = await db.one(`select free_sms_fragment_limit from app_public.annual_billing_for_year($1, 2021)`, [svc]);
  t.equal(got.free_sms_fragment_limit, 10000, 'default for other in 2021');
  const n = await db.one(
    `select count(*)::int as n from app_public.annual_billing where service_id = $1 and financial_year_start = 2021`,
    [svc],
  );
  t.equal(n.n, 1, 'the row was created');
  await db.query(`select app_public.set_annual_billing($1, 1234, 2021)`, [svc]);
  const again = await db.one(`select free_sms_fragment_limit from app_public.annual_billing_for_year($1, 2021)`, [svc]);
  t.equal(again.free_sms_fragment_limit, 1234);
  await t.rejects(db.query(`select app_public.annual_billing_for_year($1, 2015)`, [svc]), { code: 'NTF01' });
});
