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
