--! Previous: sha1:e9a33dce379349a2ea0482bb4076ac4fcca42c1f
--! Hash: sha1:b27f534cd7303603dd3010c80d17d4064bf4b660
--! Message: daily limits of create_notification_rows from daily_limit

--! split: 1-current.sql
-- create_notification_rows reads each service's daily limits from app_hidden.daily_limit, as the job
-- check and send_limit_reached do, instead of mapping the channels to the services' columns again.
--! Included notifications/create_notification_rows.sql
-- The one function that inserts notifications, so it also enforces who may send what to whom
-- (the v2 API checks the same first, from its cache): psql, a CSV job or GraphQL cannot get round it.
-- Template letters have a PDF made (tasks/create-letter-pdf.ts) and precompiled ones are scanned
-- (tasks/scan-letter.ts: pending-virus-check → created, virus-scan-failed or validation-failed); the
-- rows and the jobs that deliver them are made in one transaction. It takes typed rows: the v2 API's
-- JSON comes through app_hidden.create_notifications, a CSV job's checked rows straight from
-- app_private.csv_upload_rows (app_hidden.create_job_notifications), so they are not parsed again.
create or replace function app_hidden.create_notification_rows(items app_hidden.notification_item[])
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
  -- Referential integrity, checked once per distinct service / key / template version / job / user of
  -- the batch (the table's foreign keys to them were dropped: their per-row checks cost more than the
  -- insert, and two batches of one job at once turned their row locks on the job into multixacts);
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
              when r.job_id is not null and j.id is null
                then array['23503', format('job %s does not exist', r.job_id)]
              when j.service_id <> r.service_id
                then array['23514', format('job %s is not a job of service %s', r.job_id, r.service_id)]
              when r.created_by_id is not null and u.id is null
                then array['23503', format('user %s does not exist', r.created_by_id)]
         end
  into v_problem
  from (select distinct x.service_id, x.api_key_id, coalesce(x.key_type, 'normal') as key_type, x.template_id,
                        x.template_version, x.job_id, x.created_by_id
        from unnest(items) x) r
  left join app_public.services s on s.id = r.service_id
  left join app_public.templates_history t on t.id = r.template_id and t.version = r.template_version
  left join app_public.api_keys k on k.id = r.api_key_id
  left join app_public.jobs j on j.id = r.job_id
  left join app_public.users u on u.id = r.created_by_id
  where s.id is null or t.id is null or t.service_id <> r.service_id
     or (r.api_key_id is null and r.key_type <> 'normal')
     or (r.api_key_id is not null and (k.id is null or k.service_id <> r.service_id or k.key_type <> r.key_type))
     or (r.job_id is not null and (j.id is null or j.service_id <> r.service_id))
     or (r.created_by_id is not null and u.id is null)
  limit 1;
  if v_problem is not null then
    raise exception 'create_notifications: %', v_problem[2] using errcode = v_problem[1];
  end if;

  -- One statement (no temp table, one plan): parse, decide the limits from the counters as they
  -- were at the start, then in data-modifying CTEs bump the counters, insert the rows and queue the jobs.
  return query
  with stored_before as materialized (
    -- A CSV row already stored (a restarted job) is skipped before anything is counted; a concurrent
    -- insert of the same row is caught by the unique index below. Looked up once per job of the call,
    -- as one range of the (job_id, job_row_number) index, not once per row: a per-row lookup whose
    -- plan was cached while the table was small could become a scan of the table per row.
    select s.job_id, s.job_row_number
    from (select x.job_id, min(x.job_row_number) as lo, max(x.job_row_number) as hi
          from unnest(items) x where x.job_id is not null group by x.job_id) r
    cross join lateral (select n.job_id, n.job_row_number from app_public.notifications n
                        where n.job_id = r.job_id and n.job_row_number between r.lo and r.hi) s
  ), b as materialized (
    -- The columns the rules read, one narrow row per item (ord is its place in items): the rules'
    -- sorts and hash tables then move a few dozen bytes a row, not the whole notification; the
    -- insert below reads the rest from items, zipped with the ids decided here.
    select (r.ordinality - 1)::integer as ord, coalesce(r.id, gen_random_uuid()) as id, r.service_id,
           coalesce(r.key_type, 'normal') as key_type, r.notification_type,
           case when r.notification_type = 'sms' and coalesce(r.international, false)
                     and coalesce(r.phone_prefix, '44') <> '44' then 'international_sms'
                else r.notification_type end as channel,
           r.template_id, r."to", r.postage, coalesce(r.status, 'created') as status, r.scheduled_for,
           coalesce(r.persist, true) as persist, r.job_id, r.job_row_number,
           sb.job_id is not null as already_stored
    from unnest(items) with ordinality as r
    left join stored_before sb on sb.job_id = r.job_id and sb.job_row_number = r.job_row_number
  ), svc as materialized (
    select s.id, s.active, s.restricted, s.rate_limit,
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
    -- exempt. Every channel of every service of the call (a few index lookups), not the distinct pairs of
    -- the rows (a sort of every row): which rows count against it is decided by the joins below.
    select s.id as service_id, x.channel, app_hidden.daily_limit(s.id, x.channel) as day_limit,
           app_hidden.sent_today(s.id, x.channel) as used
    from svc s cross join (values ('sms'), ('email'), ('letter'), ('international_sms')) as x(channel)
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
      -- later texts' sms position on by one: the batch is then at most that much stricter.) Every
      -- position is a count over one window (the service's rows in order), so one sort serves them all.
      select r.*, d.day_limit, i.day_limit as intl_day_limit,
             case when r.counted then d.used + case r.notification_type
                    when 'sms' then count(*) filter (where r.counted and r.persist and r.notification_type = 'sms') over w
                    when 'email' then count(*) filter (where r.counted and r.persist and r.notification_type = 'email') over w
                    else count(*) filter (where r.counted and r.persist and r.notification_type = 'letter') over w end
                  + case when r.persist then 0 else 1 end end as day_position,
             case when r.counted and r.channel = 'international_sms'
                  then i.used + count(*) filter (where r.counted and r.persist and r.channel = 'international_sms') over w
                       + case when r.persist then 0 else 1 end end as intl_day_position
      from (select r.*, r.refusal is null and r.rate_message is null and r.key_type <> 'test' as counted
            from rated r) r
      left join day_used d on d.service_id = r.service_id and d.channel = r.notification_type
      left join day_used i on i.service_id = r.service_id and i.channel = 'international_sms'
      window w as (partition by r.service_id order by r.ord rows between unbounded preceding and current row)
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
    -- items zipped with the decisions in item order (the id of each row to store, null for the others):
    -- no join, so no plan can pair every item with every decision.
    insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
      api_key_id, key_type, billable_units, notification_type, notification_status, reference, client_reference,
      _personalisation, international, phone_prefix, rate_multiplier, created_by_id, reply_to_text, postage,
      scheduled_for, one_click_unsubscribe_url, created_at, job_id, job_row_number)
    select z.unnest, z."to", z.normalised_to, z.service_id, z.template_id, z.template_version, z.api_key_id,
           coalesce(z.key_type, 'normal'), coalesce(z.billable_units, 0), z.notification_type,
           coalesce(z.status, 'created'), z.reference, z.client_reference,
           case when z.personalisation is not null
                then x.iv || encrypt_iv(convert_to(z.personalisation::text, 'UTF8'), v_key, x.iv, 'aes-cbc/pad:pkcs') end,
           coalesce(z.international, false), z.phone_prefix, z.rate_multiplier, z.created_by_id, z.reply_to_text,
           z.postage, z.scheduled_for, z.one_click_unsubscribe_url, coalesce(z.created_at, now()), z.job_id,
           z.job_row_number
    from (select array_agg(case when d.outcome is null and d.persist then d.id end order by d.ord) as ids
          from decided d) a
    -- z.unnest: the second array's column (ROWS FROM cannot name it apart from the item's 26).
    cross join lateral rows from (unnest(items), unnest(a.ids)) as z
    -- app_private.encrypt inlined (key read once per call; a SQL function is planned on every call).
    cross join lateral (select gen_random_bytes(16) as iv) x
    where z.unnest is not null
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
comment on function app_hidden.create_notification_rows(app_hidden.notification_item[]) is
  'Create notifications from already validated rows (id, service_id, api_key_id, key_type, '
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
  'An unknown service, API key, template version, job or user (created_by_id) raises foreign_key_violation (23503); '
  'a template, key or job of another service, a key_type that is not the key''s, or a key_type other than normal '
  'without a key, check_violation (23514).';
revoke all on function app_hidden.create_notification_rows(app_hidden.notification_item[]) from public;
--! EndIncluded notifications/create_notification_rows.sql
