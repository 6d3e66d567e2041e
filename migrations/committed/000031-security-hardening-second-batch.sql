--! Previous: sha1:f359b9ecf222a3e8c9e30c281fec04ee6c082fa0
--! Hash: sha1:56ae7f99379655436692cd2343bf10e6a3266221
--! Message: security hardening second batch

--! split: 1-current.sql
-- The URL of a callback is checked by set_service_callback_api only: a column grant let a user change it
-- directly (to http://, a private address, credentials in the URL).
revoke update (url) on app_public.service_callback_api from notify_user;

-- notify_api: the role the v2 REST API logs in as (it used the owner's connection). It may read what the API
-- reads and call the functions the API calls, nothing more: writes go through security definer functions
-- (create_notifications and the like), which check what they are given. Roles are cluster-wide, hence the guard.
do $$
begin
  if not exists (select from pg_roles where rolname = 'notify_api') then
    create role notify_api with login noinherit;
  end if;
end
$$;
grant usage on schema app_public, app_hidden to notify_api;
-- For app_private.decrypt (personalisation of GET notifications) and letter_pdf_key only: no table there is
-- granted to it.
grant usage on schema app_private to notify_api;
grant select on app_public.services, app_public.service_permissions, app_public.service_sms_senders,
  app_public.service_email_reply_to, app_public.service_letter_contacts, app_public.service_whitelist,
  app_public.templates, app_public.templates_history, app_public.notifications, app_public.rates,
  app_public.letter_rates
  to notify_api;
-- Users: the API shows who created a template or notification and checks trial-mode recipients against the team;
-- never passwords or other personal columns.
grant select (id, name, email_address, mobile_number) on app_public.users to notify_api;
grant select (user_id, service_id) on app_public.user_to_service to notify_api;
-- Row level security is on for every app_public table; the API's key check (service_api_keys, by service) and
-- its queries (by the caller's service id) decide which rows are the caller's.
do $$
declare
  t text;
begin
  foreach t in array array['services', 'service_permissions', 'service_sms_senders', 'service_email_reply_to',
    'service_letter_contacts', 'service_whitelist', 'templates', 'templates_history', 'notifications', 'rates',
    'letter_rates', 'users', 'user_to_service']
  loop
    execute format('drop policy if exists api_read on app_public.%I', t);
    execute format('create policy api_read on app_public.%I for select to notify_api using (true)', t);
  end loop;
end
$$;

--! Included callbacks/set_service_callback_api.sql
create or replace function app_public.set_service_callback_api(
  service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid default null
) returns app_public.service_callback_api
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_url text := btrim(set_service_callback_api.url);
  v_row app_public.service_callback_api;
begin
  select * into v_service from app_public.services s where s.id = set_service_callback_api.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id)) then
    raise exception 'Service % not found', set_service_callback_api.service_id using errcode = 'NTF04';
  end if;
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id, 'manage_settings') then
    raise exception 'Permission denied: manage_settings needed on service %', v_service.id using errcode = 'NTF03';
  end if;
  if not exists (select 1 from app_public.service_callback_type t where t.name = set_service_callback_api.callback_type) then
    raise exception 'Invalid callback type ''%''', set_service_callback_api.callback_type using errcode = 'NTF01';
  end if;
  if v_url is null or not (v_url ~ '^https://[^/[:space:]]+' or v_url ~ '^http://(localhost|127\.0\.0\.1)([:/]|$)') then
    raise exception 'url is not a valid https url' using errcode = 'NTF01';
  end if;
  -- A user name or password in the URL would be sent to whatever host it really names
  -- (https://trusted.example@other.example/): the bearer token is the only credential callbacks carry.
  if v_url ~ '^[a-z]+://[^/?#]*@' then
    raise exception 'url must not contain a user name or password' using errcode = 'NTF01';
  end if;
  if set_service_callback_api.bearer_token is null or char_length(set_service_callback_api.bearer_token) < 10 then
    raise exception 'bearer_token must be at least 10 characters' using errcode = 'NTF01';
  end if;
  insert into app_public.service_callback_api (service_id, url, bearer_token, callback_type, updated_by_id)
  values (v_service.id, v_url, app_private.encrypt(set_service_callback_api.bearer_token), set_service_callback_api.callback_type,
          coalesce(app_public.current_user_id(), set_service_callback_api.updated_by_id, v_service.created_by_id))
  on conflict (service_id, callback_type) do update
    set url = excluded.url, bearer_token = excluded.bearer_token, updated_by_id = excluded.updated_by_id
  returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.set_service_callback_api(uuid, text, text, text, uuid) is 'Create or replace a service''s callback of a type (delivery_status, complaint, returned_letter, inbound_sms). https only (http allowed for localhost in development), no user name or password in it; token >= 10 characters, stored encrypted. Needs manage_settings.';
revoke all on function app_public.set_service_callback_api(uuid, text, text, text, uuid) from public;
grant execute on function app_public.set_service_callback_api(uuid, text, text, text, uuid) to notify_user;
--! EndIncluded callbacks/set_service_callback_api.sql
--! Included delivery/apply_delivery_receipts.sql
create or replace function app_hidden.apply_delivery_receipts(receipts jsonb)
returns table (reference text, notification_id uuid, outcome text)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
  with r as (
    select e.ord, e.j->>'reference' as reference, coalesce((e.j->>'by_id')::boolean, true) as by_id, e.j->>'status' as status,
           coalesce((e.j->>'soften')::boolean, false) as soften, e.j->>'provider' as provider,
           -- The channel the receipt came in on: an SMS provider's receipt naming an email notification (or the
           -- other way round) is forged or misrouted and finds nothing. Receipts queued without it: by provider.
           coalesce(e.j->>'channel', case when e.j->>'provider' in ('ses', 'email-stub', 'smtp') then 'email' else 'sms' end)
             as channel
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
        and a.notification_type = r.channel
      offset 0 -- not flattened into a join: stays a parameterised index probe
    ) a on true
    left join lateral (
      select b.id, b.notification_status from app_public.notifications b
      where not r.by_id and b.reference = r.reference and b.notification_type = r.channel
      offset 0
    ) b on true
  ), wanted as (
    -- One change per notification (the last receipt of the batch wins); its current status decides what may move.
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
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_custom_plan;
-- Hot-path functions look notifications up by primary key only. A generic plan cached while the
-- table was small (a fresh database, a quiet night) hash-joined a sequential scan of the whole
-- table on every later call (bench/api.ts: 5M rows read for 10k notifications).
alter function app_hidden.apply_delivery_receipts(jsonb) set enable_seqscan = off;
-- Receipts: a generic plan. The custom plan made on every call (plan_cache_mode =
-- force_custom_plan, 000002) was a third of the call (11.8 → 6.2 ms for ~75 receipts); with
-- enable_seqscan off (000004) the generic plan probes the primary key / reference index per receipt.
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_generic_plan;
comment on function app_hidden.apply_delivery_receipts(jsonb) is
  'Applies provider delivery receipts, a JSON array of {reference, by_id (reference is our notification id; false: the provider''s own reference, e.g. SES message id), status (ours, already mapped), soften (firetext: a permanent failure without code on a pending row becomes temporary), channel (sms | email: a receipt finds only notifications of its channel; default from provider)}. By id only created/sending/pending/sent/pending-virus-check rows move, by reference only sending/pending; anything else is ignored, so repeats are harmless. Returns per receipt: updated | duplicate | ignored | not-found.';
revoke all on function app_hidden.apply_delivery_receipts(jsonb) from public;
grant execute on function app_hidden.apply_delivery_receipts(jsonb) to notify_authenticator;
--! EndIncluded delivery/apply_delivery_receipts.sql
--! Included notifications/create_notifications.sql
-- Template letters now have a PDF made (tasks/create-letter-pdf.ts, into the letters PDF bucket:
-- GET /v2/notifications/{id}/pdf serves it) and precompiled ones are scanned
-- (tasks/scan-letter.ts: pending-virus-check → created, virus-scan-failed or validation-failed).
-- create_notifications queues those jobs in the same transaction as the rows, as it does delivery.
-- It is the one function that inserts notifications, so it also enforces who may send what to whom
-- (the v2 API checks the same first, from its cache): psql, a CSV job or GraphQL cannot get round it.
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
  v_problem text[];
begin
  -- Referential integrity, checked once per distinct service / key / template version of the batch
  -- (the table's foreign keys to them were dropped: their per-row checks cost more than the insert);
  -- and that the template and the key are the service's own and the key type is the key's, so that
  -- no caller (a DBA with psql included) can send from another service's template or claim a test
  -- key's freedom from trial mode. Rows from the doors without a key (GraphQL, the CLI) are 'normal'.
  select case when s.id is null then array['23503', format('service %s does not exist', r.service_id)]
              when t.id is null
                then array['23503', format('version %s of template %s does not exist', r.template_version, r.template_id)]
              when r.api_key_id is not null and k.id is null
                then array['23503', format('API key %s does not exist', r.api_key_id)]
              when t.service_id <> r.service_id
                then array['23514', format('template %s is not a template of service %s', r.template_id, r.service_id)]
              when k.service_id <> r.service_id
                then array['23514', format('API key %s is not a key of service %s', r.api_key_id, r.service_id)]
              when k.key_type <> r.key_type
                then array['23514', format('key_type %s is not the type of API key %s (%s)', r.key_type, k.id, k.key_type)]
              when r.api_key_id is null and r.key_type <> 'normal'
                then array['23514', format('key_type %s needs its API key (api_key_id)', r.key_type)]
         end
  into v_problem
  from (select distinct x.service_id, x.api_key_id, coalesce(x.key_type, 'normal') as key_type, x.template_id,
                        x.template_version
        from jsonb_to_recordset(items)
             as x(service_id uuid, api_key_id uuid, key_type text, template_id uuid, template_version integer)) r
  left join app_public.services s on s.id = r.service_id
  left join app_public.templates_history t on t.id = r.template_id and t.version = r.template_version
  left join app_public.api_keys k on k.id = r.api_key_id
  where s.id is null or t.id is null or t.service_id <> r.service_id
     or (r.api_key_id is null and r.key_type <> 'normal')
     or (r.api_key_id is not null and (k.id is null or k.service_id <> r.service_id or k.key_type <> r.key_type))
  limit 1;
  if v_problem is not null then
    raise exception 'create_notifications: %', v_problem[2] using errcode = v_problem[1];
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
           coalesce(r.persist, true) as persist, r.created_at, r.job_id, r.job_row_number,
           -- A CSV row already stored (a restarted job) is skipped before anything is counted; a
           -- concurrent insert of the same row is caught by the unique index below.
           r.job_id is not null and exists (select from app_public.notifications n
                                            where n.job_id = r.job_id and n.job_row_number = r.job_row_number)
             as already_stored
    from rows from (jsonb_to_recordset(items) as (
      id uuid, service_id uuid, api_key_id uuid, key_type text, notification_type text, template_id uuid,
      template_version integer, "to" text, normalised_to text, personalisation jsonb, client_reference text,
      billable_units integer, international boolean, phone_prefix text, rate_multiplier numeric,
      reply_to_text text, postage text, status text, reference text, scheduled_for timestamptz,
      one_click_unsubscribe_url text, created_by_id uuid, persist boolean, created_at timestamptz,
      job_id uuid, job_row_number integer))
      with ordinality as r(id, service_id, api_key_id, key_type, notification_type, template_id,
      template_version, "to", normalised_to, personalisation, client_reference,
      billable_units, international, phone_prefix, rate_multiplier,
      reply_to_text, postage, status, reference, scheduled_for,
      one_click_unsubscribe_url, created_by_id, persist, created_at, job_id, job_row_number, n)
  ), svc as materialized (
    select s.id, s.active, s.restricted, s.rate_limit, s.sms_message_limit, s.email_message_limit,
           s.letter_message_limit, s.international_sms_message_limit,
           array(select p.permission from app_public.service_permissions p where p.service_id = s.id) as permissions
    from app_public.services s where s.id in (select distinct b.service_id from b)
  ), allowed as materialized (
    -- Trial mode's recipients (a restricted service's normal key, or any team key): the team's mobile
    -- numbers and email addresses and the guest list, normalised as normalised_to is. Read only when
    -- a row needs them (the CASE below reaches this CTE for those rows alone).
    select a.service_id, a.kind, app_hidden.normalise_recipient(a.kind, a.recipient) as recipient
    from (
    select uts.service_id, v.kind, v.recipient
    from app_public.user_to_service uts join app_public.users u on u.id = uts.user_id
    cross join lateral (values ('sms', u.mobile_number), ('email', u.email_address::text)) v(kind, recipient)
    where uts.service_id in (select s.id from svc s)
    union all
    select g.service_id, case g.recipient_type when 'mobile' then 'sms' else g.recipient_type end, g.recipient
    from app_public.service_whitelist g
    where g.service_id in (select s.id from svc s)
    ) a
  ), rate_used as materialized (
    -- (a) Rate limit per service and key type over the last 60 seconds (accepted requests, test
    -- keys and simulated recipients included, as Notify's token bucket is taken from before the
    -- recipient is looked at): this window's count plus the previous window's, weighted by how much
    -- of it is still within 60 s (fixed windows alone let twice the limit through across a boundary).
    select g.service_id, g.key_type,
           coalesce((select coalesce(sum(c.requests) filter (where c.window_start = v_window), 0)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = v_window - interval '60 seconds'), 0) * (1 - v_elapsed))
                     from app_private.rate_limit_counters c
                     where c.service_id = g.service_id and c.key_type = g.key_type
                       and c.window_start in (v_window, v_window - interval '60 seconds')), 0)::integer as used
    from (select distinct b.service_id, b.key_type from b) g
  ), rated as materialized (
    select g.*,
           -- Rows of a CSV job are not rate limited (Notify limits API requests; a job is checked
           -- against the daily limit as a whole before it starts).
           case when g.refusal is null and g.job_id is null
                     and u.used + row_number() over (partition by g.service_id, g.key_type,
                                                                  g.refusal is null and g.job_id is null
                                                     order by g.ord) > g.rate_limit
                then format('Exceeded rate limit for key type %s of %s requests per 60 seconds',
                            -- Normal keys are "live" in Notify's documentation and messages (app/v2/errors.py).
                            case g.key_type when 'normal' then 'LIVE' else upper(g.key_type) end, g.rate_limit)
           end as rate_message
    from (
      -- Who may send what to whom, in the v2 API's order; a refused row is neither counted nor stored.
      -- refused: 400 BadRequestError; forbidden: 403 BadRequestError; invalid: 400 ValidationError;
      -- inactive: 403 AuthError (the API's messages, from notifications-api app/notifications/validators.py,
      -- app/v2/notifications/post_notifications.py and app/authentication/auth.py).
      select b.*, s.rate_limit, s.restricted,
             case b.notification_type when 'sms' then s.sms_message_limit when 'email' then s.email_message_limit
                                      else s.letter_message_limit end as day_limit,
             s.international_sms_message_limit as intl_day_limit,
             case
               when b.already_stored then array['skipped', format('Row %s of job %s is already stored',
                                                                  b.job_row_number, b.job_id)]
               when not s.active then array['inactive', 'Invalid token: service is archived']
               when not b.notification_type = any (s.permissions)
                 then array['refused', 'Service is not allowed to send '
                      || case b.notification_type when 'sms' then 'text messages' when 'email' then 'emails'
                         else 'letters' end]
               when b.notification_type = 'letter' and b.key_type = 'team'
                 then array['forbidden', 'Cannot send letters with a team api key']
               when b.notification_type = 'letter' and s.restricted and b.key_type <> 'test'
                 then array['forbidden', 'Cannot send letters when service is in trial mode']
               -- A letter abroad fails the address check when the service may not send abroad.
               when b.notification_type = 'letter' and b.postage in ('europe', 'rest-of-world')
                    and not 'international_letters' = any (s.permissions)
                 then array['invalid', 'Must be a real UK postcode']
               when b.channel = 'international_sms' and not 'international_sms' = any (s.permissions)
                 then array['refused', 'Cannot send to international mobile numbers']
               when b.notification_type in ('sms', 'email')
                    and (b.key_type = 'team' or (b.key_type = 'normal' and s.restricted))
                    and not exists (select 1 from allowed a
                                    where a.service_id = b.service_id and a.kind = b.notification_type
                                      and a.recipient = app_hidden.normalise_recipient(b.notification_type, b."to"))
                 then case when b.key_type = 'team'
                           then array['refused', 'Can’t send to this recipient using a team-only API key']
                           else array['refused', 'Can’t send to this recipient when service is in trial mode – '
                                'see https://www.notifications.service.gov.uk/trial-mode'] end
             end as refusal
      from b join svc s on s.id = b.service_id
      -- Not flattened into the query above: the CASE is worked out once per row, not once per use.
      offset 0
    ) g
    left join rate_used u on u.service_id = g.service_id and u.key_type = g.key_type and g.refusal is null
                          and g.job_id is null
  ), day_used as materialized (
    -- (b) Daily limits per notification type, and for texts abroad the international_sms limit as
    -- well: Notify checks and counts an international text against both (sms first). Test keys are
    -- exempt.
    select g.service_id, g.channel,
           coalesce((select sum(c.sent) from app_private.daily_limit_counters c
                     where c.service_id = g.service_id and c.day = v_day and c.channel = g.channel), 0) as used
    from (select distinct r.service_id, x.channel from rated r
          cross join lateral (select r.notification_type union all
                              select 'international_sms' where r.channel = 'international_sms') x(channel)
          where r.refusal is null and r.rate_message is null and r.key_type <> 'test') g
  ), decided as materialized (
    select r.*,
           case when r.refusal is not null then r.refusal[1]
                when r.rate_message is not null then 'rate_limit'
                when r.day_position > r.day_limit or r.intl_day_position > r.intl_day_limit
                  then 'daily_limit' end as outcome,
           case when r.refusal is not null then r.refusal[2]
                when r.rate_message is not null then r.rate_message
                when r.day_position > r.day_limit
                  then format('Exceeded send limits (%s: %s) for today', r.notification_type, r.day_limit)
                when r.intl_day_position > r.intl_day_limit
                  then format('Exceeded send limits (international_sms: %s) for today', r.intl_day_limit) end
             as message
    from (
      -- A simulated recipient is checked against the daily limit but not counted toward it (Notify
      -- increments its daily count only for rows it persists): its position is the stored rows before
      -- it, plus one. (Within one batch, a text abroad refused by the international limit still moves
      -- later texts' sms position on by one: the batch is then at most that much stricter.)
      select r.*, d.used + count(*) filter (where r.persist)
                             over (partition by r.service_id, r.notification_type, d.used is not null order by r.ord)
                         + case when r.persist then 0 else 1 end as day_position,
             i.used + count(*) filter (where r.persist)
                        over (partition by r.service_id, r.channel, i.used is not null order by r.ord)
                    + case when r.persist then 0 else 1 end as intl_day_position
      from rated r
      left join day_used d on d.service_id = r.service_id and d.channel = r.notification_type
                           and r.refusal is null and r.rate_message is null and r.key_type <> 'test'
      left join day_used i on i.service_id = r.service_id and i.channel = 'international_sms'
                           and r.channel = 'international_sms'
                           and r.refusal is null and r.rate_message is null and r.key_type <> 'test'
    ) r
  ), rate_counted as (
    insert into app_private.rate_limit_counters as c (service_id, key_type, window_start, shard, requests)
    select d.service_id, d.key_type, v_window, v_shard, count(*)
    from decided d where d.outcome is null and d.job_id is null
    group by 1, 2
    on conflict (service_id, key_type, window_start, shard) do update set requests = c.requests + excluded.requests
  ), day_counted as (
    insert into app_private.daily_limit_counters as c (service_id, day, channel, shard, sent)
    select d.service_id, v_day, x.channel, v_shard, count(*)
    from decided d
    cross join lateral (select d.notification_type union all
                        select 'international_sms' where d.channel = 'international_sms') x(channel)
    where d.outcome is null and d.key_type <> 'test' and d.persist
    group by 1, 3
    on conflict (service_id, day, channel, shard) do update set sent = c.sent + excluded.sent
  ), stored as (
    -- (c) The rows (personalisation encrypted). Simulated recipients (persist = false) are accepted but not stored.
    insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
      api_key_id, key_type, billable_units, notification_type, notification_status, reference, client_reference,
      _personalisation, international, phone_prefix, rate_multiplier, created_by_id, reply_to_text, postage,
      scheduled_for, one_click_unsubscribe_url, created_at, job_id, job_row_number)
    select d.id, d."to", d.normalised_to, d.service_id, d.template_id, d.template_version, d.api_key_id, d.key_type,
           d.billable_units, d.notification_type, d.status, d.reference, d.client_reference,
           case when d.personalisation is not null
                then x.iv || encrypt_iv(convert_to(d.personalisation::text, 'UTF8'), v_key, x.iv, 'aes-cbc/pad:pkcs') end,
           d.international, d.phone_prefix, d.rate_multiplier, d.created_by_id, d.reply_to_text, d.postage,
           d.scheduled_for, d.one_click_unsubscribe_url, coalesce(d.created_at, now()), d.job_id, d.job_row_number
    from decided d
    -- app_private.encrypt inlined (key read once per call; a SQL function is planned on every call).
    cross join lateral (select gen_random_bytes(16) as iv) x
    where d.outcome is null and d.persist
    on conflict (job_id, job_row_number) where job_id is not null do nothing
  ), queued as (
    -- (d) Jobs in the same transaction, one per task for the batch (scheduled ones run later):
    -- deliver-sms / deliver-email; for live letters create-letter-pdf (template letters) or
    -- scan-letter (precompiled PDFs waiting in the scan bucket). Test-key letters are final already, but a template
    -- letter's PDF is made all the same, as Notify does, so GET /v2/notifications/{id}/pdf has it (a test-key
    -- precompiled letter's PDF is stored by the API).
    select graphile_worker.add_jobs(x.jobs) as n
    from (
    select array_agg(row(j.task, json_build_object('ids', j.ids), null, j.run_at,
                         null, null, null, null)::graphile_worker.job_spec) as jobs
    from (
      select case when d.notification_type <> 'letter' then 'deliver-' || d.notification_type
                  when d.status = 'pending-virus-check' then 'scan-letter'
                  else 'create-letter-pdf' end as task,
             d.scheduled_for as run_at, json_agg(d.id order by d.ord) as ids
      from decided d
      where d.outcome is null and d.persist
        and (d.notification_type in ('sms', 'email') or d.status in ('created', 'pending-virus-check')
             or (d.key_type = 'test'
                 and not exists (select from app_public.templates t where t.id = d.template_id and t.hidden)))
      group by 1, 2
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
  'scheduled_for, one_click_unsubscribe_url, created_by_id, persist, created_at, job_id, job_row_number). In one transaction: who may send '
  'what to whom (service active, its channel permissions, international SMS and letters, trial mode and team keys: '
  'only to the team and the guest list), the rate limit per '
  'service and key type (services.rate_limit per 60 s, a sliding window: this minute''s count plus the last minute''s weighted by its share of the last 60 s), the daily per-channel limits (test keys exempt), the '
  'rows (personalisation encrypted) and one job per task per batch ({"ids": [...]}): deliver-sms, deliver-email, create-letter-pdf (template letters, test-key ones included), scan-letter (live precompiled letters). '
  'Returns one row per item: outcome created; refused (the API''s 400 BadRequestError), '
  'forbidden (403 BadRequestError), '
  'invalid (400 ValidationError), inactive (403 AuthError); rate_limit | daily_limit (429); with the API''s message. '
  'A refused item is neither counted nor stored; the others go on. '
  'A CSV job''s row (job_id, job_row_number) is not rate limited; one already stored is skipped (outcome skipped), '
  'so a restarted job never stores a row twice. '
  'persist = false (simulated recipients) stores nothing and counts toward the rate limit only '
  '(checked against the daily limit, not counted). '
  'An unknown service, API key or template version raises foreign_key_violation (23503); a template or key of '
  'another service, a key_type that is not the key''s, or a key_type other than normal without a key, check_violation (23514).';
revoke all on function app_hidden.create_notifications(jsonb) from public;
grant execute on function app_hidden.create_notifications(jsonb) to notify_authenticator;
grant execute on function app_hidden.create_notifications(jsonb) to notify_api;
--! EndIncluded notifications/create_notifications.sql
--! Included api_keys/service_api_keys.sql
create or replace function app_hidden.service_api_keys(service_id uuid)
returns table (id uuid, key_type text, secret text, expiry_date timestamptz)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied: API key secrets are only for the API server' using errcode = 'NTF03';
  end if;
  return query
    select k.id, k.key_type, app_private.decrypt(k.secret), k.expiry_date
    from app_public.api_keys k
    where k.service_id = service_api_keys.service_id
    order by k.created_at, k.id;
end
$$;
comment on function app_hidden.service_api_keys(uuid) is 'Decrypted keys of a service for v2 JWT verification (try each secret in turn; expiry_date set = revoked). Refused inside admin/GraphQL requests.';
revoke all on function app_hidden.service_api_keys(uuid) from public;
grant execute on function app_hidden.service_api_keys(uuid) to notify_authenticator;
grant execute on function app_hidden.service_api_keys(uuid) to notify_api;
--! EndIncluded api_keys/service_api_keys.sql
--! Included letters/letter_print_date.sql
create or replace function app_hidden.letter_print_date(created_at timestamptz) returns date
language sql immutable parallel safe
as $$
  -- The London date of created_at, the next day after the 17:30 cut-off.
  select ((created_at at time zone 'Europe/London') + interval '6 hours 30 minutes')::date
$$;
comment on function app_hidden.letter_print_date(timestamptz) is
  'Print date of a letter: its London date, or the next day when created at or after 17:30 London time.';
revoke all on function app_hidden.letter_print_date(timestamptz) from public;
grant execute on function app_hidden.letter_print_date(timestamptz) to notify_authenticator;
grant execute on function app_hidden.letter_print_date(timestamptz) to notify_api;
--! EndIncluded letters/letter_print_date.sql
--! Included letters/letter_postage_code.sql
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
  'Postage code used in letter PDF keys and print zip names: first 1, second (default) 2, economy ECONOMY, europe E, rest-of-world N.';
revoke all on function app_hidden.letter_postage_code(text) from public;
grant execute on function app_hidden.letter_postage_code(text) to notify_api;
--! EndIncluded letters/letter_postage_code.sql
--! Included letters/letter_estimated_delivery.sql
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
revoke all on function app_hidden.letter_estimated_delivery(timestamptz, text) from public;
grant execute on function app_hidden.letter_estimated_delivery(timestamptz, text) to notify_authenticator;
grant execute on function app_hidden.letter_estimated_delivery(timestamptz, text) to notify_api;
--! EndIncluded letters/letter_estimated_delivery.sql
--! Included common/v2_timestamp.sql
create or replace function app_hidden.v2_timestamp(ts timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
comment on function app_hidden.v2_timestamp(timestamptz) is
  'The v2 API''s timestamp format: UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ (null stays null).';
revoke all on function app_hidden.v2_timestamp(timestamptz) from public;
grant execute on function app_hidden.v2_timestamp(timestamptz) to notify_authenticator;
grant execute on function app_hidden.v2_timestamp(timestamptz) to notify_api;
--! EndIncluded common/v2_timestamp.sql
--! Included common/decrypt.sql
create or replace function app_private.decrypt(ciphertext bytea) returns text
language sql stable strict security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select convert_from(decrypt_iv(substr(ciphertext, 17), k.encryption_key, substr(ciphertext, 1, 16), 'aes-cbc/pad:pkcs'), 'UTF8')
  from app_private.settings k
$$;
comment on function app_private.decrypt(bytea) is 'Inverse of app_private.encrypt: the first 16 bytes are the IV.';
revoke all on function app_private.decrypt(bytea) from public;
grant execute on function app_private.decrypt(bytea) to notify_api;
--! EndIncluded common/decrypt.sql
--! Included inbound/received_text_messages.sql
create or replace function app_hidden.received_text_messages(service uuid, older_than uuid default null, page_size int default 250)
returns table (id uuid, user_number text, notify_number text, created_at timestamptz, service_id uuid, content text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(received_text_messages.service) then
    raise exception 'Service % not found', received_text_messages.service using errcode = 'NTF04';
  end if;
  return query
    select i.id, i.user_number, i.notify_number, i.created_at, i.service_id, app_private.decrypt(i.content)
    from app_public.inbound_sms i
    where i.service_id = received_text_messages.service
      and (received_text_messages.older_than is null or (i.created_at, i.id) < (
        select o.created_at, o.id from app_public.inbound_sms o
        where o.id = received_text_messages.older_than and o.service_id = received_text_messages.service))
    order by i.created_at desc, i.id desc
    limit least(greatest(coalesce(received_text_messages.page_size, 250), 1), 1000);
end
$$;
comment on function app_hidden.received_text_messages(uuid, uuid, int) is 'One page of GET /v2/received-text-messages, newest first, decrypted: rows older than the older_than message (none if it is unknown, as Notify).';
revoke all on function app_hidden.received_text_messages(uuid, uuid, int) from public;
grant execute on function app_hidden.received_text_messages(uuid, uuid, int) to notify_user;
grant execute on function app_hidden.received_text_messages(uuid, uuid, int) to notify_authenticator;
grant execute on function app_hidden.received_text_messages(uuid, uuid, int) to notify_api;
--! EndIncluded inbound/received_text_messages.sql
--! Included letters/letter_pdf_key.sql
create or replace function app_private.letter_pdf_key(reference text, postage text, created_at timestamptz) returns text
language sql immutable
as $$
  select to_char(app_hidden.letter_print_date(created_at), 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.' || app_hidden.letter_postage_code(postage)
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;
comment on function app_private.letter_pdf_key(text, text, timestamptz) is
  'S3 key of a letter''s PDF in the letters PDF bucket: {print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF.';
revoke all on function app_private.letter_pdf_key(text, text, timestamptz) from public;
grant execute on function app_private.letter_pdf_key(text, text, timestamptz) to notify_api;
--! EndIncluded letters/letter_pdf_key.sql
--! Included letters/precompiled_letter_template.sql
-- The hidden per-service template precompiled letters pin. Security definer: the API (notify_api) may not write
-- templates itself, and this makes only the one hidden template of the given service.
create or replace function app_hidden.precompiled_letter_template(service_id uuid)
returns table (id uuid, version integer)
language plpgsql volatile security definer
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
revoke all on function app_hidden.precompiled_letter_template(uuid) from public;
grant execute on function app_hidden.precompiled_letter_template(uuid) to notify_authenticator;
grant execute on function app_hidden.precompiled_letter_template(uuid) to notify_api;
--! EndIncluded letters/precompiled_letter_template.sql
