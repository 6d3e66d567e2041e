--! Previous: sha1:b70db4dff21f3d015735c3d0a64f46eba28f5316
--! Hash: sha1:a391c984512b314eb85776c19ac360acd6144862
--! Message: jobs contact lists uploads returned letters

--! split: 1-current.sql
-- Jobs around the CSV pipeline: scheduling, stuck and short jobs, CSV retention, outcomes;
-- contact lists; the uploads page; returned-letter reports.

-- check-for-missing-rows-in-completed-jobs reads jobs finished in the last day: finished jobs
-- pile up, so index only them, by when they finished.
create index if not exists jobs_finished_idx on app_public.jobs (processing_finished)
  where job_status = 'finished';

-- Jobs and contact lists change only through their functions (create_job, cancel_job,
-- create_contact_list, archive_contact_list), which check the send permissions and queue the
-- work that goes with the change; GraphQL offers no raw insert, update or delete of the rows.
comment on table app_public.jobs is E'@behavior -insert -update -delete\nAn uploaded CSV (service-{service_id}-notify/{id}.csv): one notification per row, job_row_number = row index. notifications_sent/delivered/failed are legacy counters; outcomes come from notifications / ft_notification_status.';
comment on table app_public.service_contact_list is E'@behavior -insert -update -delete\nSaved recipient CSVs (emergency contact lists); the file is service-{service_id}-notify/{id}.csv in the contact-list bucket. The id is supplied by the client that uploaded it.';

--! Included jobs/process_job_queued.sql
create or replace function app_private.process_job_queued(job_id uuid) returns boolean
language sql stable
as $$
  -- A process-job that is running (locked) or still due to be tried will see to the job; one that
  -- used up its attempts stays in the queue table but does nothing more, so it does not count.
  -- graphile-worker frees the lock of a worker that died after 4 hours, and retries the job.
  select exists (
    select 1 from graphile_worker._private_jobs q
    where q.key = 'process-job:' || job_id
      and (q.locked_at is not null or q.attempts < q.max_attempts))
$$;
comment on function app_private.process_job_queued(uuid) is
  'Whether a process-job for the job (job key process-job:{id}) is running or waiting to be tried: the stuck-job checks leave such jobs alone.';
revoke all on function app_private.process_job_queued(uuid) from public;
--! EndIncluded jobs/process_job_queued.sql
--! Included jobs/queue_process_jobs.sql
create or replace function app_private.queue_process_jobs(job_ids uuid[]) returns int
language plpgsql volatile
as $$
begin
  if coalesce(cardinality(job_ids), 0) = 0 then
    return 0;
  end if;
  -- One process-job per job, keyed by it: queuing a job again replaces the waiting entry
  -- instead of adding a second one. process-job resumes after the rows already stored.
  perform graphile_worker.add_jobs(array(
    select row('process-job', json_build_object('jobId', id), null, null, null, 'process-job:' || id, null,
               null)::graphile_worker.job_spec
    from unnest(job_ids) id));
  return cardinality(job_ids);
end
$$;
comment on function app_private.queue_process_jobs(uuid[]) is
  'Queue process-job ({"jobId": id}, job key process-job:{id}) for each job, in the caller''s transaction. Returns how many.';
revoke all on function app_private.queue_process_jobs(uuid[]) from public;
--! EndIncluded jobs/queue_process_jobs.sql
--! Included jobs/cancel_job.sql
create or replace function app_public.cancel_job(job_id uuid) returns app_public.jobs
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_job app_public.jobs;
  v_type text;
begin
  select j.* into v_job from app_public.jobs j where j.id = cancel_job.job_id;
  -- Notify answers 404 "No result found" for a job that is not there, not the caller's, or no
  -- longer waiting for its time: all three read the same here, so nothing leaks about other services.
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_job.service_id)) then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  select t.template_type into v_type from app_public.templates t where t.id = v_job.template_id;
  perform app_hidden.assert_service_permission(v_job.service_id,
    case v_type when 'sms' then 'send_texts' when 'email' then 'send_emails' else 'send_letters' end);
  -- Locked, so run-scheduled-jobs (which skips locked rows) cannot start it meanwhile; and if it
  -- got there first, the re-read status is pending and the job can no longer be cancelled.
  select j.* into v_job from app_public.jobs j
  where j.id = cancel_job.job_id and j.job_status = 'scheduled' and j.scheduled_for > now()
  for update;
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  update app_public.jobs j set job_status = 'cancelled' where j.id = v_job.id returning * into v_job;
  return v_job;
