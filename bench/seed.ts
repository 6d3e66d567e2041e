// Realistic lifecycle data for benchmarks: 100 services in 5 organisations (90 % live),
// a template per type per service, N notifications (default 1 000 000) spread evenly over
// 10 whole London days that are all past the default 7-day retention, with mixed types,
// statuses, key types (no team-key letters, which the table refuses), multipliers and postage,
// inserted in created_at order as a live system would. Plus a year of synthetic ft_billing
// rows so yearly usage reads a full year.
// Everything is `insert … select generate_series` in SQL.
//
// Standalone: node bin/node22.js bench/seed.ts postgres://…/db [rows]
import pg from 'pg';

export interface SeedInfo {
  rows: number;
  days: string[]; // the 10 London days holding the notifications, oldest first
  serviceId: string; // a busy live service
  organisationId: string;
  financialYear: number;
}

export async function seedLifecycle(
  url: string,
  rows = 1_000_000,
  log: (m: string) => void = () => undefined,
): Promise<SeedInfo> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows;
    const t0 = Date.now();
    const [user] = await q(
      `select id from app_public.create_user(email_address => 'bench@example.gov.uk', name => 'Bench',
       mobile_number => '07700900123')`,
    );
    const orgs: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const [o] = await q(`select id from app_public.create_organisation($1, $2)`, [
        `Bench org ${i}`,
        i % 2 ? 'central' : 'local',
      ]);
      orgs.push(o.id);
    }
    await q(
      `create table if not exists public.bench_services (idx int primary key, service_id uuid, sms uuid, email uuid,
       letter uuid)`,
    );
    await q(`truncate public.bench_services`);
    for (let i = 0; i < 100; i++) {
      const [s] = await q(
        `select id from app_public.create_service(name => $1, user_id => $2, organisation_id => $3, restricted => $4)`,
        [`Bench service ${i}`, user.id, orgs[i % 5], i % 10 === 9],
      );
      const ids: string[] = [];
      for (const type of ['sms', 'email', 'letter']) {
        const [tpl] = await q(
          `select id from app_public.create_template(service_id => $1, template_type => $2, name => $2,
           content => 'Hello ((name))', subject => $3)`,
          [s.id, type, type === 'sms' ? null : 'Subject'],
        );
        ids.push(tpl.id);
      }
      await q(`insert into public.bench_services values ($1, $2, $3, $4, $5)`, [i, s.id, ...ids]);
    }
    // Some services keep texts longer or shorter: retention per service and type.
    await q(`insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
             select service_id, 'sms', case when idx % 2 = 0 then 3 else 5 end
             from public.bench_services where idx % 10 in (3, 4)`);
    log(`services and templates (${((Date.now() - t0) / 1000).toFixed(1)}s)`);

    const t1 = Date.now();
    // Days: London today-17 … today-8 (all older than any retention above).
    await q(
      `insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
         key_type, billable_units, notification_type, created_at, sent_at, sent_by, notification_status, reference,
         international, phone_prefix, rate_multiplier, postage)
       select gen_random_uuid(), 'x', 'x', s.service_id,
              case g.type when 'sms' then s.sms when 'email' then s.email else s.letter end, 1,
              g.key_type, g.units, g.type, g.created_at, g.created_at + interval '3 seconds',
              case g.type when 'sms' then case when g.n % 2 = 0 then 'mmg' else 'firetext' end
                          when 'email' then 'ses' else 'dvla' end,
              g.status, case when g.type = 'letter' then 'BENCH' || g.n end,
              g.international, case when g.type = 'sms' then case when g.international then '33' else '44' end end,
              case when g.type = 'email' then null when g.international then 2 else 1 end,
              case when g.type = 'letter' then case g.n % 20 when 0 then 'europe' when 1 then 'rest-of-world'
                                                         when 2 then 'first' when 3 then 'first' when 4 then 'first'
                                                         when 5 then 'first' else 'second' end end
       from (
         select n,
                app_public.london_midnight(app_public.london_date(now()) - 17)
                  + interval '10 days' * ((n - 1)::float8 / $1) as created_at,
                -- a few big services: the square skews the distribution
                (((n::bigint * 7919) % 10000)::float8 / 10000) ^ 2 as u,
                case when n % 10 < 6 then 'sms' when n % 10 < 9 then 'email' else 'letter' end as type,
                -- letters are never sent with a team key (ck_notifications_letter_not_team_key): theirs are normal
                case when n % 150 in (7, 13, 29) then 'test' when n % 33 = 5 and n % 10 <> 9 then 'team'
                     else 'normal' end
                  as key_type,
                case when n % 10 < 6 then 1 + n % 3 when n % 10 = 9 then n % 6 else 0 end as units,
                (n % 10 < 6 and n % 47 = 0) or (n % 10 = 9 and n % 20 in (0, 1)) as international,
                case when n % 10 = 9 then
                       case (n / 10) % 20 when 0 then 'sending' when 1 then 'sending' when 2 then 'created'
                                          when 3 then 'returned-letter' when 4 then 'cancelled' else 'delivered' end
                     else case (n / 10) % 40 when 0 then 'sending' when 1 then 'permanent-failure'
                                             when 2 then 'temporary-failure' when 3 then 'technical-failure'
                                             when 4 then 'created' else 'delivered' end end as status
         from generate_series(1, $1::int) n
       ) g
       join public.bench_services s on s.idx = (g.u * 100)::int % 100`,
      [rows],
    );
    log(`${rows} notifications (${((Date.now() - t1) / 1000).toFixed(1)}s)`);

    // A year of ft_billing before the benchmark days (so yearly usage reads ~365 days).
    const t2 = Date.now();
    const [{ fy }] = await q(`select app_public.financial_year(app_public.london_date(now()) - 17) as fy`);
    await q(
      `insert into app_public.ft_billing (bst_date, template_id, service_id, notification_type, provider,
         rate_multiplier, international, rate, postage, billable_units, notifications_sent)
       select d, s.sms, s.service_id, 'sms', p.provider, p.mult, p.mult > 1, app_private.sms_rate_on(d), 'none',
              10 + (s.idx * 7 + extract(doy from d)::int) % 90, 10 + (s.idx * 3) % 50
       from (select g::date as d
             from generate_series(make_date($1, 4, 1), app_public.london_date(now()) - 18, interval '1 day') g) dd
       cross join public.bench_services s
       cross join (values ('mmg', 1), ('firetext', 1), ('mmg', 2)) p(provider, mult)
       union all
       select d, s.email, s.service_id, 'email', 'ses', 0, false, 0, 'none', 0, 100 + s.idx
       from (select g::date as d
             from generate_series(make_date($1, 4, 1), app_public.london_date(now()) - 18, interval '1 day') g) dd
       cross join public.bench_services s
       union all
       select d, s.letter, s.service_id, 'letter', 'dvla', 1, false, 0.41, 'second', 3, 3
       from (select g::date as d
             from generate_series(make_date($1, 4, 1), app_public.london_date(now()) - 18, interval '1 day') g) dd
       cross join public.bench_services s`,
      [fy],
    );
    log(`a year of ft_billing (${((Date.now() - t2) / 1000).toFixed(1)}s)`);
    await q(`vacuum analyze app_public.notifications`);
    await q(`vacuum analyze app_public.ft_billing`);
    await q(`analyze`);
    const days = (
      await q(`select (app_public.london_date(now()) - g)::text as d from generate_series(17, 8, -1) g`)
    ).map((r) => r.d as string);
    const [busy] = await q(
      `select b.service_id, s.organisation_id
       from public.bench_services b join app_public.services s on s.id = b.service_id
       where not s.restricted order by b.idx limit 1`,
    );
    return { rows, days, serviceId: busy.service_id, organisationId: busy.organisation_id, financialYear: fy };
  } finally {
    await c.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, rows] = process.argv.slice(2);
  if (!url) {
    process.stderr.write('usage: node bin/node22.js bench/seed.ts DATABASE_URL [rows]\n');
    process.exit(2);
  }
  const info = await seedLifecycle(url, rows ? Number(rows) : undefined, (m) => process.stdout.write(`${m}\n`));
  process.stdout.write(`${JSON.stringify(info)}\n`);
}
