--! Previous: sha1:c7a009f9ef89f7d8bf4c5caf956ac47750ccb530
--! Hash: sha1:bb45240460da3cd926e23703b15ac96baaef2d8c
--! Message: Cheaper notification inserts: foreign keys to services, api_keys and templates_history checked once per batch and kept by delete triggers, one JSON parse, encryption inline, fillfactor 50

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Cheaper notification inserts: no per-row foreign-key checks, one JSON parse, encryption inline
--------------------------------------------------------------------------------
-- Measured with pgbench on 16-item batches (2 clients, 2 cores): the three foreign keys from
-- notifications (services, api_keys, templates_history) cost ~40 µs a row — each check is its own
-- executor run taking a FOR KEY SHARE lock on the same hot service / key / template rows, which
-- concurrent batches turn into multixacts — more than the insert and its indexes. They go; the
-- same guarantees are kept by:
--   * create_notifications (the only writer) checking each distinct service / key / template
--     version of a batch once, raising foreign_key_violation (23503) as the constraints did;
--   * delete triggers on the three parents doing what the constraints' ON DELETE did
--     (services: cascade, api_keys: set null, templates_history: refuse while referenced);
--   * @foreignKey smart tags, so the GraphQL relations stay as they were.
-- notification_history never had them (see 000002).
alter table app_public.notifications
  drop constraint if exists notifications_service_id_fkey,
  drop constraint if exists notifications_api_key_id_fkey,
  drop constraint if exists notifications_template_version_fk;

comment on table app_public.notifications is E'@behavior -insert -update -delete\n'
  '@foreignKey (service_id) references app_public.services (id)\n'
  -- No index leads from a key or a template version to its notifications: no backward relation
  -- (as with the constraints, whose unindexed backward relations PostGraphile left out).
  '@foreignKey (api_key_id) references app_public.api_keys (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  '@foreignKey (template_id, template_version) references app_public.templates_history (id, version)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  'One message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at; its own references to services, api_keys and templates_history are checked by app_hidden.create_notifications (the only writer) and by delete triggers on those tables, not by constraints (per-row checks cost more than the insert).';

create or replace function app_private.tg_services__delete_notifications() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  delete from app_public.notifications n where n.service_id = old.id;
  return old;
end
$$;
comment on function app_private.tg_services__delete_notifications() is
  'A deleted service takes its notifications with it (was ON DELETE CASCADE of a foreign key).';
drop trigger if exists _900_delete_notifications on app_public.services;
create trigger _900_delete_notifications before delete on app_public.services
  for each row execute function app_private.tg_services__delete_notifications();

create or replace function app_private.tg_api_keys__unlink_notifications() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  update app_public.notifications n set api_key_id = null where n.api_key_id = old.id;
  return old;
end
$$;
comment on function app_private.tg_api_keys__unlink_notifications() is
  'Notifications of a deleted API key keep their key_type and lose the key id (was ON DELETE SET NULL of a foreign key).';
drop trigger if exists _900_unlink_notifications on app_public.api_keys;
create trigger _900_unlink_notifications before delete on app_public.api_keys
  for each row execute function app_private.tg_api_keys__unlink_notifications();

create or replace function app_private.tg_templates_history__restrict_notifications() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.notifications n where n.template_id = old.id and n.template_version = old.version) then
    raise exception 'version % of template % is still used by notifications', old.version, old.id
      using errcode = 'foreign_key_violation';
  end if;
  return old;
end
$$;
comment on function app_private.tg_templates_history__restrict_notifications() is
  'A template version that notifications were sent with cannot be deleted (was the foreign key''s NO ACTION).';
drop trigger if exists _900_restrict_notifications on app_public.templates_history;
create trigger _900_restrict_notifications before delete on app_public.templates_history
  for each row execute function app_private.tg_templates_history__restrict_notifications();

-- Delivery updates every text twice (sent, then delivered). With 30 % free space a 16-row batch's
-- page had room for about half of the new row versions, so the rest went to other pages and
-- through every index (42 % of updates were not HOT in the API bench). Half-empty pages keep them
-- on the page; the row versions they replace are pruned before the next update.
alter table app_public.notifications set (fillfactor = 50);

-- create_notifications: the same rules, cheaper. jsonb_to_recordset parses the batch once (was a
-- jsonb_to_record call per item), personalisation is encrypted inline (app_private.encrypt_each
-- is a SQL function, planned again on every call: ~0.5 ms a batch), security definer for the key.
create or replace function app_hidden.create_notifications(items jsonb)
returns table (ord integer, id uuid, outcome text, message text)
language plpgsql volatile security definer
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
  v_key bytea := (select k.encryption_key from app_private.settings k limit 1);
  v_missing text;