end
$$;
comment on function app_public.cancel_job(uuid) is
  'Cancel a scheduled job before its time (scheduled -> cancelled). NTF04 "No result found" (as Notify) when the job is missing, another service''s, or not scheduled in the future; NTF03 without the send permission for the template''s type.';
revoke all on function app_public.cancel_job(uuid) from public;
grant execute on function app_public.cancel_job(uuid) to notify_user;
--! EndIncluded jobs/cancel_job.sql
--! Included jobs/run_scheduled_jobs.sql
create or replace function app_private.run_scheduled_jobs() returns int
language plpgsql volatile
as $$
declare
  v_ids uuid[];
begin
  -- skip locked: a job being cancelled right now is left to the cancel; two runs at once take
  -- different rows. The status change and the queue entry commit together.
  with due as (
    select j.id from app_public.jobs j
    where j.job_status = 'scheduled' and j.scheduled_for <= now()
    order by j.scheduled_for
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from due where j.id = due.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;
comment on function app_private.run_scheduled_jobs() is
  'Scheduled jobs whose time has come -> pending, each with a process-job queued in the same transaction. Returns how many. What run-scheduled-jobs runs every minute.';
revoke all on function app_private.run_scheduled_jobs() from public;
--! EndIncluded jobs/run_scheduled_jobs.sql
--! Included jobs/requeue_stuck_jobs.sql
create or replace function app_private.requeue_stuck_jobs(stuck_after interval default interval '30 minutes')
returns int
language plpgsql volatile
as $$
declare
  v_ids uuid[];
begin
  -- Jobs that should be moving but have no process-job running or waiting: in progress since
  -- `stuck_after` ago, or pending and unchanged since then (updated_at is when a scheduled job
  -- became pending or a stuck one was reset; created_at for a job made pending: create_job queues
  -- in the same transaction, so a pending job alone was lost).
  -- process-job runs only pending jobs, so they go back to pending; it resumes after the rows
  -- already stored, and (job_id, job_row_number) is unique, so a second run creates no duplicate.
  with stuck as (
    select j.id from app_public.jobs j
    where ((j.job_status = 'in progress' and j.processing_started < now() - stuck_after)
        or (j.job_status = 'pending' and coalesce(j.updated_at, j.created_at) < now() - stuck_after))
      and not app_private.process_job_queued(j.id)
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from stuck where j.id = stuck.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;
comment on function app_private.requeue_stuck_jobs(interval) is
  'Jobs in progress, or pending and unchanged, for longer than stuck_after (default 30 minutes) with no process-job running or waiting: back to pending and process-job queued again (it resumes). Returns how many. What check-job-status runs every minute.';
revoke all on function app_private.requeue_stuck_jobs(interval) from public;
--! EndIncluded jobs/requeue_stuck_jobs.sql
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
      and (select count(*) from app_public.notifications n where n.job_id = j.id) < j.notification_count
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
  'Jobs finished 20 minutes to a day ago with fewer notifications than notification_count: back to pending and process-job queued to store the missing rows. Returns how many. What check-for-missing-rows-in-completed-jobs runs every 10 minutes.';
revoke all on function app_private.requeue_jobs_missing_rows() from public;
--! EndIncluded jobs/requeue_jobs_missing_rows.sql
--! Included jobs/jobs_past_retention.sql
create or replace function app_private.jobs_past_retention(notification_types text[], max_rows int default 1000)
returns table (id uuid, service_id uuid)
language sql stable
as $$
  -- A job's CSV is kept as long as its notifications: the service's retention for the template's
  -- type (7 days without one), counted from when the job was due to send (scheduled_for) or made.
  select j.id, j.service_id
  from app_public.jobs j
  join app_public.templates t on t.id = j.template_id
  left join app_public.service_data_retention r
    on r.service_id = j.service_id and r.notification_type = t.template_type
  where not j.archived
    and t.template_type = any(notification_types)
    and coalesce(j.scheduled_for, j.created_at)
        < app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7))
  order by j.created_at
  limit max_rows
