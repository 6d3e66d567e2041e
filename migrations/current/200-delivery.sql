-- delivery (issue 5): claim → provider → receipt state transitions, provider choice and
-- failover, status callbacks to services, inbound SMS forwarding, timeouts and replay.
-- The graphile-worker tasks in tasks/ are thin wrappers over these functions (SPEC §3, §5, §6).

--------------------------------------------------------------------------------
-- Enqueueing and claiming
--------------------------------------------------------------------------------

drop function if exists app_hidden.enqueue_delivery(uuid[], integer);
create function app_hidden.enqueue_delivery(ids uuid[], batch_size integer default 50) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('deliver-' || b.notification_type, json_build_object('ids', b.ids), null, null, null, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from (
    select x.notification_type, array_agg(x.id order by x.id) as ids
    from (
      select n.id, n.notification_type,
             (row_number() over (partition by n.notification_type order by n.id) - 1) / greatest(batch_size, 1) as grp
      from app_public.notifications n
      where n.id = any(enqueue_delivery.ids) and n.notification_type in ('sms', 'email')
        and n.notification_status in ('created', 'sending') and n.sent_at is null
    ) x
    group by x.notification_type, x.grp
  ) b;
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return coalesce(array_length(v_specs, 1), 0);
end
$$;
comment on function app_hidden.enqueue_delivery(uuid[], integer) is
  'Queue deliver-sms / deliver-email jobs ({"ids": [...]}, batch_size ids per job) for notifications still waiting to be handed to a provider. The v2 API adds the same jobs in the transaction that inserts the rows; this is for replays, tests and DBAs.';
grant execute on function app_hidden.enqueue_delivery(uuid[], integer) to notify_authenticator;

drop function if exists app_private.claim_notifications(uuid[], interval);
create function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
returns table (
  id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean,
  personalisation text, template_content text, template_subject text, service_id uuid, service_name text,
  prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text,
  created_at timestamptz, reclaimed boolean
)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  -- SPEC §3: created ─service inactive─▶ technical-failure.
  update app_public.notifications n set notification_status = 'technical-failure'
  from app_public.services s
  where n.id = any(claim_notifications.ids) and s.id = n.service_id and not s.active
    and n.notification_status = 'created';

  return query
  with c as (
    select n.id, n.notification_status = 'sending' as reclaimed
    from app_public.notifications n
    where n.id = any(claim_notifications.ids)
      and n.notification_type in ('sms', 'email')
      and (n.notification_status = 'created'
           or (n.notification_status = 'sending' and n.sent_at is null and n.updated_at < now() - claim_notifications.lease))
    for update of n skip locked
  ), u as (
    update app_public.notifications n
    set notification_status = 'sending', updated_at = clock_timestamp()
    from c
    where n.id = c.id
    returning n.id, n.notification_type, n.key_type, n."to", n.normalised_to, n.international, n._personalisation,
              n.template_id, n.template_version, n.service_id, n.reply_to_text, n.one_click_unsubscribe_url,
              n.created_at, c.reclaimed
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
  ) er on u.notification_type = 'email';
end
$$;
comment on function app_private.claim_notifications(uuid[], interval) is
  'Claims notifications for hand-off to a provider: created → sending (sent_at stays null until the provider accepts), row locks taken with skip locked so two workers never claim the same row. A claim older than `lease` with no sent_at (worker killed mid-call) is claimed again; providers are sent the notification id as reference, so they can drop the repeat. Returns what the worker needs to build the message (personalisation decrypted). Rows of inactive services go to technical-failure.';

drop function if exists app_private.record_delivery_results(jsonb);
create function app_private.record_delivery_results(results jsonb) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
  -- The rows by primary key (= any(array): an index scan whatever the table size when the plan was cached).
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
      reference = coalesce(r.reference, n.reference),
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
  'Records what happened to claimed notifications, as a JSON array of {id, outcome: sent|retry|failed|simulated, provider, reference, billable_units, status}. sent keeps any status a receipt already set (a receipt may beat this call). billable_units are recorded even when the provider call failed (SPEC §4.1).';

--------------------------------------------------------------------------------
-- Delivery receipts
--------------------------------------------------------------------------------

drop function if exists app_hidden.apply_delivery_receipts(jsonb);
create function app_hidden.apply_delivery_receipts(receipts jsonb)
returns table (reference text, notification_id uuid, outcome text)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
  with r as (
    select e.ord, e.j->>'reference' as reference, coalesce((e.j->>'by_id')::boolean, true) as by_id, e.j->>'status' as status,
           coalesce((e.j->>'soften')::boolean, false) as soften, e.j->>'provider' as provider
    from jsonb_array_elements(receipts) with ordinality as e(j, ord)
  ), found as (
    -- Lateral lookups: one index probe per receipt (by id, or by the provider's reference), whatever
    -- the size of the table when the plan was made (a hash join would read the whole table).
    select r.*, coalesce(a.id, b.id) as nid, coalesce(a.notification_status, b.notification_status) as current_status
    from r
    left join lateral (
      select a.id, a.notification_status from app_public.notifications a
      where r.by_id and r.reference ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        and a.id = (case when r.reference ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then r.reference end)::uuid
      offset 0 -- not flattened into a join: stays a parameterised index probe
    ) a on true
    left join lateral (
      select b.id, b.notification_status from app_public.notifications b
      where not r.by_id and b.reference = r.reference
      offset 0
    ) b on true
  ), wanted as (
    -- One change per notification (the last receipt of the batch wins); SPEC §3 decides what may move.
    select distinct on (f.nid) f.nid,
           case when f.status = 'permanent-failure' and f.soften and f.current_status = 'pending' then 'temporary-failure' else f.status end as new_status
    from found f
    where f.nid is not null
      and f.status in ('sending', 'pending', 'sent', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')
      and case when f.by_id then f.current_status in ('created', 'sending', 'pending', 'sent', 'pending-virus-check')
               else f.current_status in ('sending', 'pending') end
    order by f.nid, f.ord desc
  ), locked as (
    -- Row locks in id order, the order record_delivery_results uses: no deadlocks between them.
    select n.id from app_public.notifications n
    where n.id in (select w.nid from wanted w)
    order by n.id
    for update of n
  ), upd as (
    update app_public.notifications n
    set notification_status = w.new_status, updated_at = clock_timestamp()
    from wanted w
    where n.id = w.nid and n.id in (select l.id from locked l) and n.notification_status is distinct from w.new_status
    returning n.id
  )
  select f.reference, f.nid,
         case when f.nid is null then 'not-found'
              when exists (select 1 from upd where upd.id = f.nid) then 'updated'
              when f.current_status = f.status then 'duplicate'
              else 'ignored' end
  from found f
  order by f.ord;
end
$$;
comment on function app_hidden.apply_delivery_receipts(jsonb) is
  'Applies provider delivery receipts, a JSON array of {reference, by_id (reference is our notification id; false: the provider''s own reference, e.g. SES message id), status (ours, already mapped), soften (firetext: a permanent failure without code on a pending row becomes temporary)}. SPEC §3: by id only created/sending/pending/sent/pending-virus-check rows move, by reference only sending/pending; anything else is ignored, so repeats are harmless. Returns per receipt: updated | duplicate | ignored | not-found.';
grant execute on function app_hidden.apply_delivery_receipts(jsonb) to notify_authenticator;

--------------------------------------------------------------------------------
-- Providers: selection data, failover, slow delivery, tend back (SPEC §6.2)
--------------------------------------------------------------------------------

drop function if exists app_hidden.delivery_providers(text);
create function app_hidden.delivery_providers(notification_type text)
returns table (identifier text, priority integer, supports_international boolean)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select p.identifier, p.priority, p.supports_international
  from app_public.provider_details p
  where p.active and p.notification_type = delivery_providers.notification_type
  order by p.priority desc, p.identifier
$$;
comment on function app_hidden.delivery_providers(text) is
  'Active providers of a channel with their weights; the worker caches this for 10 s and picks by weighted random (international SMS only among supports_international).';
grant execute on function app_hidden.delivery_providers(text) to notify_authenticator;

drop function if exists app_private.deprioritise_provider(text, text);
create function app_private.deprioritise_provider(identifier text, reason text) returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_failed app_public.provider_details;
begin
  select * into v_failed from app_public.provider_details p where p.identifier = deprioritise_provider.identifier for update;
  if not found or not v_failed.active then
    return false;
  end if;
  -- Lock the channel's rows so two failing workers make one change, not two.
  perform 1 from app_public.provider_details p where p.notification_type = v_failed.notification_type for update;
  if (select count(*) from app_public.provider_details p where p.notification_type = v_failed.notification_type and p.active) < 2 then
    return false;
  end if;
  if exists (select 1 from app_public.provider_details p
             where p.notification_type = v_failed.notification_type and p.updated_at > now() - interval '1 minute') then
    return false;
  end if;
  update app_public.provider_details p
  set priority = case when p.id = v_failed.id then greatest(p.priority - 10, 0) else least(p.priority + 10, 100) end,
      reason = case when p.id = v_failed.id then deprioritise_provider.reason
                    else format('%s failed: %s', v_failed.identifier, deprioritise_provider.reason) end,
      created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
  where p.notification_type = v_failed.notification_type and p.active
    and (p.id = v_failed.id and p.priority > 0 or p.id <> v_failed.id and p.priority < 100);
  return found;
end
$$;
comment on function app_private.deprioritise_provider(text, text) is
  'Failover after a provider error (SPEC §6.2): the provider loses 10 points, the other active ones of its channel gain 10 (clamped 0-100); skipped when fewer than two are active or any changed in the last minute. Each change is versioned into provider_details_history with the reason, by the Notify service user.';

drop function if exists app_private.switch_providers_on_slow_delivery(interval, interval, numeric, interval);
create function app_private.switch_providers_on_slow_delivery(
  window_size interval default interval '10 minutes',
  slow_after interval default interval '4 minutes',
  slow_ratio numeric default 0.3,
  guard interval default interval '10 minutes'
) returns table (identifier text, ratio numeric, lowered boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
  with stats as (
    select p.id, p.identifier,
           coalesce(avg(case when (n.notification_status = 'delivered' and n.updated_at - n.sent_at >= slow_after)
                               or (n.notification_status in ('sending', 'pending') and now() - n.sent_at >= slow_after)
                             then 1.0 else 0.0 end), 0) as ratio,
           count(n.id) as total
    from app_public.provider_details p
    left join app_public.notifications n
      on n.sent_by = p.identifier and n.notification_type = 'sms' and n.key_type <> 'test'
         and n.created_at > now() - window_size and n.sent_at is not null
         and n.notification_status in ('delivered', 'pending', 'sending')
    where p.notification_type = 'sms' and p.active
    group by p.id, p.identifier
  ), slow as (
    select s.*, s.ratio >= $3 and s.total > 0 as is_slow from stats s
  ), decision as (
    select sl.*, (select count(*) filter (where is_slow) from slow) as n_slow, (select count(*) from slow) as n_all from slow sl
  ), upd as (
    update app_public.provider_details p
    set priority = greatest(p.priority - 10, 0),
        reason = format('slow delivery: %s%% of texts took %s or more', round(d.ratio * 100), slow_after),
        created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
    from decision d
    where p.id = d.id and d.is_slow and d.n_slow < d.n_all and p.priority > 0
      and (p.updated_at is null or p.updated_at < now() - guard)
    returning p.id
  )
  select d.identifier, round(d.ratio, 3), exists (select 1 from upd where upd.id = d.id) from decision d;
end
$$;
comment on function app_private.switch_providers_on_slow_delivery(interval, interval, numeric, interval) is
  'SPEC §6.2 slow delivery (REF, every minute): per active SMS provider, live texts created in the last window_size with a sent_at; slow = delivered after slow_after or still not delivered after it; a provider with slow_ratio or more slow texts loses 10 points, only when some but not all are slow and it has not changed within guard.';

drop function if exists app_private.tend_providers_back_to_middle();
create function app_private.tend_providers_back_to_middle() returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  if exists (select 1 from app_public.provider_details where notification_type = 'sms' and updated_at > now() - interval '1 hour') then
    return 0;
  end if;
  with rest as (
    select p.id, p.priority,
           case p.identifier when 'mmg' then 51 when 'firetext' then 49
                else round(100.0 / count(*) over ())::integer end as resting
    from app_public.provider_details p
    where p.notification_type = 'sms' and p.active
  )
  update app_public.provider_details p
  set priority = case when r.priority < r.resting then least(r.priority + 10, r.resting)
                      else greatest(r.priority - 10, r.resting) end,
      reason = 'tending back to the resting point',
      created_by_id = '6af522d0-2915-4e52-83a3-3690455a5fe6'
  from rest r
  where p.id = r.id and p.priority <> r.resting;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.tend_providers_back_to_middle() is
  'SPEC §6.2 tend back (every 5 minutes): when no SMS provider changed in the last hour, move each active one 10 points toward its resting point (mmg 51, firetext 49, others an equal share).';

-- SMTP is offered as an email provider besides SES and the stub (inactive until configured).
insert into app_public.provider_details (identifier, display_name, notification_type, priority, active, supports_international)
values ('smtp', 'SMTP', 'email', 0, false, false)
on conflict (identifier) do nothing;

--------------------------------------------------------------------------------
-- Callbacks to services (SPEC §6.3)
--------------------------------------------------------------------------------

create table if not exists app_private.service_callback_health (
  service_callback_api_id uuid primary key references app_public.service_callback_api (id) on delete cascade,
  url text not null,
  consecutive_failures integer not null default 0,
  last_error text,
  last_failure_at timestamptz,
  last_success_at timestamptz,
  suspended_at timestamptz,
  suspended_reason text,
  updated_at timestamptz not null default now()
);
comment on table app_private.service_callback_health is
  'Whether a service''s callback URL works: consecutive callbacks that failed for good (retries exhausted or a 4xx). After enough of them the URL is suspended (no more calls) with the reason; setting the callback again (new URL or token) lifts it.';

drop function if exists app_private.callback_target(uuid, text);
create function app_private.callback_target(service_id uuid, callback_type text)
returns table (id uuid, url text, bearer_token text, suspended_reason text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token,
         case when h.suspended_at is not null and h.url = c.url and h.suspended_at >= coalesce(a.updated_at, a.created_at)
              then h.suspended_reason end
  from app_hidden.service_callback(callback_target.service_id, callback_target.callback_type) c
  join app_public.service_callback_api a on a.id = c.id
  left join app_private.service_callback_health h on h.service_callback_api_id = c.id
$$;
comment on function app_private.callback_target(uuid, text) is
  'URL, decrypted token and (when suspended) why, of a service''s callback, for the callback tasks.';

drop function if exists app_private.record_callback_result(uuid, text, boolean, text, integer);
create function app_private.record_callback_result(callback_id uuid, url text, ok boolean, error text default null, suspend_after integer default 5)
returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row app_private.service_callback_health;
begin
  insert into app_private.service_callback_health as h (service_callback_api_id, url)
  values (callback_id, record_callback_result.url)
  on conflict (service_callback_api_id) do nothing;
  if ok then
    update app_private.service_callback_health h
    set url = record_callback_result.url, consecutive_failures = 0, last_success_at = now(),
        suspended_at = null, suspended_reason = null, updated_at = now()
    where h.service_callback_api_id = callback_id;
    return null;
  end if;
  update app_private.service_callback_health h
  set consecutive_failures = case when h.url = record_callback_result.url then h.consecutive_failures + 1 else 1 end,
      url = record_callback_result.url, last_error = left(error, 500), last_failure_at = now(), updated_at = now()
  where h.service_callback_api_id = callback_id
  returning * into v_row;
  if v_row.consecutive_failures >= suspend_after and v_row.suspended_at is null then
    update app_private.service_callback_health h
    set suspended_at = now(),
        suspended_reason = format('%s callbacks in a row failed (last: %s); calls stopped until the callback is set again',
                                  v_row.consecutive_failures, left(error, 300))
    where h.service_callback_api_id = callback_id
    returning * into v_row;
  end if;
  return v_row.suspended_reason;
end
$$;
comment on function app_private.record_callback_result(uuid, text, boolean, text, integer) is
  'Success resets the failure count; a callback that failed for good counts one more, and suspend_after in a row suspend the URL, recording why. Returns the suspension reason when suspended.';

drop function if exists app_private.delivery_status_callback(uuid, text);
create function app_private.delivery_status_callback(notification_id uuid, status text)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'id', n.id,
           'reference', n.client_reference,
           'to', n."to",
           'status', coalesce(delivery_status_callback.status, n.notification_status),
           'created_at', to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'completed_at', to_char(n.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'sent_at', to_char(n.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'notification_type', n.notification_type,
           'template_id', n.template_id,
           'template_version', n.template_version)
  from app_public.notifications n
  cross join lateral app_private.callback_target(n.service_id, 'delivery_status') c
  where n.id = delivery_status_callback.notification_id
$$;
comment on function app_private.delivery_status_callback(uuid, text) is
  'Where to POST a notification''s status and the documented body (SPEC §6.3); no row when the service has no delivery_status callback or the notification is gone.';

drop function if exists app_private.inbound_sms_callback(uuid);
create function app_private.inbound_sms_callback(inbound_sms_id uuid)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'id', i.id,
           'source_number', i.user_number,
           'destination_number', i.notify_number,
           'message', app_private.decrypt(i.content),
           'date_received', to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
  from app_public.inbound_sms i
  cross join lateral app_private.callback_target(i.service_id, 'inbound_sms') c
  where i.id = inbound_sms_callback.inbound_sms_id
$$;
comment on function app_private.inbound_sms_callback(uuid) is
  'Where to forward a received text and the documented body (SPEC §6.3: id, source_number, destination_number, message, date_received).';

-- Final statuses queue a callback in the transaction that sets them, whichever code path did it
-- (receipts, timeouts, technical failures, simulated test-key outcomes, letters).
create or replace function app_private.tg_notifications__status_callback() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-delivery-status', json_build_object('id', n.id, 'status', n.notification_status),
                       null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows n
  join old_rows o on o.id = n.id
  where n.notification_status is distinct from o.notification_status
    and n.notification_status in ('sent', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure', 'returned-letter')
    and exists (select 1 from app_public.service_callback_api c
                where c.service_id = n.service_id and c.callback_type = 'delivery_status');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;
comment on function app_private.tg_notifications__status_callback() is
  'AFTER UPDATE statement trigger: queues send-delivery-status for each notification that reached a final status in the statement, when its service has a delivery_status callback (one add_jobs call per statement).';
drop trigger if exists _800_status_callback on app_public.notifications;
create trigger _800_status_callback after update on app_public.notifications
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.tg_notifications__status_callback();

create or replace function app_private.tg_inbound_sms__callback() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-inbound-sms', json_build_object('id', i.id), null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows i
  where exists (select 1 from app_public.service_callback_api c where c.service_id = i.service_id and c.callback_type = 'inbound_sms');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;
comment on function app_private.tg_inbound_sms__callback() is
  'AFTER INSERT statement trigger: queues send-inbound-sms for received texts of services with an inbound_sms callback.';
drop trigger if exists _800_inbound_callback on app_public.inbound_sms;
create trigger _800_inbound_callback after insert on app_public.inbound_sms
  referencing new table as new_rows
  for each statement execute function app_private.tg_inbound_sms__callback();

--------------------------------------------------------------------------------
-- Scheduled: timeouts and replay (SPEC §3, §5)
--------------------------------------------------------------------------------

drop function if exists app_private.timeout_notifications(interval, integer);
create function app_private.timeout_notifications(older_than interval default interval '259200 seconds', batch_size integer default 100000)
returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  update app_public.notifications n
  set notification_status = 'temporary-failure', updated_at = clock_timestamp()
  where n.id in (
    select x.id from app_public.notifications x
    where x.notification_type in ('sms', 'email')
      and x.notification_status in ('sending', 'pending')
      and x.created_at < now() - older_than
    limit batch_size
    for update skip locked
  );
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.timeout_notifications(interval, integer) is
  'SPEC §3 timeout: up to batch_size texts/emails still sending or pending 72 h after creation become temporary-failure (the status trigger queues their callbacks). Returns the number changed; the task calls it until 0, one transaction per batch.';

drop function if exists app_private.replay_created_notifications(interval, interval, integer);
create function app_private.replay_created_notifications(
  older_than interval default interval '1 hour',
  lease interval default interval '5 minutes',
  max_rows integer default 50000
) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
begin
  select array_agg(x.id) into v_ids
  from (
    select n.id from app_public.notifications n
    where n.notification_type in ('sms', 'email')
      and n.sent_at is null
      and ((n.notification_status = 'created' and n.created_at < now() - older_than
            and (n.scheduled_for is null or n.scheduled_for <= now()))
           or (n.notification_status = 'sending' and n.updated_at < now() - lease))
    order by n.created_at
    limit max_rows
  ) x;
  if v_ids is null then
    return 0;
  end if;
  perform app_hidden.enqueue_delivery(v_ids);
  return array_length(v_ids, 1);
end
$$;
comment on function app_private.replay_created_notifications(interval, interval, integer) is
  'SPEC §5 replay: re-queues texts/emails still created after older_than (lost jobs) and claims abandoned for longer than lease (worker killed between claim and provider answer). Delivery is idempotent, so a replay of a row whose job is still queued is harmless.';

drop function if exists app_hidden.record_ses_complaint(text, text, text, timestamptz);
create function app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamptz)
returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  if feedback_id is not null then
    select c.id into v_id from app_public.complaints c where c.ses_feedback_id = record_ses_complaint.feedback_id;
    if found then
      return v_id;
    end if;
  end if;
  insert into app_public.complaints (notification_id, service_id, ses_feedback_id, complaint_type, complaint_date)
  select x.id, x.service_id, feedback_id, complaint_type, coalesce(complaint_date, now())
  from (
    select n.id, n.service_id from app_public.notifications n where n.reference = record_ses_complaint.reference
    union all
    select h.id, h.service_id from app_public.notification_history h
    where h.reference = record_ses_complaint.reference and h.notification_type = 'email'
    limit 1
  ) x
  returning id into v_id;
  if v_id is not null and exists (
    select 1 from app_public.service_callback_api c join app_public.complaints k on k.service_id = c.service_id
    where k.id = v_id and c.callback_type = 'complaint'
  ) then
    perform graphile_worker.add_job('send-complaint', json_build_object('id', v_id), max_attempts => 5);
  end if;
  return v_id;
end
$$;
comment on function app_hidden.record_ses_complaint(text, text, text, timestamptz) is
  'Records an SES complaint against the email with that SES message id (live or archived); repeats of the same feedback id are ignored. Null when the reference is unknown.';
grant execute on function app_hidden.record_ses_complaint(text, text, text, timestamptz) to notify_authenticator;

drop function if exists app_private.complaint_callback(uuid);
create function app_private.complaint_callback(complaint_id uuid)
returns table (callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  select c.id, c.url, c.bearer_token, c.suspended_reason,
         jsonb_build_object(
           'notification_id', k.notification_id,
           'complaint_id', k.id,
           'reference', n.client_reference,
           'to', n."to",
           'complaint_date', to_char(k.complaint_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
  from app_public.complaints k
  left join app_public.notifications n on n.id = k.notification_id
  cross join lateral app_private.callback_target(k.service_id, 'complaint') c
  where k.id = complaint_callback.complaint_id
$$;
comment on function app_private.complaint_callback(uuid) is
  'Where to POST an email complaint and the documented body (SPEC §6.3: notification_id, complaint_id, reference, to, complaint_date).';

-- Receipts plan each statement for the call (custom plans; few calls, large batches): a generic plan
-- cached by a long-lived connection while app_public.notifications was small (a fresh database, or
-- just after archival) would keep seq-scanning it for every batch as the table grows.
-- claim_notifications and record_delivery_results find their rows with id = any(array), an index
-- scan in any plan, and keep their cached plans (planning them per call cost more than it saved).
alter function app_private.claim_notifications(uuid[], interval) reset plan_cache_mode;
alter function app_private.record_delivery_results(jsonb) reset plan_cache_mode;
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_custom_plan;
