--! Previous: sha1:4c9e909aa98835a0886915ffcc0f92e1caf89754
--! Hash: sha1:400193d4baea88d7275c5e4a17d8cff648453b57
--! Message: Letters whose PDF or scan job was lost are queued again by replay-created-notifications

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Letters whose PDF or scan job was lost are queued again (replay-created-notifications)
--------------------------------------------------------------------------------
create or replace function app_private.replay_letter_jobs(
  older_than interval default interval '1 hour',
  within interval default interval '10 days'
) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  -- Live letters still without a PDF (created, billable_units 0) or still waiting for the scan
  -- (pending-virus-check) after `older_than`: one job per letter, keyed by it, so a letter that
  -- keeps failing has one job retrying, not one more every run. Letters are few: read through
  -- (notification_type, created_at) over the last `within` (SPEC §5: letters print within 10 days).
  select array_agg(row(x.task, json_build_object('ids', json_build_array(x.id)), null, null, null,
                       'replay:' || x.task || ':' || x.id, null, null)::graphile_worker.job_spec)
  into v_specs
  from (
    select n.id, case when n.notification_status = 'pending-virus-check' then 'scan-letter' else 'create-letter-pdf' end as task
    from app_public.notifications n
    where n.notification_type = 'letter'
      and n.created_at >= now() - within and n.created_at < now() - older_than
      and n.key_type = 'normal'
      and ((n.notification_status = 'created' and n.billable_units = 0) or n.notification_status = 'pending-virus-check')
  ) x;
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return array_length(v_specs, 1);
end
$$;
comment on function app_private.replay_letter_jobs(interval, interval) is
  'Queues create-letter-pdf / scan-letter again for live letters still without a PDF (created, billable_units 0) or still pending-virus-check after `older_than` (created within `within`): one job per letter with job key replay:{task}:{id}, so repeats replace rather than pile up. Returns the letters queued.';
revoke all on function app_private.replay_letter_jobs(interval, interval) from public;
