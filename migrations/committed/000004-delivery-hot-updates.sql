--! Previous: sha1:03cffabd8e9a7e280cf8186472aa46c34dc46164
--! Hash: sha1:bb4d94910ee5533592e2e6061a8edea79c4e9e6a
--! Message: Delivery writes a text once on its way out and its updates are HOT

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Hot path: delivery updates are HOT (heap-only) and plans stay on the primary key.
--
-- A text used to be written four times in its first seconds: the insert, created → sending
-- (claim), sent (provider accepted), delivered (receipt), and each update wrote a new entry in
-- every index of the row (9 of them): notification_status was in two indexes and the provider
-- reference (for texts, our own id) in a third. Now the claim is a row lock, not a write, and no
-- index holds a column the two remaining updates change; pages keep room for the new versions
-- (fillfactor), so those updates stay on their page and touch no index. Figures: README.
--------------------------------------------------------------------------------

-- Room on each page for the versions the delivery updates write (HOT needs the same page).
alter table app_public.notifications set (fillfactor = 70);

-- SPEC §2.6's (notification_type, notification_status, created_at) without the status: the scans
-- by type and time (letters to collate, replay, timeouts, slow-delivery check) filter the status.
drop index if exists app_public.ix_notifications_notification_type_composite;
create index if not exists ix_notifications_notification_type_created_at
  on app_public.notifications (notification_type, created_at);
-- SPEC §2.6's (service_id, notification_type, notification_status, created_at): the same range
-- without the status is ix_notifications_service_type_created_at.
drop index if exists app_public.ix_notifications_service_id_composite;

-- The status is no longer in an index, which would hide it from GraphQL's conditions and orderings
-- (PostGraphile offers those for indexed columns): offered anyway, as before. Use it together
-- with service_id / notification_type and a created_at range, which are indexed.
comment on column app_public.notifications.notification_status is
  E'@behavior +filterBy +orderBy\nSPEC §3 status. Not indexed on purpose (the delivery updates that change it stay HOT): filter it together with service_id or notification_type and a created_at range.';
comment on column app_public.notifications.reference is
  'Provider reference: the SES message id for email, the letter provider''s reference for letters; null for texts (SMS providers are given the notification id and send receipts by it).';

-- Where the periodic scans got to, so each run reads only rows it has not seen (they no longer
-- find their rows through an index on the status).
create table if not exists app_private.scan_watermarks (
  name text primary key,
  scanned_until timestamptz not null
);
comment on table app_private.scan_watermarks is
  'How far (by notifications.created_at) a periodic scan has read: replay-created-notifications and timeout-sending-notifications start from here (less an overlap for transactions that committed late). Delete a row to make the next run read the whole table.';

