-- v2-api: the public REST API's database side (issue 4).
--   * app_hidden.create_notifications(jsonb): the one function that creates notifications (rate limit,
--     daily limits, insert with encrypted personalisation, delivery job) for the v2 routes, in batches;
--   * app_public.send_notification(...): the same for GraphQL users and DBAs (one notification);
--   * cache invalidation: triggers that pg_notify('notify_cache', …) when what the API caches changes;
--   * helpers for the read endpoints (timestamps, the precompiled-letter template).

-- ---------------------------------------------------------------------------------------------
-- Counters (unlogged: fast, survive clean restarts, shared by every server process)
-- ---------------------------------------------------------------------------------------------
create unlogged table if not exists app_private.rate_limit_counters (
  service_id uuid not null,
  key_type text not null,
  window_start timestamptz not null,
  shard smallint not null,
  requests integer not null default 0,
  primary key (service_id, key_type, window_start, shard)
);
comment on table app_private.rate_limit_counters is
  'Requests per (service, key type, 60-second window), split over 16 shards (by backend pid) so concurrent '
  'batches do not queue on one row lock; the check sums the shards. Old windows are deleted as they go by.';

create unlogged table if not exists app_private.daily_limit_counters (
  service_id uuid not null,
  day date not null,
  channel text not null check (channel in ('sms', 'email', 'letter', 'international_sms')),
  shard smallint not null,
  sent integer not null default 0,
  primary key (service_id, day, channel, shard)
);
comment on table app_private.daily_limit_counters is
  'Non-test notifications accepted per (service, London day, channel), sharded like rate_limit_counters. '
  'Checked against services.<channel>_message_limit.';

-- ---------------------------------------------------------------------------------------------
-- Formatting
-- ---------------------------------------------------------------------------------------------
create or replace function app_hidden.v2_timestamp(ts timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
comment on function app_hidden.v2_timestamp(timestamptz) is
  'The v2 API''s timestamp format: UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ (null stays null).';
grant execute on function app_hidden.v2_timestamp(timestamptz) to notify_authenticator;

-- ---------------------------------------------------------------------------------------------
-- Creating notifications
-- ---------------------------------------------------------------------------------------------
-- app_private.encrypt for a whole batch: one call and one key lookup instead of a SQL-function call
-- per row; a fresh random IV per value all the same. Row n of the result is plaintexts[n].
create or replace function app_private.encrypt_each(plaintexts text[])
returns table (n integer, ciphertext bytea)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select p.n::integer,
         case when p.t is not null
              then p.iv || encrypt_iv(convert_to(p.t, 'UTF8'), k.encryption_key, p.iv, 'aes-cbc/pad:pkcs') end
  from (select u.t, u.n, gen_random_bytes(16) as iv from unnest(plaintexts) with ordinality u(t, n)) p,
       (select s.encryption_key from app_private.settings s limit 1) k
$$;
comment on function app_private.encrypt_each(text[]) is
  'app_private.encrypt of each element (null stays null), as rows (n = position in the array): the batch form used by app_hidden.create_notifications.';
revoke all on function app_private.encrypt_each(text[]) from public;

drop function if exists app_hidden.create_notifications(jsonb);
create or replace function app_hidden.create_notifications(items jsonb)
returns table (ord integer, id uuid, outcome text, message text)
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_shard smallint := (pg_backend_pid() % 16)::smallint;
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 60) * 60);
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
    -- (a) Rate limit per service and key type: every request counts, test keys included.
    select g.service_id, g.key_type,
           coalesce((select sum(c.requests) from app_private.rate_limit_counters c
                     where c.service_id = g.service_id and c.key_type = g.key_type
                       and c.window_start = v_window), 0)::integer as used
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
  'service and key type (services.rate_limit per 60 s), the daily per-channel limits (test keys exempt), the '
  'rows (personalisation encrypted) and one deliver-sms / deliver-email job per batch ({"ids": [...]}). '
  'Returns one row per item: outcome created | rate_limit | daily_limit with the API''s 429 message. '
  'persist = false (simulated recipients) counts toward the limits but stores nothing.';
grant execute on function app_hidden.create_notifications(jsonb) to notify_authenticator;

-- The hidden per-service template precompiled letters pin.
create or replace function app_hidden.precompiled_letter_template(service_id uuid)
returns table (id uuid, version integer)
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_row app_public.templates;
begin
  select * into v_row from app_public.templates t
  where t.service_id = precompiled_letter_template.service_id and t.hidden and t.template_type = 'letter'
    and t.name = 'Pre-compiled PDF'
  order by t.created_at limit 1;
  if not found then
    insert into app_public.templates (name, template_type, content, subject, postage, service_id, created_by_id, hidden)
    select 'Pre-compiled PDF', 'letter', '', 'Pre-compiled PDF', 'second', s.id, s.created_by_id, true
    from app_public.services s where s.id = precompiled_letter_template.service_id
    returning * into v_row;
  end if;
  return query select v_row.id, v_row.version;
end
$$;
comment on function app_hidden.precompiled_letter_template(uuid) is
  'The service''s hidden "Pre-compiled PDF" letter template (created on first use), which precompiled letters pin.';
grant execute on function app_hidden.precompiled_letter_template(uuid) to notify_authenticator;

