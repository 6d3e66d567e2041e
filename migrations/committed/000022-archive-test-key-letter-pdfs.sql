--! Previous: sha1:103644f4cc43f9d11e8e38aeebc24d4dae000d6b
--! Hash: sha1:e2856fcada60eb506f0d87aaa04333c744d832bc
--! Message: archive test-key letter pdfs

--! split: 1-current.sql
--! Included lifecycle/archive_notifications_batch.sql
-- The chunk's continuation point (the last service and its latest created_at) by two
-- aggregates instead of two sorted array_aggs over the whole chunk.
create or replace function app_private.archive_notifications_batch(
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
  -- Notify archives one service per job; here one call crosses services to fill the chunk.
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
        -- letters still in progress stay; test-key rows go whatever their status
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
         -- (no max(uuid) before Postgres 16: lower-case hex text sorts as the uuid does)
         max(d.service_id::text)::uuid,
         max(d.created_at) filter (where d.service_id::text = (select max(d2.service_id::text) from del d2)),
         -- Test-key letters have their PDF too (made as for a live letter, never printed): it goes with them.
         case when v_type = 'letter' then
           coalesce(array_agg(app_private.letter_pdf_key(d.reference, d.postage, d.created_at))
                      filter (where d.reference is not null
                              and d.notification_status in ('delivered', 'returned-letter', 'technical-failure',
                                                            'cancelled', 'permanent-failure', 'temporary-failure')),
                    '{}') end
  into archived, deleted_test, last_service_id, last_created_at, letter_pdf_keys
  from del d;
end
$$;
comment on function app_private.archive_notifications_batch(text, int, uuid, timestamptz) is
  'One archival chunk of a type: the next <= batch_size rows, in (service_id, created_at) order from (after_service_id, after), older than their service''s retention (service_data_retention for the type, else 7 days; cutoff at London midnight), letters in progress skipped. normal/team rows are upserted into notification_history and deleted; test-key rows are deleted only. Returns counts, the (last_service_id, last_created_at) to continue from, and for letters the S3 keys of the PDFs of the letters removed (test-key ones included). Call again with those until archived + deleted_test = 0.';
revoke all on function app_private.archive_notifications_batch(text, int, uuid, timestamptz) from public;
--! EndIncluded lifecycle/archive_notifications_batch.sql