$$;
comment on function app_private.jobs_past_retention(text[], int) is
  'Jobs of these template types whose CSV is past the retention period (coalesce(scheduled_for, created_at) before London midnight of today minus the service''s days_of_retention for the type, default 7) and not yet archived; oldest first, at most max_rows.';
revoke all on function app_private.jobs_past_retention(text[], int) from public;
--! EndIncluded jobs/jobs_past_retention.sql
--! Included jobs/archive_jobs.sql
create or replace function app_private.archive_jobs(job_ids uuid[]) returns int
language sql volatile
as $$
  -- Called after the CSVs are deleted: a crash between the two leaves the job unarchived, and the
  -- next run deletes the (already missing) object again and then records it.
  with done as (
    update app_public.jobs j set archived = true
    where j.id = any(job_ids) and not j.archived
    returning 1
  )
  select count(*)::int from done
$$;
comment on function app_private.archive_jobs(uuid[]) is
  'Mark jobs archived (their CSV deleted from S3). Run after the deletion so that a crash in between only repeats it. Returns jobs newly archived.';
revoke all on function app_private.archive_jobs(uuid[]) from public;
--! EndIncluded jobs/archive_jobs.sql
--! Included jobs/job_outcomes.sql
create or replace function app_hidden.job_outcomes(job_id uuid, processing_started timestamptz)
returns table (status text, count int)
language sql stable
as $$
  -- A job not started has no outcomes. One started before London midnight 3 days ago is read from
  -- ft_notification_status (its texts and emails are final after 72 hours and counted nightly);
  -- a younger one from its notifications, or from the facts when its rows have already been
  -- archived (a retention shorter than 3 days).
  with live as (
    select n.notification_status as status, count(*)::int as count
    from app_public.notifications n
    where n.job_id = job_outcomes.job_id
      and job_outcomes.processing_started >= app_public.london_midnight(app_public.london_date(now()) - 3)
    group by n.notification_status
  ), facts as (
    select f.notification_status as status, sum(f.notification_count)::int as count
    from app_public.ft_notification_status f
    where f.job_id = job_outcomes.job_id
      and job_outcomes.processing_started is not null
      and not exists (select 1 from live)
    group by f.notification_status
  )
  select status, count from live
  union all
  select status, count from facts
  order by status
$$;
comment on function app_hidden.job_outcomes(uuid, timestamptz) is
  'Notification counts by status for a job: none before processing starts; from ft_notification_status when processing started before London midnight 3 days ago or the rows are gone; else from notifications. No permission check: callers check.';
revoke all on function app_hidden.job_outcomes(uuid, timestamptz) from public;
--! EndIncluded jobs/job_outcomes.sql
--! Included jobs/job_statistics.sql
create or replace function app_public.job_statistics(job_id uuid) returns table (status text, count int)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_job app_public.jobs;
begin
  select j.* into v_job from app_public.jobs j where j.id = job_statistics.job_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_job.service_id)) then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  return query select o.status, o.count from app_hidden.job_outcomes(v_job.id, v_job.processing_started) o;
end
$$;
comment on function app_public.job_statistics(uuid) is
  'A job''s notification counts by status (the job page): from notifications while young, from ft_notification_status after (see app_hidden.job_outcomes). NTF04 "No result found" for a job that is missing or another service''s.';
revoke all on function app_public.job_statistics(uuid) from public;
grant execute on function app_public.job_statistics(uuid) to notify_user;
--! EndIncluded jobs/job_statistics.sql
--! Included jobs/jobs_statistics.sql
create or replace function app_public.jobs_statistics(job app_public.jobs) returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- The row comes from the caller, who could build one for another service's job by hand.
  perform app_hidden.assert_can_see_service(job.service_id);
  return (select coalesce(jsonb_agg(jsonb_build_object('status', o.status, 'count', o.count) order by o.status),
                          '[]'::jsonb)
          from app_hidden.job_outcomes(job.id, job.processing_started) o);
