--! Previous: sha1:297ec659bd5155ccf260060d2f652504c50e1ac4
--! Hash: sha1:99f50d0cf63efa067a160a687726c07b79f7a67c
--! Message: letter collations send limit check

--! split: 1-current.sql
-- Letters held in a zip between its upload and the record of the printer's answer (collate-letters).
create table if not exists app_private.letter_collations (
  name text primary key,
  print_date date not null,
  status text not null default 'uploading' check (status in ('uploading', 'uploaded', 'recorded', 'refused')),
  letter_ids uuid[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists letter_collations_open on app_private.letter_collations (print_date)
  where status in ('uploading', 'uploaded');
comment on table app_private.letter_collations is
  'Zips of letters for the printer: opened (uploading) before the upload, uploaded once the printer has it, recorded (letters sending) or refused (letters technical-failure). Letters of an open one are collated by no other zip.';

--! Included letters/begin_collation.sql
-- A zip for the printer is recorded before it is uploaded (collate-letters): its letters are held in
-- it (letters_to_collate skips them) until the printer's answer is recorded, so a run that dies
-- between the upload and the record neither loses them nor prints them again (the next run finds
-- the open collation: open_collation_letters).
create or replace function app_private.begin_collation(
  print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]
) returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_name text;
begin
  -- Zips of one print date are numbered on from the last run's (NNN): names never repeat.
  perform pg_advisory_xact_lock(hashtext('app_private.begin_collation'));
  select format('NOTIFY.%s.%s.%s.%s.%s.%s.ZIP', to_char(begin_collation.print_date, 'YYYY-MM-DD'),
                begin_collation.postage_code, lpad((count(*) + 1)::text, 3, '0'), upper(begin_collation.hash),
                begin_collation.service_id, coalesce(begin_collation.organisation_id::text, 'None'))
  into v_name
  from app_private.letter_collations c where c.print_date = begin_collation.print_date;
  insert into app_private.letter_collations (name, print_date, letter_ids) values (v_name, begin_collation.print_date, ids);
  return v_name;
end
$$;
comment on function app_private.begin_collation(date, text, text, uuid, uuid, uuid[]) is
  'Opens a collation (status uploading) for letters `ids` before their zip is uploaded, and returns the zip''s name, NOTIFY.{print date}.{postage code}.{NNN}.{hash}.{service_id}.{organisation_id or None}.ZIP, NNN numbering on from the print date''s earlier zips. Its letters are not collated again until it is recorded (record_collation).';
revoke all on function app_private.begin_collation(date, text, text, uuid, uuid, uuid[]) from public;
--! EndIncluded letters/begin_collation.sql
--! Included letters/record_collation.sql
-- The steps of a collation after begin_collation: uploaded (the printer has the zip; nothing is
-- to be uploaded again), then printed (its letters sending, by dvla) or refused (the printer
-- refused the zip: its letters technical-failure). printed and refused close it in the same
-- transaction as the letters' statuses, so a run can stop anywhere without a letter lost or
-- printed twice.
create or replace function app_private.record_collation(name text, outcome text, ids uuid[] default null)
returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
  v_count integer := 0;
begin
  if outcome not in ('uploaded', 'printed', 'refused') then
    raise exception 'record_collation: unknown outcome %', outcome using errcode = '22023';
  end if;
  select c.letter_ids into v_ids from app_private.letter_collations c
  where c.name = record_collation.name and c.status in ('uploading', 'uploaded')
  for update;
  if not found then
    return 0;
  end if;
  if outcome = 'uploaded' then
    update app_private.letter_collations c set status = 'uploaded', updated_at = now()
    where c.name = record_collation.name;
    return 0;
  end if;
  -- ids: the letters that were in the zip (a letter whose PDF went missing before a re-upload is
  -- left out, and collated again later).
  v_ids := array(select x from unnest(v_ids) x where ids is null or x = any(ids));
  update app_public.notifications n
  set notification_status = case when outcome = 'printed' then 'sending' else 'technical-failure' end,
      sent_by = case when outcome = 'printed' then 'dvla' else n.sent_by end,
      sent_at = case when outcome = 'printed' then now() else n.sent_at end,
      updated_at = clock_timestamp()
  where n.id = any(v_ids) and n.notification_type = 'letter' and n.notification_status = 'created';
  get diagnostics v_count = row_count;
  update app_private.letter_collations c
  set status = case when outcome = 'printed' then 'recorded' else 'refused' end, updated_at = now()
  where c.name = record_collation.name;
  return v_count;
end
$$;
comment on function app_private.record_collation(text, text, uuid[]) is
  'Moves an open collation on: uploaded (the zip is in the printer''s inbox), printed (its created letters, or those of `ids`, go to sending by dvla and the collation is recorded) or refused (its letters technical-failure). Returns the letters whose status changed; 0 for a collation already closed.';
revoke all on function app_private.record_collation(text, text, uuid[]) from public;
--! EndIncluded letters/record_collation.sql
--! Included letters/open_collation_letters.sql
create or replace function app_private.open_collation_letters()
returns table (collation text, collation_status text, id uuid, service_id uuid, organisation_id uuid, postage text,
               reference text, created_at timestamptz, billable_units integer, pdf_key text, postage_code text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- Collations a run left open (uploading or uploaded), with their letters still created.
  select c.name, c.status, n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference,
         n.created_at, n.billable_units, app_private.letter_pdf_key(n.reference, n.postage, n.created_at),
         app_hidden.letter_postage_code(n.postage)
  from app_private.letter_collations c
  cross join lateral unnest(c.letter_ids) l(id)
  join app_public.notifications n on n.id = l.id
  join app_public.services s on s.id = n.service_id
  where c.status in ('uploading', 'uploaded') and n.notification_type = 'letter' and n.notification_status = 'created'
  order by c.name, n.created_at, n.id
$$;
comment on function app_private.open_collation_letters() is
  'Letters of collations left open by an earlier collate-letters run (status uploading or uploaded), with their PDF keys: the run finishes them first (uploads the zip again only when it is not in the printer''s inbox, then records it).';
revoke all on function app_private.open_collation_letters() from public;
--! EndIncluded letters/open_collation_letters.sql
--! Included letters/letters_to_collate.sql
create or replace function app_private.letters_to_collate(deadline timestamptz, after_id uuid default null, batch_size integer default 10000)
returns table (id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamptz, billable_units integer, pdf_key text, postage_code text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- Created, live (normal key), PDF made (billable_units > 0), created before the
  -- deadline — any earlier day too, so stragglers go out — per postage, by service and created_at;
  -- read in keyset pages of batch_size.
  select n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference, n.created_at, n.billable_units,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at), app_hidden.letter_postage_code(n.postage)
  from app_public.notifications n
  join app_public.services s on s.id = n.service_id
  where n.notification_type = 'letter' and n.notification_status = 'created' and n.key_type = 'normal'
    and n.billable_units > 0 and n.created_at < deadline
    -- Letters in a zip that is being uploaded, or whose upload is not yet recorded, are that
    -- collation's (open_collation_letters): never in a second zip.
    and not exists (select 1 from app_private.letter_collations c
                    where c.status in ('uploading', 'uploaded') and n.id = any(c.letter_ids))
    -- The keyset is read from the row itself: a created_at passed through a client loses its
    -- microseconds and would return the same row again.
    and (after_id is null
         or (coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id)
            > (select coalesce(a.postage, 'second'), a.service_id, a.created_at, a.id from app_public.notifications a where a.id = after_id))
  order by coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id
  limit batch_size
$$;
comment on function app_private.letters_to_collate(timestamptz, uuid, integer) is
  'Letters for the print run of `deadline` (app_hidden.collation_deadline): created, normal key, billable_units > 0, created before the deadline (earlier days too), not held in an open collation (begin_collation), ordered by postage, service, created_at, with their PDF keys and postage codes; keyset pages (pass the last row''s id as after_id).';
revoke all on function app_private.letters_to_collate(timestamptz, uuid, integer) from public;
--! EndIncluded letters/letters_to_collate.sql
--! Included notifications/send_limit_reached.sql
-- The rate and daily limits of one more request, read without counting it: the API asks before
-- work that costs more than a row (a precompiled letter's PDF is parsed and uploaded before the row
-- is made), so a service over its limits is refused before that work. create_notifications still
-- decides (and counts) when the row is made; this is the same arithmetic.
create or replace function app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text)
returns table (outcome text, message text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  with w as (
    select to_timestamp(floor(extract(epoch from now()) / 60) * 60) as win,
           (now() at time zone 'Europe/London')::date as day
  ), s as (
    select s.rate_limit,
           case send_limit_reached.notification_type when 'sms' then s.sms_message_limit
                when 'email' then s.email_message_limit else s.letter_message_limit end as day_limit
    from app_public.services s where s.id = send_limit_reached.service_id
  ), used as (
    select coalesce((select sum(c.requests) filter (where c.window_start = w.win)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = w.win - interval '60 seconds'), 0)
                                    * (1 - (extract(epoch from now()) - extract(epoch from w.win)) / 60))
                     from app_private.rate_limit_counters c
                     where c.service_id = send_limit_reached.service_id and c.key_type = send_limit_reached.key_type
                       and c.window_start in (w.win, w.win - interval '60 seconds')), 0) as rate_used,
           coalesce((select sum(c.sent) from app_private.daily_limit_counters c
                     where c.service_id = send_limit_reached.service_id and c.day = w.day
                       and c.channel = send_limit_reached.notification_type), 0) as day_used
    from w
  )
  select case when u.rate_used + 1 > s.rate_limit then 'rate_limit' else 'daily_limit' end,
         case when u.rate_used + 1 > s.rate_limit
              then format('Exceeded rate limit for key type %s of %s requests per 60 seconds',
                          case send_limit_reached.key_type when 'normal' then 'LIVE'
                               else upper(send_limit_reached.key_type) end, s.rate_limit)
              else format('Exceeded send limits (%s: %s) for today', send_limit_reached.notification_type, s.day_limit)
         end
  from s, used u
  where u.rate_used + 1 > s.rate_limit
     or (send_limit_reached.key_type <> 'test' and u.day_used + 1 > s.day_limit)
$$;
comment on function app_hidden.send_limit_reached(uuid, text, text) is
  'Whether one more request of `key_type` for `notification_type` would pass the service''s rate limit and daily limit (test keys: the rate limit only), as create_notifications decides them, without counting it: no row, or one row (outcome rate_limit | daily_limit, the API''s message).';
revoke all on function app_hidden.send_limit_reached(uuid, text, text) from public;
--! EndIncluded notifications/send_limit_reached.sql
