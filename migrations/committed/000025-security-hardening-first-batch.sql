--! Previous: sha1:919a584559cdfa0971fbba385006b2756496bc46
--! Hash: sha1:c6b68c999d4a32ad17c66d3c411a59e70cbbdbba
--! Message: security hardening first batch

--! split: 1-current.sql
--! Included services/create_service.sql
create or replace function app_public.create_service(
  name text, user_id uuid, organisation_id uuid default null, email_from text default null,
  permissions text[] default null, restricted boolean default true
) returns app_public.services
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  c_nhs_email constant uuid := 'a7dc4e56-660b-4db7-8cff-12c37b12b5ea';
  c_nhs_letter constant uuid := '2cd354bb-6b85-eda3-c0ad-6b613150459f';
  v_name text := btrim(create_service.name);
  v_email_from text;
  v_user app_public.users;
  v_org app_public.organisation;
  v_bad text;
  v_nhs boolean;
  v_email_branding uuid;
  v_letter_branding uuid;
  v_service app_public.services;
  v_constraint text;
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin()
     and create_service.user_id is distinct from app_public.current_user_id() then
    raise exception 'Permission denied: you can only create services for yourself' using errcode = 'NTF03';
  end if;
  -- Going live, service permissions and organisation are platform-admin decisions: a user's own service starts
  -- in trial mode with the default permissions, in the organisation of their email domain (as Notify does).
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin() and (
       create_service.restricted is false
    or create_service.permissions is not null
    or (create_service.organisation_id is not null
        and create_service.organisation_id is distinct from app_hidden.organisation_id_for_email(
              (select u.email_address::text from app_public.users u where u.id = create_service.user_id)))) then
    raise exception 'Permission denied: only platform admins choose a new service''s organisation, permissions or trial mode'
      using errcode = 'NTF03';
  end if;
  if v_name is null or v_name = '' or char_length(v_name) > 255 then
    raise exception 'Service name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  select * into v_user from app_public.users u where u.id = create_service.user_id;
  if not found then
    raise exception 'User % not found', create_service.user_id using errcode = 'NTF04';
  end if;
  if exists (select 1 from app_public.services s where lower(s.name) = lower(v_name)) then
    raise exception 'Duplicate service name ''%''', v_name using errcode = 'NTF02';
  end if;
  v_email_from := coalesce(nullif(lower(btrim(create_service.email_from)), ''), app_public.email_safe(v_name));
  if v_email_from = '' or v_email_from !~ '^[a-z0-9]+([._-][a-z0-9]+)*$' then
    raise exception 'Cannot make an email sender name from ''%''; give email_from', coalesce(create_service.email_from, v_name)
      using errcode = 'NTF01';
  end if;
  if exists (select 1 from app_public.services s where s.email_from = v_email_from) then
    -- Notify reports an email_from clash as a duplicate name: the sender name is derived from it.
    raise exception 'Duplicate service name ''%''', v_name using errcode = 'NTF02';
  end if;
  if create_service.permissions is not null then
    select p into v_bad from unnest(create_service.permissions) p
    where p is null or not exists (select 1 from app_public.service_permission_types t where t.name = p)
    limit 1;
    if found then
      raise exception 'Invalid service permission ''%''', v_bad using errcode = 'NTF01';
    end if;
  end if;

  if create_service.organisation_id is not null then
    select * into v_org from app_public.organisation o where o.id = create_service.organisation_id;
    if not found then
      raise exception 'Organisation % not found', create_service.organisation_id using errcode = 'NTF04';
    end if;
  else
    select * into v_org from app_public.organisation o
    where o.id = app_hidden.organisation_id_for_email(v_user.email_address);
  end if;

  begin
    insert into app_public.services (name, email_from, restricted, created_by_id, organisation_id,
                                     organisation_type, crown, count_as_live)
    values (v_name, v_email_from, coalesce(create_service.restricted, true), v_user.id, v_org.id,
            v_org.organisation_type,
            coalesce(v_org.crown, (select t.is_crown from app_public.organisation_types t where t.name = v_org.organisation_type)),
            not v_user.platform_admin)
    returning * into v_service;
  exception when unique_violation then
    get stacked diagnostics v_constraint = constraint_name;
    if v_constraint in ('services_name_key', 'services_email_from_key') then
      raise exception 'Duplicate service name ''%''', v_name using errcode = 'NTF02';
    end if;
    raise;
  end;
  -- _500_service_defaults added the default service permissions and annual billing.

  if create_service.permissions is not null then
    delete from app_public.service_permissions sp
    where sp.service_id = v_service.id and sp.permission <> all (create_service.permissions);
    insert into app_public.service_permissions (service_id, permission)
    select distinct v_service.id, p from unnest(create_service.permissions) p
    on conflict do nothing;
  end if;

  insert into app_public.user_to_service (user_id, service_id) values (v_user.id, v_service.id);
  insert into app_public.permissions (service_id, user_id, permission)
  select v_service.id, v_user.id, t.name from app_public.permission_types t where t.name <> 'platform_admin';

  insert into app_public.service_sms_senders (service_id, sms_sender, is_default) values (v_service.id, 'GOVUK', true);

  v_nhs := v_org.organisation_type in ('nhs_central', 'nhs_local', 'nhs_gp')
           or (v_org.id is null and v_user.email_address::text ~* '[@.]nhs\.(uk|net)$');
  v_email_branding := coalesce(v_org.email_branding_id,
    case when v_nhs then (select b.id from app_public.email_branding b where b.id = c_nhs_email) end);
  v_letter_branding := coalesce(v_org.letter_branding_id,
    case when v_nhs then (select b.id from app_public.letter_branding b where b.id = c_nhs_letter) end);
  if v_email_branding is not null then
    insert into app_public.service_email_branding (service_id, email_branding_id) values (v_service.id, v_email_branding);
  end if;
  if v_letter_branding is not null then
    insert into app_public.service_letter_branding (service_id, letter_branding_id) values (v_service.id, v_letter_branding);
  end if;

  return v_service;