end
$$;
comment on function app_public.jobs_statistics(app_public.jobs) is
  'Job.statistics in GraphQL: [{status, count}] as Notify''s jobs list gives it (see app_hidden.job_outcomes).';
revoke all on function app_public.jobs_statistics(app_public.jobs) from public;
grant execute on function app_public.jobs_statistics(app_public.jobs) to notify_user;
--! EndIncluded jobs/jobs_statistics.sql
--! Included jobs/service_jobs.sql
create or replace function app_public.service_jobs(
  service_id uuid,
  contact_list_id uuid default null,
  limit_days int default null,
  statuses text[] default null
) returns setof app_public.jobs
language plpgsql stable
as $$
begin
  perform app_hidden.assert_can_see_service(service_jobs.service_id);
  -- Notify's jobs page: one-off sends ("Test message", "Report") are jobs in name only.
  -- Newest first; jobs not started yet (processing_started null) sort first, as in Notify.
  -- security invoker: row level security applies as well.
  return query
  select j.* from app_public.jobs j
  where j.service_id = service_jobs.service_id
    and j.original_file_name not in ('Test message', 'Report')
    and (service_jobs.contact_list_id is null or j.contact_list_id = service_jobs.contact_list_id)
    and (limit_days is null
         or j.created_at >= app_public.london_midnight(app_public.london_date(now()) - limit_days))
    and (statuses is null or cardinality(statuses) = 0 or j.job_status = any(statuses))
  order by j.processing_started desc nulls first, j.created_at desc;
end
$$;
comment on function app_public.service_jobs(uuid, uuid, int, text[]) is
  'A service''s jobs, newest first (processing_started desc, created_at desc), without one-off sends; optionally those sent from one contact list, created since London midnight limit_days ago, or in the given statuses. Paginate with first/offset (GraphQL) or limit/offset. NTF04 for a service the caller cannot see.';
revoke all on function app_public.service_jobs(uuid, uuid, int, text[]) from public;
grant execute on function app_public.service_jobs(uuid, uuid, int, text[]) to notify_user;
--! EndIncluded jobs/service_jobs.sql
--! Included jobs/create_contact_list.sql
create or replace function app_public.create_contact_list(
  id uuid,
  service_id uuid,
  original_file_name text,
  row_count int,
  template_type text,
  created_by_id uuid default null
) returns app_public.service_contact_list
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_row app_public.service_contact_list;
  v_by uuid := coalesce(create_contact_list.created_by_id, app_public.current_user_id());
