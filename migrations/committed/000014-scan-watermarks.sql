--! Previous: sha1:b8a0c53500bafa3144f217e9a4805a447042fc38
--! Hash: sha1:e815a22f1cc19ff089dc6b3421512614259b93dc
--! Message: Scan watermarks read and moved by app_private.scan_from / advance_scan (replay and timeout each had a copy)

--! split: 1-current.sql
-- Scan watermarks read and moved by one pair of functions (replay-created-notifications and
-- timeout-sending-notifications each had their own copy of both statements).
create or replace function app_private.scan_from(name text, overlap interval) returns timestamptz
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce((select w.scanned_until from app_private.scan_watermarks w where w.name = scan_from.name) - overlap, '-infinity'::timestamptz)
$$;
comment on function app_private.scan_from(text, interval) is
  'Where a periodic scan named `name` starts reading notifications.created_at: its watermark less `overlap` (for transactions that committed after the previous run with an earlier created_at); -infinity before its first complete run.';

create or replace function app_private.advance_scan(name text, scanned_until timestamptz) returns void
language sql volatile
set search_path = pg_catalog, public, pg_temp
as $$
  insert into app_private.scan_watermarks as w (name, scanned_until) values (advance_scan.name, advance_scan.scanned_until)
  on conflict (name) do update set scanned_until = greatest(w.scanned_until, excluded.scanned_until)
$$;
comment on function app_private.advance_scan(text, timestamptz) is
  'Records that the scan named `name` has read everything created before `scanned_until` (never moves a watermark back).';

create or replace function app_private.replay_created_notifications(older_than interval default '01:00:00'::interval, lease interval default '00:05:00'::interval, max_rows integer default 50000) returns integer
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
  -- failed for good or skipped it), or claimed by a worker that died before the provider answered.
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

create or replace function app_private.timeout_notifications(older_than interval default '72:00:00'::interval, batch_size integer default 100000) returns integer
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
  v_cutoff timestamptz := now() - older_than;
  -- Rows created before the last run's cutoff were looked at then; an hour of overlap covers
  -- transactions that committed after that run with an earlier created_at.
  v_from timestamptz := app_private.scan_from('timeout_notifications', interval '1 hour');
begin
  update app_public.notifications n
  set notification_status = 'temporary-failure', updated_at = clock_timestamp()
  where n.id in (
    select x.id from app_public.notifications x
    where x.notification_type in ('sms', 'email')
      and x.created_at >= v_from and x.created_at < v_cutoff
      and x.notification_status in ('sending', 'pending')
    limit batch_size
    for update skip locked
  );
  get diagnostics v_count = row_count;
  if v_count < batch_size then
    -- Done with everything before the cutoff: the next run starts here.
    perform app_private.advance_scan('timeout_notifications', v_cutoff);
  end if;
  return v_count;
end
$$;
revoke all on function app_private.scan_from(text, interval) from public;
revoke all on function app_private.advance_scan(text, timestamptz) from public;