end
$$;
comment on function app_public.create_service(text, uuid, uuid, text, text[], boolean) is 'Create a service in one transaction: creator on the team with every permission but platform_admin; organisation explicit or by the creator''s email domain (type and crown copied, default or NHS branding); count_as_live = not creator.platform_admin; default SMS sender GOVUK; default service permissions or exactly the given list; annual billing for the current year (trigger). NTF02 "Duplicate service name ''<n>''" also for an email_from clash. Security definer: a user may create services for themselves only, restricted, with the default permissions and their email domain''s organisation; only platform admins choose restricted, permissions or organisation.';
revoke all on function app_public.create_service(text, uuid, uuid, text, text[], boolean) from public;
grant execute on function app_public.create_service(text, uuid, uuid, text, text[], boolean) to notify_user;
--! EndIncluded services/create_service.sql
--! Included services/tg_services__defaults.sql
create or replace function app_private.tg_services__defaults() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- Notify's DEFAULT_SERVICE_PERMISSIONS (notifications-api, app/dao/services_dao.py); new services no longer
  -- get upload_letters there.
  insert into app_public.service_permissions (service_id, permission)
  select new.id, p
  from unnest(array['sms', 'email', 'letter', 'international_sms', 'international_letters']) p
  on conflict do nothing;
  perform app_private.create_default_annual_billing(new.id, app_public.current_financial_year());
  return null;
end
$$;
comment on function app_private.tg_services__defaults() is 'AFTER INSERT trigger _500_service_defaults on services: default service permissions (Notify''s DEFAULT_SERVICE_PERMISSIONS) and the annual_billing row for the current financial year, which billing assumes exists. In a trigger so services inserted by any path (default data, tests) get them.';
revoke all on function app_private.tg_services__defaults() from public;
--! EndIncluded services/tg_services__defaults.sql
--! Included services/tg_services__protect.sql
create or replace function app_private.tg_services__protect() returns trigger
language plpgsql
as $$
begin
  if current_user in ('notify_user', 'notify_anonymous') and not app_hidden.is_platform_admin() and (
       new.restricted is distinct from old.restricted
    or new.active is distinct from old.active
    or new.research_mode is distinct from old.research_mode
    or new.rate_limit is distinct from old.rate_limit
    or new.email_message_limit is distinct from old.email_message_limit
    or new.sms_message_limit is distinct from old.sms_message_limit
    or new.letter_message_limit is distinct from old.letter_message_limit
    or new.international_sms_message_limit is distinct from old.international_sms_message_limit
    or new.count_as_live is distinct from old.count_as_live
    or new.organisation_id is distinct from old.organisation_id
    or new.organisation_type is distinct from old.organisation_type
    or new.crown is distinct from old.crown
    or new.go_live_user_id is distinct from old.go_live_user_id
    or new.go_live_at is distinct from old.go_live_at
    or new.created_by_id is distinct from old.created_by_id
    or new.purchase_order_number is distinct from old.purchase_order_number
    or new.billing_contact_names is distinct from old.billing_contact_names
    or new.billing_contact_email_addresses is distinct from old.billing_contact_email_addresses
    or new.billing_reference is distinct from old.billing_reference
    or new.notes is distinct from old.notes
    or new.id is distinct from old.id) then
    raise exception 'Permission denied: only platform admins can change trial mode, limits, organisation, billing details or status of a service'
      using errcode = 'NTF03';
  end if;
  return new;