begin
  perform app_hidden.assert_can_see_service(create_contact_list.service_id);
  -- A list is only for texts or emails (Notify's schema allows just these two).
  if create_contact_list.template_type is null or create_contact_list.template_type not in ('email', 'sms') then
    raise exception 'template_type % is not one of [email, sms]', create_contact_list.template_type
      using errcode = 'NTF01';
  end if;
  perform app_hidden.assert_service_permission(create_contact_list.service_id,
    case create_contact_list.template_type when 'sms' then 'send_texts' else 'send_emails' end);
  if create_contact_list.id is null or nullif(btrim(create_contact_list.original_file_name), '') is null
     or create_contact_list.row_count is null or create_contact_list.row_count < 0 then
    raise exception 'id, original_file_name and a row_count of 0 or more are required' using errcode = 'NTF01';
  end if;
  -- A user request saves the list as that user; a trusted caller (the internal API) names the user.
  if app_hidden.in_user_request() then
    v_by := app_public.current_user_id();
  end if;
  if v_by is null or not exists (select 1 from app_public.users u where u.id = v_by) then
    raise exception 'created_by % is not a user', v_by using errcode = 'NTF01';
  end if;
  -- The id is the one the file was uploaded under (service-{service_id}-notify/{id}.csv).
  insert into app_public.service_contact_list (id, original_file_name, row_count, template_type, service_id,
                                               created_by_id)
  values (create_contact_list.id, create_contact_list.original_file_name, create_contact_list.row_count,
          create_contact_list.template_type, create_contact_list.service_id, v_by)
  returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.create_contact_list(uuid, uuid, text, int, text, uuid) is
  'Save a contact list whose CSV is already at service-{service_id}-notify/{id}.csv in the contact-list bucket. template_type email or sms (NTF01 otherwise); needs send_texts / send_emails (NTF03). created_by_id is the request user in a user request, else required.';
revoke all on function app_public.create_contact_list(uuid, uuid, text, int, text, uuid) from public;
grant execute on function app_public.create_contact_list(uuid, uuid, text, int, text, uuid) to notify_user;
--! EndIncluded jobs/create_contact_list.sql
--! Included jobs/service_contact_lists.sql
create or replace function app_public.service_contact_lists(service_id uuid)
returns setof app_public.service_contact_list
language plpgsql stable
as $$
begin
  perform app_hidden.assert_can_see_service(service_contact_lists.service_id);
  -- security invoker: row level security applies as well.
  return query
  select l.* from app_public.service_contact_list l
  where l.service_id = service_contact_lists.service_id and not l.archived
  order by l.created_at desc;
end
$$;
comment on function app_public.service_contact_lists(uuid) is
  'A service''s contact lists not archived, newest first; row_count, template_type and the computed hasJobs, recentJobCount, createdByName give Notify''s list object. NTF04 for a service the caller cannot see.';
revoke all on function app_public.service_contact_lists(uuid) from public;
grant execute on function app_public.service_contact_lists(uuid) to notify_user;
--! EndIncluded jobs/service_contact_lists.sql
--! Included jobs/contact_list.sql
create or replace function app_public.contact_list(service_id uuid, contact_list_id uuid)
returns app_public.service_contact_list
language plpgsql stable
as $$
declare
  v_row app_public.service_contact_list;
begin
  perform app_hidden.assert_can_see_service(contact_list.service_id);
  select l.* into v_row from app_public.service_contact_list l
  where l.id = contact_list.contact_list_id and l.service_id = contact_list.service_id and not l.archived;
  -- As Notify: an archived list is as gone as a missing one.
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  return v_row;
end
$$;
comment on function app_public.contact_list(uuid, uuid) is
  'One contact list of the service; NTF04 "No result found" when missing, archived or another service''s.';
revoke all on function app_public.contact_list(uuid, uuid) from public;
grant execute on function app_public.contact_list(uuid, uuid) to notify_user;
--! EndIncluded jobs/contact_list.sql
--! Included jobs/archive_contact_list.sql
create or replace function app_public.archive_contact_list(service_id uuid, contact_list_id uuid)
returns app_public.service_contact_list
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row app_public.service_contact_list;
begin
  perform app_hidden.assert_can_see_service(archive_contact_list.service_id);
  select l.* into v_row from app_public.service_contact_list l
  where l.id = archive_contact_list.contact_list_id and l.service_id = archive_contact_list.service_id
    and not l.archived
  for update;
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_row.service_id,
    case v_row.template_type when 'sms' then 'send_texts' else 'send_emails' end);
  update app_public.service_contact_list l set archived = true where l.id = v_row.id returning * into v_row;
  -- The file goes with the list: queued in this transaction, so it is deleted exactly when the
  -- archiving commits. Jobs sent from the list keep their own CSVs.
  perform graphile_worker.add_job('remove-contact-list-file',
    json_build_object('serviceId', v_row.service_id, 'contactListId', v_row.id),
    job_key => 'remove-contact-list-file:' || v_row.id, max_attempts => 10);
  return v_row;
end
$$;
comment on function app_public.archive_contact_list(uuid, uuid) is
  'Archive a contact list and queue remove-contact-list-file to delete its CSV from S3. NTF04 "No result found" when missing, already archived or another service''s; NTF03 without send_texts / send_emails.';
revoke all on function app_public.archive_contact_list(uuid, uuid) from public;
grant execute on function app_public.archive_contact_list(uuid, uuid) to notify_user;
--! EndIncluded jobs/archive_contact_list.sql
--! Included jobs/service_contact_list_has_jobs.sql
create or replace function app_public.service_contact_list_has_jobs(list app_public.service_contact_list)
returns boolean
language sql stable
as $$
  -- security invoker: a caller sees only the jobs of services they can see.
  select exists (select 1 from app_public.jobs j where j.contact_list_id = list.id)