-- GraphQL / DBA entry point: one notification, checked against the request user's permissions, through the
-- same create_notifications. Recipient normalisation here is basic; the v2 API validates fully in TypeScript.
drop function if exists app_public.send_notification(uuid, uuid, text, jsonb, text);
create or replace function app_public.send_notification(
  service_id uuid, template_id uuid, recipient text, personalisation jsonb default null, reference text default null)
returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_template app_public.templates;
  v_service app_public.services;
  v_result record;
  v_to text := btrim(send_notification.recipient);
  v_missing text;
begin
  select * into v_service from app_public.services s where s.id = send_notification.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id)) then
    raise exception 'Service % not found', send_notification.service_id using errcode = 'NTF04';
  end if;
  if not v_service.active then
    raise exception 'Service % is archived', v_service.id using errcode = 'NTF01';
  end if;
  select * into v_template from app_public.templates t
  where t.id = send_notification.template_id and t.service_id = v_service.id;
  if not found then
    raise exception 'Template not found' using errcode = 'NTF04';
  end if;
  if v_template.archived then
    raise exception 'Template has been deleted' using errcode = 'NTF01';
  end if;
  perform app_hidden.assert_service_permission(v_service.id,
    case v_template.template_type when 'sms' then 'send_texts' when 'email' then 'send_emails' else 'send_letters' end);
  if not exists (select 1 from app_public.service_permissions p
                 where p.service_id = v_service.id and p.permission = v_template.template_type) then
    raise exception 'Service is not allowed to send %',
      case v_template.template_type when 'sms' then 'text messages' when 'email' then 'emails' else 'letters' end
      using errcode = 'NTF03';
  end if;
  select string_agg(distinct m[1], ', ') into v_missing
  from regexp_matches(coalesce(v_template.subject, '') || ' ' || v_template.content, '\(\(([^()?]+)(?:\?\?[^()]*)?\)\)', 'g') m
  where not exists (select 1 from jsonb_each(coalesce(send_notification.personalisation, '{}')) e
                    where lower(regexp_replace(e.key, '[\s_-]', '', 'g')) = lower(regexp_replace(m[1], '[\s_-]', '', 'g'))
                      and e.value <> 'null'::jsonb);
  if v_missing is not null then
    raise exception 'Missing personalisation: %', v_missing using errcode = 'NTF01';
  end if;
  if v_template.template_type <> 'letter' and (v_to is null or v_to = '') then
    raise exception 'Recipient is required' using errcode = 'NTF01';
  end if;
  select * into v_result from app_hidden.create_notifications(jsonb_build_array(jsonb_build_object(
    'service_id', v_service.id, 'key_type', 'normal', 'notification_type', v_template.template_type,
    'template_id', v_template.id, 'template_version', v_template.version,
    'to', coalesce(v_to, ''),
    'normalised_to', case v_template.template_type when 'sms' then app_hidden.normalise_phone_digits(v_to)
                                                   else lower(v_to) end,
    'personalisation', send_notification.personalisation, 'client_reference', send_notification.reference,
    'postage', case when v_template.template_type = 'letter' then v_template.postage end,
    'created_by_id', app_public.current_user_id()))) r;
  if v_result.outcome <> 'created' then
    raise exception '%', v_result.message using errcode = 'NTF01';
  end if;
  return v_result.id;
end
$$;
comment on function app_public.send_notification(uuid, uuid, text, jsonb, text) is
  'Send one notification from a template (sms, email or letter) as the request user (needs send_texts / '
  'send_emails / send_letters on the service) or as a DBA: the same rules and app_hidden.create_notifications '
  'as the v2 API (rate and daily limits, delivery job). Returns the notification id.';
grant execute on function app_public.send_notification(uuid, uuid, text, jsonb, text) to notify_user;

-- ---------------------------------------------------------------------------------------------
-- Cache invalidation for the API server's in-process caches
-- ---------------------------------------------------------------------------------------------
create or replace function app_private.tg__notify_cache() returns trigger
language plpgsql volatile as $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
  v_payload jsonb;
begin
  v_payload := case tg_table_name
    when 'services' then jsonb_build_object('table', tg_table_name, 'service_id', v_row->'id')
    when 'templates' then jsonb_build_object('table', tg_table_name, 'service_id', v_row->'service_id', 'id', v_row->'id')
    when 'users' then jsonb_build_object('table', tg_table_name, 'id', v_row->'id')
    else jsonb_build_object('table', tg_table_name, 'service_id', v_row->'service_id')
  end;
  perform pg_notify('notify_cache', v_payload::text);
  return null;
end
$$;
comment on function app_private.tg__notify_cache() is
  'AFTER trigger: tells API servers (LISTEN notify_cache) to drop what they cached about the changed service, '
  'template or user. Delivered at commit, only if the transaction commits.';

do $$
declare
  t text;
begin
  foreach t in array array['services', 'api_keys', 'templates', 'service_sms_senders', 'service_email_reply_to',
                           'service_letter_contacts', 'service_permissions', 'service_whitelist', 'user_to_service',
                           'users', 'inbound_numbers']
  loop
    execute format('drop trigger if exists _900_notify_cache on app_public.%I', t);
    execute format('create trigger _900_notify_cache after insert or update or delete on app_public.%I '
                   'for each row execute function app_private.tg__notify_cache()', t);
  end loop;
end
$$;
