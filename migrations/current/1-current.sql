-- Jobs around the CSV pipeline: scheduling, stuck and short jobs, CSV retention, outcomes;
-- contact lists; the uploads page; returned-letter reports.

-- check-for-missing-rows-in-completed-jobs reads jobs finished in the last day: finished jobs
-- pile up, so index only them, by when they finished.
create index if not exists jobs_finished_idx on app_public.jobs (processing_finished)
  where job_status = 'finished';

--! include jobs/process_job_queued.sql
--! include jobs/queue_process_jobs.sql
--! include jobs/cancel_job.sql
--! include jobs/run_scheduled_jobs.sql
--! include jobs/requeue_stuck_jobs.sql
--! include jobs/requeue_jobs_missing_rows.sql
--! include jobs/jobs_past_retention.sql
--! include jobs/archive_jobs.sql
--! include jobs/job_outcomes.sql
--! include jobs/job_statistics.sql
--! include jobs/jobs_statistics.sql
--! include jobs/service_jobs.sql
--! include jobs/create_contact_list.sql
--! include jobs/service_contact_lists.sql
--! include jobs/contact_list.sql
--! include jobs/archive_contact_list.sql
--! include jobs/service_contact_list_has_jobs.sql
--! include jobs/service_contact_list_recent_job_count.sql
--! include jobs/service_contact_list_created_by_name.sql
--! include jobs/service_uploads.sql
--! include letters/returned_letter_days.sql
--! include letters/returned_letters_report.sql
