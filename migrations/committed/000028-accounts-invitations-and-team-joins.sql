--! Previous: sha1:a391c984512b314eb85776c19ac360acd6144862
--! Hash: sha1:a9308e241e2a0363da5cb43232ec6559f0be375f
--! Message: accounts invitations and team joins

--! split: 1-current.sql
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

create or replace function app_private.tg_users__protect() returns trigger
language plpgsql
as $$
begin
  if current_user in ('notify_user', 'notify_anonymous') and not app_hidden.is_platform_admin() and (
       new.platform_admin is distinct from old.platform_admin
    or new.state is distinct from old.state
    or new.failed_login_count is distinct from old.failed_login_count
    or new.logged_in_at is distinct from old.logged_in_at
    or new.password_changed_at is distinct from old.password_changed_at
    or new.current_session_id is distinct from old.current_session_id
    or new.email_access_validated_at is distinct from old.email_access_validated_at
    or new.email_address is distinct from old.email_address
    or new.mobile_number is distinct from old.mobile_number
    or new.id is distinct from old.id
    or new.created_at is distinct from old.created_at) then
    raise exception 'Permission denied: only platform admins can change these user fields' using errcode = 'NTF03';
  end if;
  return new;
end
$$;
comment on function app_private.tg_users__protect() is 'BEFORE UPDATE on users: a user may edit their own profile through GraphQL but not escalate (platform_admin), unlock or fake sign-in state, nor change their email address or mobile number without proving access to the new one (request_user_change / confirm_user_change; platform admins may, as Notify''s update_user_attribute). Checks current_user, so trusted security definer functions (sign-in, password reset) are not blocked.';
revoke all on function app_private.tg_users__protect() from public;
create or replace function app_hidden.create_user_change_code(user_id uuid, attribute text, new_value text)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_value text := btrim(create_user_change_code.new_value);
  v_code text;
  v_bytes bytea;
begin
  -- The code goes to the new address or number, never back to the user asking: only the API server, which sends
  -- it, may make one.
  if app_hidden.in_user_request() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  if create_user_change_code.attribute is null
     or create_user_change_code.attribute not in ('email_address', 'mobile_number') then
    raise exception 'Invalid attribute ''%''', create_user_change_code.attribute using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.users u where u.id = create_user_change_code.user_id) then
    raise exception 'User % not found', create_user_change_code.user_id using errcode = 'NTF04';
  end if;
  if create_user_change_code.attribute = 'email_address' then
    if v_value is null or v_value !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
       or char_length(v_value) > 255 then
      raise exception 'Not a valid email address' using errcode = 'NTF01';
    end if;
    if exists (select 1 from app_public.users u where u.email_address = v_value::citext) then
      raise exception 'User with email address % already exists', v_value using errcode = 'NTF02';
    end if;
    -- A link, not a code to type: long enough that guessing is hopeless, so a wrong one need not be counted.
    v_code := translate(encode(gen_random_bytes(24), 'base64'), '+/', '-_');
  else
    if v_value is null or v_value !~ '^\+?[0-9 ()-]{8,20}$' then
      raise exception 'Not a valid phone number' using errcode = 'NTF01';
    end if;
    v_bytes := gen_random_bytes(3);
    v_code := lpad(((get_byte(v_bytes, 0) * 65536 + get_byte(v_bytes, 1) * 256 + get_byte(v_bytes, 2))
                    % 100000)::text, 5, '0');
  end if;
  -- As sign-in codes (create_verify_code): at most 5 live requests a user, past that nothing is made or sent.
  if (select count(*) from app_private.user_changes c
      where c.user_id = create_user_change_code.user_id and not c.used and c.expiry_datetime > now()) >= 5 then
    return null;
  end if;
  insert into app_private.user_changes (user_id, attribute, new_value, code_hash, expiry_datetime)
  values (create_user_change_code.user_id, create_user_change_code.attribute, v_value,
          crypt(v_code, gen_salt('bf', 4)),
          -- Notify's change-email link lasts an hour; an SMS code 15 minutes, as the sign-in one.
          now() + case when create_user_change_code.attribute = 'email_address' then interval '1 hour'
                       else interval '15 minutes' end);
  return v_code;