end
$$;
comment on function app_private.tg_services__protect() is 'BEFORE UPDATE on services: team members with manage_settings edit their service, but going live, limits, organisation, billing details and notes are platform-admin decisions (as in Notify''s admin app).';
revoke all on function app_private.tg_services__protect() from public;
--! EndIncluded services/tg_services__protect.sql
--! Included api_keys/tg_api_keys__stay_revoked.sql
create or replace function app_private.tg_api_keys__stay_revoked() returns trigger
language plpgsql
as $$
begin
  -- Revoking is final, whoever updates the row: a cleared or later expiry_date would bring a revoked key back.
  if old.expiry_date is not null and new.expiry_date is distinct from old.expiry_date then
    raise exception 'API key % is revoked and cannot be changed back', old.id using errcode = 'NTF03';
  end if;
  return new;
end
$$;
comment on function app_private.tg_api_keys__stay_revoked() is 'BEFORE UPDATE trigger _300_stay_revoked on api_keys: once expiry_date is set (revoked) it never changes again. Users revoke with revoke_api_key and may only rename keys.';
revoke all on function app_private.tg_api_keys__stay_revoked() from public;
--! EndIncluded api_keys/tg_api_keys__stay_revoked.sql
drop trigger if exists _300_stay_revoked on app_public.api_keys;
create trigger _300_stay_revoked before update on app_public.api_keys
  for each row execute function app_private.tg_api_keys__stay_revoked();
-- check_verify_code now returns Notify's message (or null) instead of a boolean.
drop function if exists app_hidden.check_verify_code(uuid, text, text);
--! Included users/check_verify_code.sql
create or replace function app_hidden.check_verify_code(user_id uuid, code text, code_type text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  -- MAX_FAILED_LOGIN_COUNT, the rules and the messages are Notify's (notifications-api, app/config.py and
  -- app/user/rest.py verify_user_code).
  c_max_failed constant int := 10;
  v_failed int;
  v_code app_private.verify_codes;
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  if check_verify_code.code_type is null or check_verify_code.code_type not in ('email', 'sms') then
    raise exception 'Invalid code type ''%''', check_verify_code.code_type using errcode = 'NTF01';
  end if;
  select u.failed_login_count into v_failed from app_public.users u where u.id = check_verify_code.user_id for update;
  if not found then
    raise exception 'User % not found', check_verify_code.user_id using errcode = 'NTF04';
  end if;
  -- Locked: even the right code is refused, and further guesses no longer count.
  if v_failed >= c_max_failed then
    return 'Code not found';
  end if;
  -- Any code of the type matches, used or expired too, newest first, so a stale code gets its own message.
  select * into v_code
  from app_private.verify_codes vc
  where vc.user_id = check_verify_code.user_id and vc.code_type = check_verify_code.code_type
    and crypt(check_verify_code.code, vc.code_hash) = vc.code_hash
  order by vc.created_at desc
  limit 1
  for update;
  if not found then
    update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = check_verify_code.user_id;
    return 'Code not found';
  end if;
  if v_code.code_used or v_code.expiry_datetime <= now() then
    update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = check_verify_code.user_id;
    return 'Code has expired';
  end if;
  update app_private.verify_codes vc set code_used = true where vc.id = v_code.id;
  update app_public.users u
  set current_session_id = gen_random_uuid(), logged_in_at = now(), failed_login_count = 0,
      email_access_validated_at = case when check_verify_code.code_type = 'email' then now()
                                       else u.email_access_validated_at end
  where u.id = check_verify_code.user_id;
  return null;