begin
  -- Referential integrity, checked once per distinct service / key / template version of the batch
  -- (the table's foreign keys to them were dropped: their per-row checks cost more than the insert).
  select case when not exists (select 1 from app_public.services s where s.id = r.service_id)
                then format('service %s does not exist', r.service_id)
              when not exists (select 1 from app_public.templates_history t where t.id = r.template_id and t.version = r.template_version)
                then format('version %s of template %s does not exist', r.template_version, r.template_id)
              else format('API key %s does not exist', r.api_key_id) end
  into v_missing
  from (select distinct x.service_id, x.api_key_id, x.template_id, x.template_version
        from jsonb_to_recordset(items) as x(service_id uuid, api_key_id uuid, template_id uuid, template_version integer)) r
  where not exists (select 1 from app_public.services s where s.id = r.service_id)
     or not exists (select 1 from app_public.templates_history t where t.id = r.template_id and t.version = r.template_version)
     or (r.api_key_id is not null and not exists (select 1 from app_public.api_keys k where k.id = r.api_key_id))
  limit 1;
  if v_missing is not null then
    raise exception 'create_notifications: %', v_missing using errcode = 'foreign_key_violation';
  end if;

  -- One statement (no temp table, one plan): parse, decide the limits from the counters as they
  -- were at the start, then in data-modifying CTEs bump the counters, insert the rows and queue the jobs.
  return query
  with b as materialized (
    select (r.n - 1)::integer as ord, coalesce(r.id, gen_random_uuid()) as id, r.service_id, r.api_key_id,
           coalesce(r.key_type, 'normal') as key_type, r.notification_type,
           case when r.notification_type = 'sms' and coalesce(r.international, false)
                     and coalesce(r.phone_prefix, '44') <> '44' then 'international_sms'
                else r.notification_type end as channel,
           r.template_id, r.template_version, r."to", r.normalised_to, r.personalisation, r.client_reference,
           coalesce(r.billable_units, 0) as billable_units, coalesce(r.international, false) as international,
           r.phone_prefix, r.rate_multiplier, r.reply_to_text, r.postage, coalesce(r.status, 'created') as status,
           r.reference, r.scheduled_for, r.one_click_unsubscribe_url, r.created_by_id,
           coalesce(r.persist, true) as persist, r.created_at
    from rows from (jsonb_to_recordset(items) as (
      id uuid, service_id uuid, api_key_id uuid, key_type text, notification_type text, template_id uuid,
      template_version integer, "to" text, normalised_to text, personalisation jsonb, client_reference text,
      billable_units integer, international boolean, phone_prefix text, rate_multiplier numeric,
      reply_to_text text, postage text, status text, reference text, scheduled_for timestamptz,
      one_click_unsubscribe_url text, created_by_id uuid, persist boolean, created_at timestamptz))
      with ordinality as r(id, service_id, api_key_id, key_type, notification_type, template_id,
      template_version, "to", normalised_to, personalisation, client_reference,
      billable_units, international, phone_prefix, rate_multiplier,
      reply_to_text, postage, status, reference, scheduled_for,
      one_click_unsubscribe_url, created_by_id, persist, created_at, n)
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
  ), stored as (
    -- (c) The rows (personalisation encrypted). Simulated recipients (persist = false) are accepted but not stored.
    insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
      api_key_id, key_type, billable_units, notification_type, notification_status, reference, client_reference,
      _personalisation, international, phone_prefix, rate_multiplier, created_by_id, reply_to_text, postage,
      scheduled_for, one_click_unsubscribe_url, created_at)
    select d.id, d."to", d.normalised_to, d.service_id, d.template_id, d.template_version, d.api_key_id, d.key_type,
           d.billable_units, d.notification_type, d.status, d.reference, d.client_reference,
           case when d.personalisation is not null
                then x.iv || encrypt_iv(convert_to(d.personalisation::text, 'UTF8'), v_key, x.iv, 'aes-cbc/pad:pkcs') end,
           d.international, d.phone_prefix, d.rate_multiplier, d.created_by_id, d.reply_to_text, d.postage,
           d.scheduled_for, d.one_click_unsubscribe_url, coalesce(d.created_at, now())
    from decided d
    -- app_private.encrypt inlined (key read once per call; a SQL function is planned on every call).
    cross join lateral (select gen_random_bytes(16) as iv) x
    where d.outcome is null and d.persist
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
  'persist = false (simulated recipients) counts toward the limits but stores nothing. An unknown service, API key or template version raises foreign_key_violation (23503).';
revoke all on function app_hidden.create_notifications(jsonb) from public;
grant execute on function app_hidden.create_notifications(jsonb) to notify_authenticator;