end
$$;
comment on function app_hidden.create_user_change_code(uuid, text, text) is 'Start a change of a user''s email_address (a link token, valid 1 hour) or mobile_number (a 5-digit code, 15 minutes): store the new value with the code''s hash and return the code once, to be sent to the new address or number. NTF01 invalid attribute or value, NTF02 email already used, NTF04 no such user; null (nothing to send) when 5 unused requests are live. API server only: confirm_user_change applies it.';
revoke all on function app_hidden.create_user_change_code(uuid, text, text) from public;
grant execute on function app_hidden.create_user_change_code(uuid, text, text) to notify_authenticator;
create or replace function app_public.confirm_user_change(code text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  c_max_failed constant int := 10;
  v_user_id uuid := app_public.current_user_id();
  v_failed int;
  v_change app_private.user_changes;
begin
  if v_user_id is null then
    raise exception 'Permission denied: sign in to change your details' using errcode = 'NTF03';
  end if;
  select u.failed_login_count into v_failed from app_public.users u where u.id = v_user_id for update;
  if not found then
    raise exception 'User % not found', v_user_id using errcode = 'NTF04';
  end if;
  -- A locked account (Notify's MAX_FAILED_LOGIN_COUNT) cannot go on guessing.
  if v_failed >= c_max_failed then
    return 'Code not found';
  end if;
  select * into v_change
  from app_private.user_changes c
  where c.user_id = v_user_id and crypt(confirm_user_change.code, c.code_hash) = c.code_hash
  order by c.created_at desc
  limit 1
  for update;
  -- A wrong, used or expired code counts as a failed login, as a sign-in code does (check_verify_code), so a
  -- 5-digit SMS code cannot be guessed; the message is returned, not raised, so the count is kept.
  if not found then
    update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = v_user_id;
    return 'Code not found';
  end if;
  if v_change.used or v_change.expiry_datetime <= now() then
    update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = v_user_id;
    return 'Code has expired';
  end if;
  if v_change.attribute = 'email_address'
     and exists (select 1 from app_public.users u where u.email_address = v_change.new_value::citext
                 and u.id <> v_user_id) then
    raise exception 'User with email address % already exists', v_change.new_value using errcode = 'NTF02';
  end if;
  update app_private.user_changes c set used = true where c.id = v_change.id;
  if v_change.attribute = 'email_address' then
    update app_public.users u
    set email_address = v_change.new_value, email_access_validated_at = now(), failed_login_count = 0
    where u.id = v_user_id;
  else
    update app_public.users u set mobile_number = v_change.new_value, failed_login_count = 0
    where u.id = v_user_id;
  end if;
  return null;
end
$$;
comment on function app_public.confirm_user_change(text) is 'The signed-in user applies a change of their email address or mobile number with the code sent to the new one (app_hidden.create_user_change_code): null when applied (for an email address email_access_validated_at = now, as the link proves access to it), else the message: ''Code not found'' or ''Code has expired'' (used or expired). Wrong codes count as failed logins and 10 lock the account, as sign-in codes. NTF02 when the email address was taken meanwhile.';
revoke all on function app_public.confirm_user_change(text) from public;
grant execute on function app_public.confirm_user_change(text) to notify_user;

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

create or replace function app_public.invite_user_to_service(
  service_id uuid, email_address text, permissions text[] default '{}', auth_type text default 'sms_auth',
  folder_permissions uuid[] default '{}', from_user_id uuid default null
) returns app_public.invited_users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_email text := btrim(invite_user_to_service.email_address);
  v_auth text := coalesce(invite_user_to_service.auth_type, 'sms_auth');
  v_from uuid := coalesce(app_public.current_user_id(), invite_user_to_service.from_user_id);
  v_bad text;
  v_row app_public.invited_users;
begin
  -- Inviting is how people join a team, so it needs what Notify's "Manage service" (team) permission gives.
  perform app_hidden.assert_service_permission(invite_user_to_service.service_id, 'manage_users');
  if app_hidden.in_user_request() and invite_user_to_service.from_user_id is distinct from null
     and invite_user_to_service.from_user_id is distinct from app_public.current_user_id() then
    raise exception 'Permission denied: invitations are from the signed-in user' using errcode = 'NTF03';
  end if;
  if v_from is null then
    raise exception 'from_user_id is required' using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.services s where s.id = invite_user_to_service.service_id) then
    raise exception 'Service % not found', invite_user_to_service.service_id using errcode = 'NTF04';
  end if;
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or char_length(v_email) > 255 then
    raise exception 'Not a valid email address' using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.auth_type a where a.name = v_auth) then
    raise exception 'Invalid auth type ''%''', v_auth using errcode = 'NTF01';
  end if;
  select p into v_bad from unnest(coalesce(invite_user_to_service.permissions, '{}')) p
  -- platform_admin is a permission_types row but is never granted per service.
  where p = 'platform_admin' or not exists (select 1 from app_public.permission_types pt where pt.name = p) limit 1;
  if found then
    raise exception 'Invalid permission ''%''', v_bad using errcode = 'NTF01';
  end if;
  select f::text into v_bad from unnest(coalesce(invite_user_to_service.folder_permissions, '{}')) f
  where not exists (select 1 from app_public.template_folder tf
                    where tf.id = f and tf.service_id = invite_user_to_service.service_id) limit 1;
  if found then
    raise exception 'Template folder % not found in service %', v_bad, invite_user_to_service.service_id
      using errcode = 'NTF04';
  end if;
  if exists (select 1 from app_public.user_to_service uts join app_public.users u on u.id = uts.user_id
             where uts.service_id = invite_user_to_service.service_id and u.email_address = v_email::citext) then
    raise exception 'This person is already a team member' using errcode = 'NTF02';
  end if;
  insert into app_public.invited_users (email_address, user_id, service_id, status, permissions, auth_type,
                                        folder_permissions)
  values (v_email, v_from, invite_user_to_service.service_id, 'pending',
          (select coalesce(string_agg(distinct p, ',' order by p), '')
           from unnest(coalesce(invite_user_to_service.permissions, '{}')) p),
          v_auth, to_jsonb(coalesce(invite_user_to_service.folder_permissions, '{}')))
  returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.invite_user_to_service(uuid, text, text[], text, uuid[], uuid) is 'Invite someone by email address to join a service''s team (needs manage_users on it): the permissions they will get (permission_types), their auth type and optionally the service''s template folders they will see, as Notify''s invited_users. Pending until accepted (accept_invitation), cancelled (cancel_invitation) or 2 days old. NTF01 invalid input, NTF02 already a team member, NTF03 no permission, NTF04 unknown service or folder. from_user_id is for trusted callers; a request user is always the inviter.';
