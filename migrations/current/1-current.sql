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
--! include templates/create_template.sql
--! include templates/update_template.sql
--! include delivery/claim_notifications.sql
--! include notifications/record_unsubscribe_request.sql
--! include notifications/unsubscribe_request_report.sql
