--! Previous: sha1:de033f185322cbf05cd73b5360913a77e1c488c1
--! Hash: sha1:4c9e909aa98835a0886915ffcc0f92e1caf89754
--! Message: Letter collation after 17:30 London: zips per postage and service to the printer, sending, and the printer's response lines

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Letter collation (SPEC §5.3): created letters with a PDF go to the printer after 17:30 London
--------------------------------------------------------------------------------

create or replace function app_hidden.collation_deadline(at timestamptz default now()) returns timestamptz
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  -- Today's 17:30 London, or yesterday's when run before 17:30.
  select ((case when (at at time zone 'Europe/London')::time < time '17:30'
                then (at at time zone 'Europe/London')::date - 1
                else (at at time zone 'Europe/London')::date end) + time '17:30') at time zone 'Europe/London'
$$;
comment on function app_hidden.collation_deadline(timestamptz) is
  'SPEC §5.3: the print run''s deadline for a collation run at `at`: today''s 17:30 London, or yesterday''s when run before 17:30.';

create or replace function app_private.letters_to_collate(deadline timestamptz, after_id uuid default null, batch_size integer default 10000)
returns table (id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamptz, billable_units integer, pdf_key text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- SPEC §5.3: created, live (normal key), PDF made (billable_units > 0), created before the
  -- deadline — any earlier day too, so stragglers go out — per postage, by service and created_at;
  -- read in keyset pages of batch_size.
  select n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference, n.created_at, n.billable_units,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at)
  from app_public.notifications n
  join app_public.services s on s.id = n.service_id
  where n.notification_type = 'letter' and n.notification_status = 'created' and n.key_type = 'normal'
    and n.billable_units > 0 and n.created_at < deadline
    -- The keyset is read from the row itself: a created_at passed through a client loses its
    -- microseconds and would return the same row again.
    and (after_id is null
         or (coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id)
            > (select coalesce(a.postage, 'second'), a.service_id, a.created_at, a.id from app_public.notifications a where a.id = after_id))
  order by coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id
  limit batch_size
$$;
comment on function app_private.letters_to_collate(timestamptz, uuid, integer) is
  'SPEC §5.3: letters for the print run of `deadline` (app_hidden.collation_deadline): created, normal key, billable_units > 0, created before the deadline (earlier days too), ordered by postage, service, created_at, with their PDF keys; keyset pages (pass the last row''s id as after_id).';
revoke all on function app_private.letters_to_collate(timestamptz, uuid, integer) from public;

create or replace function app_private.record_letters_printed(ids uuid[], accepted boolean, provider text default 'dvla') returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  -- The printer took the zip: created → sending (sent_by, sent_at); it refused it: technical-failure.
  update app_public.notifications n
  set notification_status = case when accepted then 'sending' else 'technical-failure' end,
      sent_by = case when accepted then provider else n.sent_by end,
      sent_at = case when accepted then now() else n.sent_at end,
      updated_at = clock_timestamp()
  where n.id = any(ids) and n.notification_type = 'letter' and n.notification_status = 'created';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.record_letters_printed(uuid[], boolean, text) is
  'SPEC §5.3: collated letters the printer accepted go to sending (sent_by dvla, sent_at now); refused ones to technical-failure. Only created letters move.';
revoke all on function app_private.record_letters_printed(uuid[], boolean, text) from public;

create or replace function app_private.process_letter_responses(lines text[])
returns table (reference text, outcome text)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  -- SPEC §6.1: DVLA response lines `reference|Sent|pages|sorted`: Sent → delivered, anything else →
  -- temporary-failure. Only letters in sending move; unknown references are reported.
  return query
  with r as (
    select upper(split_part(l, '|', 1)) as reference, split_part(l, '|', 2) as status
    from unnest(lines) l
    where l ~ '\|'
  ), upd as (
    update app_public.notifications n
    set notification_status = case when r.status = 'Sent' then 'delivered' else 'temporary-failure' end,
        updated_at = clock_timestamp()
    from r
    where n.reference = r.reference and n.notification_type = 'letter' and n.notification_status = 'sending'
    returning n.reference, n.notification_status
  )
  select r.reference,
         coalesce((select u.notification_status from upd u where u.reference = r.reference),
                  case when exists (select 1 from app_public.notifications n where n.reference = r.reference and n.notification_type = 'letter')
                       then 'ignored' else 'not-found' end)
  from r;
end
$$;
comment on function app_private.process_letter_responses(text[]) is
  'SPEC §6.1: applies the printer''s response lines (`reference|Sent|pages|sorted`): letters in sending become delivered (Sent) or temporary-failure (anything else). Returns per line the new status, ignored (not in sending) or not-found.';
revoke all on function app_private.process_letter_responses(text[]) from public;
