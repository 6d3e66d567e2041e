--! Previous: sha1:c2561c589e96d7b311bad001870f6787e0d81f4c
--! Hash: sha1:c7a009f9ef89f7d8bf4c5caf956ac47750ccb530
--! Message: Letter print date in one SQL function (PDF keys and estimated_delivery)

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- The 17:30 print-day rule in one place (SQL): PDF keys and the v2 API's estimated_delivery
--------------------------------------------------------------------------------

create or replace function app_hidden.letter_print_date(created_at timestamptz) returns date
language sql immutable parallel safe
as $$
  -- SPEC §4.2: the London date of created_at, the next day after the 17:30 cut-off.
  select ((created_at at time zone 'Europe/London') + interval '6 hours 30 minutes')::date
$$;
comment on function app_hidden.letter_print_date(timestamptz) is
  'Print date of a letter (SPEC §4.2): its London date, or the next day when created at or after 17:30 London time.';

create or replace function app_private.letter_pdf_key(reference text, postage text, created_at timestamptz) returns text
language sql immutable
as $$
  select to_char(app_hidden.letter_print_date(created_at), 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.'
      || case coalesce(postage, 'second') when 'first' then '1' when 'second' then '2' when 'economy' then 'ECONOMY'
                                          when 'europe' then 'E' when 'rest-of-world' then 'N' end
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;
comment on function app_private.letter_pdf_key(text, text, timestamptz) is
  'S3 key of a letter''s PDF in the letters PDF bucket (SPEC §4.2): {print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF.';

create or replace function app_hidden.letter_estimated_delivery(created_at timestamptz, postage text) returns text
language sql immutable parallel safe
as $$
  -- The print date plus working days (Monday to Friday) by postage, at 16:00 UTC, in the v2 API's
  -- timestamp format.
  select to_char(d, 'YYYY-MM-DD') || 'T16:00:00.000000Z'
  from app_hidden.letter_print_date(created_at) as p,
       generate_series(p + 1, p + 14, interval '1 day') as d
  where extract(isodow from d) < 6
  order by d
  offset (case coalesce(postage, 'second') when 'first' then 1 when 'second' then 2 when 'economy' then 4
                                            when 'europe' then 3 when 'rest-of-world' then 5 else 2 end) - 1
  limit 1
$$;
comment on function app_hidden.letter_estimated_delivery(timestamptz, text) is
  'estimated_delivery of a letter in GET /v2/notifications: its print date plus 1 (first), 2 (second), 3 (europe), 4 (economy) or 5 (rest-of-world) working days, at 16:00 UTC.';
grant execute on function app_hidden.letter_print_date(timestamptz) to notify_authenticator;
grant execute on function app_hidden.letter_estimated_delivery(timestamptz, text) to notify_authenticator;
