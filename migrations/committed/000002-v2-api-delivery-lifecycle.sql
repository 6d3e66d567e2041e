--! Previous: sha1:c9425cb3a1230b98261803759c6f2f1c5b986d22
--! Hash: sha1:980c096fdf4de470f2daa91b3da745c58af5d011
--! Message: v2 API, delivery and data lifecycle

--! split: 100-v2-api.sql
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

--! split: 200-delivery.sql
-- delivery (issue 5): claim → provider → receipt state transitions, provider choice and
-- failover, status callbacks to services, inbound SMS forwarding, timeouts and replay.
-- The graphile-worker tasks in tasks/ are thin wrappers over these functions (SPEC §3, §5, §6).

--------------------------------------------------------------------------------
-- Enqueueing and claiming
--------------------------------------------------------------------------------

drop function if exists app_hidden.enqueue_delivery(uuid[], integer);
create function app_hidden.enqueue_delivery(ids uuid[], batch_size integer default 50) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('deliver-' || b.notification_type, json_build_object('ids', b.ids), null, null, null, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from (
    select x.notification_type, array_agg(x.id order by x.id) as ids
    from (
      select n.id, n.notification_type,
             (row_number() over (partition by n.notification_type order by n.id) - 1) / greatest(batch_size, 1) as grp
      from app_public.notifications n
      where n.id = any(enqueue_delivery.ids) and n.notification_type in ('sms', 'email')
        and n.notification_status in ('created', 'sending') and n.sent_at is null
    ) x
    group by x.notification_type, x.grp
  ) b;
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return coalesce(array_length(v_specs, 1), 0);
end
$$;
comment on function app_hidden.enqueue_delivery(uuid[], integer) is
  'Queue deliver-sms / deliver-email jobs ({"ids": [...]}, batch_size ids per job) for notifications still waiting to be handed to a provider. The v2 API adds the same jobs in the transaction that inserts the rows; this is for replays, tests and DBAs.';
grant execute on function app_hidden.enqueue_delivery(uuid[], integer) to notify_authenticator;

drop function if exists app_private.claim_notifications(uuid[], interval);
create function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
returns table (
  id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean,
  personalisation text, template_content text, template_subject text, service_id uuid, service_name text,
  prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text,
  created_at timestamptz, reclaimed boolean
)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  -- SPEC §3: created ─service inactive─▶ technical-failure.
  update app_public.notifications n set notification_status = 'technical-failure'
  from app_public.services s
  where n.id = any(claim_notifications.ids) and s.id = n.service_id and not s.active
    and n.notification_status = 'created';

  return query
  with c as (
    select n.id, n.notification_status = 'sending' as reclaimed
    from app_public.notifications n
    where n.id = any(claim_notifications.ids)
      and n.notification_type in ('sms', 'email')
      and (n.notification_status = 'created'
           or (n.notification_status = 'sending' and n.sent_at is null and n.updated_at < now() - claim_notifications.lease))
    for update of n skip locked
  ), u as (
    update app_public.notifications n
    set notification_status = 'sending', updated_at = clock_timestamp()
    from c
    where n.id = c.id
    returning n.id, n.notification_type, n.key_type, n."to", n.normalised_to, n.international, n._personalisation,
              n.template_id, n.template_version, n.service_id, n.reply_to_text, n.one_click_unsubscribe_url,
              n.created_at, c.reclaimed
  )
  select u.id, u.notification_type, u.key_type, u."to", u.normalised_to, u.international,
         -- app_private.decrypt inlined (one key lookup per statement, no SQL-function call per row).
         case when u._personalisation is null then null
              else convert_from(decrypt_iv(substr(u._personalisation, 17),
                                           (select k.encryption_key from app_private.settings k limit 1),
                                           substr(u._personalisation, 1, 16), 'aes-cbc/pad:pkcs'), 'UTF8') end,
         t.content, t.subject, s.id, s.name::text, s.prefix_sms, s.email_from,
         case when u.notification_type = 'sms' then coalesce(u.reply_to_text, ss.sms_sender) end,
         case when u.notification_type = 'email' then coalesce(u.reply_to_text, er.email_address) end,
         u.one_click_unsubscribe_url, u.created_at, u.reclaimed
  from u
  join app_public.services s on s.id = u.service_id
  join app_public.templates_history t on t.id = u.template_id and t.version = u.template_version
  left join lateral (
    select x.sms_sender from app_public.service_sms_senders x
    where x.service_id = u.service_id and x.is_default and not x.archived limit 1
  ) ss on u.notification_type = 'sms'
  left join lateral (
    select x.email_address from app_public.service_email_reply_to x
    where x.service_id = u.service_id and x.is_default and not x.archived limit 1
  ) er on u.notification_type = 'email';
end
$$;
comment on function app_private.claim_notifications(uuid[], interval) is
  'Claims notifications for hand-off to a provider: created → sending (sent_at stays null until the provider accepts), row locks taken with skip locked so two workers never claim the same row. A claim older than `lease` with no sent_at (worker killed mid-call) is claimed again; providers are sent the notification id as reference, so they can drop the repeat. Returns what the worker needs to build the message (personalisation decrypted). Rows of inactive services go to technical-failure.';

drop function if exists app_private.record_delivery_results(jsonb);
create function app_private.record_delivery_results(results jsonb) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
  -- The rows by primary key (= any(array): an index scan whatever the table size when the plan was cached).
  v_ids uuid[] := array(select (x->>'id')::uuid from jsonb_array_elements(results) as x);
begin
  -- outcome: sent (provider accepted) | retry (back to created for the next attempt)
  --        | failed (technical-failure) | simulated (test key: final status without any provider)
  -- Lock the rows in id order first: receipts for the same rows arrive concurrently
  -- (apply_delivery_receipts locks in the same order), so neither can deadlock the other.
  perform 1 from app_public.notifications n
  where n.id = any(v_ids)
  order by n.id
  for update;
  update app_public.notifications n
  set notification_status = case r.outcome
        when 'sent' then case when n.notification_status in ('created', 'sending') then coalesce(r.status, 'sending') else n.notification_status end
        when 'retry' then 'created'
        when 'failed' then 'technical-failure'
        when 'simulated' then r.status
      end,
      sent_at = case when r.outcome in ('sent', 'simulated') then coalesce(n.sent_at, now()) else n.sent_at end,
      sent_by = case when r.outcome = 'retry' then null else coalesce(r.provider, n.sent_by) end,
      reference = coalesce(r.reference, n.reference),
      billable_units = coalesce(r.billable_units, n.billable_units),
      updated_at = clock_timestamp()
  from jsonb_to_recordset(results) as r(id uuid, outcome text, provider text, reference text, billable_units integer, status text)
  where n.id = any(v_ids) and n.id = r.id
    and case r.outcome
          when 'sent' then n.notification_status in ('created', 'sending', 'pending', 'sent', 'delivered', 'temporary-failure', 'permanent-failure') and n.sent_at is null
          else n.notification_status in ('created', 'sending') and n.sent_at is null
        end;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.record_delivery_results(jsonb) is
  'Records what happened to claimed notifications, as a JSON array of {id, outcome: sent|retry|failed|simulated, provider, reference, billable_units, status}. sent keeps any status a receipt already set (a receipt may beat this call). billable_units are recorded even when the provider call failed (SPEC §4.1).';

--------------------------------------------------------------------------------
-- Delivery receipts
--------------------------------------------------------------------------------

drop function if exists app_hidden.apply_delivery_receipts(jsonb);
create function app_hidden.apply_delivery_receipts(receipts jsonb)
returns table (reference text, notification_id uuid, outcome text)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
  with r as (
    select e.ord, e.j->>'reference' as reference, coalesce((e.j->>'by_id')::boolean, true) as by_id, e.j->>'status' as status,
           coalesce((e.j->>'soften')::boolean, false) as soften, e.j->>'provider' as provider
    from jsonb_array_elements(receipts) with ordinality as e(j, ord)
  ), found as (
    -- Lateral lookups: one index probe per receipt (by id, or by the provider's reference), whatever
    -- the size of the table when the plan was made (a hash join would read the whole table).
    select r.*, coalesce(a.id, b.id) as nid, coalesce(a.notification_status, b.notification_status) as current_status
    from r
    left join lateral (
      select a.id, a.notification_status from app_public.notifications a
      where r.by_id and r.reference ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        and a.id = (case when r.reference ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then r.reference end)::uuid
      offset 0 -- not flattened into a join: stays a parameterised index probe
    ) a on true
    left join lateral (
      select b.id, b.notification_status from app_public.notifications b
      where not r.by_id and b.reference = r.reference
      offset 0
    ) b on true
  ), wanted as (
    -- One change per notification (the last receipt of the batch wins); SPEC §3 decides what may move.
    select distinct on (f.nid) f.nid,
           case when f.status = 'permanent-failure' and f.soften and f.current_status = 'pending' then 'temporary-failure' else f.status end as new_status
    from found f
    where f.nid is not null
      and f.status in ('sending', 'pending', 'sent', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')
      and case when f.by_id then f.current_status in ('created', 'sending', 'pending', 'sent', 'pending-virus-check')
               else f.current_status in ('sending', 'pending') end
    order by f.nid, f.ord desc
  ), locked as (
    -- Row locks in id order, the order record_delivery_results uses: no deadlocks between them.
    select n.id from app_public.notifications n
    where n.id in (select w.nid from wanted w)
    order by n.id
    for update of n
  ), upd as (
    update app_public.notifications n
    set notification_status = w.new_status, updated_at = clock_timestamp()
    from wanted w
    where n.id = w.nid and n.id in (select l.id from locked l) and n.notification_status is distinct from w.new_status
    returning n.id
  )
  select f.reference, f.nid,
         case when f.nid is null then 'not-found'
              when exists (select 1 from upd where upd.id = f.nid) then 'updated'
              when f.current_status = f.status then 'duplicate'
              else 'ignored' end
  from found f
  order by f.ord;
end
$$;
comment on function app_hidden.apply_delivery_receipts(jsonb) is
  'Applies provider delivery receipts, a JSON array of {reference, by_id (reference is our notification id; false: the provider''s own reference, e.g. SES message id), status (ours, already mapped), soften (firetext: a permanent failure without code on a pending row becomes temporary)}. SPEC §3: by id only created/sending/pending/sent/pending-virus-check rows move, by reference only sending/pending; anything else is ignored, so repeats are harmless. Returns per receipt: updated | duplicate | ignored | not-found.';
grant execute on function app_hidden.apply_delivery_receipts(jsonb) to notify_authenticator;

--------------------------------------------------------------------------------
-- Providers: selection data, failover, slow delivery, tend back (SPEC §6.2)
--------------------------------------------------------------------------------

drop function if exists app_hidden.delivery_providers(text);
create function app_hidden.delivery_providers(notification_type text)
returns table (identifier text, priority integer, supports_international boolean)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select p.identifier, p.priority, p.supports_international
  from app_public.provider_details p
  where p.active and p.notification_type = delivery_providers.notification_type
  order by p.priority desc, p.identifier
$$;
comment on function app_hidden.delivery_providers(text) is
  'Active providers of a channel with their weights; the worker caches this for 10 s and picks by weighted random (international SMS only among supports_international).';
grant execute on function app_hidden.delivery_providers(text) to notify_authenticator;

drop function if exists app_private.deprioritise_provider(text, text);
create function app_private.deprioritise_provider(identifier text, reason text) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_failed app_public.provider_details;
begin
  select * into v_failed from app_public.provider_details p where p.identifier = deprioritise_provider.identifier for update;
  if not found or not v_failed.active then
    return false;
  end if;
  -- Lock the channel's rows so two failing workers make one change, not two.
  perform 1 from app_public.provider_details p where p.notification_type = v_failed.notification_type for update;
  if (select count(*) from app_public.provider_details p where p.notification_type = v_failed.notification_type and p.active) < 2 then
    return false;
  end if;
  if exists (select 1 from app_public.provider_details p
             where p.notification_type = v_failed.notification_type and p.updated_at > now() - interval '1 minute') then
    return false;
  end if;
  update app_public.provider_details p
  set priority = case when p.id = v_failed.id then greatest(p.priority - 10, 0) else least(p.priority + 10, 100) end,
      reason = case when p.id = v_failed.id then deprioritise_provider.reason
                    else format('%s failed: %s', v_failed.identifier, deprioritise_provider.reason) end,
      created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
  where p.notification_type = v_failed.notification_type and p.active
    and (p.id = v_failed.id and p.priority > 0 or p.id <> v_failed.id and p.priority < 100);
  return found;
end
$$;
comment on function app_private.deprioritise_provider(text, text) is
  'Failover after a provider error (SPEC §6.2): the provider loses 10 points, the other active ones of its channel gain 10 (clamped 0-100); skipped when fewer than two are active or any changed in the last minute. Each change is versioned into provider_details_history with the reason, by the Notify service user.';

drop function if exists app_private.switch_providers_on_slow_delivery(interval, interval, numeric, interval);
create function app_private.switch_providers_on_slow_delivery(
  window_size interval default interval '10 minutes',
  slow_after interval default interval '4 minutes',
  slow_ratio numeric default 0.3,
  guard interval default interval '10 minutes'
) returns table (identifier text, ratio numeric, lowered boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
  with stats as (
    select p.id, p.identifier,
           coalesce(avg(case when (n.notification_status = 'delivered' and n.updated_at - n.sent_at >= slow_after)
                               or (n.notification_status in ('sending', 'pending') and now() - n.sent_at >= slow_after)
                             then 1.0 else 0.0 end), 0) as ratio,
           count(n.id) as total
    from app_public.provider_details p
    left join app_public.notifications n
      on n.sent_by = p.identifier and n.notification_type = 'sms' and n.key_type <> 'test'
         and n.created_at > now() - window_size and n.sent_at is not null
         and n.notification_status in ('delivered', 'pending', 'sending')
    where p.notification_type = 'sms' and p.active
    group by p.id, p.identifier
  ), slow as (
    select s.*, s.ratio >= $3 and s.total > 0 as is_slow from stats s
  ), decision as (
    select sl.*, (select count(*) filter (where is_slow) from slow) as n_slow, (select count(*) from slow) as n_all from slow sl
  ), upd as (
    update app_public.provider_details p
    set priority = greatest(p.priority - 10, 0),
        reason = format('slow delivery: %s%% of texts took %s or more', round(d.ratio * 100), slow_after),
        created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
    from decision d
    where p.id = d.id and d.is_slow and d.n_slow < d.n_all and p.priority > 0
      and (p.updated_at is null or p.updated_at < now() - guard)
    returning p.id
  )
  select d.identifier, round(d.ratio, 3), exists (select 1 from upd where upd.id = d.id) from decision d;
end
$$;
comment on function app_private.switch_providers_on_slow_delivery(interval, interval, numeric, interval) is
  'SPEC §6.2 slow delivery (REF, every minute): per active SMS provider, live texts created in the last window_size with a sent_at; slow = delivered after slow_after or still not delivered after it; a provider with slow_ratio or more slow texts loses 10 points, only when some but not all are slow and it has not changed within guard.';

drop function if exists app_private.tend_providers_back_to_middle();
create function app_private.tend_providers_back_to_middle() returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  if exists (select 1 from app_public.provider_details where notification_type = 'sms' and updated_at > now() - interval '1 hour') then
    return 0;
  end if;
  with rest as (
    select p.id, p.priority,
           case p.identifier when 'mmg' then 51 when 'firetext' then 49
                else round(100.0 / count(*) over ())::integer end as resting
    from app_public.provider_details p
    where p.notification_type = 'sms' and p.active
  )
  update app_public.provider_details p
  set priority = case when r.priority < r.resting then least(r.priority + 10, r.resting)
                      else greatest(r.priority - 10, r.resting) end,
      reason = 'tending back to the resting point',
      created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
  from rest r
  where p.id = r.id and p.priority <> r.resting;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.tend_providers_back_to_middle() is
  'SPEC §6.2 tend back (every 5 minutes): when no SMS provider changed in the last hour, move each active one 10 points toward its resting point (mmg 51, firetext 49, others an equal share).';

-- SMTP is offered as an email provider besides SES and the stub (inactive until configured).
insert into app_public.provider_details (identifier, display_name, notification_type, priority, active, supports_international)
values ('smtp', 'SMTP', 'email', 0, false, false)
on conflict (identifier) do nothing;

--------------------------------------------------------------------------------
-- Callbacks to services (SPEC §6.3)
--------------------------------------------------------------------------------

create table if not exists app_private.service_callback_health (
  service_callback_api_id uuid primary key references app_public.service_callback_api (id) on delete cascade,
  url text not null,
  consecutive_failures integer not null default 0,
  last_error text,
  last_failure_at timestamptz,
  last_success_at timestamptz,
  suspended_at timestamptz,
  suspended_reason text,
  updated_at timestamptz not null default now()
);
comment on table app_private.service_callback_health is
  'Whether a service''s callback URL works: consecutive callbacks that failed for good (retries exhausted or a 4xx). After enough of them the URL is suspended (no more calls) with the reason; setting the callback again (new URL or token) lifts it.';

drop function if exists app_private.callback_target(uuid, text);
create function app_private.callback_target(service_id uuid, callback_type text)
returns table (id uuid, url text, bearer_token text, suspended_reason text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token,
         case when h.suspended_at is not null and h.url = c.url and h.suspended_at >= coalesce(a.updated_at, a.created_at)
              then h.suspended_reason end
  from app_hidden.service_callback(callback_target.service_id, callback_target.callback_type) c
  join app_public.service_callback_api a on a.id = c.id
  left join app_private.service_callback_health h on h.service_callback_api_id = c.id
$$;
comment on function app_private.callback_target(uuid, text) is
  'URL, decrypted token and (when suspended) why, of a service''s callback, for the callback tasks.';

drop function if exists app_private.record_callback_result(uuid, text, boolean, text, integer);
create function app_private.record_callback_result(callback_id uuid, url text, ok boolean, error text default null, suspend_after integer default 5)
returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row app_private.service_callback_health;
begin
  insert into app_private.service_callback_health as h (service_callback_api_id, url)
  values (callback_id, record_callback_result.url)
  on conflict (service_callback_api_id) do nothing;
  if ok then
    update app_private.service_callback_health h
    set url = record_callback_result.url, consecutive_failures = 0, last_success_at = now(),
        suspended_at = null, suspended_reason = null, updated_at = now()
    where h.service_callback_api_id = callback_id;
    return null;
  end if;
  update app_private.service_callback_health h
  set consecutive_failures = case when h.url = record_callback_result.url then h.consecutive_failures + 1 else 1 end,
      url = record_callback_result.url, last_error = left(error, 500), last_failure_at = now(), updated_at = now()
  where h.service_callback_api_id = callback_id
  returning * into v_row;
  if v_row.consecutive_failures >= suspend_after and v_row.suspended_at is null then
    update app_private.service_callback_health h
    set suspended_at = now(),
        suspended_reason = format('%s callbacks in a row failed (last: %s); calls stopped until the callback is set again',
                                  v_row.consecutive_failures, left(error, 300))
    where h.service_callback_api_id = callback_id
    returning * into v_row;
  end if;
  return v_row.suspended_reason;
end
$$;
comment on function app_private.record_callback_result(uuid, text, boolean, text, integer) is
  'Success resets the failure count; a callback that failed for good counts one more, and suspend_after in a row suspend the URL, recording why. Returns the suspension reason when suspended.';

drop function if exists app_private.delivery_status_callback(uuid, text);
create function app_private.delivery_status_callback(notification_id uuid, status text)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'id', n.id,
           'reference', n.client_reference,
           'to', n."to",
           'status', coalesce(delivery_status_callback.status, n.notification_status),
           'created_at', to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'completed_at', to_char(n.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'sent_at', to_char(n.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'notification_type', n.notification_type,
           'template_id', n.template_id,
           'template_version', n.template_version)
  from app_public.notifications n
  cross join lateral app_private.callback_target(n.service_id, 'delivery_status') c
  where n.id = delivery_status_callback.notification_id
$$;
comment on function app_private.delivery_status_callback(uuid, text) is
  'Where to POST a notification''s status and the documented body (SPEC §6.3); no row when the service has no delivery_status callback or the notification is gone.';

drop function if exists app_private.inbound_sms_callback(uuid);
create function app_private.inbound_sms_callback(inbound_sms_id uuid)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'id', i.id,
           'source_number', i.user_number,
           'destination_number', i.notify_number,
           'message', app_private.decrypt(i.content),
           'date_received', to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
  from app_public.inbound_sms i
  cross join lateral app_private.callback_target(i.service_id, 'inbound_sms') c
  where i.id = inbound_sms_callback.inbound_sms_id
$$;
comment on function app_private.inbound_sms_callback(uuid) is
  'Where to forward a received text and the documented body (SPEC §6.3: id, source_number, destination_number, message, date_received).';

-- Final statuses queue a callback in the transaction that sets them, whichever code path did it
-- (receipts, timeouts, technical failures, simulated test-key outcomes, letters).
create or replace function app_private.tg_notifications__status_callback() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-delivery-status', json_build_object('id', n.id, 'status', n.notification_status),
                       null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows n
  join old_rows o on o.id = n.id
  where n.notification_status is distinct from o.notification_status
    and n.notification_status in ('sent', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure', 'returned-letter')
    and exists (select 1 from app_public.service_callback_api c
                where c.service_id = n.service_id and c.callback_type = 'delivery_status');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;
comment on function app_private.tg_notifications__status_callback() is
  'AFTER UPDATE statement trigger: queues send-delivery-status for each notification that reached a final status in the statement, when its service has a delivery_status callback (one add_jobs call per statement).';
drop trigger if exists _800_status_callback on app_public.notifications;
create trigger _800_status_callback after update on app_public.notifications
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.tg_notifications__status_callback();

create or replace function app_private.tg_inbound_sms__callback() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-inbound-sms', json_build_object('id', i.id), null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows i
  where exists (select 1 from app_public.service_callback_api c where c.service_id = i.service_id and c.callback_type = 'inbound_sms');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;
comment on function app_private.tg_inbound_sms__callback() is
  'AFTER INSERT statement trigger: queues send-inbound-sms for received texts of services with an inbound_sms callback.';
drop trigger if exists _800_inbound_callback on app_public.inbound_sms;
create trigger _800_inbound_callback after insert on app_public.inbound_sms
  referencing new table as new_rows
  for each statement execute function app_private.tg_inbound_sms__callback();

--------------------------------------------------------------------------------
-- Scheduled: timeouts and replay (SPEC §3, §5)
--------------------------------------------------------------------------------

drop function if exists app_private.timeout_notifications(interval, integer);
create function app_private.timeout_notifications(older_than interval default interval '259200 seconds', batch_size integer default 100000)
returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  update app_public.notifications n
  set notification_status = 'temporary-failure', updated_at = clock_timestamp()
  where n.id in (
    select x.id from app_public.notifications x
    where x.notification_type in ('sms', 'email')
      and x.notification_status in ('sending', 'pending')
      and x.created_at < now() - older_than
    limit batch_size
    for update skip locked
  );
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.timeout_notifications(interval, integer) is
  'SPEC §3 timeout: up to batch_size texts/emails still sending or pending 72 h after creation become temporary-failure (the status trigger queues their callbacks). Returns the number changed; the task calls it until 0, one transaction per batch.';

drop function if exists app_private.replay_created_notifications(interval, interval, integer);
create function app_private.replay_created_notifications(
  older_than interval default interval '1 hour',
  lease interval default interval '5 minutes',
  max_rows integer default 50000
) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
begin
  select array_agg(x.id) into v_ids
  from (
    select n.id from app_public.notifications n
    where n.notification_type in ('sms', 'email')
      and n.sent_at is null
      and ((n.notification_status = 'created' and n.created_at < now() - older_than
            and (n.scheduled_for is null or n.scheduled_for <= now()))
           or (n.notification_status = 'sending' and n.updated_at < now() - lease))
    order by n.created_at
    limit max_rows
  ) x;
  if v_ids is null then
    return 0;
  end if;
  perform app_hidden.enqueue_delivery(v_ids);
  return array_length(v_ids, 1);
end
$$;
comment on function app_private.replay_created_notifications(interval, interval, integer) is
  'SPEC §5 replay: re-queues texts/emails still created after older_than (lost jobs) and claims abandoned for longer than lease (worker killed between claim and provider answer). Delivery is idempotent, so a replay of a row whose job is still queued is harmless.';

drop function if exists app_hidden.record_ses_complaint(text, text, text, timestamptz);
create function app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamptz)
returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  if feedback_id is not null then
    select c.id into v_id from app_public.complaints c where c.ses_feedback_id = record_ses_complaint.feedback_id;
    if found then
      return v_id;
    end if;
  end if;
  insert into app_public.complaints (notification_id, service_id, ses_feedback_id, complaint_type, complaint_date)
  select x.id, x.service_id, feedback_id, complaint_type, coalesce(complaint_date, now())
  from (
    select n.id, n.service_id from app_public.notifications n where n.reference = record_ses_complaint.reference
    union all
    select h.id, h.service_id from app_public.notification_history h
    where h.reference = record_ses_complaint.reference and h.notification_type = 'email'
    limit 1
  ) x
  returning id into v_id;
  if v_id is not null and exists (
    select 1 from app_public.service_callback_api c join app_public.complaints k on k.service_id = c.service_id
    where k.id = v_id and c.callback_type = 'complaint'
  ) then
    perform graphile_worker.add_job('send-complaint', json_build_object('id', v_id), max_attempts => 5);
  end if;
  return v_id;
end
$$;
comment on function app_hidden.record_ses_complaint(text, text, text, timestamptz) is
  'Records an SES complaint against the email with that SES message id (live or archived); repeats of the same feedback id are ignored. Null when the reference is unknown.';
grant execute on function app_hidden.record_ses_complaint(text, text, text, timestamptz) to notify_authenticator;

drop function if exists app_private.complaint_callback(uuid);
create function app_private.complaint_callback(complaint_id uuid)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'notification_id', k.notification_id,
           'complaint_id', k.id,
           'reference', n.client_reference,
           'to', n."to",
           'complaint_date', to_char(k.complaint_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
  from app_public.complaints k
  left join app_public.notifications n on n.id = k.notification_id
  cross join lateral app_private.callback_target(k.service_id, 'complaint') c
  where k.id = complaint_callback.complaint_id
$$;
comment on function app_private.complaint_callback(uuid) is
  'Where to POST an email complaint and the documented body (SPEC §6.3: notification_id, complaint_id, reference, to, complaint_date).';

-- Receipts plan each statement for the call (custom plans; few calls, large batches): a generic plan
-- cached by a long-lived connection while app_public.notifications was small (a fresh database, or
-- just after archival) would keep seq-scanning it for every batch as the table grows.
-- claim_notifications and record_delivery_results find their rows with id = any(array), an index
-- scan in any plan, and keep their cached plans (planning them per call cost more than it saved).
alter function app_private.claim_notifications(uuid[], interval) reset plan_cache_mode;
alter function app_private.record_delivery_results(jsonb) reset plan_cache_mode;
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_custom_plan;

--! split: 300-lifecycle.sql
--------------------------------------------------------------------------------
-- Data lifecycle and billing (issue 6; SPEC §2.6, §2.8-2.10, §4.3-4.10, §5, §5.1, §5.2).
--
-- Everything here is a SQL function a DBA can run with psql; graphile-worker tasks
-- (tasks/*.ts, scheduled in tasks/crontab) only call them:
--   app_private.create_nightly_notification_status(day, types)   ft_notification_status of a London day
--   app_private.create_nightly_billing(day, service_ids)          ft_billing of a London day
--   app_private.enqueue_nightly_facts(task, days)                  one job per day (crontab entry point)
--   app_private.archive_notifications_batch(type, batch, after)    one archival chunk (one transaction)
--   call app_private.archive_notifications(type, batch)            every chunk, COMMIT after each
--   app_private.archive_inbound_sms_batch(batch)                   one inbound chunk
--   call app_private.archive_inbound_sms()                         every inbound chunk, COMMIT after each
--   app_private.process_returned_letters(references)               returned-letter ingest (<= 5000)
--   app_public.service_usage_for_year / service_annual_usage_for_year / organisation_sms_usage_for_year
--   app_public.annual_billing_for_year, returned_letter_summary, template_last_used, template_usage
--
-- Idempotent (re-run on every template build while in migrations/current).
--------------------------------------------------------------------------------

--------------------------------------------------------------------------------
-- Indexes the lifecycle plans need
--------------------------------------------------------------------------------

-- Nightly facts read one London day of the view per type; the history side needs
-- (created_at) only (it exists). Usage reports read ft_billing by (service_id, bst_date)
-- (exists). Returned-letter summary: (service_id, reported_at) exists.
-- Archival walks (service_id, notification_type, created_at): see ix_notifications_service_type_created_at
-- below. Nightly facts of one day read (created_at, key_type).
drop index if exists app_public.ix_notifications_type_created_at;

-- Usage reports read a service's rows of one type over a financial year: an index-only
-- scan, already ordered by (service, type, day) for the allowance window.
drop index if exists app_public.ix_ft_billing_usage;
create index if not exists ix_ft_billing_usage_window
  on app_public.ft_billing (service_id, notification_type, bst_date, template_id, provider, rate_multiplier, international)
  include (rate, postage, billable_units, notifications_sent);
comment on index app_public.ix_ft_billing_usage_window is
  'Usage for a year (service_usage_for_year, organisation_sms_usage_for_year): index-only scan in window order.';

--------------------------------------------------------------------------------
-- Small helpers
--------------------------------------------------------------------------------

create or replace function app_private.raise_missing_rate(what text) returns numeric
language plpgsql immutable
as $$
begin
  raise exception 'No rate for %', what using errcode = 'NTF04';
end
$$;
comment on function app_private.raise_missing_rate(text) is
  'Raise NTF04 from inside a query when a billable row has no rate: billing must never silently price at 0.';

create or replace function app_private.sms_rate_on(day date) returns numeric
language sql stable
as $$
  select coalesce(
    (select r.rate from app_public.rates r
     where r.notification_type = 'sms' and r.valid_from <= app_public.london_midnight(day)
     order by r.valid_from desc limit 1),
    app_private.raise_missing_rate('sms on ' || day))
$$;
comment on function app_private.sms_rate_on(date) is
  'SMS price per fragment on a London day: the latest rates row valid from its London midnight (rates change only at London midnight).';

create or replace function app_private.letter_pdf_key(reference text, postage text, created_at timestamptz) returns text
language sql immutable
as $$
  -- SPEC §4.2: folder = London date of created_at, the next day after the 17:30 cut-off.
  select to_char(((created_at at time zone 'Europe/London') + interval '6 hours 30 minutes')::date, 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.'
      || case coalesce(postage, 'second') when 'first' then '1' when 'second' then '2' when 'economy' then 'ECONOMY'
                                          when 'europe' then 'E' when 'rest-of-world' then 'N' end
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;
comment on function app_private.letter_pdf_key(text, text, timestamptz) is
  'S3 key of a letter''s PDF in the letters PDF bucket (SPEC §4.2).';

--------------------------------------------------------------------------------
-- ft_notification_status (SPEC §4.5)
--------------------------------------------------------------------------------

create or replace function app_private.create_nightly_notification_status(
  day date, notification_types text[] default array['sms', 'email', 'letter']
) returns int
language sql volatile
as $$
  -- One statement = one snapshot of notifications_all_time_view, so rows being archived
  -- at the same moment are counted exactly once. All services at once: the day's rows of
  -- the types are recomputed and compared with what ft already holds; groups that
  -- vanished (a letter moved from sending to delivered) are deleted and changed counts
  -- upserted. Equivalent to SPEC's delete + insert per (day, type, service) in one
  -- transaction, but a re-run with unchanged data writes nothing (same created_at, no
  -- dead tuples). Services whose rows are only in ft (all archived and then changed) are
  -- covered because the fresh set comes from the view, not from notifications alone.
  with fresh as materialized (
    select n.template_id, n.service_id, coalesce(n.job_id, '00000000-0000-0000-0000-000000000000'::uuid) as job_id,
           n.notification_type, n.key_type, n.notification_status, count(*)::int as notification_count
    from app_public.notifications_all_time_view n
    where n.created_at >= app_public.london_midnight(day)
      and n.created_at < app_public.london_midnight(day + 1)
      and n.notification_type = any(notification_types)
      and n.key_type in ('normal', 'team')
    group by 1, 2, 3, 4, 5, 6
  ),
  gone as (
    delete from app_public.ft_notification_status f
    where f.bst_date = day and f.notification_type = any(notification_types)
      and not exists (select 1 from fresh x
                      where (x.template_id, x.service_id, x.job_id, x.notification_type, x.key_type, x.notification_status)
                          = (f.template_id, f.service_id, f.job_id, f.notification_type, f.key_type, f.notification_status))
  ),
  put as (
    insert into app_public.ft_notification_status as f
      (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status, notification_count)
    select day, template_id, service_id, job_id, notification_type, key_type, notification_status, notification_count
    from fresh
    on conflict (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status)
    do update set notification_count = excluded.notification_count, updated_at = now()
      where f.notification_count is distinct from excluded.notification_count
  )
  select count(*)::int from fresh
$$;
comment on function app_private.create_nightly_notification_status(date, text[]) is
  'Rebuild ft_notification_status for a London day and the given types from notifications_all_time_view (normal/team keys, nil-UUID job_id when no job). Vanished groups are deleted, changed counts upserted, in one statement; returns the number of groups. Run by create-nightly-notification-status.';

--------------------------------------------------------------------------------
-- ft_billing (SPEC §4.4)
--------------------------------------------------------------------------------

create or replace function app_private.create_nightly_billing(day date, service_ids uuid[] default null)
returns int
language sql volatile
as $$
  -- Constant columns are literals, never grouped (seed: > 50 % faster). Per type the
  -- groups follow the spec; a final group by the primary key merges groups that map to
  -- the same key (two multipliers that round to the same int, letters whose sheets
  -- happen to price alike) so the upsert never touches a row twice.
  with b as materialized (
    select app_public.london_midnight(day) as lo, app_public.london_midnight(day + 1) as hi,
           app_private.sms_rate_on(day) as sms_rate
  ),
  sms as (
    select n.template_id, n.service_id, 'sms'::text as notification_type, coalesce(n.sent_by, 'unknown') as provider,
           coalesce(n.rate_multiplier, 1)::int as rate_multiplier, coalesce(n.international, false) as international,
           b.sms_rate as rate, 'none'::text as postage,
           sum(n.billable_units)::int as billable_units, count(*)::int as notifications_sent
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'sms'
      and n.notification_status in ('sending', 'sent', 'delivered', 'pending', 'temporary-failure', 'permanent-failure')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by n.template_id, n.service_id, coalesce(n.sent_by, 'unknown'), coalesce(n.rate_multiplier, 1)::int,
             coalesce(n.international, false), b.sms_rate
  ),
  email as (
    select n.template_id, n.service_id, 'email'::text, 'ses'::text, 0, false, 0::numeric, 'none'::text,
           0, count(*)::int
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'email'
      and n.notification_status in ('sending', 'delivered', 'temporary-failure', 'permanent-failure')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by n.template_id, n.service_id
  ),
  letter_groups as (
    select n.template_id, n.service_id, coalesce(n.rate_multiplier, 1)::int as rate_multiplier,
           n.billable_units as sheets, coalesce(n.postage, 'none') as postage,
           coalesce(n.international, false) as international, count(*)::int as notifications_sent
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'letter'
      and n.notification_status in ('sending', 'delivered', 'returned-letter')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by 1, 2, 3, 4, 5, 6
  ),
  letter as (
    -- SPEC §4.2: rate by start_date <= London midnight of the day, crown (services without
    -- the flag count as crown), sheets and postage (none -> second, the default), latest
    -- start first; 0 sheets cost 0. billable_units = sheets x letters.
    select g.template_id, g.service_id, 'letter'::text, 'dvla'::text, g.rate_multiplier, g.international,
           case when g.sheets = 0 then 0::numeric
                else coalesce(lr.rate, app_private.raise_missing_rate(
                  format('letters of %s sheets, %s, on %s', g.sheets, g.postage, day))) end,
           g.postage, g.sheets * g.notifications_sent, g.notifications_sent
    from letter_groups g
    join app_public.services s on s.id = g.service_id
    cross join b
    left join lateral (
      select r.rate from app_public.letter_rates r
      where r.start_date <= b.lo and (r.end_date is null or r.end_date > b.lo)
        and r.crown = coalesce(s.crown, true) and r.sheet_count = g.sheets
        and r.post_class = case g.postage when 'none' then 'second' else g.postage end
      order by r.start_date desc limit 1
    ) lr on true
  ),
  fresh as materialized (
    select template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
           sum(billable_units)::int as billable_units, sum(notifications_sent)::int as notifications_sent
    from (select * from sms union all select * from email union all select * from letter) u
    group by 1, 2, 3, 4, 5, 6, 7, 8
  ),
  gone as (
    delete from app_public.ft_billing f
    where f.bst_date = day
      and (service_ids is null or f.service_id = any(service_ids))
      and not exists (select 1 from fresh x
                      where (x.template_id, x.service_id, x.notification_type, x.provider, x.rate_multiplier,
                             x.international, x.rate, x.postage)
                          = (f.template_id, f.service_id, f.notification_type, f.provider, f.rate_multiplier,
                             f.international, f.rate, f.postage))
  ),
  put as (
    insert into app_public.ft_billing as f
      (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
       billable_units, notifications_sent)
    select day, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
           billable_units, notifications_sent
    from fresh
    on conflict (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage)
    do update set billable_units = excluded.billable_units, notifications_sent = excluded.notifications_sent,
                  updated_at = now()
      where (f.billable_units, f.notifications_sent) is distinct from (excluded.billable_units, excluded.notifications_sent)
  )
  select count(*)::int from fresh
$$;
comment on function app_private.create_nightly_billing(date, uuid[]) is
  'Rebuild ft_billing for a London day (all services, or the given ones) from notifications_all_time_view: billable statuses, normal/team keys, SMS rate by date, letter rate by postage/sheets/crown, email at 0. Upsert on the full primary key and delete groups that vanished, in one statement; returns the number of rows. Run by create-nightly-billing (10 days) and update-ft-billing-for-today (hourly).';

--------------------------------------------------------------------------------
-- Scheduling: one job per day (SPEC §5)
--------------------------------------------------------------------------------

create or replace function app_private.enqueue_nightly_facts(task text, days int default null) returns int
language plpgsql volatile
as $$
declare
  v_today date := app_public.london_date(now());
  v_days int;
  v_day date;
  v_types text[];
begin
  if task not in ('create-nightly-billing', 'create-nightly-notification-status') then
    raise exception 'Unknown nightly task %', task using errcode = 'NTF01';
  end if;
  -- Billing: yesterday and the 9 days before. Status: sms/email are final after 72 h
  -- (yesterday + 3), letters wait up to 9 days at the printer (+ 1).
  v_days := coalesce(days, 10);
  for i in 1..v_days loop
    v_day := v_today - i;
    v_types := case when task = 'create-nightly-notification-status' and i > 4 then array['letter']
                    else array['sms', 'email', 'letter'] end;
    -- job_key dedupes: a day already queued (and not yet started) is replaced, not doubled.
    perform graphile_worker.add_job(
      task,
      json_build_object('day', v_day, 'notification_types', v_types),
      job_key => task || ':' || v_day,
      max_attempts => 5);
  end loop;
  return v_days;
end
$$;
comment on function app_private.enqueue_nightly_facts(text, int) is
  'Queue one create-nightly-billing or create-nightly-notification-status job per London day of the scheduled window (default 10 days back from yesterday; status jobs older than 4 days do letters only), deduplicated by job_key. What the crontab entry runs.';

--------------------------------------------------------------------------------
-- Notification archival (seed 000, SPEC §5.1)
--------------------------------------------------------------------------------

drop function if exists app_private.archive_notifications_batch(text, int, timestamptz);
drop function if exists app_private.archive_notifications_batch(text, int, uuid, timestamptz);
create function app_private.archive_notifications_batch(
  notification_type text,
  batch_size int default 50000,
  after_service_id uuid default null,
  after timestamptz default '-infinity',
  out archived int,
  out deleted_test int,
  out last_service_id uuid,
  out last_created_at timestamptz,
  out letter_pdf_keys text[]
)
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  v_type text := archive_notifications_batch.notification_type;
  v_tids tid[] := '{}';
  v_part tid[];
  v_left int := batch_size;
  svc record;
begin
  if v_type is null or v_type not in ('sms', 'email', 'letter') then
    raise exception 'Unknown notification type %', v_type using errcode = 'NTF01';
  end if;
  if batch_size is null or batch_size < 1 then
    raise exception 'batch_size must be positive' using errcode = 'NTF01';
  end if;
  -- One chunk = the next <= batch_size rows past their service's retention, walking the
  -- keyset (service_id, created_at) from (after_service_id, after): per service an ordered
  -- range scan of ix_notifications_service_type_created_at up to its cutoff, so no row is
  -- read twice (no OFFSET, no re-scan of what earlier chunks left, e.g. letters in progress).
  -- One service per job is SPEC's shape; here one call crosses services to fill the chunk.
  for svc in
    select s.id,
           app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7)) as cutoff
    from app_public.services s
    left join app_public.service_data_retention r on r.service_id = s.id and r.notification_type = v_type
    where s.id >= coalesce(after_service_id, '00000000-0000-0000-0000-000000000000')
    order by s.id
  loop
    select array_agg(x.ctid) into v_part
    from (
      select n.ctid
      from app_public.notifications n
      where n.service_id = svc.id
        and n.notification_type = v_type
        and n.created_at < svc.cutoff
        and (svc.id <> after_service_id or after_service_id is null or n.created_at >= after)
        -- letters still in progress stay (SPEC §3); test-key rows go whatever their status
        and not (v_type = 'letter' and n.key_type <> 'test'
                 and n.notification_status in ('created', 'sending', 'pending-virus-check'))
      order by n.created_at
      limit v_left
    ) x;
    if v_part is not null then
      v_tids := v_tids || v_part;
      v_left := batch_size - cardinality(v_tids);
    end if;
    exit when v_left <= 0;
  end loop;

  -- The rows are deleted (by ctid: no second index descent) and what the DELETE returns is
  -- inserted into history in this one statement/transaction. A row updated after the scan
  -- above has a new ctid, so it is left for the next chunk rather than archived stale; the
  -- UNION ALL view never sees a row twice or not at all.
  -- Upsert: a rerun (or a copy left by an older run) refreshes the history row.
  with del as (
    delete from app_public.notifications n
    where n.ctid = any(v_tids)
    returning n.id, n.job_id, n.job_row_number, n.service_id, n.template_id, n.template_version, n.api_key_id,
              n.key_type, n.billable_units, n.notification_type, n.created_at, n.sent_at, n.sent_by, n.updated_at,
              n.notification_status, n.reference, n.client_reference, n.international, n.phone_prefix,
              n.rate_multiplier, n.created_by_id, n.postage, n.document_download_count
  ),
  ins as (
    insert into app_public.notification_history as h
      (id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type, billable_units,
       notification_type, created_at, sent_at, sent_by, updated_at, notification_status, reference,
       client_reference, international, phone_prefix, rate_multiplier, created_by_id, postage,
       document_download_count)
    select id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type,
           billable_units, notification_type, created_at, sent_at, sent_by, updated_at, notification_status,
           reference, client_reference, international, phone_prefix, rate_multiplier, created_by_id, postage,
           document_download_count
    from del
    where key_type <> 'test'
    on conflict (id) do update set
      notification_status = excluded.notification_status, reference = excluded.reference,
      billable_units = excluded.billable_units, updated_at = excluded.updated_at,
      sent_at = excluded.sent_at, sent_by = excluded.sent_by
  )
  select count(*) filter (where d.key_type <> 'test')::int,
         count(*) filter (where d.key_type = 'test')::int,
         (array_agg(d.service_id order by d.service_id desc, d.created_at desc))[1],
         (array_agg(d.created_at order by d.service_id desc, d.created_at desc))[1],
         case when v_type = 'letter' then
           coalesce(array_agg(app_private.letter_pdf_key(d.reference, d.postage, d.created_at))
                      filter (where d.key_type <> 'test' and d.reference is not null
                              and d.notification_status in ('delivered', 'returned-letter', 'technical-failure',
                                                            'cancelled', 'permanent-failure', 'temporary-failure')),
                    '{}') end
  into archived, deleted_test, last_service_id, last_created_at, letter_pdf_keys
  from del d;
end
$$;
comment on function app_private.archive_notifications_batch(text, int, uuid, timestamptz) is
  'One archival chunk of a type (SPEC §5.1): the next <= batch_size rows, in (service_id, created_at) order from (after_service_id, after), older than their service''s retention (service_data_retention for the type, else 7 days; cutoff at London midnight), letters in progress skipped. normal/team rows are upserted into notification_history and deleted; test-key rows are deleted only. Returns counts, the (last_service_id, last_created_at) to continue from, and for letters the S3 keys of the archived PDFs. Call again with those until archived + deleted_test = 0.';

create index if not exists ix_notifications_service_type_created_at
  on app_public.notifications (service_id, notification_type, created_at);

drop procedure if exists app_private.archive_notifications(text, int, bigint);
create procedure app_private.archive_notifications(
  notification_type text, batch_size int default 50000, inout rows_archived bigint default 0
)
language plpgsql
as $$
declare
  v_service uuid;
  v_after timestamptz := '-infinity';
  r record;
begin
  rows_archived := coalesce(rows_archived, 0);
  loop
    select * into r from app_private.archive_notifications_batch(notification_type, batch_size, v_service, v_after);
    exit when r.archived + r.deleted_test = 0;
    rows_archived := rows_archived + r.archived;
    v_service := r.last_service_id;
    v_after := r.last_created_at;
    commit; -- each chunk is its own transaction: a kill loses at most the current chunk
  end loop;
end
$$;
comment on procedure app_private.archive_notifications(text, int, bigint) is
  'DBA entry point: `call app_private.archive_notifications(''sms'');` archives every chunk of a type, committing after each, and returns rows_archived (history rows written; test-key rows are deleted, not counted). Must be called outside an explicit transaction block. Letter PDFs are removed from S3 only by the archive-notifications task.';

--------------------------------------------------------------------------------
-- Inbound SMS archival (seed 004, SPEC §5.2)
--------------------------------------------------------------------------------

create or replace function app_private.archive_inbound_sms_batch(batch_size int default 10000) returns int
language sql volatile
as $$
  -- Cutoff: London midnight N days ago, N = the service's sms retention, else 7. Rows never
  -- change, so on conflict do nothing: a rerun after a failed delete skips what was copied.
  with cut as materialized (
    select s.id as service_id,
           app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7)) as cutoff
    from app_public.services s
    left join app_public.service_data_retention r on r.service_id = s.id and r.notification_type = 'sms'
  ),
  batch as materialized (
    select i.id, i.created_at, i.service_id, i.notify_number, i.provider_date, i.provider_reference, i.provider
    from app_public.inbound_sms i join cut c on c.service_id = i.service_id
    where i.created_at < (select max(cutoff) from cut) and i.created_at < c.cutoff
    order by i.created_at
    limit batch_size
    for update of i skip locked
  ),
  ins as (
    insert into app_public.inbound_sms_history (id, created_at, service_id, notify_number, provider_date,
                                                provider_reference, provider)
    select id, created_at, service_id, notify_number, provider_date, provider_reference, provider from batch
    on conflict do nothing
  ),
  del as (delete from app_public.inbound_sms i using batch b where i.id = b.id returning 1)
  select count(*)::int from del
$$;
comment on function app_private.archive_inbound_sms_batch(int) is
  'One inbound SMS archival chunk (SPEC §5.2): up to batch_size texts past retention copied to inbound_sms_history without number/content (on conflict do nothing) and deleted. Returns rows moved; 0 when done.';

drop procedure if exists app_private.archive_inbound_sms(int, bigint);
create procedure app_private.archive_inbound_sms(batch_size int default 10000, inout rows_archived bigint default 0)
language plpgsql
as $$
declare
  v_moved int;
begin
  rows_archived := coalesce(rows_archived, 0);
  loop
    v_moved := app_private.archive_inbound_sms_batch(batch_size);
    exit when v_moved = 0;
    rows_archived := rows_archived + v_moved;
    commit;
  end loop;
end
$$;
comment on procedure app_private.archive_inbound_sms(int, bigint) is
  'DBA entry point: `call app_private.archive_inbound_sms();` moves every inbound text past retention in chunks of 10 000, committing after each; returns rows_archived.';

--------------------------------------------------------------------------------
-- Usage reports (SPEC §4.6)
--------------------------------------------------------------------------------

drop function if exists app_private.usage_rows(uuid[], int);
create or replace function app_private.usage_rows(
  service_ids uuid[], financial_year int, notification_types text[] default array['sms', 'email', 'letter']
)
returns table (
  service_id uuid, bst_date date, notification_type text, rate numeric, postage text,
  notifications_sent bigint, chargeable_units bigint, free_allowance bigint, free_allowance_used bigint,
  charged_units bigint, cost numeric, free_allowance_left bigint
)
language sql stable
as $$
  with ab as materialized (
    -- the year's allowance; the default for the organisation type when the row is missing
    -- (annual_billing_for_year creates it; a report must not write)
    select s.id as service_id,
           coalesce(a.free_sms_fragment_limit,
                    app_public.default_free_sms_allowance(s.organisation_type, usage_rows.financial_year))::bigint
             as free_allowance
    from app_public.services s
    left join app_public.annual_billing a on a.service_id = s.id and a.financial_year_start = usage_rows.financial_year
    where s.id = any(service_ids)
  ),
  sms as (
    select f.service_id, f.bst_date, f.rate, f.postage, f.notifications_sent::bigint as notifications_sent,
           f.billable_units::bigint * f.rate_multiplier as chargeable_units,
           -- ROWS, not RANGE: a day has several rows (templates, providers, multipliers).
           -- Under RANGE all rows of one bst_date are peers sharing one frame, so each would
           -- see the same units used before it and the day's rows would spend the remaining
           -- allowance twice; ROWS grows the running total row by row inside a day too. The
           -- tiebreak after bst_date only makes the row order (and so which row shows the
           -- free units) stable: one rate per day means per-rate totals do not depend on it.
           coalesce(sum(f.billable_units * f.rate_multiplier) over (  -- int4 sum: bigint state, no numeric
             partition by f.service_id
             order by f.bst_date, f.template_id, f.provider, f.rate_multiplier, f.international
             rows between unbounded preceding and 1 preceding), 0)::bigint as used_before
    from app_public.ft_billing f
    where f.service_id = any(service_ids) and f.notification_type = 'sms' and 'sms' = any(notification_types)
      and f.bst_date between make_date(usage_rows.financial_year, 4, 1) and make_date(usage_rows.financial_year + 1, 3, 31)
  ),
  -- the allowance is joined after the window (a tiny materialized set, whatever the plan)
  sms_left as (
    select x.*, ab.free_allowance, greatest(ab.free_allowance - x.used_before, 0) as left_before
    from sms x join ab on ab.service_id = x.service_id
  )
  select service_id, bst_date, 'sms'::text, rate, postage, notifications_sent, chargeable_units, free_allowance,
         least(left_before, chargeable_units),
         greatest(chargeable_units - left_before, 0),
         greatest(chargeable_units - left_before, 0) * rate,
         greatest(left_before - chargeable_units, 0)
  from sms_left
  union all
  select f.service_id, f.bst_date, f.notification_type, f.rate, f.postage, f.notifications_sent,
         case f.notification_type when 'letter' then f.notifications_sent else f.billable_units end,
         null, 0,
         case f.notification_type when 'letter' then f.notifications_sent else f.billable_units end,
         case f.notification_type when 'letter' then f.notifications_sent * f.rate else 0 end,
         null
  from app_public.ft_billing f
  where f.service_id = any(service_ids) and f.notification_type in ('email', 'letter')
    and f.notification_type = any(notification_types)
    and f.bst_date between make_date(usage_rows.financial_year, 4, 1) and make_date(usage_rows.financial_year + 1, 3, 31)
$$;
comment on function app_private.usage_rows(uuid[], int, text[]) is
  'SPEC §4.6 building block: one row per ft_billing row of the services in the financial year with chargeable units, free allowance used (SMS window over the year, ROWS frame), charged units and cost. Callers check permissions.';

create or replace function app_hidden.assert_can_see_service(service_id uuid) returns void
language plpgsql stable
as $$
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(service_id) then
    raise exception 'Service % not found', service_id using errcode = 'NTF04';
  end if;
end
$$;
comment on function app_hidden.assert_can_see_service(uuid) is
  'NTF04 unless the caller is trusted (DBA, worker, API server) or the request user is on the service''s team (or a platform admin): reports do not reveal which services exist.';

create or replace function app_public.service_usage_for_year(service_id uuid, financial_year int)
returns table (
  month date, notification_type text, rate numeric, postage text, chargeable_units bigint,
  notifications_sent bigint, free_allowance_used bigint, charged_units bigint, cost numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(service_usage_for_year.service_id);
  -- Today's rows come from the hourly update-ft-billing-for-today task: a report stays
  -- read-only (a GraphQL query, not a mutation).
  return query
  select date_trunc('month', u.bst_date)::date, u.notification_type, u.rate, u.postage,
         sum(u.chargeable_units)::bigint, sum(u.notifications_sent)::bigint, sum(u.free_allowance_used)::bigint,
         sum(u.charged_units)::bigint, sum(u.cost)
  from app_private.usage_rows(array[service_usage_for_year.service_id], service_usage_for_year.financial_year) u
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4;
end
$$;
comment on function app_public.service_usage_for_year(uuid, int) is
  'A service''s usage in a financial year, one row per month, type, rate and postage: chargeable units (SMS fragments x multiplier; letters and emails = count), notifications sent, free SMS allowance used (spent on the earliest rows of the year), charged units and cost in pounds. Team members and platform admins.';

create or replace function app_public.service_annual_usage_for_year(service_id uuid, financial_year int)
returns table (
  notification_type text, rate numeric, chargeable_units bigint, notifications_sent bigint,
  free_allowance_used bigint, charged_units bigint, cost numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(service_annual_usage_for_year.service_id);
  return query
  select u.notification_type, u.rate,
         sum(u.chargeable_units)::bigint, sum(u.notifications_sent)::bigint, sum(u.free_allowance_used)::bigint,
         sum(u.charged_units)::bigint, sum(u.cost)
  from app_private.usage_rows(array[service_annual_usage_for_year.service_id], service_annual_usage_for_year.financial_year) u
  group by 1, 2
  order by 1, 2;
end
$$;
comment on function app_public.service_annual_usage_for_year(uuid, int) is
  'A service''s usage totals for a financial year per type and rate (SPEC §4.6 annual). Same columns as service_usage_for_year without month and postage.';

create or replace function app_public.organisation_sms_usage_for_year(organisation_id uuid, financial_year int)
returns table (
  service_id uuid, service_name text, free_sms_limit bigint, sms_remainder bigint,
  chargeable_units bigint, charged_units bigint, cost numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_services uuid[];
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin() and not exists (
    select 1 from app_public.user_to_organisation uo
    where uo.organisation_id = organisation_sms_usage_for_year.organisation_id
      and uo.user_id = app_public.current_user_id()) then
    raise exception 'Organisation % not found', organisation_sms_usage_for_year.organisation_id using errcode = 'NTF04';
  end if;
  select coalesce(array_agg(s.id), '{}') into v_services
  from app_public.services s
  where s.organisation_id = organisation_sms_usage_for_year.organisation_id and not s.restricted;
  -- The window in usage_rows is partitioned by service, so each service spends its own
  -- allowance; services without SMS rows still appear with their whole allowance left.
  return query
  with u as (
    select u.service_id, max(u.free_allowance) as free_allowance, min(u.free_allowance_left) as free_allowance_left,
           sum(u.chargeable_units) as chargeable_units, sum(u.charged_units) as charged_units, sum(u.cost) as cost
    from app_private.usage_rows(v_services, organisation_sms_usage_for_year.financial_year, array['sms']) u
    where u.notification_type = 'sms'
    group by u.service_id
  )
  select s.id, s.name::text,
         coalesce(u.free_allowance, ab.free_allowance)::bigint,
         coalesce(u.free_allowance_left, ab.free_allowance)::bigint,
         coalesce(u.chargeable_units, 0)::bigint,
         coalesce(u.charged_units, 0)::bigint,
         coalesce(u.cost, 0)
  from app_public.services s
  left join u on u.service_id = s.id
  cross join lateral (
    select coalesce(
      (select a.free_sms_fragment_limit from app_public.annual_billing a
       where a.service_id = s.id and a.financial_year_start = organisation_sms_usage_for_year.financial_year),
      app_public.default_free_sms_allowance(s.organisation_type, organisation_sms_usage_for_year.financial_year))
      as free_allowance
  ) ab
  where s.id = any(v_services)
  order by s.name;
end
$$;
comment on function app_public.organisation_sms_usage_for_year(uuid, int) is
  'SMS usage of an organisation''s live services in a financial year, one row per service (services without SMS included): free allowance, allowance left, chargeable units, charged units, cost. Organisation members and platform admins.';

create or replace function app_public.annual_billing_for_year(service_id uuid, financial_year_start int default null)
returns app_public.annual_billing
language sql volatile
as $$
  select * from app_hidden.ensure_annual_billing(service_id, financial_year_start)
$$;
comment on function app_public.annual_billing_for_year(uuid, int) is
  'GET free-sms-fragment-limit for a year (default current): the annual_billing row, created with the SPEC §4.7 default when missing. Set it with set_annual_billing.';

--------------------------------------------------------------------------------
-- Returned letters (SPEC §4.10)
--------------------------------------------------------------------------------

create or replace function app_public.returned_letter_summary(service_id uuid)
returns table (returned_letter_count int, most_recent_report timestamp)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(returned_letter_summary.service_id);
  -- Two index probes on (service_id, reported_at): the count of the last 7 days and the
  -- latest report, without reading the letters themselves.
  return query
  select (select count(*)::int from app_public.returned_letters r
          where r.service_id = returned_letter_summary.service_id
            and r.reported_at > app_public.london_date(now()) - 7),
         (select max(r.reported_at)::timestamp from app_public.returned_letters r
          where r.service_id = returned_letter_summary.service_id);
end
$$;
comment on function app_public.returned_letter_summary(uuid) is
  'Dashboard summary of returned letters: how many were reported in the last 7 London days and when the latest report was (null if never). Its own cheap query (seed 000).';

create or replace function app_private.process_returned_letters(letter_references text[]) returns int
language plpgsql volatile
as $$
declare
  v_count int;
begin
  if cardinality(letter_references) > 5000 then
    raise exception 'At most 5000 references per call (got %)', cardinality(letter_references) using errcode = 'NTF01';
  end if;
  -- Status -> returned-letter wherever the letter is (live or archived), then record it;
  -- a letter reported again gets its reported_at refreshed.
  with refs as (
    select distinct r from unnest(letter_references) r where r is not null
  ),
  live as (
    update app_public.notifications n set notification_status = 'returned-letter', updated_at = now()
    from refs where n.reference = refs.r and n.notification_type = 'letter'
    returning n.id, n.service_id
  ),
  hist as (
    update app_public.notification_history n set notification_status = 'returned-letter', updated_at = now()
    from refs where n.reference = refs.r and n.notification_type = 'letter'
    returning n.id, n.service_id
  ),
  found as (select id, service_id from live union select id, service_id from hist),
  put as (
    insert into app_public.returned_letters (reported_at, service_id, notification_id)
    select app_public.london_date(now()), service_id, id from found
    on conflict (notification_id) do update set reported_at = excluded.reported_at, updated_at = now()
    returning 1
  )
  select count(*)::int into v_count from put;
  return v_count;
end
$$;
comment on function app_private.process_returned_letters(text[]) is
  'Ingest a list of returned letter references from the printer (<= 5000 per call, NTF01 otherwise): status returned-letter in notifications and notification_history, upsert returned_letters with today''s London date. Returns letters recorded.';

--------------------------------------------------------------------------------
-- Template statistics (SPEC §4.8)
--------------------------------------------------------------------------------

create or replace function app_public.template_last_used(template_id uuid) returns timestamptz
language sql stable
as $$
  -- The live table holds the newest use, so look there first (index (template_id,
  -- created_at) read backwards); else the latest day in the facts, as the London midnight
  -- starting that day. security invoker: row level security hides other services.
  select coalesce(
    (select max(n.created_at) from app_public.notifications n
     join app_public.templates t on t.id = n.template_id and t.service_id = n.service_id
     where n.template_id = template_last_used.template_id and n.key_type <> 'test'),
    (select app_public.london_midnight(max(f.bst_date)) from app_public.ft_notification_status f
     where f.template_id = template_last_used.template_id and f.key_type <> 'test'))
$$;
comment on function app_public.template_last_used(uuid) is
  'When a template was last used by a non-test notification: the newest created_at in notifications, else the London midnight of its latest day in ft_notification_status, else null (SPEC §4.8).';

create or replace function app_public.template_usage(service_id uuid, days int default 7)
returns table (template_id uuid, template_name text, template_type text, is_precompiled_letter boolean,
               notification_count bigint, last_used date)
language sql stable
as $$
  -- The last `days` London days: the facts for the whole days before today, the live
  -- table for today (not aggregated yet). Non-test keys. security invoker (RLS).
  with counts as (
    select f.template_id, sum(f.notification_count)::bigint as n, max(f.bst_date) as last_day
    from app_public.ft_notification_status f
    where f.service_id = template_usage.service_id
      and f.bst_date >= app_public.london_date(now()) - greatest(template_usage.days - 1, 0)
      and f.bst_date < app_public.london_date(now())
      and f.key_type <> 'test'
    group by f.template_id
    union all
    select n.template_id, count(*), app_public.london_date(now())
    from app_public.notifications n
    where n.service_id = template_usage.service_id
      and n.created_at >= app_public.london_midnight(app_public.london_date(now()))
      and n.key_type <> 'test'
      and template_usage.days >= 1
    group by n.template_id
  )
  select c.template_id, t.name::text, t.template_type, (t.hidden and t.template_type = 'letter'),
         sum(c.n)::bigint, max(c.last_day)
  from counts c join app_public.templates t on t.id = c.template_id
  group by c.template_id, t.name, t.template_type, t.hidden
  order by sum(c.n) desc, t.name
$$;
comment on function app_public.template_usage(uuid, int) is
  'How often each template of a service was used in the last `days` London days including today (non-test): count and latest day, most used first.';

--------------------------------------------------------------------------------
-- Privileges: app_public to the request role (each function checks or relies on RLS),
-- app_private to nobody (owner, DBA, worker).
--------------------------------------------------------------------------------

revoke execute on all functions in schema app_private from public;
grant execute on function
  app_public.service_usage_for_year(uuid, int),
  app_public.service_annual_usage_for_year(uuid, int),
  app_public.organisation_sms_usage_for_year(uuid, int),
  app_public.annual_billing_for_year(uuid, int),
  app_public.returned_letter_summary(uuid),
  app_public.template_last_used(uuid),
  app_public.template_usage(uuid, int),
  app_hidden.assert_can_see_service(uuid)
to notify_user;

--------------------------------------------------------------------------------
-- notification_history is an archive written only from notifications, whose own
-- foreign keys already held when each row was created. Checking them again for
-- every archived row (one lock and one index probe per key per row) was half the
-- cost of archival, so the archive keeps the columns and their indexes but not
-- the constraints. Its rows outlive templates and keys in the same way Notify's do.
--------------------------------------------------------------------------------
alter table app_public.notification_history
  drop constraint if exists notification_history_job_id_fkey,
  drop constraint if exists notification_history_service_id_fkey,
  drop constraint if exists notification_history_api_key_id_fkey,
  drop constraint if exists notification_history_template_version_fk;
drop index if exists app_public.ix_notification_history_api_key_id;
-- Every archived row pays for every index of the archive (about three buffer visits per
-- btree), so it keeps only what its readers use: the primary key (upsert), per-service
-- reports (service composite), per-day facts across services (created_at: a btree, since a
-- backlog archived service by service leaves a day's rows spread over the table, which
-- defeats a BRIN index), jobs (partial), and provider references of emails (complaints) and
-- letters (returned letters); text-message references are only looked up while
-- notifications are live. Template usage reads ft_notification_status.
drop index if exists app_public.ix_notification_history_template_id;
drop index if exists app_public.ix_notification_history_created_at_brin;
drop index if exists app_public.ix_notification_history_reference;
create index if not exists ix_notification_history_email_letter_reference
  on app_public.notification_history (reference)
  where notification_type in ('email', 'letter') and reference is not null;
comment on table app_public.notification_history is
  'Notifications past their retention, without personal data (no to, normalised_to, personalisation, reply_to_text). Written only by archival (insert … on conflict do update, then delete from notifications). No foreign keys: rows were checked when created in notifications, and re-checking each archived row halved archival speed.';

-- An index no query needs (each one costs every insert and every status update on the hot path):
-- api_key_id. API keys are revoked (expiry_date), not deleted, so its ON DELETE SET NULL does not
-- search notifications; only a hard delete of a service (whose keys cascade) would scan them.
drop index if exists app_public.ix_notifications_api_key_id;
-- (job_id, job_row_number) stays unique, but only rows of a CSV job are indexed: API rows (job_id
-- null, never in conflict) no longer add an entry on every insert and status change.
-- ON CONFLICT on it needs the predicate: on conflict (job_id, job_row_number) where job_id is not null.
create unique index if not exists uix_notifications_job_row_partial
  on app_public.notifications (job_id, job_row_number) where job_id is not null;
alter table app_public.notifications drop constraint if exists uix_notifications_job_row;
