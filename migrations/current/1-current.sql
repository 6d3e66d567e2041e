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
  '@foreignKey (job_id) references app_public.jobs (id)\n'
  '@foreignKey (created_by_id) references app_public.users (id)\n'
  'One message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at; its own references to services, api_keys, templates_history, jobs and users are checked by app_hidden.create_notification_rows (the only writer) and by delete triggers on those tables, not by constraints (per-row checks cost more than the insert).';
--! include notifications/tg_jobs__delete_notifications.sql
drop trigger if exists _900_delete_notifications on app_public.jobs;
create trigger _900_delete_notifications before delete on app_public.jobs
  for each row execute function app_private.tg_jobs__delete_notifications();
--! include notifications/tg_users__unlink_notifications.sql
drop trigger if exists _900_unlink_notifications on app_public.users;
create trigger _900_unlink_notifications before delete on app_public.users
  for each row execute function app_private.tg_users__unlink_notifications();

--! include notifications/create_notification_rows.sql
--! include notifications/create_notifications.sql
--! include jobs/create_job_notifications.sql
--! include jobs/forget_checked_rows.sql