revoke all on function app_public.invite_user_to_service(uuid, text, text[], text, uuid[], uuid) from public;
grant execute on function app_public.invite_user_to_service(uuid, text, text[], text, uuid[], uuid) to notify_user;
create or replace function app_public.cancel_invitation(invitation_id uuid) returns app_public.invited_users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_row app_public.invited_users;
begin
  select * into v_row from app_public.invited_users i where i.id = cancel_invitation.invitation_id for update;
  -- A stranger to the service learns nothing of its invitations: not found, as for a missing one.
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_row.service_id)) then
    raise exception 'Invitation % not found', cancel_invitation.invitation_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_row.service_id, 'manage_users');
  if v_row.status <> 'pending' then
    raise exception 'Invitation is % and cannot be cancelled', v_row.status using errcode = 'NTF01';
  end if;
  update app_public.invited_users i set status = 'cancelled' where i.id = v_row.id returning * into v_row;
  return v_row;
end
$$;
comment on function app_public.cancel_invitation(uuid) is 'Cancel a pending invitation to a service (needs manage_users on it). NTF04 unknown (or not visible) invitation, NTF01 not pending.';
revoke all on function app_public.cancel_invitation(uuid) from public;
grant execute on function app_public.cancel_invitation(uuid) to notify_user;
create or replace function app_public.accept_invitation(invitation_id uuid, user_id uuid default null)
returns app_public.invited_users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_user_id uuid := coalesce(app_public.current_user_id(), accept_invitation.user_id);
  v_user app_public.users;
  v_row app_public.invited_users;
begin
  if app_hidden.in_user_request() and accept_invitation.user_id is distinct from null
     and accept_invitation.user_id is distinct from app_public.current_user_id() then
    raise exception 'Permission denied: only the invited user can accept an invitation' using errcode = 'NTF03';
  end if;
  select * into v_user from app_public.users u where u.id = v_user_id;
  if not found then
    raise exception 'Permission denied: sign in to accept an invitation' using errcode = 'NTF03';
  end if;
  select * into v_row from app_public.invited_users i where i.id = accept_invitation.invitation_id for update;
  -- Only the person the invitation was sent to, signed in with that address, may use it: anyone else is told
  -- nothing about it.
  if not found or v_row.email_address <> v_user.email_address then
    raise exception 'Invitation % not found', accept_invitation.invitation_id using errcode = 'NTF04';
  end if;
  if v_row.status = 'cancelled' then
    raise exception 'This invitation has been cancelled' using errcode = 'NTF01';
  end if;
  -- INVITATION_EXPIRATION_DAYS and the message are Notify's (notifications-api, app/config.py and
  -- app/service_invite/rest.py validate_service_invitation_token).
  if v_row.status = 'expired' or (v_row.status = 'pending' and v_row.created_at <= now() - interval '2 days') then
    raise exception 'Your invitation to GOV.UK Notify has expired. Please ask the person that invited you to send you another one'
      using errcode = 'NTF01';
  end if;
  if v_row.status <> 'pending' then
    raise exception 'This invitation has already been accepted' using errcode = 'NTF01';
  end if;
  update app_public.invited_users i set status = 'accepted' where i.id = v_row.id returning * into v_row;
  insert into app_public.user_to_service (user_id, service_id) values (v_user.id, v_row.service_id)
  on conflict do nothing;
  insert into app_public.permissions (service_id, user_id, permission)
  select v_row.service_id, v_user.id, p
  from unnest(string_to_array(nullif(v_row.permissions, ''), ',')) p
  on conflict do nothing;
  -- Folders deleted since the invitation are skipped.
  insert into app_public.user_folder_permissions (user_id, template_folder_id, service_id)
  select v_user.id, tf.id, v_row.service_id
  from jsonb_array_elements_text(v_row.folder_permissions) f
  join app_public.template_folder tf on tf.id = f::uuid and tf.service_id = v_row.service_id
  on conflict do nothing;
  return v_row;
end
$$;
comment on function app_public.accept_invitation(uuid, uuid) is 'The invited user, signed in with the invited email address, joins the service''s team with the invitation''s permissions and folders; the invitation becomes accepted. NTF04 unknown invitation or another address, NTF01 cancelled, accepted or expired (2 days, Notify''s message). user_id is for trusted callers; a request user accepts for themselves only.';
revoke all on function app_public.accept_invitation(uuid, uuid) from public;
grant execute on function app_public.accept_invitation(uuid, uuid) to notify_user;
