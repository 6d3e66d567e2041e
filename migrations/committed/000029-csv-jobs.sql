--! Previous: sha1:a9308e241e2a0363da5cb43232ec6559f0be375f
--! Hash: sha1:2191920abc6f78ad932725f2971aca251a701c4f
--! Message: csv jobs

--! split: 1-current.sql
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
--! EndIncluded notifications/create_notifications.sql
--! Included jobs/create_job.sql
-- A job for a checked CSV file: the upload's id becomes the job's, so the file already stored at
-- service-{service_id}-notify/{upload_id}.csv in the CSV bucket is the job's file. The checks and
-- messages are notifications-api's (app/job/rest.py create_job, app/schemas.py JobSchema):
-- the service active, a letter job not from a trial service, the template the service's own and not
-- archived, scheduled_for neither past nor more than 7 days ahead. A scheduled job waits for
-- run-scheduled-jobs; a pending one has process-job queued in the same transaction.
create or replace function app_public.create_job(
  service_id uuid,
  template_id uuid,
  upload_id uuid,
  original_file_name text,
  notification_count integer,
  scheduled_for timestamptz default null,
  contact_list_id uuid default null
) returns app_public.jobs
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_template app_public.templates;
  v_job app_public.jobs;
begin
  select * into v_service from app_public.services s where s.id = create_job.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id)) then
    raise exception 'Service % not found', create_job.service_id using errcode = 'NTF04';
  end if;
  select * into v_template from app_public.templates t
  where t.id = create_job.template_id and t.service_id = v_service.id and not t.hidden;
  if not found then
    raise exception 'Template not found' using errcode = 'NTF04';
  end if;
  -- The per-service permission to send the template's type, as GraphQL sendNotification needs it.
  perform app_hidden.assert_service_permission(v_service.id, case v_template.template_type
    when 'sms' then 'send_texts' when 'email' then 'send_emails' else 'send_letters' end);
  if not v_service.active then
    raise exception 'Create job is not allowed: service is inactive' using errcode = 'NTF03';
  end if;
  if v_template.template_type = 'letter' and v_service.restricted then
    raise exception 'Create letter job is not allowed for service in trial mode' using errcode = 'NTF03';
  end if;
  if v_template.archived then
    raise exception 'Template has been deleted' using errcode = 'NTF01';
  end if;
  if create_job.scheduled_for is not null and create_job.scheduled_for < now() then
    raise exception 'Date cannot be in the past' using errcode = 'NTF01';
  end if;
  if create_job.scheduled_for > now() + interval '7 days' then
    raise exception 'Date cannot be more than 7 days in the future' using errcode = 'NTF01';
  end if;
  -- RecipientCSV.max_rows (notifications-utils, recipients.py).
  if create_job.notification_count is null or create_job.notification_count < 1
     or create_job.notification_count > 100000 then
    raise exception 'notification_count must be 1 to 100,000 rows' using errcode = 'NTF01';
  end if;
  if create_job.upload_id is null then
    raise exception 'upload_id is required' using errcode = 'NTF01';
  end if;
  if coalesce(btrim(create_job.original_file_name), '') = '' then
    raise exception 'original_file_name is required' using errcode = 'NTF01';
  end if;
  if create_job.contact_list_id is not null and not exists (
    select from app_public.service_contact_list c
    where c.id = create_job.contact_list_id and c.service_id = v_service.id
  ) then
    raise exception 'Contact list % not found', create_job.contact_list_id using errcode = 'NTF04';
  end if;
  if exists (select from app_public.jobs j where j.id = create_job.upload_id) then
    raise exception 'A job already exists for upload %', create_job.upload_id using errcode = 'NTF02';
  end if;

  insert into app_public.jobs (id, original_file_name, service_id, template_id, template_version,
    notification_count, created_by_id, scheduled_for, job_status, contact_list_id)
  values (create_job.upload_id, create_job.original_file_name, v_service.id, v_template.id, v_template.version,
    create_job.notification_count, app_public.current_user_id(), create_job.scheduled_for,
    case when create_job.scheduled_for is null then 'pending' else 'scheduled' end, create_job.contact_list_id)
  returning * into v_job;

  if v_job.job_status = 'pending' then
    perform app_private.queue_process_jobs(array[v_job.id]);
  end if;
  return v_job;
end
$$;
comment on function app_public.create_job(uuid, uuid, uuid, text, integer, timestamptz, uuid) is
  'Create a job for a checked CSV upload (job id = upload id: its file is service-{service_id}-notify/{id}.csv in '
  'the CSV bucket). Needs send_texts / send_emails / send_letters for the template''s type. Notify''s refusals: '
  'service inactive, letter job from a trial service, template archived, scheduled_for in the past or more than '
  '7 days ahead. Status scheduled when scheduled_for is given, else pending with process-job queued in the same '
  'transaction (job_key process-job:{id}, as the scheduled and stuck-job tasks queue it).';
revoke all on function app_public.create_job(uuid, uuid, uuid, text, integer, timestamptz, uuid) from public;
grant execute on function app_public.create_job(uuid, uuid, uuid, text, integer, timestamptz, uuid) to notify_user;
--! EndIncluded jobs/create_job.sql

-- Jobs are made by app_public.create_job (the checks, and process-job queued with the job) and changed only by
-- the job functions: GraphQL's createJob is that function, not a plain insert into the table.
comment on table app_public.jobs is E'@behavior -insert -update -delete\nAn uploaded CSV (service-{service_id}-notify/{id}.csv): one notification per row, job_row_number = row index. notifications_sent/delivered/failed are legacy counters; outcomes come from notifications / ft_notification_status. Made by create_job.';