--------------------------------------------------------------------------------
-- One write per text on its way out: the claim is a row lock held while the providers answer.
--------------------------------------------------------------------------------
create or replace function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
returns table (
  id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean,
  personalisation text, template_content text, template_subject text, service_id uuid, service_name text,
  prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text,
  created_at timestamptz, reclaimed boolean
)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  set enable_seqscan = off
as $$
#variable_conflict use_column
begin
  -- SPEC §3: created ─service inactive─▶ technical-failure.
  update app_public.notifications n set notification_status = 'technical-failure'
  from app_public.services s
  where n.id = any(claim_notifications.ids) and s.id = n.service_id and not s.active
    and n.notification_status = 'created';

  return query
  with u as (
    -- No write: the row locks are the claim. The caller keeps its transaction open while the
    -- providers answer and records the outcomes (record_delivery_results) before committing, so
    -- each text is written once on its way out (created → sending/sent), not twice.
    select n.id, n.notification_type, n.key_type, n."to", n.normalised_to, n.international, n._personalisation,
           n.template_id, n.template_version, n.service_id, n.reply_to_text, n.one_click_unsubscribe_url,
           n.created_at, n.notification_status = 'sending' as reclaimed
    from app_public.notifications n
    -- Only the primary key can serve these conditions (no index holds the status; the type is
    -- checked below, outside: a generic plan made while the table was small once walked the
    -- (notification_type, created_at) index instead, ~2,000 pages a call).
    where n.id = any(claim_notifications.ids)
      and (n.notification_status = 'created'
           -- A claim written by an earlier version (created → sending before the call) whose
           -- worker died before the provider answered.
           or (n.notification_status = 'sending' and n.sent_at is null and n.updated_at < now() - claim_notifications.lease))
    order by n.id
    for update of n skip locked
  )
  select u.id, u.notification_type, u.key_type, u."to", u.normalised_to, u.international,
         -- app_private.decrypt inlined (one key lookup per statement, no SQL-function call per row).
         case when u._personalisation is null then null
              else convert_from(decrypt_iv(substr(u._personalisation, 17),
                                           (select k.encryption_key from app_private.settings k limit 1),
                                           substr(u._personalisation, 1, 16), 'aes-cbc/pad:pkcs'), 'UTF8') end,
         t.content, t.subject, s.id, s.name::text, s.prefix_sms, s.email_from,
         case when u.notification_type = 'sms' then coalesce(u.reply_to_text, ss.sms_sender) end,
         case when u.notification_type = 'email' then coalesce(u.reply_to_text, er.email_address) end,
         u.one_click_unsubscribe_url, u.created_at, u.reclaimed
  from u
  join app_public.services s on s.id = u.service_id
  join app_public.templates_history t on t.id = u.template_id and t.version = u.template_version
  left join lateral (
    select x.sms_sender from app_public.service_sms_senders x
    where x.service_id = u.service_id and x.is_default and not x.archived limit 1
  ) ss on u.notification_type = 'sms'
  left join lateral (
    select x.email_address from app_public.service_email_reply_to x
    where x.service_id = u.service_id and x.is_default and not x.archived limit 1
  ) er on u.notification_type = 'email'
  where u.notification_type in ('sms', 'email');
end
$$;

comment on function app_private.claim_notifications(uuid[], interval) is
  'Claims notifications for hand-off to a provider by locking them (for update skip locked: two workers never claim the same row); nothing is written. Call it in a transaction that records every outcome with record_delivery_results before it commits: a worker that dies in between leaves the rows created, for the job''s retry or the replay task (providers are sent the notification id as reference, so they can drop a repeat). Rows still sending without sent_at after `lease` (claims written by earlier versions) are claimed again. Returns what the worker needs to build the message (personalisation decrypted). Rows of inactive services go to technical-failure.';

create or replace function app_private.record_delivery_results(results jsonb) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  set enable_seqscan = off
as $$
declare
  v_count integer;
  v_ids uuid[] := array(select (x->>'id')::uuid from jsonb_array_elements(results) as x);
begin
  -- outcome: sent (provider accepted) | retry (back to created for the next attempt)
  --        | failed (technical-failure) | simulated (test key: final status without any provider)
  -- Lock the rows in id order first: receipts for the same rows arrive concurrently
  -- (apply_delivery_receipts locks in the same order), so neither can deadlock the other.
  perform 1 from app_public.notifications n
  where n.id = any(v_ids)
  order by n.id
  for update;
  update app_public.notifications n
  set notification_status = case r.outcome
        when 'sent' then case when n.notification_status in ('created', 'sending') then coalesce(r.status, 'sending') else n.notification_status end
        when 'retry' then 'created'
        when 'failed' then 'technical-failure'
        when 'simulated' then r.status
      end,
      sent_at = case when r.outcome in ('sent', 'simulated') then coalesce(n.sent_at, now()) else n.sent_at end,
      sent_by = case when r.outcome = 'retry' then null else coalesce(r.provider, n.sent_by) end,
      -- A provider reference that is our own id (every SMS provider: receipts come by id) is not
      -- stored, as Notify does not: reference is indexed, and leaving it alone keeps the update HOT.
      reference = case when r.reference = n.id::text then n.reference else coalesce(r.reference, n.reference) end,
      billable_units = coalesce(r.billable_units, n.billable_units),
      updated_at = clock_timestamp()
  from jsonb_to_recordset(results) as r(id uuid, outcome text, provider text, reference text, billable_units integer, status text)
  where n.id = any(v_ids) and n.id = r.id
    and case r.outcome
          when 'sent' then n.notification_status in ('created', 'sending', 'pending', 'sent', 'delivered', 'temporary-failure', 'permanent-failure') and n.sent_at is null
          else n.notification_status in ('created', 'sending') and n.sent_at is null
        end;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.record_delivery_results(jsonb) is
  'Records what happened to claimed notifications, as a JSON array of {id, outcome: sent|retry|failed|simulated, provider, reference, billable_units, status}. sent keeps any status a receipt already set (a receipt may beat this call). billable_units are recorded even when the provider call failed (SPEC §4.1). A provider reference equal to the notification id (SMS providers) is not stored.';

