-- Email address and mobile number change only through a code sent to the new one.
create table if not exists app_private.user_changes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_public.users on delete cascade,
  attribute text not null check (attribute in ('email_address', 'mobile_number')),
  new_value text not null,
  code_hash text not null,
  expiry_datetime timestamptz not null,
  used boolean not null default false,
  created_at timestamptz not null default now()
);
create index if not exists user_changes_user_id_idx on app_private.user_changes (user_id, created_at desc);
comment on table app_private.user_changes is 'Pending changes of a user''s email address or mobile number with the hash of the code sent to the new one; applied by confirm_user_change.';

--! include users/tg_users__protect.sql
--! include users/create_user_change_code.sql
--! include users/confirm_user_change.sql

-- Users join a service's team only by accepting an invitation: no direct insert into the team tables, and
-- invitations are made, cancelled and accepted through functions that check who and what.
insert into app_public.invite_status_type (name) values ('expired') on conflict do nothing;
drop policy if exists insert_team on app_public.user_to_service;
drop policy if exists update_team on app_public.user_to_service;
revoke insert, update on app_public.user_to_service from notify_user;
comment on table app_public.user_to_service is E'@behavior -insert -update\nTeam membership: the basis of row level security for everything a service owns. Joined by accepting an invitation (accept_invitation).';

drop policy if exists insert_team on app_public.invited_users;
drop policy if exists update_team on app_public.invited_users;
revoke insert, update on app_public.invited_users from notify_user;
drop policy if exists select_invitee on app_public.invited_users;
create policy select_invitee on app_public.invited_users for select to notify_user using (
  email_address = (select u.email_address from app_public.users u where u.id = (select app_public.current_user_id())));
comment on table app_public.invited_users is E'@behavior -insert -update\nInvitations to join a service team; user_id is the inviter, permissions a comma list (Notify wire format). Made by invite_user_to_service, ended by cancel_invitation / accept_invitation; deleted after 2 days by the worker. Seen by the service''s team and the invited person.';

-- Permissions are given to people already on the team: a permission row must not stand in for membership.
drop policy if exists insert_team on app_public.permissions;
create policy insert_team on app_public.permissions for insert to notify_user with check (
  app_hidden.user_has_service_permission(service_id, 'manage_users')
  and exists (select 1 from app_public.user_to_service uts
              where uts.service_id = permissions.service_id and uts.user_id = permissions.user_id));
drop policy if exists update_team on app_public.permissions;
create policy update_team on app_public.permissions for update to notify_user
  using (app_hidden.user_has_service_permission(service_id, 'manage_users'))
  with check (
    app_hidden.user_has_service_permission(service_id, 'manage_users')
    and exists (select 1 from app_public.user_to_service uts
                where uts.service_id = permissions.service_id and uts.user_id = permissions.user_id));

--! include services/invite_user_to_service.sql
--! include services/cancel_invitation.sql
--! include services/accept_invitation.sql
