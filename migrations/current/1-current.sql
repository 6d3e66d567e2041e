-- Heartbeats of running workers (app_private.worker_heartbeat): jobs locked by a worker gone silent are
-- released within minutes.
create table if not exists app_private.worker_heartbeats (
  worker_id text primary key,
  beat_at timestamptz not null default now()
);
comment on table app_private.worker_heartbeats is
  'One row per running graphile-worker pool (its id is the locked_by of the jobs it runs), written every few seconds; a row older than the dead-worker threshold means the worker is gone and its jobs are released.';
--! include delivery/worker_heartbeat.sql
--! include delivery/replay_created_notifications.sql
