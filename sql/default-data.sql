--------------------------------------------------------------------------------
-- Default data: applied by the app at every start, in one transaction, as the owner.
--
-- Idempotent: every statement is an upsert that writes only when the row differs, so a rerun
-- changes nothing and an edit here updates the rows on the next start. System templates go
-- through app_private.upsert_system_template so their version (and a templates_history row)
-- is added only when the wording really changes.
--
-- Lookup enumerations (statuses, key types, ...) are not here: they are part of the schema.
--------------------------------------------------------------------------------

-- Providers. Local stubs are active so a fresh install delivers to the
-- simulators; the real providers are present but inactive until configured and switched on.
-- priority and active are runtime state (failover, admins) once a row exists: they are set
-- on first insert only, so a restart never undoes a switch-over. Names and capabilities follow
-- this file.
insert into app_public.provider_details (identifier, display_name, notification_type, priority, active, supports_international)
values
  ('mmg',         'MMG',         'sms',    10,  false, true),
  ('firetext',    'Firetext',    'sms',    20,  false, false),
  ('reach',       'Reach',       'sms',    0,   false, false),
  ('ses',         'AWS SES',     'email',  10,  false, false),
  ('dvla',        'DVLA',        'letter', 50,  false, false),
  ('sms-stub',    'SMS stub',    'sms',    100, true,  true),
  ('email-stub',  'Email stub',  'email',  100, true,  false),
  ('letter-stub', 'Letter stub', 'letter', 100, true,  false)
on conflict (identifier) do update
  set display_name = excluded.display_name,
      notification_type = excluded.notification_type,
      supports_international = excluded.supports_international
  where (provider_details.display_name, provider_details.notification_type, provider_details.supports_international)
        is distinct from (excluded.display_name, excluded.notification_type, excluded.supports_international);

-- SMS rates, £ per fragment, from London midnight (2016/17 rows omitted).
insert into app_public.rates (valid_from, rate, notification_type)
select app_public.london_midnight(v.d), v.rate, 'sms'
from (values
  (date '2021-04-01', 0.0160),
  (date '2022-04-01', 0.0161),
  (date '2022-05-01', 0.0172),
  (date '2023-04-01', 0.0197),
  (date '2024-04-01', 0.0227),
  (date '2025-04-01', 0.0233),
  (date '2026-04-01', 0.024)
) v(d, rate)
on conflict (notification_type, valid_from) do update
  set rate = excluded.rate
  where rates.rate is distinct from excluded.rate;

-- Letter rates from 2022-03-01: base + per sheet, sheets 1..5, crown and non-crown alike.
insert into app_public.letter_rates (start_date, end_date, sheet_count, rate, crown, post_class)
select app_public.london_midnight(date '2022-03-01'), null, s.sheets, v.base + v.per_sheet * s.sheets, c.crown, v.post_class
from (values
  ('second',        0.36, 0.05),
  ('first',         0.58, 0.05),
  ('europe',        0.88, 0.08),
  ('rest-of-world', 0.88, 0.08),
  ('economy',       0.30, 0.05)
) v(post_class, base, per_sheet)
cross join generate_series(1, 5) s(sheets)
cross join (values (true), (false)) c(crown)
on conflict (start_date, sheet_count, crown, post_class) do update
  set rate = excluded.rate, end_date = excluded.end_date
  where (letter_rates.rate, letter_rates.end_date) is distinct from (excluded.rate, excluded.end_date);

-- Default free SMS allowance by organisation type and financial year.
insert into app_public.default_annual_allowance (valid_from_financial_year_start, organisation_type, allowance, notification_type)
select y.year, t.organisation_type, y.allowance, 'sms'
from (values
  ('central',           'a'), ('nhs_central',       'a'),
  ('local',             'b'), ('nhs_local',         'b'), ('emergency_service', 'b'),
  ('nhs_gp',            'c'),
  ('school_or_college', 'd'), ('other',             'd')
) t(organisation_type, band)
join (values
  ('a', 2016, 250000), ('a', 2021, 150000), ('a', 2022, 40000), ('a', 2024, 30000), ('a', 2026, 20000),
  ('b', 2016, 25000),  ('b', 2021, 25000),  ('b', 2022, 20000), ('b', 2024, 10000), ('b', 2026, 10000),
  ('c', 2016, 25000),  ('c', 2021, 10000),  ('c', 2022, 10000), ('c', 2024, 0),     ('c', 2026, 0),
  ('d', 2016, 25000),  ('d', 2021, 10000),  ('d', 2022, 10000), ('d', 2024, 5000),  ('d', 2026, 5000)
) y(band, year, allowance) on y.band = t.band
on conflict (organisation_type, notification_type, valid_from_financial_year_start) do update
  set allowance = excluded.allowance
  where default_annual_allowance.allowance is distinct from excluded.allowance;

-- NHS branding, given to NHS organisations and their services.
insert into app_public.email_branding (id, name, colour, logo, text, brand_type)
values ('a7dc4e56-660b-4db7-8cff-12c37b12b5ea', 'NHS', '#005EB8', '1ac6f483-3105-4c9e-9017-dd7fb2752c44-nhs-blue_x2.png', null, 'org')
on conflict (id) do update
  set name = excluded.name, colour = excluded.colour, logo = excluded.logo, text = excluded.text, brand_type = excluded.brand_type
  where (email_branding.name, email_branding.colour, email_branding.logo, email_branding.text, email_branding.brand_type)
        is distinct from (excluded.name, excluded.colour, excluded.logo, excluded.text, excluded.brand_type);

