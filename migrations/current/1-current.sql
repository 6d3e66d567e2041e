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

--! include notifications/create_notification_rows.sql
--! include notifications/create_notifications.sql
--! include jobs/create_job_notifications.sql
--! include jobs/forget_checked_rows.sql
