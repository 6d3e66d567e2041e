--! Previous: sha1:e9cdd7ce6e1bddf2cc06090e90bc01aa1ce673f5
--! Hash: sha1:919a584559cdfa0971fbba385006b2756496bc46
--! Message: one-click unsubscribe

--! split: 1-current.sql
-- One-click unsubscribe for email templates, as Notify (templates.has_unsubscribe_link, unsubscribe_request).
alter table app_public.templates add column if not exists has_unsubscribe_link boolean not null default false;
alter table app_public.templates_history add column if not exists has_unsubscribe_link boolean not null default false;
alter table app_public.templates drop constraint if exists ck_templates_non_email_has_unsubscribe_false;
alter table app_public.templates add constraint ck_templates_non_email_has_unsubscribe_false
  check (template_type = 'email' or not has_unsubscribe_link);
alter table app_public.templates_history drop constraint if exists ck_templates_history_non_email_has_unsubscribe_false;
alter table app_public.templates_history add constraint ck_templates_history_non_email_has_unsubscribe_false
  check (template_type = 'email' or not has_unsubscribe_link);
comment on column app_public.templates.has_unsubscribe_link is
  'Email templates only: each email gets Notify''s "Unsubscribe from these emails" footer and List-Unsubscribe headers with a link of its own (POST /unsubscribe/<notification id>/<token>).';

create table if not exists app_public.unsubscribe_requests (
  id uuid primary key default gen_random_uuid(),
  -- No foreign key, as Notify: the notification moves to notification_history when its retention ends.
  notification_id uuid not null unique,
  template_id uuid not null,
  template_version integer not null,
  service_id uuid not null references app_public.services (id) on delete cascade,
  -- The address the email was sent to, as given with the request (not normalised), as Notify keeps it.
  email_address text not null,
  created_at timestamptz not null default now(),
  foreign key (template_id, template_version) references app_public.templates_history (id, version)
);
create index if not exists unsubscribe_requests_service_id_created_at_idx
  on app_public.unsubscribe_requests (service_id, created_at);
create index if not exists unsubscribe_requests_template_idx
  on app_public.unsubscribe_requests (template_id, template_version);
comment on table app_public.unsubscribe_requests is E'@behavior -insert -update -delete\nOne-click unsubscribe requests from recipients of emails whose template has has_unsubscribe_link, one per notification; written by app_hidden.record_unsubscribe_request. The service reads them (unsubscribe_request_report) and removes the address from its mailing list.';
alter table app_public.unsubscribe_requests enable row level security;
drop policy if exists select_team on app_public.unsubscribe_requests;
create policy select_team on app_public.unsubscribe_requests for select to notify_user
  using (service_id in (select app_hidden.current_user_service_ids()) or (select app_hidden.is_platform_admin()));
grant select on app_public.unsubscribe_requests to notify_user;

drop function if exists app_public.create_template(uuid, text, text, text, text, text, uuid, uuid);
drop function if exists app_public.update_template(uuid, text, text, text, uuid, boolean);
drop function if exists app_private.claim_notifications(uuid[], interval);
--! Included templates/create_template.sql
create or replace function app_public.create_template(
  service_id uuid, template_type text, name text, content text, subject text default null,
  postage text default null, letter_contact_id uuid default null, created_by_id uuid default null,
  has_unsubscribe_link boolean default false
) returns app_public.templates
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_type text := create_template.template_type;
  v_subject text := nullif(btrim(create_template.subject), '');
  v_postage text;
  v_by uuid;
  v_row app_public.templates;