$$;
comment on function app_public.service_contact_list_has_jobs(app_public.service_contact_list) is
  'Whether any job was ever sent from the list (Notify''s has_jobs).';
revoke all on function app_public.service_contact_list_has_jobs(app_public.service_contact_list) from public;
grant execute on function app_public.service_contact_list_has_jobs(app_public.service_contact_list) to notify_user;
--! EndIncluded jobs/service_contact_list_has_jobs.sql
--! Included jobs/service_contact_list_recent_job_count.sql
create or replace function app_public.service_contact_list_recent_job_count(list app_public.service_contact_list)
returns int
language sql stable
as $$
  -- Notify's recent_job_count: jobs sent from the list within the service's retention for the
  -- list's type (7 days without one), counted from the start of processing (else creation) against
  -- the date that many days before today. security invoker: row level security applies.
  select count(*)::int
  from app_public.jobs j
  where j.contact_list_id = list.id
    and coalesce(j.processing_started, j.created_at) >= app_public.london_midnight(
          app_public.london_date(now())
          - coalesce((select r.days_of_retention from app_public.service_data_retention r
                      where r.service_id = list.service_id and r.notification_type = list.template_type), 7))
$$;
comment on function app_public.service_contact_list_recent_job_count(app_public.service_contact_list) is
  'Jobs sent from the list whose processing started (else creation) since London midnight of today minus the service''s retention days for the list''s type (default 7): Notify''s recent_job_count.';
revoke all on function app_public.service_contact_list_recent_job_count(app_public.service_contact_list) from public;
grant execute on function app_public.service_contact_list_recent_job_count(app_public.service_contact_list)
  to notify_user;
--! EndIncluded jobs/service_contact_list_recent_job_count.sql
--! Included jobs/service_contact_list_created_by_name.sql
create or replace function app_public.service_contact_list_created_by_name(list app_public.service_contact_list)
returns text
language sql stable
as $$
  -- security invoker: the users table shows a caller their team mates.
  select u.name from app_public.users u where u.id = list.created_by_id
$$;
comment on function app_public.service_contact_list_created_by_name(app_public.service_contact_list) is
  'Name of the user who saved the list (Notify''s created_by in the list object).';
revoke all on function app_public.service_contact_list_created_by_name(app_public.service_contact_list) from public;
grant execute on function app_public.service_contact_list_created_by_name(app_public.service_contact_list)
  to notify_user;
