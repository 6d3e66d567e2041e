--! Previous: sha1:37cbc289661fef1ff9ce5c2ebcace5df6dd87698
--! Hash: sha1:91005f2abf491b3d2ea8d5876845346916ac5344
--! Message: checked rows kept for jobs, typed notification rows

--! split: 1-current.sql
-- A checked upload's rows are kept as the check prepared them, so process-job stores them without
-- reading and checking the file a second time; and create_notifications takes typed rows, so those
-- rows reach it without a round trip through JSON.
drop function if exists app_hidden.create_job_notifications(uuid, integer, integer);
drop function if exists app_hidden.create_notification_rows(app_hidden.notification_item[]);
drop type if exists app_hidden.notification_item;
create type app_hidden.notification_item as (
  id uuid,
  service_id uuid,
  api_key_id uuid,
  key_type text,
  notification_type text,
  template_id uuid,
  template_version integer,
  "to" text,
  normalised_to text,
  personalisation jsonb,
  client_reference text,
  billable_units integer,
  international boolean,
  phone_prefix text,
  rate_multiplier numeric,
  reply_to_text text,
  postage text,
  status text,
  reference text,
  scheduled_for timestamptz,
  one_click_unsubscribe_url text,
  created_by_id uuid,
  persist boolean,
  created_at timestamptz,
  job_id uuid,
  job_row_number integer
);
comment on type app_hidden.notification_item is
  'One notification for app_hidden.create_notification_rows: the fields of create_notifications'' JSON items.';

-- Unlogged: the rows are a cache of the check. If the database loses them (a crash), process-job
-- reads the file from S3 and checks it again, as it does when staged_rows does not match.
drop table if exists app_private.csv_upload_rows;
create unlogged table app_private.csv_upload_rows (
  upload_id uuid not null,
  row_number integer not null check (row_number >= 0),
  "to" text not null,
  normalised_to text,
  personalisation jsonb,
  billable_units integer,
  international boolean,
  phone_prefix text,
  rate_multiplier numeric,
  reply_to_text text,
  postage text,
  reference text,
  status text,
  persist boolean not null default true,
  constraint csv_upload_rows_pkey primary key (upload_id, row_number)
);
comment on table app_private.csv_upload_rows is
  'The rows of a checked upload as the check prepared them (filled by COPY as the check reads the file), for '
  'process-job to store without checking the file again. They hold what the file holds, for no longer: removed when '
  'the job has run, or with the file of an upload not sent.';
alter table app_private.csv_uploads add column if not exists staged_rows integer;
comment on column app_private.csv_uploads.staged_rows is
  'How many rows the last check kept in app_private.csv_upload_rows (null: none kept, or a check under way).';

-- The last two foreign keys from notifications go as the others did: each was a check per row
-- taking a FOR KEY SHARE lock on the same job and user rows, which two batches of a job stored at
-- once turned into multixacts (a 100,000-row job: 4.1 s to store with them, 3.1 s without).
-- create_notification_rows checks each distinct job and user of a batch once (a job of the row's own
-- service), and delete triggers do what ON DELETE did.
alter table app_public.notifications
  drop constraint if exists notifications_job_id_fkey,
  drop constraint if exists notifications_created_by_id_fkey;
