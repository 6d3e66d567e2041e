--! Previous: sha1:bb4d94910ee5533592e2e6061a8edea79c4e9e6a
--! Hash: sha1:c2561c589e96d7b311bad001870f6787e0d81f4c
--! Message: Rate limit over a sliding 60 seconds

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Rate limit over the last 60 seconds, not per clock minute
--------------------------------------------------------------------------------
-- Notify counts requests in a sliding 60 s window. Fixed minute windows let a service send its
-- limit at 12:00:59 and again at 12:01:00. The counters stay per minute (sharded, unlogged); the
-- check adds the previous minute's count weighted by the share of it still inside the last 60 s
-- (the usual sliding-window counter; exact when requests are spread evenly).
create or replace function app_hidden.create_notifications(items jsonb)
returns table (ord integer, id uuid, outcome text, message text)
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_shard smallint := (pg_backend_pid() % 16)::smallint;
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 60) * 60);
  -- How far into the current 60 s window we are (0 ≤ v_elapsed < 1): the previous window's count
  -- is weighted by the part of it still inside the last 60 seconds (a sliding window).
  v_elapsed numeric := (extract(epoch from now()) - extract(epoch from v_window)) / 60;
  v_day date := (now() at time zone 'Europe/London')::date;
begin
  -- One statement (no temp table, one plan): parse, decide the limits from the counters as they
  -- were at the start, then in data-modifying CTEs bump the counters, insert the rows and queue the jobs.
  return query
  with b as materialized (
    select (i.ordinality - 1)::integer as ord, coalesce(r.id, gen_random_uuid()) as id, r.service_id, r.api_key_id,
           coalesce(r.key_type, 'normal') as key_type, r.notification_type,
           case when r.notification_type = 'sms' and coalesce(r.international, false)
                     and coalesce(r.phone_prefix, '44') <> '44' then 'international_sms'
                else r.notification_type end as channel,
           r.template_id, r.template_version, r."to", r.normalised_to, r.personalisation, r.client_reference,
           coalesce(r.billable_units, 0) as billable_units, coalesce(r.international, false) as international,
           r.phone_prefix, r.rate_multiplier, r.reply_to_text, r.postage, coalesce(r.status, 'created') as status,
           r.reference, r.scheduled_for, r.one_click_unsubscribe_url, r.created_by_id,
           coalesce(r.persist, true) as persist, r.created_at
    from jsonb_array_elements(items) with ordinality i(item, ordinality)
    cross join lateral jsonb_to_record(i.item) as r(
      id uuid, service_id uuid, api_key_id uuid, key_type text, notification_type text, template_id uuid,
      template_version integer, "to" text, normalised_to text, personalisation jsonb, client_reference text,
      billable_units integer, international boolean, phone_prefix text, rate_multiplier numeric,
      reply_to_text text, postage text, status text, reference text, scheduled_for timestamptz,
      one_click_unsubscribe_url text, created_by_id uuid, persist boolean, created_at timestamptz)
  ), svc as materialized (
    select s.id, s.rate_limit, s.sms_message_limit, s.email_message_limit, s.letter_message_limit,
           s.international_sms_message_limit
    from app_public.services s where s.id in (select distinct b.service_id from b)
  ), rate_used as materialized (
    -- (a) Rate limit per service and key type over the last 60 seconds (accepted requests, test
    -- keys included): this window's count plus the previous window's, weighted by how much of it
    -- is still within 60 s (fixed windows alone let twice the limit through across a boundary).
    select g.service_id, g.key_type,
           coalesce((select coalesce(sum(c.requests) filter (where c.window_start = v_window), 0)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = v_window - interval '60 seconds'), 0) * (1 - v_elapsed))
                     from app_private.rate_limit_counters c
                     where c.service_id = g.service_id and c.key_type = g.key_type
                       and c.window_start in (v_window, v_window - interval '60 seconds')), 0)::integer as used
    from (select distinct b.service_id, b.key_type from b) g
  ), rated as materialized (
    select b.*, s.rate_limit,
           case when u.used + row_number() over (partition by b.service_id, b.key_type order by b.ord) > s.rate_limit
                then format('Exceeded rate limit for key type %s of %s requests per 60 seconds', upper(b.key_type), s.rate_limit)
           end as rate_message,
           case b.channel when 'sms' then s.sms_message_limit when 'email' then s.email_message_limit
                          when 'letter' then s.letter_message_limit else s.international_sms_message_limit end as day_limit
    from b join svc s on s.id = b.service_id
    join rate_used u on u.service_id = b.service_id and u.key_type = b.key_type
  ), day_used as materialized (
    -- (b) Daily limits per channel; test keys are exempt.
    select g.service_id, g.channel,
           coalesce((select sum(c.sent) from app_private.daily_limit_counters c
                     where c.service_id = g.service_id and c.day = v_day and c.channel = g.channel), 0) as used
    from (select distinct r.service_id, r.channel from rated r where r.rate_message is null and r.key_type <> 'test') g
  ), decided as materialized (
    select r.*,
           case when r.rate_message is not null then 'rate_limit'
                when d.used is not null
                     and d.used + row_number() over (partition by r.service_id, r.channel, (r.rate_message is null and r.key_type <> 'test') order by r.ord) > r.day_limit
                  then 'daily_limit' end as outcome,
           case when r.rate_message is not null then r.rate_message
                when d.used is not null
                     and d.used + row_number() over (partition by r.service_id, r.channel, (r.rate_message is null and r.key_type <> 'test') order by r.ord) > r.day_limit
                  then format('Exceeded send limits (%s: %s) for today', r.channel, r.day_limit) end as message
    from rated r
    left join day_used d on d.service_id = r.service_id and d.channel = r.channel
                         and r.rate_message is null and r.key_type <> 'test'
  ), rate_counted as (
    insert into app_private.rate_limit_counters as c (service_id, key_type, window_start, shard, requests)
    select d.service_id, d.key_type, v_window, v_shard, count(*)
    from decided d where d.outcome is null
    group by 1, 2
    on conflict (service_id, key_type, window_start, shard) do update set requests = c.requests + excluded.requests
  ), day_counted as (
    insert into app_private.daily_limit_counters as c (service_id, day, channel, shard, sent)
    select d.service_id, v_day, d.channel, v_shard, count(*)
    from decided d where d.outcome is null and d.key_type <> 'test'
    group by 1, 3
    on conflict (service_id, day, channel, shard) do update set sent = c.sent + excluded.sent
  ), to_store as materialized (
    select d.*, row_number() over (order by d.ord)::integer as n
    from decided d
    where d.outcome is null and d.persist
  ), sealed as materialized (
    select e.n, e.ciphertext
    from app_private.encrypt_each(array(select t.personalisation::text from to_store t order by t.n)) e
  ), stored as (
    -- (c) The rows (personalisation encrypted). Simulated recipients (persist = false) are accepted but not stored.
    insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
      api_key_id, key_type, billable_units, notification_type, notification_status, reference, client_reference,
      _personalisation, international, phone_prefix, rate_multiplier, created_by_id, reply_to_text, postage,
      scheduled_for, one_click_unsubscribe_url, created_at)
    select d.id, d."to", d.normalised_to, d.service_id, d.template_id, d.template_version, d.api_key_id, d.key_type,
           d.billable_units, d.notification_type, d.status, d.reference, d.client_reference,
           e.ciphertext,
           d.international, d.phone_prefix, d.rate_multiplier, d.created_by_id, d.reply_to_text, d.postage,
           d.scheduled_for, d.one_click_unsubscribe_url, coalesce(d.created_at, now())
    from to_store d
    left join sealed e on e.n = d.n
  ), queued as (
    -- (d) Delivery jobs in the same transaction: one job per type for the batch (scheduled ones run later).
    select graphile_worker.add_jobs(x.jobs) as n
    from (
      select array_agg(row('deliver-' || j.notification_type, json_build_object('ids', j.ids), null, j.run_at,
                           null, null, null, null)::graphile_worker.job_spec) as jobs
      from (
        select d.notification_type, d.scheduled_for as run_at, json_agg(d.id order by d.ord) as ids
        from decided d
        where d.outcome is null and d.persist and d.notification_type in ('sms', 'email')
        group by d.notification_type, d.scheduled_for
      ) j
    ) x
    where x.jobs is not null
  ), queued_count as materialized (
    select count(*) as n from queued
  )
  select d.ord, d.id, coalesce(d.outcome, 'created'), d.message
  from decided d, queued_count
  order by d.ord;

  -- Windows that have gone by (an occasional cheap cleanup; counters live in unlogged tables).
  if random() < 0.01 then
    delete from app_private.rate_limit_counters c where c.window_start < v_window - interval '5 minutes';
    delete from app_private.daily_limit_counters c where c.day < v_day - 2;
  end if;
end
$$;
comment on function app_hidden.create_notifications(jsonb) is
  'Create notifications from a JSON array of already validated items (id, service_id, api_key_id, key_type, '
  'notification_type, template_id, template_version, to, normalised_to, personalisation, client_reference, '
  'billable_units, international, phone_prefix, rate_multiplier, reply_to_text, postage, status, reference, '
  'scheduled_for, one_click_unsubscribe_url, created_by_id, persist, created_at). In one transaction: the rate limit per '
  'service and key type (services.rate_limit per 60 s, a sliding window: this minute''s count plus the last minute''s weighted by its share of the last 60 s), the daily per-channel limits (test keys exempt), the '
  'rows (personalisation encrypted) and one deliver-sms / deliver-email job per batch ({"ids": [...]}). '
  'Returns one row per item: outcome created | rate_limit | daily_limit with the API''s 429 message. '
  'persist = false (simulated recipients) counts toward the limits but stores nothing.';