create or replace function app_private.timeout_notifications(older_than interval default interval '259200 seconds', batch_size integer default 100000)
returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
  v_cutoff timestamptz := now() - older_than;
  -- Rows created before the last run's cutoff were looked at then; an hour of overlap covers
  -- transactions that committed after that run with an earlier created_at.
  v_from timestamptz := coalesce((select w.scanned_until from app_private.scan_watermarks w where w.name = 'timeout_notifications') - interval '1 hour', '-infinity');
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
    insert into app_private.scan_watermarks (name, scanned_until) values ('timeout_notifications', v_cutoff)
    on conflict (name) do update set scanned_until = greatest(app_private.scan_watermarks.scanned_until, excluded.scanned_until);
  end if;
  return v_count;
end
$$;
comment on function app_private.timeout_notifications(interval, integer) is
  'SPEC §3 timeout: up to batch_size texts/emails still sending or pending 72 h after creation become temporary-failure (the status trigger queues their callbacks). Returns the number changed; the task calls it until fewer than batch_size, one transaction per batch. Reads only rows created since the previous complete run (app_private.scan_watermarks, one hour of overlap).';

create or replace function app_private.replay_created_notifications(
  older_than interval default interval '1 hour',
  lease interval default interval '5 minutes',
  max_rows integer default 50000
) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
  v_cutoff timestamptz := now() - older_than;
  -- Ten minutes of overlap with the previous run for transactions that committed late.
  v_from timestamptz := coalesce((select w.scanned_until from app_private.scan_watermarks w where w.name = 'replay_created_notifications') - interval '10 minutes', '-infinity');
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
  insert into app_private.scan_watermarks (name, scanned_until)
  values ('replay_created_notifications',
          -- max_rows reached: the next run goes on from the last row taken.
          case when coalesce(array_length(v_ids, 1), 0) >= max_rows then v_last else v_cutoff end)
  on conflict (name) do update set scanned_until = greatest(app_private.scan_watermarks.scanned_until, excluded.scanned_until);
  if v_ids is null then
    return 0;
  end if;
  perform app_hidden.enqueue_delivery(v_ids);
  return array_length(v_ids, 1);
end
$$;
comment on function app_private.replay_created_notifications(interval, interval, integer) is
  'SPEC §5 replay: texts/emails still created older_than after creation (scheduled ones once due), and claims abandoned by a dead worker (sending, no sent_at, claimed more than lease ago), get a new delivery job. Each row is looked at in the first run after it turns older_than (app_private.scan_watermarks, ten minutes of overlap); graphile-worker retries each delivery job itself, this is the safety net. Returns the number re-queued.';

-- Hot-path functions look notifications up by primary key only. A generic plan cached while the
-- table was small (a fresh database, a quiet night) hash-joined a sequential scan of the whole
-- table on every later call (bench/api.ts: 5M rows read for 10k notifications).
alter function app_hidden.apply_delivery_receipts(jsonb) set enable_seqscan = off;

-- The API's hot path: custom plans (the planner's default for the first calls and whenever it
-- thinks the parameters matter) re-planned create_notifications' statement and, inside it, each
-- statement of graphile_worker.add_jobs on every batch. Generic plans are right for all of them
-- (lookups by key); the setting applies to the functions it calls as well. Measured alone (15 rows
-- a call, one client): 5.45 → 4.36 ms a call; add_jobs alone 1.34 → 0.70 ms.
alter function app_hidden.create_notifications(jsonb) set plan_cache_mode = force_generic_plan;
