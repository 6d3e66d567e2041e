--! Previous: sha1:bb45240460da3cd926e23703b15ac96baaef2d8c
--! Hash: sha1:d055c1df2bba01df71de00e486c7f2d685c7e2e4
--! Message: Delivery: claim without the inactive-service update (service_active returned, the worker fails those rows), receipts with a generic plan

--! split: 1-current.sql
--------------------------------------------------------------------------------
-- Delivery: two statements fewer per chunk
--------------------------------------------------------------------------------
-- claim_notifications no longer runs an UPDATE looking for rows of inactive services on every
-- chunk (0.24 ms a chunk in the API bench, and it found nothing almost always): it returns
-- service_active and the worker records those rows as failed (→ technical-failure) with the
-- others. The `reclaimed` column nobody read is gone (a return type change: drop and create).
drop function if exists app_private.claim_notifications(uuid[], interval);
create function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
returns table (
  id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean,
  personalisation text, template_content text, template_subject text, service_id uuid, service_name text,
  prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text,
  created_at timestamptz, service_active boolean
)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  set enable_seqscan = off
as $$
#variable_conflict use_column
begin
  return query
  with u as (
    -- No write: the row locks are the claim. The caller keeps its transaction open while the
    -- providers answer and records the outcomes (record_delivery_results) before committing, so
    -- each text is written once on its way out (created → sending/sent), not twice.
    select n.id, n.notification_type, n.key_type, n."to", n.normalised_to, n.international, n._personalisation,
           n.template_id, n.template_version, n.service_id, n.reply_to_text, n.one_click_unsubscribe_url,
           n.created_at
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
         u.one_click_unsubscribe_url, u.created_at, s.active
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
  'Claims notifications for hand-off to a provider by locking them (for update skip locked: two workers never claim the same row); nothing is written. Call it in a transaction that records every outcome with record_delivery_results before it commits: a worker that dies in between leaves the rows created, for the job''s retry or the replay task (providers are sent the notification id as reference, so they can drop a repeat). Rows still sending without sent_at after `lease` (claims written by earlier versions) are claimed again. Returns what the worker needs to build the message (personalisation decrypted). service_active = false: the service was deactivated, the caller records the row as failed (technical-failure, SPEC §3) without a provider call.';

revoke all on function app_private.claim_notifications(uuid[], interval) from public;

-- Receipts: a generic plan. The custom plan made on every call (plan_cache_mode =
-- force_custom_plan, 000002) was a third of the call (11.8 → 6.2 ms for ~75 receipts); with
-- enable_seqscan off (000004) the generic plan probes the primary key / reference index per receipt.
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_generic_plan;
