--! Previous: sha1:56ae7f99379655436692cd2343bf10e6a3266221
--! Hash: sha1:297ec659bd5155ccf260060d2f652504c50e1ac4
--! Message: csv uploads checked

--! split: 1-current.sql
-- Every check of an uploaded recipients file (the upload route and the CLI record one): create_job
-- makes a job only from a file checked without errors against the same service and template, and
-- takes the job's row count from the check, not from its caller.
create table if not exists app_private.csv_uploads (
  id uuid primary key,
  service_id uuid not null references app_public.services (id) on delete cascade,
  template_id uuid not null references app_public.templates (id) on delete cascade,
  template_version int not null,
  row_count int not null check (row_count >= 0),
  has_errors boolean not null,
  checked_at timestamptz not null default now(),
  checked_by_id uuid references app_public.users (id) on delete set null
);
comment on table app_private.csv_uploads is
  'The last check of each uploaded recipients file (id = upload id = the job id it may become): its service, template and version, row count (data rows, blank rows not counted: the job_row_numbers 0..row_count-1 process-job gives), whether the report had errors, when and by whom.';
create index if not exists csv_uploads_service_id_idx on app_private.csv_uploads (service_id);
create index if not exists csv_uploads_template_id_idx on app_private.csv_uploads (template_id);
create index if not exists csv_uploads_checked_by_id_idx on app_private.csv_uploads (checked_by_id);

-- The rows of a job that process-job's last run did not store on purpose: simulated recipients
-- (accepted, never stored) and rows refused when it ran. Without them a finished job with such rows
-- would look short to the missing-rows check and be run again every 10 minutes for a day.
create table if not exists app_private.job_rows_not_stored (
  job_id uuid primary key references app_public.jobs (id) on delete cascade,
  row_count int not null check (row_count >= 0)
);
comment on table app_private.job_rows_not_stored is
  'How many of a job''s rows process-job''s last run left unstored on purpose (simulated recipients, rows refused when it ran): requeue_jobs_missing_rows counts them as done.';

-- create_job no longer takes a notification_count: the check's row count is the job's.
drop function if exists app_public.create_job(uuid, uuid, uuid, text, integer, timestamptz, uuid);
--! Included jobs/create_job.sql
-- A job for a checked CSV file: the upload's id becomes the job's, so the file already stored at
-- service-{service_id}-notify/{upload_id}.csv in the CSV bucket is the job's file. The file must have
-- been checked (app_private.csv_uploads, recorded by the upload route and the CLI) against this
-- service and template as it is now, without errors: Notify's admin offers to send only a file whose
-- check passed. The job's notification_count is the check's row count, not the caller's. The checks and
-- messages are notifications-api's (app/job/rest.py create_job, app/schemas.py JobSchema):
-- the service active, a letter job not from a trial service, the template the service's own and not
-- archived, scheduled_for neither past nor more than 7 days ahead. A scheduled job waits for
-- run-scheduled-jobs; a pending one has process-job queued in the same transaction.
create or replace function app_public.create_job(
  service_id uuid,
  template_id uuid,
  upload_id uuid,
  original_file_name text,
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
  v_check app_private.csv_uploads;
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
  if create_job.upload_id is null then
    raise exception 'upload_id is required' using errcode = 'NTF01';
  end if;
  select * into v_check from app_private.csv_uploads u
  where u.id = create_job.upload_id and u.service_id = v_service.id;
  if not found then
    raise exception 'Upload % not found: upload the file and check it first', create_job.upload_id
      using errcode = 'NTF04';
  end if;
  if v_check.template_id <> v_template.id then
    raise exception 'Upload % was checked against another template: check it against this one', create_job.upload_id
      using errcode = 'NTF01';
  end if;
  if v_check.template_version <> v_template.version then
    raise exception 'The template has changed since upload % was checked: check the file again',
      create_job.upload_id using errcode = 'NTF01';
  end if;
  if v_check.has_errors then
    raise exception 'Upload % has errors and cannot be sent: fix them and upload the file again',
      create_job.upload_id using errcode = 'NTF01';
  end if;
  -- RecipientCSV.max_rows (notifications-utils, recipients.py); the check refuses such a file already.
  if v_check.row_count < 1 or v_check.row_count > 100000 then
    raise exception 'A job needs 1 to 100,000 rows; upload % has %', create_job.upload_id, v_check.row_count
      using errcode = 'NTF01';
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
    v_check.row_count, app_public.current_user_id(), create_job.scheduled_for,
    case when create_job.scheduled_for is null then 'pending' else 'scheduled' end, create_job.contact_list_id)
  returning * into v_job;

  if v_job.job_status = 'pending' then
    perform app_private.queue_process_jobs(array[v_job.id]);
  end if;
  return v_job;
end
$$;
comment on function app_public.create_job(uuid, uuid, uuid, text, timestamptz, uuid) is
  'Create a job for a checked CSV upload (job id = upload id: its file is service-{service_id}-notify/{id}.csv in '
  'the CSV bucket). The upload must have been checked without errors against this service and template version '
  '(NTF04 never checked, NTF01 another template, template changed since, or errors); notification_count is the '
  'check''s row count. Needs send_texts / send_emails / send_letters for the template''s type. Notify''s refusals: '
  'service inactive, letter job from a trial service, template archived, scheduled_for in the past or more than '
  '7 days ahead. Status scheduled when scheduled_for is given, else pending with process-job queued in the same '
  'transaction (job_key process-job:{id}, as the scheduled and stuck-job tasks queue it).';
revoke all on function app_public.create_job(uuid, uuid, uuid, text, timestamptz, uuid) from public;
grant execute on function app_public.create_job(uuid, uuid, uuid, text, timestamptz, uuid) to notify_user;
--! EndIncluded jobs/create_job.sql
--! Included jobs/requeue_jobs_missing_rows.sql
create or replace function app_private.requeue_jobs_missing_rows() returns int
language plpgsql volatile
as $$
declare
  v_ids uuid[];
begin
  -- Finished 20 minutes to a day ago (a 100 000-row job takes about 10 minutes to store) with
  -- fewer notifications than CSV rows: process-job runs again and stores only the rows missing
  -- (unique (job_id, job_row_number)). Within a day no row has been archived yet.
  with short as (
    select j.id from app_public.jobs j
    where j.job_status = 'finished'
      and j.processing_finished < now() - interval '20 minutes'
      and j.processing_finished > now() - interval '1 day'
      -- Rows process-job left out on purpose (simulated recipients, rows refused when it ran) are done.
      and (select count(*) from app_public.notifications n where n.job_id = j.id)
          + coalesce((select r.row_count from app_private.job_rows_not_stored r where r.job_id = j.id), 0)
          < j.notification_count
      and not app_private.process_job_queued(j.id)
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from short where j.id = short.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;
comment on function app_private.requeue_jobs_missing_rows() is
  'Jobs finished 20 minutes to a day ago with fewer notifications (and rows left out on purpose, app_private.job_rows_not_stored) than notification_count: back to pending and process-job queued to store the missing rows. Returns how many. What check-for-missing-rows-in-completed-jobs runs every 10 minutes.';
revoke all on function app_private.requeue_jobs_missing_rows() from public;
--! EndIncluded jobs/requeue_jobs_missing_rows.sql