begin
  select * into v_service from app_public.services s where s.id = create_template.service_id;
  if not found then
    raise exception 'Service % not found', create_template.service_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_service.id, 'manage_templates');
  if v_type is null or not exists (select 1 from app_public.template_type t where t.name = v_type) then
    raise exception 'Invalid template type ''%''', v_type using errcode = 'NTF01';
  end if;
  if nullif(btrim(create_template.name), '') is null or char_length(create_template.name) > 255 then
    raise exception 'Template name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  if create_template.content is null or btrim(create_template.content) = '' then
    raise exception 'Template content is required' using errcode = 'NTF01';
  end if;
  if v_type in ('email', 'letter') and v_subject is null then
    raise exception 'Subject is required for % templates', v_type using errcode = 'NTF01';
  end if;
  if v_type = 'sms' then
    v_subject := null;
  end if;
  if create_template.postage is not null and v_type <> 'letter' then
    raise exception 'Postage can only be set on letter templates' using errcode = 'NTF01';
  end if;
  if v_type = 'letter' then
    v_postage := coalesce(create_template.postage, 'second');
    if v_postage not in ('first', 'second', 'economy', 'europe', 'rest-of-world') then
      raise exception 'Invalid postage ''%''', v_postage using errcode = 'NTF01';
    end if;
  end if;
  -- As Notify (ck_templates_non_email_has_unsubscribe_false): only emails carry an unsubscribe link.
  if coalesce(create_template.has_unsubscribe_link, false) and v_type <> 'email' then
    raise exception 'Only email templates can have an unsubscribe link' using errcode = 'NTF01';
  end if;
  if create_template.letter_contact_id is not null and not exists (
    select 1 from app_public.service_letter_contacts c
    where c.id = create_template.letter_contact_id and c.service_id = v_service.id and not c.archived) then
    raise exception 'Letter contact % not found for service %', create_template.letter_contact_id, v_service.id
      using errcode = 'NTF04';
  end if;
  v_by := case when app_hidden.in_user_request() and not app_hidden.is_platform_admin() then app_public.current_user_id()
               else coalesce(create_template.created_by_id, app_public.current_user_id(), v_service.created_by_id) end;
  insert into app_public.templates (name, template_type, content, subject, postage, service_id, created_by_id,
                                    service_letter_contact_id, has_unsubscribe_link)
  values (btrim(create_template.name), v_type, create_template.content, v_subject, v_postage, v_service.id, v_by,
          create_template.letter_contact_id, coalesce(create_template.has_unsubscribe_link, false))
  returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.create_template(uuid, text, text, text, text, text, uuid, uuid, boolean) is 'Create a template at version 1 (history row by trigger). Subject required for email/letter; postage letters only (default second); has_unsubscribe_link emails only (Notify''s footer and one-click unsubscribe). Needs manage_templates. NTF01 invalid input, NTF04 unknown service or letter contact.';
revoke all on function app_public.create_template(uuid, text, text, text, text, text, uuid, uuid, boolean) from public;
grant execute on function app_public.create_template(uuid, text, text, text, text, text, uuid, uuid, boolean) to notify_user;
--! EndIncluded templates/create_template.sql
--! Included templates/update_template.sql
create or replace function app_public.update_template(
  template_id uuid, name text default null, content text default null, subject text default null,
  letter_contact_id uuid default null, archived boolean default null,
  has_unsubscribe_link boolean default null
) returns app_public.templates
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  v_old app_public.templates;
  v_row app_public.templates;
begin
  select * into v_old from app_public.templates t where t.id = update_template.template_id for update;
  if not found then
    raise exception 'Template % not found', update_template.template_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_old.service_id, 'manage_templates');
  if update_template.name is not null and (btrim(update_template.name) = '' or char_length(update_template.name) > 255) then
    raise exception 'Template name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  if update_template.content is not null and btrim(update_template.content) = '' then
    raise exception 'Template content is required' using errcode = 'NTF01';
  end if;
  if update_template.subject is not null and btrim(update_template.subject) = '' and v_old.template_type <> 'sms' then
    raise exception 'Subject is required for % templates', v_old.template_type using errcode = 'NTF01';
  end if;
  if update_template.letter_contact_id is not null and not exists (
    select 1 from app_public.service_letter_contacts c
    where c.id = update_template.letter_contact_id and c.service_id = v_old.service_id and not c.archived) then
    raise exception 'Letter contact % not found for service %', update_template.letter_contact_id, v_old.service_id
      using errcode = 'NTF04';
  end if;
  if update_template.has_unsubscribe_link and v_old.template_type <> 'email' then
    raise exception 'Only email templates can have an unsubscribe link' using errcode = 'NTF01';
  end if;
  update app_public.templates t
  set name = coalesce(btrim(update_template.name), t.name),
      content = coalesce(update_template.content, t.content),
      subject = case when t.template_type = 'sms' then null else coalesce(btrim(update_template.subject), t.subject) end,
      service_letter_contact_id = coalesce(update_template.letter_contact_id, t.service_letter_contact_id),
      archived = coalesce(update_template.archived, t.archived),
      has_unsubscribe_link = coalesce(update_template.has_unsubscribe_link, t.has_unsubscribe_link),
      created_by_id = coalesce(app_public.current_user_id(), t.created_by_id),
      version = t.version + 1
  where t.id = v_old.id
  returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.update_template(uuid, text, text, text, uuid, boolean, boolean) is 'Edit a template: every call is a new version and history row (as Notify''s dao_update_template), even when only the name or nothing changes. Null arguments keep the current value. Needs manage_templates; NTF04 if the template is unknown or not visible.';
