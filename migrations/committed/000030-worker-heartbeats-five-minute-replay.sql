--! Previous: sha1:2191920abc6f78ad932725f2971aca251a701c4f
--! Hash: sha1:f359b9ecf222a3e8c9e30c281fec04ee6c082fa0
--! Message: worker heartbeats five minute replay

--! split: 1-current.sql
-- Heartbeats of running workers (app_private.worker_heartbeat): jobs locked by a worker gone silent are
-- released within minutes.
create table if not exists app_private.worker_heartbeats (
  worker_id text primary key,
  beat_at timestamptz not null default now()
);
comment on table app_private.worker_heartbeats is
  'One row per running graphile-worker pool (its id is the locked_by of the jobs it runs), written every few seconds; a row older than the dead-worker threshold means the worker is gone and its jobs are released.';
--! Included delivery/worker_heartbeat.sql
create or replace function app_private.worker_heartbeat(worker_id text, dead_after interval default interval '2 minutes')
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_dead text[];
  v_jobs integer;
begin
  insert into app_private.worker_heartbeats as h (worker_id, beat_at)
  values (worker_heartbeat.worker_id, now())
  on conflict on constraint worker_heartbeats_pkey do update set beat_at = excluded.beat_at;
  -- Deleting the silent workers' rows is the claim on them: when several live workers sweep at
  -- once, each dead worker's jobs are released by one of them.
  with gone as (
    delete from app_private.worker_heartbeats h
    where h.beat_at < now() - dead_after
    returning h.worker_id
  )
  select array_agg(g.worker_id) into v_dead from gone g;
  if v_dead is null then
    return 0;
  end if;
  select count(*)::int into v_jobs from graphile_worker._private_jobs j where j.locked_by = any(v_dead);
  perform graphile_worker.force_unlock_workers(v_dead);
  return v_jobs;
end
$$;
comment on function app_private.worker_heartbeat(text, interval) is
  'Called by every running worker (graphile-worker pool `worker_id`, the jobs'' locked_by) every few seconds: records that it is alive, and releases the jobs and queues locked by workers silent for longer than `dead_after` (a killed process, a lost host), so they run again within minutes instead of after graphile-worker''s four-hour lock expiry. Jobs locked by a pool that never recorded a heartbeat are left to that expiry. Returns the number of jobs released.';
revoke all on function app_private.worker_heartbeat(text, interval) from public;
--! EndIncluded delivery/worker_heartbeat.sql
--! Included delivery/replay_created_notifications.sql
create or replace function app_private.replay_created_notifications(older_than interval default '00:05:00'::interval, lease interval default '00:05:00'::interval, max_rows integer default 50000) returns integer
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
  v_cutoff timestamptz := now() - older_than;
  -- Ten minutes of overlap with the previous run for transactions that committed late.
  v_from timestamptz := app_private.scan_from('replay_created_notifications', interval '10 minutes');
  v_last timestamptz;
begin
  -- Each row is looked at once, in the run after it turns older_than: still created (its job
  -- failed for good, skipped it or died with its worker), or claimed by a worker that died before the
  -- provider answered. A row whose job is merely late gets a second job, which finds it sent or
  -- locked (claims skip locked rows) and sends nothing: replays never deliver twice.
  select array_agg(x.id), max(x.created_at) into v_ids, v_last
  from (
    select n.id, n.created_at from app_public.notifications n
    where n.notification_type in ('sms', 'email')
      and n.created_at >= v_from and n.created_at < v_cutoff
      and n.sent_at is null
      and ((n.notification_status = 'created' and (n.scheduled_for is null or n.scheduled_for <= now()))
           or (n.notification_status = 'sending' and n.updated_at < now() - lease))
    order by n.created_at
    limit max_rows
  ) x;
  -- max_rows reached: the next run goes on from the last row taken.
  perform app_private.advance_scan('replay_created_notifications',
    case when coalesce(array_length(v_ids, 1), 0) >= max_rows then v_last else v_cutoff end);
  if v_ids is null then
    return 0;
  end if;
  perform app_hidden.enqueue_delivery(v_ids);
  return array_length(v_ids, 1);
end
$$;
comment on function app_private.replay_created_notifications(interval, interval, integer) is
  'Replay: texts/emails still created older_than after creation (scheduled ones once due), and claims abandoned by a dead worker (sending, no sent_at, claimed more than lease ago), get a new delivery job. Each row is looked at in the first run after it turns older_than (app_private.scan_watermarks, ten minutes of overlap); graphile-worker retries each delivery job itself, this is the safety net. Returns the number re-queued.';
revoke all on function app_private.replay_created_notifications(interval, interval, integer) from public;
--! EndIncluded delivery/replay_created_notifications.sql
