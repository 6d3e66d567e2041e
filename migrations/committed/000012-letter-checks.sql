--! Previous: sha1:400193d4baea88d7275c5e4a17d8cff648453b57
--! Hash: sha1:6e4841ec8ebc7924d5f73d3a8efcd6c17cd277ef
--! Message: Letters that missed the print run or their scan are reported (check-letters)

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Letters that should have gone to the printer (SPEC §5: check-if-letters-still-in-created,
-- letters-pending-virus-check)
--------------------------------------------------------------------------------
create or replace function app_private.letters_needing_attention(at timestamptz default now(), within interval default interval '10 days')
returns table (id uuid, service_id uuid, reference text, notification_status text, created_at timestamptz, problem text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- Live letters created before the last print run's deadline and still created (the run should
  -- have sent them), and precompiled letters still waiting for their scan after 90 minutes.
  -- Letters are few: read through (notification_type, created_at) over the last `within`.
  select n.id, n.service_id, n.reference, n.notification_status, n.created_at,
         case when n.notification_status = 'created' then 'still created after the print run of ' || to_char(app_hidden.collation_deadline(at) at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI')
              else 'pending virus check for ' || floor(extract(epoch from at - n.created_at) / 60) || ' minutes' end
  from app_public.notifications n
  where n.notification_type = 'letter' and n.key_type = 'normal'
    and n.created_at >= at - within
    and ((n.notification_status = 'created' and n.created_at < app_hidden.collation_deadline(at))
         or (n.notification_status = 'pending-virus-check' and n.created_at < at - interval '90 minutes'))
  order by n.created_at, n.id
$$;
comment on function app_private.letters_needing_attention(timestamptz, interval) is
  'SPEC §5 alerts: live letters still created although created before the last print run''s deadline (app_hidden.collation_deadline), and letters pending-virus-check for more than 90 minutes, created within `within`; with the problem in words. Used by the check-letters task.';
revoke all on function app_private.letters_needing_attention(timestamptz, interval) from public;
