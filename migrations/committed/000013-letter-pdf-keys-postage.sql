--! Previous: sha1:6e4841ec8ebc7924d5f73d3a8efcd6c17cd277ef
--! Hash: sha1:b8a0c53500bafa3144f217e9a4805a447042fc38
--! Message: Letter PDF keys and postage codes from SQL only

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Letter PDF keys and postage codes from SQL only
--------------------------------------------------------------------------------
-- The postage code (1, 2, ECONOMY, E, N) was written in letter_pdf_key and again in
-- tasks/collate-letters.ts for zip names: one function now serves both. The letter tasks asked for
-- each letter's PDF key with a query per letter (twice per scanned letter); letters_for_pdf returns
-- it with the row, as letters_to_collate already did.
create or replace function app_hidden.letter_postage_code(postage text) returns text
language sql immutable parallel safe
as $$
  select case coalesce(postage, 'second') when 'first' then '1' when 'second' then '2' when 'economy' then 'ECONOMY'
                                          when 'europe' then 'E' when 'rest-of-world' then 'N' end
$$;
comment on function app_hidden.letter_postage_code(text) is
  'SPEC §4.2 postage code used in letter PDF keys and print zip names: first 1, second (default) 2, economy ECONOMY, europe E, rest-of-world N.';

create or replace function app_private.letter_pdf_key(reference text, postage text, created_at timestamptz) returns text
language sql immutable
as $$
  select to_char(app_hidden.letter_print_date(created_at), 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.' || app_hidden.letter_postage_code(postage)
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;

drop function if exists app_private.letters_for_pdf(uuid[]);
create function app_private.letters_for_pdf(ids uuid[])
returns table (
  id uuid, notification_status text, reference text, postage text, created_at timestamptz, precompiled boolean,
  personalisation text, template_content text, template_subject text, contact_block text, service_name text,
  pdf_key text
)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select n.id, n.notification_status, n.reference, n.postage, n.created_at, t.hidden,
         case when n._personalisation is not null then app_private.decrypt(n._personalisation) end,
         t.content, t.subject, n.reply_to_text, s.name::text,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at)
  from app_public.notifications n
  join app_public.templates_history t on t.id = n.template_id and t.version = n.template_version
  join app_public.services s on s.id = n.service_id
  where n.id = any(ids) and n.notification_type = 'letter' and n.key_type <> 'test'
    and n.notification_status in ('created', 'pending-virus-check')
  order by n.id
$$;
comment on function app_private.letters_for_pdf(uuid[]) is
  'Live letters of `ids` still waiting for a PDF (created) or a virus scan (pending-virus-check), with what create-letter-pdf needs to render them (personalisation decrypted, template content and subject, contact block) whether the letter is precompiled, and its PDF''s key in the letters PDF bucket (app_private.letter_pdf_key; in the scan bucket the file name alone).';
revoke all on function app_private.letters_for_pdf(uuid[]) from public;

drop function if exists app_private.letters_to_collate(timestamptz, uuid, integer);
create function app_private.letters_to_collate(deadline timestamptz, after_id uuid default null, batch_size integer default 10000)
returns table (id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamptz, billable_units integer, pdf_key text, postage_code text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- SPEC §5.3: created, live (normal key), PDF made (billable_units > 0), created before the
  -- deadline — any earlier day too, so stragglers go out — per postage, by service and created_at;
  -- read in keyset pages of batch_size.
  select n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference, n.created_at, n.billable_units,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at), app_hidden.letter_postage_code(n.postage)
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
  'SPEC §5.3: letters for the print run of `deadline` (app_hidden.collation_deadline): created, normal key, billable_units > 0, created before the deadline (earlier days too), ordered by postage, service, created_at, with their PDF keys and postage codes; keyset pages (pass the last row''s id as after_id).';
revoke all on function app_private.letters_to_collate(timestamptz, uuid, integer) from public;