end
$$;
comment on function app_hidden.check_verify_code(uuid, text, text) is 'Check and consume a sign-in code as Notify''s verify_user_code does. Null when accepted (new session, failed count reset, email access validated for an email code); else the message to show: ''Code not found'' (no such code, or 10 or more failed logins: locked, count unchanged) or ''Code has expired'' (used or expired). Wrong, used and expired codes count as failed logins; the message is returned, not raised, so that count is kept. API server only.';
revoke all on function app_hidden.check_verify_code(uuid, text, text) from public;
grant execute on function app_hidden.check_verify_code(uuid, text, text) to notify_authenticator;
--! EndIncluded users/check_verify_code.sql
--! Included users/create_verify_code.sql
create or replace function app_hidden.create_verify_code(user_id uuid, code_type text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_bytes bytea := gen_random_bytes(3);
  v_code text := lpad(((get_byte(v_bytes, 0) * 65536 + get_byte(v_bytes, 1) * 256 + get_byte(v_bytes, 2)) % 100000)::text, 5, '0');
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  if create_verify_code.code_type not in ('email', 'sms') then
    raise exception 'Invalid code type ''%''', create_verify_code.code_type using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.users u where u.id = create_verify_code.user_id) then
    raise exception 'User % not found', create_verify_code.user_id using errcode = 'NTF04';
  end if;
  -- At most 5 live codes a user: past that no new code is made or sent, as Notify's send_user_2fa_code
  -- (notifications-api, app/user/rest.py; MAX_VERIFY_CODE_COUNT in app/config.py).
  if (select count(*) from app_private.verify_codes vc
      where vc.user_id = create_verify_code.user_id and not vc.code_used and vc.expiry_datetime > now()) >= 5 then
    return null;
  end if;
  insert into app_private.verify_codes (user_id, code_hash, code_type, expiry_datetime)
  values (create_verify_code.user_id, crypt(v_code, gen_salt('bf', 4)), create_verify_code.code_type,
          now() + case when create_verify_code.code_type = 'sms' then interval '15 minutes' else interval '1 hour' end);
  return v_code;
end
$$;
comment on function app_hidden.create_verify_code(uuid, text) is 'Make a 5-digit sign-in code (sms: valid 15 minutes, email: 1 hour), store only its hash, return it once for sending; null (nothing to send) when the user already has 5 unused unexpired codes. API server only.';
revoke all on function app_hidden.create_verify_code(uuid, text) from public;
grant execute on function app_hidden.create_verify_code(uuid, text) to notify_authenticator;
--! EndIncluded users/create_verify_code.sql
--! Included users/user_verified_email_code.sql
create or replace function app_public.user_verified_email_code(user_id uuid) returns app_public.users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_row app_public.users;
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin()
     and user_verified_email_code.user_id is distinct from app_public.current_user_id() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  -- A locked account (10 failed logins, Notify's MAX_FAILED_LOGIN_COUNT) stays locked: this would reset the count.
  if (select u.failed_login_count from app_public.users u where u.id = user_verified_email_code.user_id) >= 10 then
    raise exception 'Maximum login count exceeded' using errcode = 'NTF03';
  end if;
  update app_public.users u
  set logged_in_at = now(), current_session_id = gen_random_uuid(), failed_login_count = 0,
      email_access_validated_at = now()
  where u.id = user_verified_email_code.user_id
  returning * into v_row;
  if not found then
    raise exception 'User % not found', user_verified_email_code.user_id using errcode = 'NTF04';
  end if;
  return v_row;
end
$$;
comment on function app_public.user_verified_email_code(uuid) is 'Record a sign-in completed with an emailed code/link: new session, failed count reset, and email_access_validated_at = now (the code proves access to the address). Refused (NTF03 "Maximum login count exceeded") once the account is locked by 10 failed logins.';
revoke all on function app_public.user_verified_email_code(uuid) from public;
grant execute on function app_public.user_verified_email_code(uuid) to notify_user;
--! EndIncluded users/user_verified_email_code.sql