insert into app_public.letter_branding (id, name, filename)
values ('2cd354bb-6b85-eda3-c0ad-6b613150459f', 'NHS', 'nhs')
on conflict (id) do update
  set name = excluded.name, filename = excluded.filename
  where (letter_branding.name, letter_branding.filename) is distinct from (excluded.name, excluded.filename);

-- The Notify service user: sender of system messages and author of automatic changes.
insert into app_public.users (id, name, email_address, mobile_number, auth_type, state, platform_admin)
values ('6af522d0-2915-4e52-83a3-3690455a5fe6', 'Notify service user', 'notify-service-user@digital.cabinet-office.gov.uk',
        null, 'email_auth', 'active', false)
on conflict (id) do update
  set name = excluded.name, email_address = excluded.email_address, auth_type = excluded.auth_type, state = excluded.state
  where (users.name, users.email_address, users.auth_type, users.state)
        is distinct from (excluded.name, excluded.email_address, excluded.auth_type, excluded.state);

-- The Notify service: owns the system templates (invitations, sign-in codes, password resets).
-- The new-service trigger gives it default permissions and its annual billing row.
insert into app_public.services (id, name, email_from, created_by_id, restricted, active, research_mode, prefix_sms, count_as_live)
values ('d6aa2c68-a2d9-4437-ab19-3ae8eb202553', 'GOV.UK Notify', 'gov.uk.notify', '6af522d0-2915-4e52-83a3-3690455a5fe6',
        false, true, false, false, false)
on conflict (id) do update
  set name = excluded.name, email_from = excluded.email_from, restricted = excluded.restricted, active = excluded.active,
      prefix_sms = excluded.prefix_sms, count_as_live = excluded.count_as_live
  where (services.name, services.email_from, services.restricted, services.active, services.prefix_sms, services.count_as_live)
        is distinct from (excluded.name, excluded.email_from, excluded.restricted, excluded.active, excluded.prefix_sms, excluded.count_as_live);

insert into app_public.user_to_service (user_id, service_id)
values ('6af522d0-2915-4e52-83a3-3690455a5fe6', 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553')
on conflict do nothing;

insert into app_public.service_sms_senders (service_id, sms_sender, is_default)
select 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553', 'GOVUK', true
where not exists (select 1 from app_public.service_sms_senders
                  where service_id = 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553' and not archived);

-- System templates. Wording changes here become a new template version on the next start.
select app_private.upsert_system_template(
  id => '4f46df42-f795-4cc4-83bb-65ca312f49cc',
  name => 'Notify invitation email',
  template_type => 'email',
  subject => '((user_name)) has invited you to collaborate on ((service_name)) on GOV.UK Notify',
  content => E'((user_name)) has invited you to collaborate on ((service_name)) on GOV.UK Notify.\n\n'
          || E'GOV.UK Notify makes it easy to keep people updated by helping you send text messages, emails and letters.\n\n'
          || E'Open this link to create an account on GOV.UK Notify:\n((url))\n\n'
          || E'This invitation will stop working at midnight tomorrow. This is to keep ((service_name)) secure.'
);

select app_private.upsert_system_template(
  id => '36fb0730-6259-4da1-8a80-c8de22ad4246',
  name => 'Notify SMS verify code',
  template_type => 'sms',
  subject => null,
  content => '((verify_code)) is your GOV.UK Notify authentication code'
);

select app_private.upsert_system_template(
  id => '474e9242-823b-4f99-813d-ed392e7f1201',
  name => 'Notify password reset email',
  template_type => 'email',
  subject => 'Reset your GOV.UK Notify password',
  content => E'Hi ((user_name)),\n\n'
          || E'We received a request to reset your password on GOV.UK Notify.\n\n'
          || E'If you did not request this email, you can ignore it – your password has not been changed.\n\n'
          || E'To reset your password, open this link:\n((url))'
);

select app_private.upsert_system_template(
  id => '299726d2-dba6-42b8-8209-30e1d66ea164',
  name => 'Notify email verify code',
  template_type => 'email',
  subject => 'Sign in to GOV.UK Notify',
  content => E'Hi ((name)),\n\n'
          || E'To sign in to GOV.UK Notify please open this link:\n((url))\n\n'
          || E'This link will stop working in 1 hour. If you did not try to sign in, you can ignore this email.'
);

-- Sent to the new address when a user changes their email address (Notify's CHANGE_EMAIL_CONFIRMATION_TEMPLATE_ID;
-- wording from notifications-api, migrations/versions/0057_change_email_template.py).
select app_private.upsert_system_template(
  id => 'eb4d9930-87ab-4aef-9bce-786762687884',
  name => 'Confirm your new email address',
  template_type => 'email',
  subject => 'Confirm your new email address',
  content => E'Hi ((name)),\n\n'
          || E'Click this link to confirm your new email address:\n\n((url))\n\n'
          || E'If you didn’t try to change the email address for your GOV.UK Notify account, let us know here:\n\n'
          || E'((feedback_url))'
);