comment on table app_public.notifications is E'@behavior -insert -update -delete\n'
  '@foreignKey (service_id) references app_public.services (id)\n'
  '@foreignKey (api_key_id) references app_public.api_keys (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  '@foreignKey (template_id, template_version) references app_public.templates_history (id, version)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  '@foreignKey (job_id) references app_public.jobs (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  '@foreignKey (created_by_id) references app_public.users (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list\n'
  'One message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at; its own references to services, api_keys, templates_history, jobs and users are checked by app_hidden.create_notification_rows (the only writer) and by delete triggers on those tables, not by constraints (per-row checks cost more than the insert).';
--! Included notifications/tg_jobs__delete_notifications.sql
create or replace function app_private.tg_jobs__delete_notifications() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  delete from app_public.notifications n where n.job_id = old.id;
  return old;
end
$$;
comment on function app_private.tg_jobs__delete_notifications() is
  'A deleted job takes its notifications with it (was ON DELETE CASCADE of a foreign key).';
revoke all on function app_private.tg_jobs__delete_notifications() from public;
--! EndIncluded notifications/tg_jobs__delete_notifications.sql
drop trigger if exists _900_delete_notifications on app_public.jobs;
create trigger _900_delete_notifications before delete on app_public.jobs
  for each row execute function app_private.tg_jobs__delete_notifications();
--! Included notifications/tg_users__unlink_notifications.sql
create or replace function app_private.tg_users__unlink_notifications() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
begin
  update app_public.notifications n set created_by_id = null where n.created_by_id = old.id;
  return old;
end
$$;
comment on function app_private.tg_users__unlink_notifications() is
  'Notifications sent by a deleted user lose who sent them (was ON DELETE SET NULL of a foreign key).';
revoke all on function app_private.tg_users__unlink_notifications() from public;
--! EndIncluded notifications/tg_users__unlink_notifications.sql
drop trigger if exists _900_unlink_notifications on app_public.users;
create trigger _900_unlink_notifications before delete on app_public.users
  for each row execute function app_private.tg_users__unlink_notifications();

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
           sb.job_id is not null as already_stored
    from unnest(items) with ordinality as r(id, service_id, api_key_id, key_type, notification_type, template_id,
                                             template_version, "to", normalised_to, personalisation, client_reference,
                                             billable_units, international, phone_prefix, rate_multiplier,
                                             reply_to_text, postage,
                                             status, reference, scheduled_for, one_click_unsubscribe_url,
                                             created_by_id, persist, created_at, job_id, job_row_number, n)
    left join stored_before sb on sb.job_id = r.job_id and sb.job_row_number = r.job_row_number
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
    -- exempt. Every channel of every service of the call (a few index lookups), not the distinct pairs of
    -- the rows (a sort of every row): which rows count against it is decided by the joins below.
    select s.id as service_id, x.channel,
           coalesce((select sum(c.sent) from app_private.daily_limit_counters c
                     where c.service_id = s.id and c.day = v_day and c.channel = x.channel), 0) as used
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
--! Included notifications/create_notifications.sql
-- The JSON door to app_hidden.create_notification_rows (the v2 API, GraphQL and the CLI build their
-- items in TypeScript): the items become typed rows in their order.
create or replace function app_hidden.create_notifications(items jsonb)
returns table (ord integer, id uuid, outcome text, message text)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
set plan_cache_mode = force_generic_plan
as $$
begin
  return query
  select c.ord, c.id, c.outcome, c.message
  from app_hidden.create_notification_rows(array(
    select row(r.id, r.service_id, r.api_key_id, r.key_type, r.notification_type, r.template_id, r.template_version,
               r."to", r.normalised_to, r.personalisation, r.client_reference, r.billable_units, r.international,
               r.phone_prefix, r.rate_multiplier, r.reply_to_text, r.postage, r.status, r.reference, r.scheduled_for,
               r.one_click_unsubscribe_url, r.created_by_id, r.persist, r.created_at, r.job_id, r.job_row_number
               )::app_hidden.notification_item
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
    order by r.n)) c;
end
$$;
comment on function app_hidden.create_notifications(jsonb) is
  'Create notifications from a JSON array of already validated items (id, service_id, api_key_id, key_type, '
  'notification_type, template_id, template_version, to, normalised_to, personalisation, client_reference, '
  'billable_units, international, phone_prefix, rate_multiplier, reply_to_text, postage, status, reference, '
  'scheduled_for, one_click_unsubscribe_url, created_by_id, persist, created_at, job_id, job_row_number): '
  'app_hidden.create_notification_rows of them, in order (its rules, outcomes and errors).';
revoke all on function app_hidden.create_notifications(jsonb) from public;
grant execute on function app_hidden.create_notifications(jsonb) to notify_authenticator;
grant execute on function app_hidden.create_notifications(jsonb) to notify_api;
--! EndIncluded notifications/create_notifications.sql
--! Included jobs/create_job_notifications.sql
-- process-job's rows from the check's (app_private.csv_upload_rows): one batch, by job row number,
-- through create_notification_rows with the job's service, template version and creator, as a
-- normal key's rows. Outcome counts for the batch: created, skipped (stored already: a re-run),
-- refused (by the rules as they are now), not_stored (refused, or simulated recipients accepted
-- but never stored).
create or replace function app_hidden.create_job_notifications(job_id uuid, from_row integer, to_row integer)
returns table (created integer, skipped integer, refused integer, not_stored integer)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_items app_hidden.notification_item[];
begin
  select array_agg(row(null, j.service_id, null, 'normal', t.template_type, j.template_id, j.template_version,
                       r."to", r.normalised_to, r.personalisation, null, r.billable_units, r.international,
                       r.phone_prefix, r.rate_multiplier, r.reply_to_text, r.postage, r.status, r.reference, null,
                       null, j.created_by_id, r.persist, null, j.id, r.row_number
                   )::app_hidden.notification_item order by r.row_number)
  into v_items
  from app_public.jobs j
  join app_public.templates t on t.id = j.template_id
  join app_private.csv_upload_rows r on r.upload_id = j.id
  where j.id = create_job_notifications.job_id
    and r.row_number >= create_job_notifications.from_row and r.row_number < create_job_notifications.to_row;
  if v_items is null then
    return query select 0, 0, 0, 0;
    return;
  end if;
  return query
  select (count(*) filter (where c.outcome = 'created'))::integer,
         (count(*) filter (where c.outcome = 'skipped'))::integer,
         (count(*) filter (where c.outcome not in ('created', 'skipped')))::integer,
         (count(*) filter (where c.outcome not in ('created', 'skipped')
                              or (c.outcome = 'created' and not i.persist)))::integer
  from app_hidden.create_notification_rows(v_items) c
  join unnest(v_items) with ordinality as i on i.ordinality = c.ord + 1;
end
$$;
comment on function app_hidden.create_job_notifications(uuid, integer, integer) is
  'Store a job''s checked rows with from_row <= row_number < to_row (app_private.csv_upload_rows) through '
  'app_hidden.create_notification_rows; returns the batch''s counts: created, skipped (stored already), refused, '
  'not_stored (refused, or simulated recipients).';
revoke all on function app_hidden.create_job_notifications(uuid, integer, integer) from public;
--! EndIncluded jobs/create_job_notifications.sql
--! Included jobs/forget_checked_rows.sql
-- The rows a check kept (app_private.csv_upload_rows) are needed only until the job has run:
-- process-job removes them when it finishes; these are the rest. Rows of a job that ended otherwise
-- (cancelled, error, sending limits exceeded), of an upload never sent once its check is a week old
-- (a job may be scheduled up to 7 days ahead; one made later reads its file instead), and of an
-- upload whose check record has gone (its service or template deleted).
create or replace function app_private.forget_checked_rows()
returns integer
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  with gone as (
    delete from app_private.csv_upload_rows r
    where r.upload_id in (
      select k.upload_id from (select distinct upload_id from app_private.csv_upload_rows) k
      left join app_private.csv_uploads u on u.id = k.upload_id
      left join app_public.jobs j on j.id = k.upload_id
      where u.id is null
         or j.job_status in ('finished', 'cancelled', 'error', 'sending limits exceeded',
                             'finished all notifications created')
         or (j.id is null and u.checked_at < now() - interval '7 days'))
    returning 1
  )
  select count(*)::integer from gone
$$;
comment on function app_private.forget_checked_rows() is
  'Remove the rows checks kept (app_private.csv_upload_rows) that no job will read: of jobs that have ended, '
  'of uploads not sent within a week of their check, of uploads whose check has gone. Returns how many rows. '
  'Run by remove-job-files.';
revoke all on function app_private.forget_checked_rows() from public;
--! EndIncluded jobs/forget_checked_rows.sql
