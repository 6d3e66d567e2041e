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

-- create_job no longer takes a notification_count: the check's row count is the job's.
drop function if exists app_public.create_job(uuid, uuid, uuid, text, integer, timestamptz, uuid);
--! include jobs/create_job.sql