revoke all on function app_public.update_template(uuid, text, text, text, uuid, boolean, boolean) from public;
grant execute on function app_public.update_template(uuid, text, text, text, uuid, boolean, boolean) to notify_user;
--! EndIncluded templates/update_template.sql
--! Included delivery/claim_notifications.sql
create or replace function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
returns table (
  id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean,
  personalisation text, template_content text, template_subject text, service_id uuid, service_name text,
  prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text,
  created_at timestamptz, service_active boolean, template_has_unsubscribe_link boolean
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
         u.one_click_unsubscribe_url, u.created_at, s.active, t.has_unsubscribe_link
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
-- The worker's claim uses a generic plan, as create_notifications and apply_delivery_receipts do:
-- with the default plan cache mode a chunk of one id (the usual case at low load) was planned
-- afresh on every call (1.0 → 0.48 ms; 16 and 50 ids: the same as before, within noise).
-- record_delivery_results keeps the default: its generic plan was slower for 16 ids.
alter function app_private.claim_notifications(uuid[], interval) set plan_cache_mode = force_generic_plan;
comment on function app_private.claim_notifications(uuid[], interval) is
  'Claims notifications for hand-off to a provider by locking them (for update skip locked: two workers never claim the same row); nothing is written. Call it in a transaction that records every outcome with record_delivery_results before it commits: a worker that dies in between leaves the rows created, for the job''s retry or the replay task (providers are sent the notification id as reference, so they can drop a repeat). Rows still sending without sent_at after `lease` (claims written by earlier versions) are claimed again. Returns what the worker needs to build the message (personalisation decrypted). service_active = false: the service was deactivated, the caller records the row as failed (technical-failure) without a provider call.';
revoke all on function app_private.claim_notifications(uuid[], interval) from public;
--! EndIncluded delivery/claim_notifications.sql
--! Included notifications/record_unsubscribe_request.sql
create or replace function app_hidden.record_unsubscribe_request(notification_id uuid, email_address text)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_service_id uuid;
  v_template_id uuid;
  v_template_version integer;
begin
  -- As notifications-api's one_click_unsubscribe: the notification may already be archived past the
  -- service's retention, so notification_history is read when notifications has no row.
  select n.service_id, n.template_id, n.template_version into v_service_id, v_template_id, v_template_version
  from app_public.notifications n where n.id = record_unsubscribe_request.notification_id;
  if not found then
    select h.service_id, h.template_id, h.template_version into v_service_id, v_template_id, v_template_version
    from app_public.notification_history h where h.id = record_unsubscribe_request.notification_id;
    if not found then
      return false;
    end if;
  end if;
  -- A repeat (mail clients retry the POST) keeps the first request: one row per notification.
  insert into app_public.unsubscribe_requests (notification_id, template_id, template_version, service_id,
                                               email_address)
  values (record_unsubscribe_request.notification_id, v_template_id, v_template_version, v_service_id,
          record_unsubscribe_request.email_address)
  on conflict (notification_id) do nothing;
  return true;
end
$$;
comment on function app_hidden.record_unsubscribe_request(uuid, text) is 'Records a one-click unsubscribe request for a notification (POST /unsubscribe/<id>/<token>, token already checked): template, version and service from notifications or notification_history, the address as it was sent. Idempotent: a repeat for the same notification is a no-op. Returns false when the notification is unknown.';
revoke all on function app_hidden.record_unsubscribe_request(uuid, text) from public;
--! EndIncluded notifications/record_unsubscribe_request.sql
--! Included notifications/unsubscribe_request_report.sql
create or replace view app_public.unsubscribe_request_report with (security_invoker = true) as
  -- The columns of notifications-api's unsubscribe request download
  -- (unsubscribe_request_dao.get_unsubscribe_requests_data_for_download_dao), with the service id to
  -- filter on.
  select u.id, u.service_id, u.notification_id, u.email_address, u.template_id, u.template_version,
         t.name::text as template_name, coalesce(j.original_file_name, 'N/A') as original_file_name,
         n.sent_at as template_sent_at, u.created_at as unsubscribe_request_received_at
  from app_public.unsubscribe_requests u
  join app_public.templates_history t on t.id = u.template_id and t.version = u.template_version
  left join app_public.notifications_all_time_view n on n.id = u.notification_id
  left join app_public.jobs j on j.id = n.job_id;
comment on view app_public.unsubscribe_request_report is E'@behavior -insert -update -delete\nA service''s unsubscribe requests in the shape of Notify''s report download: the address, template name and version, the job''s file name (N/A for API sends) and when the email went and the request came. security_invoker: only the service''s team (and platform admins) see its rows.';
grant select on app_public.unsubscribe_request_report to notify_user;
--! EndIncluded notifications/unsubscribe_request_report.sql