--! EndIncluded jobs/service_contact_list_created_by_name.sql
--! Included jobs/service_uploads.sql
create or replace function app_public.service_uploads(
  service_id uuid,
  limit_days int default null,
  page int default 1,
  page_size int default 50
) returns table (
  id uuid,
  original_file_name text,
  notification_count int,
  template_type text,
  created_at timestamptz,
  scheduled_for timestamptz,
  processing_started timestamptz,
  upload_type text,
  recipient text,
  statistics jsonb,
  total int
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_today date := app_public.london_date(now());
  v_since timestamptz := case when limit_days is not null
                              then app_public.london_midnight(app_public.london_date(now()) - limit_days) end;
  v_letter_days int;
begin
  perform app_hidden.assert_can_see_service(service_uploads.service_id);
  if page is null or page < 1 or page_size is null or page_size < 1 then
    raise exception 'page and page_size must be 1 or more' using errcode = 'NTF01';
  end if;
  select r.days_of_retention into v_letter_days from app_public.service_data_retention r
  where r.service_id = service_uploads.service_id and r.notification_type = 'letter';
  return query
  with uploaded_jobs as (
    -- CSV jobs still within retention, as Notify's uploads page shows them: not one-off sends
    -- ("Test message", "Report"), not cancelled or still scheduled, not sent from a contact list
    -- (those are listed with the list).
    select j.id, j.original_file_name, j.notification_count, t.template_type, j.created_at, j.scheduled_for,
           j.processing_started, 'job'::text as upload_type, null::text as recipient, null::jsonb as statistics
    from app_public.jobs j
    join app_public.templates t on t.id = j.template_id
    left join app_public.service_data_retention r
      on r.service_id = j.service_id and r.notification_type = t.template_type
    where j.service_id = service_uploads.service_id
      and j.original_file_name not in ('Test message', 'Report')
      and j.job_status not in ('cancelled', 'scheduled')
      and j.contact_list_id is null
      and coalesce(j.processing_started, j.created_at)
          >= app_public.london_midnight(v_today - coalesce(r.days_of_retention, 7))
      and (v_since is null or j.created_at >= v_since)
  ), letters_by_status as (
    -- Letters uploaded as PDFs through the website (precompiled, so a hidden template, and no API
    -- key), grouped by the day they go to print: one row per print day, as Notify's uploads page.
    select app_hidden.letter_print_date(n.created_at) as print_day, n.notification_status,
           count(*)::int as n, min(n."to") as any_to
    from app_public.notifications n
    join app_public.templates t on t.id = n.template_id
    where n.service_id = service_uploads.service_id
      and n.notification_type = 'letter'
      and n.api_key_id is null
      and n.notification_status <> 'cancelled'
      and t.hidden
      and n.created_at >= app_public.london_midnight(v_today - coalesce(v_letter_days, 7))
      and (v_since is null or n.created_at >= v_since)
    group by 1, 2
  ), letter_days as (
    -- Printing starts at 17:30 London time on the print day: the row's time. A day with a single
    -- letter shows its recipient (the address read from the PDF), so it can be told from others.
    select null::uuid as id, 'Uploaded letters'::text as original_file_name, sum(l.n)::int as notification_count,
           'letter'::text as template_type,
           (l.print_day + time '17:30') at time zone 'Europe/London' as created_at,
           null::timestamptz as scheduled_for,
           (l.print_day + time '17:30') at time zone 'Europe/London' as processing_started,
           'letter_day'::text as upload_type,
           case when sum(l.n) = 1 then min(l.any_to) end as recipient,
           jsonb_agg(jsonb_build_object('status', l.notification_status, 'count', l.n)
                     order by l.notification_status) as statistics
    from letters_by_status l
    group by l.print_day
  ), listed as (
    select u.*, count(*) over ()::int as total
    from (select * from uploaded_jobs union all select * from letter_days) u
    order by u.processing_started desc nulls first, u.created_at desc, u.id
    offset (page - 1) * page_size
    limit page_size
  )
  select l.id, l.original_file_name, l.notification_count, l.template_type, l.created_at, l.scheduled_for,
         l.processing_started, l.upload_type, l.recipient,
         case when l.upload_type = 'job' then (
           select coalesce(jsonb_agg(jsonb_build_object('status', o.status, 'count', o.count) order by o.status),
                           '[]'::jsonb)
           from app_hidden.job_outcomes(l.id, l.processing_started) o)
         else l.statistics end,
         l.total
  from listed l
  order by l.processing_started desc nulls first, l.created_at desc, l.id;
end
$$;
comment on function app_public.service_uploads(uuid, int, int, int) is
  'Notify''s uploads page, one page (page_size rows, total = rows on all pages): the service''s CSV jobs within retention (not one-off, cancelled, scheduled or from a contact list) and its letters uploaded as PDFs grouped by print day ("Uploaded letters", upload_type letter_day, created_at = 17:30 London on that day, recipient when the day has one letter), newest first, each with [{status, count}] statistics. limit_days: created since London midnight that many days ago. NTF04 for a service the caller cannot see.';
revoke all on function app_public.service_uploads(uuid, int, int, int) from public;
grant execute on function app_public.service_uploads(uuid, int, int, int) to notify_user;
--! EndIncluded jobs/service_uploads.sql
--! Included letters/returned_letter_days.sql
create or replace function app_public.returned_letter_days(service_id uuid)
returns table (returned_letter_count int, reported_at text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(returned_letter_days.service_id);
  -- One row per day a report came in, newest first: the list of reports a service can open.
  return query
  select count(*)::int, to_char(r.reported_at, 'YYYY-MM-DD')
  from app_public.returned_letters r
  where r.service_id = returned_letter_days.service_id
  group by r.reported_at
  order by r.reported_at desc;
end
$$;
comment on function app_public.returned_letter_days(uuid) is
  'Returned letters per report day, newest first: [{returned_letter_count, reported_at "YYYY-MM-DD"}] as Notify''s returned-letter-summary. NTF04 for a service the caller cannot see.';
revoke all on function app_public.returned_letter_days(uuid) from public;
grant execute on function app_public.returned_letter_days(uuid) to notify_user;
--! EndIncluded letters/returned_letter_days.sql
--! Included letters/returned_letters_report.sql
create or replace function app_public.returned_letters_report(service_id uuid, report_date date)
returns table (
  notification_id uuid,
  client_reference text,
  reported_at text,
  created_at text,
  template_name text,
  template_id uuid,
  template_version int,
  user_name text,
  email_address text,
  original_file_name text,
  job_row_number int,
  uploaded_letter_file_name text
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(returned_letters_report.service_id);
  return query
  select r.notification_id,
         -- only API letters carry a reference the service chose
         case when n.api_key_id is not null then n.client_reference end,
         to_char(r.reported_at, 'YYYY-MM-DD'),
         to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
         -- a precompiled (hidden) template says nothing about the letter
         case when not t.hidden then t.name::text end,
         case when not t.hidden then n.template_id end,
         case when not t.hidden then n.template_version end,
         coalesce(u.name::text, 'API'),
         coalesce(u.email_address::text, 'API'),
         j.original_file_name::text,
         n.job_row_number + 1, -- row numbers are stored from 0, people count from 1
         -- a letter uploaded through the website is known by its file name
         case when t.hidden and n.api_key_id is null then n.client_reference end
  from app_public.returned_letters r
  join app_public.notifications_all_time_view n on n.id = r.notification_id
  join app_public.templates t on t.id = n.template_id
  left join app_public.users u on u.id = n.created_by_id
  left join app_public.jobs j on j.id = n.job_id
  where r.service_id = returned_letters_report.service_id
    and r.reported_at = returned_letters_report.report_date
  order by n.created_at desc, r.notification_id;
end
$$;
comment on function app_public.returned_letters_report(uuid, date) is
  'The returned letters reported on one day, newest letter first, with Notify''s report fields and formats (created_at "YYYY-MM-DD HH:MM:SS.ffffff" UTC, reported_at "YYYY-MM-DD"; template fields null for precompiled letters; client_reference only for API letters; user "API" when none; job_row_number from 1). Live or archived letters. NTF04 for a service the caller cannot see.';
revoke all on function app_public.returned_letters_report(uuid, date) from public;
grant execute on function app_public.returned_letters_report(uuid, date) to notify_user;
--! EndIncluded letters/returned_letters_report.sql
--! Included jobs/service_uploaded_letters.sql
create or replace function app_public.service_uploaded_letters(service_id uuid, print_date date)
returns table (
  id uuid,
  file_name text,
  recipient text,
  notification_status text,
  created_at timestamptz,
  created_by_name text
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(service_uploaded_letters.service_id);
  -- The letters behind one "Uploaded letters" row of service_uploads: the same letters (uploaded
  -- as PDFs through the website, not cancelled), those printing on print_date, newest first.
  return query
  select n.id, n.client_reference, n."to", n.notification_status, n.created_at, u.name::text
  from app_public.notifications n
  join app_public.templates t on t.id = n.template_id
  left join app_public.users u on u.id = n.created_by_id
  where n.service_id = service_uploaded_letters.service_id
    and n.notification_type = 'letter'
    and n.api_key_id is null
    and n.notification_status <> 'cancelled'
    and t.hidden
    -- the print date moves a letter after the 17:30 cut-off to the next day
    and n.created_at >= (service_uploaded_letters.print_date - 1 + time '17:30') at time zone 'Europe/London'
    and n.created_at < (service_uploaded_letters.print_date + time '17:30') at time zone 'Europe/London'
  order by n.created_at desc, n.id;
end
$$;
comment on function app_public.service_uploaded_letters(uuid, date) is
  'The letters uploaded as PDFs through the website that print on print_date (created from 17:30 London the day before to 17:30 that day), newest first: file name (client_reference), recipient address, status, who uploaded it. NTF04 for a service the caller cannot see.';
revoke all on function app_public.service_uploaded_letters(uuid, date) from public;
grant execute on function app_public.service_uploaded_letters(uuid, date) to notify_user;
--! EndIncluded jobs/service_uploaded_letters.sql
