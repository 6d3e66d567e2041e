--! Previous: sha1:9eff3cf0f0fc6dbe6b237e5dc1d515efcc912434
--! Hash: sha1:7793a72b73c03e54d062f56cf0fead42a3731fc5
--! Message: Self-contained comments

--! split: 1-current.sql
-- Comments that pointed at documents outside the repository (a specification's sections,
-- benchmark seeds, the reference implementation's versions) say why in their own words.
--! Included callbacks/service_inbound_api.sql
create or replace view app_public.service_inbound_api with (security_invoker = true) as
  select id, service_id, url, updated_by_id, version, created_at, updated_at
  from app_public.service_callback_api
  where callback_type = 'inbound_sms';
comment on view app_public.service_inbound_api is E'@behavior -insert -update -delete\nNotify-compatible view of inbound SMS callbacks: service_callback_api holds every callback type in one table, and this view keeps the shape of Notify''s service_inbound_api table.';
grant select on app_public.service_inbound_api to notify_user;
--! EndIncluded callbacks/service_inbound_api.sql
--! Included users/tg_users__email_access_validated.sql
create or replace function app_private.tg_users__email_access_validated() returns trigger
language plpgsql
as $$
begin
  new.email_access_validated_at := now();
  return new;
end
$$;
comment on function app_private.tg_users__email_access_validated() is 'BEFORE INSERT on users: a new user has just proved access to their email (invitation link / creation), whatever the caller passed.';
revoke all on function app_private.tg_users__email_access_validated() from public;
--! EndIncluded users/tg_users__email_access_validated.sql
--! Included organisations/tg_organisation__nhs_branding.sql
create or replace function app_private.tg_organisation__nhs_branding() returns trigger
language plpgsql
as $$
declare
  c_nhs_email constant uuid := 'a7dc4e56-660b-4db7-8cff-12c37b12b5ea';
  c_nhs_letter constant uuid := '2cd354bb-6b85-eda3-c0ad-6b613150459f';
begin
  if new.organisation_type in ('nhs_central', 'nhs_local', 'nhs_gp') then
    if tg_op = 'INSERT' then
      if exists (select 1 from app_public.email_branding where id = c_nhs_email) then
        new.email_branding_id := c_nhs_email;
      end if;
      if exists (select 1 from app_public.letter_branding where id = c_nhs_letter) then
        new.letter_branding_id := c_nhs_letter;
      end if;
    elsif new.organisation_type is distinct from old.organisation_type then
      if new.email_branding_id is null and exists (select 1 from app_public.email_branding where id = c_nhs_email) then
        new.email_branding_id := c_nhs_email;
      end if;
      if new.letter_branding_id is null and exists (select 1 from app_public.letter_branding where id = c_nhs_letter) then
        new.letter_branding_id := c_nhs_letter;
      end if;
    end if;
  end if;
  return new;
end
$$;
comment on function app_private.tg_organisation__nhs_branding() is 'BEFORE INSERT / UPDATE OF organisation_type on organisation: NHS organisations get the NHS email and letter branding at creation, and when they become NHS only if they have none. Skipped when the branding rows are not loaded.';
revoke all on function app_private.tg_organisation__nhs_branding() from public;
--! EndIncluded organisations/tg_organisation__nhs_branding.sql
--! Included organisations/tg_organisation__propagate.sql
create or replace function app_private.tg_organisation__propagate() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if new.organisation_type is distinct from old.organisation_type or new.crown is distinct from old.crown then
    update app_public.services s
    set organisation_type = new.organisation_type,
        crown = coalesce(new.crown, (select t.is_crown from app_public.organisation_types t where t.name = new.organisation_type))
    where s.organisation_id = new.id
      and (s.organisation_type is distinct from new.organisation_type
           or s.crown is distinct from coalesce(new.crown, (select t.is_crown from app_public.organisation_types t where t.name = new.organisation_type)));
  end if;
  if new.email_branding_id is not null and new.email_branding_id is distinct from old.email_branding_id then
    insert into app_public.service_email_branding (service_id, email_branding_id)
    select s.id, new.email_branding_id from app_public.services s where s.organisation_id = new.id
    on conflict (service_id) do nothing;
  end if;
  if new.letter_branding_id is not null and new.letter_branding_id is distinct from old.letter_branding_id then
    insert into app_public.service_letter_branding (service_id, letter_branding_id)
    select s.id, new.letter_branding_id from app_public.services s where s.organisation_id = new.id
    on conflict (service_id) do nothing;
  end if;
  return null;
end
$$;
comment on function app_private.tg_organisation__propagate() is 'AFTER UPDATE on organisation: type and crown changes are copied to all its services (allowance and letter rates depend on them); a new default branding goes to services that have none.';
revoke all on function app_private.tg_organisation__propagate() from public;
--! EndIncluded organisations/tg_organisation__propagate.sql
--! Included lifecycle/ensure_annual_billing.sql
create or replace function app_hidden.ensure_annual_billing(service_id uuid, financial_year_start int default null)
returns app_public.annual_billing
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_year int := coalesce(ensure_annual_billing.financial_year_start, app_public.current_financial_year());
  v_row app_public.annual_billing;
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(ensure_annual_billing.service_id) then
    raise exception 'Service % not found', ensure_annual_billing.service_id using errcode = 'NTF04';
  end if;
  select * into v_row from app_public.annual_billing
  where service_id = ensure_annual_billing.service_id and financial_year_start = v_year;
  if found then
    return v_row;
  end if;
  if v_year < 2016 or v_year > app_public.current_financial_year() then
    raise exception 'No valid year provided' using errcode = 'NTF01';
  end if;
  return app_private.create_default_annual_billing(ensure_annual_billing.service_id, v_year);
end
$$;
comment on function app_hidden.ensure_annual_billing(uuid, int) is 'The annual_billing row of a service for a financial year (default: current), creating the default (app_private.create_default_annual_billing) when missing: GET free-sms-fragment-limit and the 1 April task call it. Years before 2016 or in the future are rejected (NTF01 No valid year provided) unless a row already exists.';
revoke all on function app_hidden.ensure_annual_billing(uuid, int) from public;
grant execute on function app_hidden.ensure_annual_billing(uuid, int) to notify_user;
grant execute on function app_hidden.ensure_annual_billing(uuid, int) to notify_authenticator;
--! EndIncluded lifecycle/ensure_annual_billing.sql
--! Included lifecycle/create_default_annual_billing.sql
create or replace function app_private.create_default_annual_billing(service_id uuid, financial_year_start int)
returns app_public.annual_billing
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_year int := create_default_annual_billing.financial_year_start;
  v_service app_public.services;
  v_last app_public.annual_billing;
  v_last_units bigint;
  v_limit int;
  v_high boolean := false;
  v_custom boolean := false;
  v_row app_public.annual_billing;
begin
  select * into v_row from app_public.annual_billing
  where service_id = create_default_annual_billing.service_id and financial_year_start = v_year;
  if found then
    return v_row;
  end if;
  select * into v_service from app_public.services where id = create_default_annual_billing.service_id;
  if not found then
    raise exception 'Service % not found', create_default_annual_billing.service_id using errcode = 'NTF04';
  end if;
  select * into v_last from app_public.annual_billing
  where service_id = v_service.id and financial_year_start = v_year - 1;
  select coalesce(sum(fb.billable_units::bigint * fb.rate_multiplier), 0) into v_last_units
  from app_public.ft_billing fb
  where fb.service_id = v_service.id and fb.notification_type = 'sms'
    and fb.bst_date between make_date(v_year - 1, 4, 1) and make_date(v_year, 3, 31);
  if v_last_units >= 300000 then
    v_limit := 0;
    v_high := true;
  elsif v_last.has_custom_allowance then
    v_limit := v_last.free_sms_fragment_limit;
    v_custom := true;
  else
    v_limit := app_public.default_free_sms_allowance(v_service.organisation_type, v_year);
  end if;
  insert into app_public.annual_billing (service_id, financial_year_start, free_sms_fragment_limit,
                                         high_volume_service_last_year, has_custom_allowance)
  values (v_service.id, v_year, v_limit, v_high, v_custom)
  on conflict (service_id, financial_year_start) do nothing
  returning * into v_row;
  if v_row.id is null then
    select * into v_row from app_public.annual_billing
    where service_id = v_service.id and financial_year_start = v_year;
  end if;
  return v_row;
end
$$;
comment on function app_private.create_default_annual_billing(uuid, int) is 'Default annual_billing row for a service and financial year, if missing: 0 when the service sent >= 300 000 chargeable SMS fragments last year, last year''s value when it was custom, else the default for its organisation type. No permission check: used by the new-service trigger and by app_hidden.ensure_annual_billing.';
revoke all on function app_private.create_default_annual_billing(uuid, int) from public;
--! EndIncluded lifecycle/create_default_annual_billing.sql
--! Included services/tg_services__defaults.sql
create or replace function app_private.tg_services__defaults() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.service_permissions (service_id, permission)
  select new.id, p
  from unnest(array['sms', 'email', 'letter', 'international_sms', 'upload_letters', 'international_letters']) p
  on conflict do nothing;
  perform app_private.create_default_annual_billing(new.id, app_public.current_financial_year());
  return null;
end
$$;
comment on function app_private.tg_services__defaults() is 'AFTER INSERT trigger _500_service_defaults on services: default service permissions (Notify''s set, upload_letters included) and the annual_billing row for the current financial year, which billing assumes exists. In a trigger so services inserted by any path (default data, tests) get them.';
revoke all on function app_private.tg_services__defaults() from public;
--! EndIncluded services/tg_services__defaults.sql
--! Included users/update_user_password.sql
create or replace function app_public.update_user_password(user_id uuid, password text, validated_email_access boolean default false)
returns app_public.users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_row app_public.users;
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin()
     and update_user_password.user_id is distinct from app_public.current_user_id() then
    raise exception 'Permission denied: you can only change your own password' using errcode = 'NTF03';
  end if;
  if update_user_password.password is null or char_length(update_user_password.password) < 8 then
    raise exception 'Password must be at least 8 characters' using errcode = 'NTF01';
  end if;
  update app_public.users u
  set password_changed_at = now(),
      failed_login_count = 0,
      email_access_validated_at = case when coalesce(update_user_password.validated_email_access, false)
                                       then now() else u.email_access_validated_at end
  where u.id = update_user_password.user_id
  returning * into v_row;
  if not found then
    raise exception 'User % not found', update_user_password.user_id using errcode = 'NTF04';
  end if;
  insert into app_private.user_secrets (user_id, password_hash)
  values (v_row.id, crypt(update_user_password.password, gen_salt('bf', 10)))
  on conflict (user_id) do update set password_hash = excluded.password_hash;
  return v_row;
end
$$;
comment on function app_public.update_user_password(uuid, text, boolean) is 'Set a user''s password (plain text in, bcrypt hash stored). validated_email_access = true when the reset came through the emailed link while logged out, which proves email access. Self or platform admin.';
revoke all on function app_public.update_user_password(uuid, text, boolean) from public;
grant execute on function app_public.update_user_password(uuid, text, boolean) to notify_user;
--! EndIncluded users/update_user_password.sql
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
comment on function app_public.user_verified_email_code(uuid) is 'Record a sign-in completed with an emailed code/link: new session, failed count reset, and email_access_validated_at = now (the code proves access to the address).';
revoke all on function app_public.user_verified_email_code(uuid) from public;
grant execute on function app_public.user_verified_email_code(uuid) to notify_user;
--! EndIncluded users/user_verified_email_code.sql
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
comment on function app_public.create_service(text, uuid, uuid, text, text[], boolean) is 'Create a service in one transaction: creator on the team with every permission but platform_admin; organisation explicit or by the creator''s email domain (type and crown copied, default or NHS branding); count_as_live = not creator.platform_admin; default SMS sender GOVUK; default service permissions or exactly the given list; annual billing for the current year (trigger). NTF02 "Duplicate service name ''<n>''" also for an email_from clash. Security definer: a user may create services for themselves only.';
revoke all on function app_public.create_service(text, uuid, uuid, text, text[], boolean) from public;
grant execute on function app_public.create_service(text, uuid, uuid, text, text[], boolean) to notify_user;
--! EndIncluded services/create_service.sql
--! Included templates/upsert_system_template.sql
create or replace function app_private.upsert_system_template(
  id uuid, name text, template_type text, subject text, content text,
  service_id uuid default 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553',
  created_by_id uuid default '6af522d0-2915-4e52-83a3-3690455a5fe6',
  hidden boolean default false, postage text default null
) returns app_public.templates
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  v_row app_public.templates;
begin
  select * into v_row from app_public.templates t where t.id = upsert_system_template.id for update;
  if not found then
    insert into app_public.templates (id, name, template_type, subject, content, service_id, created_by_id, hidden, postage)
    values (upsert_system_template.id, upsert_system_template.name, upsert_system_template.template_type,
            upsert_system_template.subject, upsert_system_template.content, upsert_system_template.service_id,
            upsert_system_template.created_by_id, upsert_system_template.hidden, upsert_system_template.postage)
    returning * into v_row;
  elsif (v_row.name, v_row.template_type, v_row.subject, v_row.content, v_row.service_id, v_row.hidden,
         v_row.postage, v_row.archived)
        is distinct from
        (upsert_system_template.name::varchar, upsert_system_template.template_type, upsert_system_template.subject,
         upsert_system_template.content, upsert_system_template.service_id, upsert_system_template.hidden,
         upsert_system_template.postage, false) then
    update app_public.templates t
    set name = upsert_system_template.name, template_type = upsert_system_template.template_type,
        subject = upsert_system_template.subject, content = upsert_system_template.content,
        service_id = upsert_system_template.service_id, hidden = upsert_system_template.hidden,
        postage = upsert_system_template.postage, archived = false,
        created_by_id = upsert_system_template.created_by_id
    where t.id = upsert_system_template.id
    returning * into v_row;
  end if;
  return v_row;
end
$$;
comment on function app_private.upsert_system_template(uuid, text, text, text, text, uuid, uuid, boolean, text) is 'Apply a system template from sql/default-data.sql: insert when missing, update only when wording or settings differ, so the version and a history row are added only for a real change and reruns write nothing.';
revoke all on function app_private.upsert_system_template(uuid, text, text, text, text, uuid, uuid, boolean, text) from public;
--! EndIncluded templates/upsert_system_template.sql
--! Included delivery/claim_notifications.sql
create or replace function app_private.claim_notifications(ids uuid[], lease interval default interval '5 minutes')
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
-- The worker's claim uses a generic plan, as create_notifications and apply_delivery_receipts do:
-- with the default plan cache mode a chunk of one id (the usual case at low load) was planned
-- afresh on every call (1.0 → 0.48 ms; 16 and 50 ids: the same as before, within noise).
-- record_delivery_results keeps the default: its generic plan was slower for 16 ids.
alter function app_private.claim_notifications(uuid[], interval) set plan_cache_mode = force_generic_plan;
comment on function app_private.claim_notifications(uuid[], interval) is
  'Claims notifications for hand-off to a provider by locking them (for update skip locked: two workers never claim the same row); nothing is written. Call it in a transaction that records every outcome with record_delivery_results before it commits: a worker that dies in between leaves the rows created, for the job''s retry or the replay task (providers are sent the notification id as reference, so they can drop a repeat). Rows still sending without sent_at after `lease` (claims written by earlier versions) are claimed again. Returns what the worker needs to build the message (personalisation decrypted). service_active = false: the service was deactivated, the caller records the row as failed (technical-failure) without a provider call.';
revoke all on function app_private.claim_notifications(uuid[], interval) from public;
--! EndIncluded delivery/claim_notifications.sql
--! Included delivery/record_delivery_results.sql
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
  'Records what happened to claimed notifications, as a JSON array of {id, outcome: sent|retry|failed|simulated, provider, reference, billable_units, status}. sent keeps any status a receipt already set (a receipt may beat this call). billable_units are recorded even when the provider call failed. A provider reference equal to the notification id (SMS providers) is not stored.';
revoke all on function app_private.record_delivery_results(jsonb) from public;
--! EndIncluded delivery/record_delivery_results.sql
--! Included delivery/apply_delivery_receipts.sql
create or replace function app_hidden.apply_delivery_receipts(receipts jsonb)
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
    -- One change per notification (the last receipt of the batch wins); its current status decides what may move.
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
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_custom_plan;
-- Hot-path functions look notifications up by primary key only. A generic plan cached while the
-- table was small (a fresh database, a quiet night) hash-joined a sequential scan of the whole
-- table on every later call (bench/api.ts: 5M rows read for 10k notifications).
alter function app_hidden.apply_delivery_receipts(jsonb) set enable_seqscan = off;
-- Receipts: a generic plan. The custom plan made on every call (plan_cache_mode =
-- force_custom_plan, 000002) was a third of the call (11.8 → 6.2 ms for ~75 receipts); with
-- enable_seqscan off (000004) the generic plan probes the primary key / reference index per receipt.
alter function app_hidden.apply_delivery_receipts(jsonb) set plan_cache_mode = force_generic_plan;
comment on function app_hidden.apply_delivery_receipts(jsonb) is
  'Applies provider delivery receipts, a JSON array of {reference, by_id (reference is our notification id; false: the provider''s own reference, e.g. SES message id), status (ours, already mapped), soften (firetext: a permanent failure without code on a pending row becomes temporary)}. By id only created/sending/pending/sent/pending-virus-check rows move, by reference only sending/pending; anything else is ignored, so repeats are harmless. Returns per receipt: updated | duplicate | ignored | not-found.';
revoke all on function app_hidden.apply_delivery_receipts(jsonb) from public;
grant execute on function app_hidden.apply_delivery_receipts(jsonb) to notify_authenticator;
--! EndIncluded delivery/apply_delivery_receipts.sql
--! Included delivery/deprioritise_provider.sql
create or replace function app_private.deprioritise_provider(identifier text, reason text) returns boolean
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
  'Failover after a provider error: the provider loses 10 points, the other active ones of its channel gain 10 (clamped 0-100); skipped when fewer than two are active or any changed in the last minute. Each change is versioned into provider_details_history with the reason, by the Notify service user.';
revoke all on function app_private.deprioritise_provider(text, text) from public;
--! EndIncluded delivery/deprioritise_provider.sql
--! Included delivery/switch_providers_on_slow_delivery.sql
create or replace function app_private.switch_providers_on_slow_delivery(
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
  'Slow delivery (every minute, as in Notify): per active SMS provider, live texts created in the last window_size with a sent_at; slow = delivered after slow_after or still not delivered after it; a provider with slow_ratio or more slow texts loses 10 points, only when some but not all are slow and it has not changed within guard.';
revoke all on function app_private.switch_providers_on_slow_delivery(interval, interval, numeric, interval) from public;
--! EndIncluded delivery/switch_providers_on_slow_delivery.sql
--! Included delivery/tend_providers_back_to_middle.sql
create or replace function app_private.tend_providers_back_to_middle() returns integer
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
  'Tend back (every 5 minutes): when no SMS provider changed in the last hour, move each active one 10 points toward its resting point (mmg 51, firetext 49, others an equal share).';
revoke all on function app_private.tend_providers_back_to_middle() from public;
--! EndIncluded delivery/tend_providers_back_to_middle.sql
--! Included callbacks/delivery_status_callback.sql
create or replace function app_private.delivery_status_callback(notification_id uuid, status text)
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
  'Where to POST a notification''s status and the body Notify''s API documents; no row when the service has no delivery_status callback or the notification is gone.';
revoke all on function app_private.delivery_status_callback(uuid, text) from public;
--! EndIncluded callbacks/delivery_status_callback.sql
--! Included callbacks/inbound_sms_callback.sql
create or replace function app_private.inbound_sms_callback(inbound_sms_id uuid)
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
  'Where to forward a received text and the documented body (id, source_number, destination_number, message, date_received).';
revoke all on function app_private.inbound_sms_callback(uuid) from public;
--! EndIncluded callbacks/inbound_sms_callback.sql
--! Included delivery/timeout_notifications.sql
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
comment on function app_private.timeout_notifications(interval, integer) is
  'Delivery timeout: up to batch_size texts/emails still sending or pending 72 h after creation become temporary-failure (the status trigger queues their callbacks). Returns the number changed; the task calls it until fewer than batch_size, one transaction per batch. Reads only rows created since the previous complete run (app_private.scan_watermarks, one hour of overlap).';
revoke all on function app_private.timeout_notifications(interval, integer) from public;
--! EndIncluded delivery/timeout_notifications.sql
--! Included delivery/replay_created_notifications.sql
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
comment on function app_private.replay_created_notifications(interval, interval, integer) is
  'Replay: texts/emails still created older_than after creation (scheduled ones once due), and claims abandoned by a dead worker (sending, no sent_at, claimed more than lease ago), get a new delivery job. Each row is looked at in the first run after it turns older_than (app_private.scan_watermarks, ten minutes of overlap); graphile-worker retries each delivery job itself, this is the safety net. Returns the number re-queued.';
revoke all on function app_private.replay_created_notifications(interval, interval, integer) from public;
--! EndIncluded delivery/replay_created_notifications.sql
--! Included callbacks/complaint_callback.sql
create or replace function app_private.complaint_callback(complaint_id uuid)
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
  'Where to POST an email complaint and the documented body (notification_id, complaint_id, reference, to, complaint_date).';
revoke all on function app_private.complaint_callback(uuid) from public;
--! EndIncluded callbacks/complaint_callback.sql
--! Included letters/letter_print_date.sql
create or replace function app_hidden.letter_print_date(created_at timestamptz) returns date
language sql immutable parallel safe
as $$
  -- The London date of created_at, the next day after the 17:30 cut-off.
  select ((created_at at time zone 'Europe/London') + interval '6 hours 30 minutes')::date
$$;
comment on function app_hidden.letter_print_date(timestamptz) is
  'Print date of a letter: its London date, or the next day when created at or after 17:30 London time.';
revoke all on function app_hidden.letter_print_date(timestamptz) from public;
grant execute on function app_hidden.letter_print_date(timestamptz) to notify_authenticator;
--! EndIncluded letters/letter_print_date.sql
--! Included letters/letter_postage_code.sql
-- The postage code (1, 2, ECONOMY, E, N) was written in letter_pdf_key and again in
-- tasks/collate-letters.ts for zip names: one function now serves both. The letter tasks asked for
-- each letter's PDF key with a query per letter (twice per scanned letter); letters_for_pdf returns
-- it with the row, as letters_to_collate already did.
create or replace function app_hidden.letter_postage_code(postage text) returns text
language sql immutable parallel safe
as $$
  select case coalesce(postage, 'second') when 'first' then '1' when 'second' then '2' when 'economy' then 'ECONOMY'
                                          when 'europe' then 'E' when 'rest-of-world' then 'N' end
$$;
comment on function app_hidden.letter_postage_code(text) is
  'Postage code used in letter PDF keys and print zip names: first 1, second (default) 2, economy ECONOMY, europe E, rest-of-world N.';
revoke all on function app_hidden.letter_postage_code(text) from public;
--! EndIncluded letters/letter_postage_code.sql
--! Included letters/letter_pdf_key.sql
create or replace function app_private.letter_pdf_key(reference text, postage text, created_at timestamptz) returns text
language sql immutable
as $$
  select to_char(app_hidden.letter_print_date(created_at), 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.' || app_hidden.letter_postage_code(postage)
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;
comment on function app_private.letter_pdf_key(text, text, timestamptz) is
  'S3 key of a letter''s PDF in the letters PDF bucket: {print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF.';
revoke all on function app_private.letter_pdf_key(text, text, timestamptz) from public;
--! EndIncluded letters/letter_pdf_key.sql
--! Included lifecycle/create_nightly_notification_status.sql
create or replace function app_private.create_nightly_notification_status(
  day date, notification_types text[] default array['sms', 'email', 'letter']
) returns int
language sql volatile
as $$
  -- One statement = one snapshot of notifications_all_time_view, so rows being archived
  -- at the same moment are counted exactly once. All services at once: the day's rows of
  -- the types are recomputed and compared with what ft already holds; groups that
  -- vanished (a letter moved from sending to delivered) are deleted and changed counts
  -- upserted. Equivalent to Notify's delete + insert per (day, type, service) in one
  -- transaction, but a re-run with unchanged data writes nothing (same created_at, no
  -- dead tuples). Services whose rows are only in ft (all archived and then changed) are
  -- covered because the fresh set comes from the view, not from notifications alone.
  with fresh as materialized (
    select n.template_id, n.service_id, coalesce(n.job_id, '00000000-0000-0000-0000-000000000000'::uuid) as job_id,
           n.notification_type, n.key_type, n.notification_status, count(*)::int as notification_count
    from app_public.notifications_all_time_view n
    where n.created_at >= app_public.london_midnight(day)
      and n.created_at < app_public.london_midnight(day + 1)
      and n.notification_type = any(notification_types)
      and n.key_type in ('normal', 'team')
    group by 1, 2, 3, 4, 5, 6
  ),
  gone as (
    delete from app_public.ft_notification_status f
    where f.bst_date = day and f.notification_type = any(notification_types)
      and not exists (select 1 from fresh x
                      where (x.template_id, x.service_id, x.job_id, x.notification_type, x.key_type, x.notification_status)
                          = (f.template_id, f.service_id, f.job_id, f.notification_type, f.key_type, f.notification_status))
  ),
  put as (
    insert into app_public.ft_notification_status as f
      (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status, notification_count)
    select day, template_id, service_id, job_id, notification_type, key_type, notification_status, notification_count
    from fresh
    on conflict (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status)
    do update set notification_count = excluded.notification_count, updated_at = now()
      where f.notification_count is distinct from excluded.notification_count
  )
  select count(*)::int from fresh
$$;
comment on function app_private.create_nightly_notification_status(date, text[]) is
  'Rebuild ft_notification_status for a London day and the given types from notifications_all_time_view (normal/team keys, nil-UUID job_id when no job). Vanished groups are deleted, changed counts upserted, in one statement; returns the number of groups. Run by create-nightly-notification-status.';
revoke all on function app_private.create_nightly_notification_status(date, text[]) from public;
--! EndIncluded lifecycle/create_nightly_notification_status.sql
--! Included lifecycle/create_nightly_billing.sql
create or replace function app_private.create_nightly_billing(day date, service_ids uuid[] default null)
returns int
language sql volatile
as $$
  -- Constant columns are literals, never grouped (> 50 % faster than grouping them). Per type the
  -- groups are Notify's; a final group by the primary key merges groups that map to
  -- the same key (two multipliers that round to the same int, letters whose sheets
  -- happen to price alike) so the upsert never touches a row twice.
  with b as materialized (
    select app_public.london_midnight(day) as lo, app_public.london_midnight(day + 1) as hi,
           app_private.sms_rate_on(day) as sms_rate
  ),
  sms as (
    select n.template_id, n.service_id, 'sms'::text as notification_type, coalesce(n.sent_by, 'unknown') as provider,
           coalesce(n.rate_multiplier, 1)::int as rate_multiplier, coalesce(n.international, false) as international,
           b.sms_rate as rate, 'none'::text as postage,
           sum(n.billable_units)::int as billable_units, count(*)::int as notifications_sent
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'sms'
      and n.notification_status in ('sending', 'sent', 'delivered', 'pending', 'temporary-failure', 'permanent-failure')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by n.template_id, n.service_id, coalesce(n.sent_by, 'unknown'), coalesce(n.rate_multiplier, 1)::int,
             coalesce(n.international, false), b.sms_rate
  ),
  email as (
    select n.template_id, n.service_id, 'email'::text, 'ses'::text, 0, false, 0::numeric, 'none'::text,
           0, count(*)::int
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'email'
      and n.notification_status in ('sending', 'delivered', 'temporary-failure', 'permanent-failure')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by n.template_id, n.service_id
  ),
  letter_groups as (
    select n.template_id, n.service_id, coalesce(n.rate_multiplier, 1)::int as rate_multiplier,
           n.billable_units as sheets, coalesce(n.postage, 'none') as postage,
           coalesce(n.international, false) as international, count(*)::int as notifications_sent
    from app_public.notifications_all_time_view n, b
    where n.created_at >= b.lo and n.created_at < b.hi and n.notification_type = 'letter'
      and n.notification_status in ('sending', 'delivered', 'returned-letter')
      and n.key_type in ('normal', 'team')
      and (service_ids is null or n.service_id = any(service_ids))
    group by 1, 2, 3, 4, 5, 6
  ),
  letter as (
    -- Rate by start_date <= London midnight of the day, crown (services without
    -- the flag count as crown), sheets and postage (none -> second, the default), latest
    -- start first; 0 sheets cost 0. billable_units = sheets x letters.
    select g.template_id, g.service_id, 'letter'::text, 'dvla'::text, g.rate_multiplier, g.international,
           case when g.sheets = 0 then 0::numeric
                else coalesce(lr.rate, app_private.raise_missing_rate(
                  format('letters of %s sheets, %s, on %s', g.sheets, g.postage, day))) end,
           g.postage, g.sheets * g.notifications_sent, g.notifications_sent
    from letter_groups g
    join app_public.services s on s.id = g.service_id
    cross join b
    left join lateral (
      select r.rate from app_public.letter_rates r
      where r.start_date <= b.lo and (r.end_date is null or r.end_date > b.lo)
        and r.crown = coalesce(s.crown, true) and r.sheet_count = g.sheets
        and r.post_class = case g.postage when 'none' then 'second' else g.postage end
      order by r.start_date desc limit 1
    ) lr on true
  ),
  fresh as materialized (
    select template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
           sum(billable_units)::int as billable_units, sum(notifications_sent)::int as notifications_sent
    from (select * from sms union all select * from email union all select * from letter) u
    group by 1, 2, 3, 4, 5, 6, 7, 8
  ),
  gone as (
    delete from app_public.ft_billing f
    where f.bst_date = day
      and (service_ids is null or f.service_id = any(service_ids))
      and not exists (select 1 from fresh x
                      where (x.template_id, x.service_id, x.notification_type, x.provider, x.rate_multiplier,
                             x.international, x.rate, x.postage)
                          = (f.template_id, f.service_id, f.notification_type, f.provider, f.rate_multiplier,
                             f.international, f.rate, f.postage))
  ),
  put as (
    insert into app_public.ft_billing as f
      (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
       billable_units, notifications_sent)
    select day, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage,
           billable_units, notifications_sent
    from fresh
    on conflict (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage)
    do update set billable_units = excluded.billable_units, notifications_sent = excluded.notifications_sent,
                  updated_at = now()
      where (f.billable_units, f.notifications_sent) is distinct from (excluded.billable_units, excluded.notifications_sent)
  )
  select count(*)::int from fresh
$$;
comment on function app_private.create_nightly_billing(date, uuid[]) is
  'Rebuild ft_billing for a London day (all services, or the given ones) from notifications_all_time_view: billable statuses, normal/team keys, SMS rate by date, letter rate by postage/sheets/crown, email at 0. Upsert on the full primary key and delete groups that vanished, in one statement; returns the number of rows. Run by create-nightly-billing (10 days) and update-ft-billing-for-today (hourly).';
revoke all on function app_private.create_nightly_billing(date, uuid[]) from public;
--! EndIncluded lifecycle/create_nightly_billing.sql
--! Included lifecycle/archive_notifications_batch.sql
-- The chunk's continuation point (the last service and its latest created_at) by two
-- aggregates instead of two sorted array_aggs over the whole chunk.
create or replace function app_private.archive_notifications_batch(
  notification_type text,
  batch_size int default 50000,
  after_service_id uuid default null,
  after timestamptz default '-infinity',
  out archived int,
  out deleted_test int,
  out last_service_id uuid,
  out last_created_at timestamptz,
  out letter_pdf_keys text[]
)
language plpgsql volatile
as $$
#variable_conflict use_column
declare
  v_type text := archive_notifications_batch.notification_type;
  v_tids tid[] := '{}';
  v_part tid[];
  v_left int := batch_size;
  svc record;
begin
  if v_type is null or v_type not in ('sms', 'email', 'letter') then
    raise exception 'Unknown notification type %', v_type using errcode = 'NTF01';
  end if;
  if batch_size is null or batch_size < 1 then
    raise exception 'batch_size must be positive' using errcode = 'NTF01';
  end if;
  -- One chunk = the next <= batch_size rows past their service's retention, walking the
  -- keyset (service_id, created_at) from (after_service_id, after): per service an ordered
  -- range scan of ix_notifications_service_type_created_at up to its cutoff, so no row is
  -- read twice (no OFFSET, no re-scan of what earlier chunks left, e.g. letters in progress).
  -- Notify archives one service per job; here one call crosses services to fill the chunk.
  for svc in
    select s.id,
           app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7)) as cutoff
    from app_public.services s
    left join app_public.service_data_retention r on r.service_id = s.id and r.notification_type = v_type
    where s.id >= coalesce(after_service_id, '00000000-0000-0000-0000-000000000000')
    order by s.id
  loop
    select array_agg(x.ctid) into v_part
    from (
      select n.ctid
      from app_public.notifications n
      where n.service_id = svc.id
        and n.notification_type = v_type
        and n.created_at < svc.cutoff
        and (svc.id <> after_service_id or after_service_id is null or n.created_at >= after)
        -- letters still in progress stay; test-key rows go whatever their status
        and not (v_type = 'letter' and n.key_type <> 'test'
                 and n.notification_status in ('created', 'sending', 'pending-virus-check'))
      order by n.created_at
      limit v_left
    ) x;
    if v_part is not null then
      v_tids := v_tids || v_part;
      v_left := batch_size - cardinality(v_tids);
    end if;
    exit when v_left <= 0;
  end loop;

  -- The rows are deleted (by ctid: no second index descent) and what the DELETE returns is
  -- inserted into history in this one statement/transaction. A row updated after the scan
  -- above has a new ctid, so it is left for the next chunk rather than archived stale; the
  -- UNION ALL view never sees a row twice or not at all.
  -- Upsert: a rerun (or a copy left by an older run) refreshes the history row.
  with del as (
    delete from app_public.notifications n
    where n.ctid = any(v_tids)
    returning n.id, n.job_id, n.job_row_number, n.service_id, n.template_id, n.template_version, n.api_key_id,
              n.key_type, n.billable_units, n.notification_type, n.created_at, n.sent_at, n.sent_by, n.updated_at,
              n.notification_status, n.reference, n.client_reference, n.international, n.phone_prefix,
              n.rate_multiplier, n.created_by_id, n.postage, n.document_download_count
  ),
  ins as (
    insert into app_public.notification_history as h
      (id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type, billable_units,
       notification_type, created_at, sent_at, sent_by, updated_at, notification_status, reference,
       client_reference, international, phone_prefix, rate_multiplier, created_by_id, postage,
       document_download_count)
    select id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type,
           billable_units, notification_type, created_at, sent_at, sent_by, updated_at, notification_status,
           reference, client_reference, international, phone_prefix, rate_multiplier, created_by_id, postage,
           document_download_count
    from del
    where key_type <> 'test'
    on conflict (id) do update set
      notification_status = excluded.notification_status, reference = excluded.reference,
      billable_units = excluded.billable_units, updated_at = excluded.updated_at,
      sent_at = excluded.sent_at, sent_by = excluded.sent_by
  )
  select count(*) filter (where d.key_type <> 'test')::int,
         count(*) filter (where d.key_type = 'test')::int,
         -- (no max(uuid) before Postgres 16: lower-case hex text sorts as the uuid does)
         max(d.service_id::text)::uuid,
         max(d.created_at) filter (where d.service_id::text = (select max(d2.service_id::text) from del d2)),
         case when v_type = 'letter' then
           coalesce(array_agg(app_private.letter_pdf_key(d.reference, d.postage, d.created_at))
                      filter (where d.key_type <> 'test' and d.reference is not null
                              and d.notification_status in ('delivered', 'returned-letter', 'technical-failure',
                                                            'cancelled', 'permanent-failure', 'temporary-failure')),
                    '{}') end
  into archived, deleted_test, last_service_id, last_created_at, letter_pdf_keys
  from del d;
end
$$;
comment on function app_private.archive_notifications_batch(text, int, uuid, timestamptz) is
  'One archival chunk of a type: the next <= batch_size rows, in (service_id, created_at) order from (after_service_id, after), older than their service''s retention (service_data_retention for the type, else 7 days; cutoff at London midnight), letters in progress skipped. normal/team rows are upserted into notification_history and deleted; test-key rows are deleted only. Returns counts, the (last_service_id, last_created_at) to continue from, and for letters the S3 keys of the archived PDFs. Call again with those until archived + deleted_test = 0.';
revoke all on function app_private.archive_notifications_batch(text, int, uuid, timestamptz) from public;
--! EndIncluded lifecycle/archive_notifications_batch.sql
--! Included lifecycle/archive_inbound_sms_batch.sql
create or replace function app_private.archive_inbound_sms_batch(batch_size int default 10000) returns int
language sql volatile
as $$
  -- Cutoff: London midnight N days ago, N = the service's sms retention, else 7. Rows never
  -- change, so on conflict do nothing: a rerun after a failed delete skips what was copied.
  with cut as materialized (
    select s.id as service_id,
           app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7)) as cutoff
    from app_public.services s
    left join app_public.service_data_retention r on r.service_id = s.id and r.notification_type = 'sms'
  ),
  batch as materialized (
    select i.id, i.created_at, i.service_id, i.notify_number, i.provider_date, i.provider_reference, i.provider
    from app_public.inbound_sms i join cut c on c.service_id = i.service_id
    where i.created_at < (select max(cutoff) from cut) and i.created_at < c.cutoff
    order by i.created_at
    limit batch_size
    for update of i skip locked
  ),
  ins as (
    insert into app_public.inbound_sms_history (id, created_at, service_id, notify_number, provider_date,
                                                provider_reference, provider)
    select id, created_at, service_id, notify_number, provider_date, provider_reference, provider from batch
    on conflict do nothing
  ),
  del as (delete from app_public.inbound_sms i using batch b where i.id = b.id returning 1)
  select count(*)::int from del
$$;
comment on function app_private.archive_inbound_sms_batch(int) is
  'One inbound SMS archival chunk: up to batch_size texts past retention copied to inbound_sms_history without number/content (on conflict do nothing) and deleted. Returns rows moved; 0 when done.';
revoke all on function app_private.archive_inbound_sms_batch(int) from public;
--! EndIncluded lifecycle/archive_inbound_sms_batch.sql
--! Included lifecycle/usage_rows.sql
create or replace function app_private.usage_rows(
  service_ids uuid[], financial_year int, notification_types text[] default array['sms', 'email', 'letter']
)
returns table (
  service_id uuid, bst_date date, notification_type text, rate numeric, postage text,
  notifications_sent bigint, chargeable_units bigint, free_allowance bigint, free_allowance_used bigint,
  charged_units bigint, cost numeric, free_allowance_left bigint
)
language sql stable
as $$
  with ab as materialized (
    -- the year's allowance; the default for the organisation type when the row is missing
    -- (annual_billing_for_year creates it; a report must not write)
    select s.id as service_id,
           coalesce(a.free_sms_fragment_limit,
                    app_public.default_free_sms_allowance(s.organisation_type, usage_rows.financial_year))::bigint
             as free_allowance
    from app_public.services s
    left join app_public.annual_billing a on a.service_id = s.id and a.financial_year_start = usage_rows.financial_year
    where s.id = any(service_ids)
  ),
  sms as (
    select f.service_id, f.bst_date, f.rate, f.postage, f.notifications_sent::bigint as notifications_sent,
           f.billable_units::bigint * f.rate_multiplier as chargeable_units,
           -- ROWS, not RANGE: a day has several rows (templates, providers, multipliers).
           -- Under RANGE all rows of one bst_date are peers sharing one frame, so each would
           -- see the same units used before it and the day's rows would spend the remaining
           -- allowance twice; ROWS grows the running total row by row inside a day too. The
           -- tiebreak after bst_date only makes the row order (and so which row shows the
           -- free units) stable: one rate per day means per-rate totals do not depend on it.
           coalesce(sum(f.billable_units * f.rate_multiplier) over (  -- int4 sum: bigint state, no numeric
             partition by f.service_id
             order by f.bst_date, f.template_id, f.provider, f.rate_multiplier, f.international
             rows between unbounded preceding and 1 preceding), 0)::bigint as used_before
    from app_public.ft_billing f
    where f.service_id = any(service_ids) and f.notification_type = 'sms' and 'sms' = any(notification_types)
      and f.bst_date between make_date(usage_rows.financial_year, 4, 1) and make_date(usage_rows.financial_year + 1, 3, 31)
  ),
  -- the allowance is joined after the window (a tiny materialized set, whatever the plan)
  sms_left as (
    select x.*, ab.free_allowance, greatest(ab.free_allowance - x.used_before, 0) as left_before
    from sms x join ab on ab.service_id = x.service_id
  )
  select service_id, bst_date, 'sms'::text, rate, postage, notifications_sent, chargeable_units, free_allowance,
         least(left_before, chargeable_units),
         greatest(chargeable_units - left_before, 0),
         greatest(chargeable_units - left_before, 0) * rate,
         greatest(left_before - chargeable_units, 0)
  from sms_left
  union all
  select f.service_id, f.bst_date, f.notification_type, f.rate, f.postage, f.notifications_sent,
         case f.notification_type when 'letter' then f.notifications_sent else f.billable_units end,
         null, 0,
         case f.notification_type when 'letter' then f.notifications_sent else f.billable_units end,
         case f.notification_type when 'letter' then f.notifications_sent * f.rate else 0 end,
         null
  from app_public.ft_billing f
  where f.service_id = any(service_ids) and f.notification_type in ('email', 'letter')
    and f.notification_type = any(notification_types)
    and f.bst_date between make_date(usage_rows.financial_year, 4, 1) and make_date(usage_rows.financial_year + 1, 3, 31)
$$;
comment on function app_private.usage_rows(uuid[], int, text[]) is
  'Building block of the usage reports: one row per ft_billing row of the services in the financial year with chargeable units, free allowance used (SMS window over the year, ROWS frame), charged units and cost. Callers check permissions.';
revoke all on function app_private.usage_rows(uuid[], int, text[]) from public;
--! EndIncluded lifecycle/usage_rows.sql
--! Included lifecycle/service_annual_usage_for_year.sql
create or replace function app_public.service_annual_usage_for_year(service_id uuid, financial_year int)
returns table (
  notification_type text, rate numeric, chargeable_units bigint, notifications_sent bigint,
  free_allowance_used bigint, charged_units bigint, cost numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(service_annual_usage_for_year.service_id);
  return query
  select u.notification_type, u.rate,
         sum(u.chargeable_units)::bigint, sum(u.notifications_sent)::bigint, sum(u.free_allowance_used)::bigint,
         sum(u.charged_units)::bigint, sum(u.cost)
  from app_private.usage_rows(array[service_annual_usage_for_year.service_id], service_annual_usage_for_year.financial_year) u
  group by 1, 2
  order by 1, 2;
end
$$;
comment on function app_public.service_annual_usage_for_year(uuid, int) is
  'A service''s usage totals for a financial year per type and rate. Same columns as service_usage_for_year without month and postage.';
revoke all on function app_public.service_annual_usage_for_year(uuid, int) from public;
grant execute on function app_public.service_annual_usage_for_year(uuid, int) to notify_user;
--! EndIncluded lifecycle/service_annual_usage_for_year.sql
--! Included lifecycle/annual_billing_for_year.sql
create or replace function app_public.annual_billing_for_year(service_id uuid, financial_year_start int default null)
returns app_public.annual_billing
language sql volatile
as $$
  select * from app_hidden.ensure_annual_billing(service_id, financial_year_start)
$$;
comment on function app_public.annual_billing_for_year(uuid, int) is
  'GET free-sms-fragment-limit for a year (default current): the annual_billing row, created with the default (app_private.create_default_annual_billing) when missing. Set it with set_annual_billing.';
revoke all on function app_public.annual_billing_for_year(uuid, int) from public;
grant execute on function app_public.annual_billing_for_year(uuid, int) to notify_user;
--! EndIncluded lifecycle/annual_billing_for_year.sql
--! Included letters/returned_letter_summary.sql
create or replace function app_public.returned_letter_summary(service_id uuid)
returns table (returned_letter_count int, most_recent_report timestamp)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app_hidden.assert_can_see_service(returned_letter_summary.service_id);
  -- Two index probes on (service_id, reported_at): the count of the last 7 days and the
  -- latest report, without reading the letters themselves.
  return query
  select (select count(*)::int from app_public.returned_letters r
          where r.service_id = returned_letter_summary.service_id
            and r.reported_at > app_public.london_date(now()) - 7),
         (select max(r.reported_at)::timestamp from app_public.returned_letters r
          where r.service_id = returned_letter_summary.service_id);
end
$$;
comment on function app_public.returned_letter_summary(uuid) is
  'Dashboard summary of returned letters: how many were reported in the last 7 London days and when the latest report was (null if never). Its own cheap query.';
revoke all on function app_public.returned_letter_summary(uuid) from public;
grant execute on function app_public.returned_letter_summary(uuid) to notify_user;
--! EndIncluded letters/returned_letter_summary.sql
--! Included lifecycle/template_last_used.sql
create or replace function app_public.template_last_used(template_id uuid) returns timestamptz
language sql stable
as $$
  -- The live table holds the newest use, so look there first (index (template_id,
  -- created_at) read backwards); else the latest day in the facts, as the London midnight
  -- starting that day. security invoker: row level security hides other services.
  select coalesce(
    (select max(n.created_at) from app_public.notifications n
     join app_public.templates t on t.id = n.template_id and t.service_id = n.service_id
     where n.template_id = template_last_used.template_id and n.key_type <> 'test'),
    (select app_public.london_midnight(max(f.bst_date)) from app_public.ft_notification_status f
     where f.template_id = template_last_used.template_id and f.key_type <> 'test'))
$$;
comment on function app_public.template_last_used(uuid) is
  'When a template was last used by a non-test notification: the newest created_at in notifications, else the London midnight of its latest day in ft_notification_status, else null.';
revoke all on function app_public.template_last_used(uuid) from public;
grant execute on function app_public.template_last_used(uuid) to notify_user;
--! EndIncluded lifecycle/template_last_used.sql
--! Included letters/collation_deadline.sql
-- The 17:30 London cut-off is stated once, in app_hidden.letter_print_date: the print run's
-- deadline at `at` is 17:30 London of the day before `at`'s print date (it had its own copy of
-- the rule: "today's 17:30, or yesterday's before 17:30" is the same instant).
create or replace function app_hidden.collation_deadline(at timestamptz default now()) returns timestamptz
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select ((app_hidden.letter_print_date(at) - 1) + time '17:30') at time zone 'Europe/London'
$$;
comment on function app_hidden.collation_deadline(timestamptz) is
  'The print run''s deadline for a collation run at `at`: today''s 17:30 London, or yesterday''s when run before 17:30.';
revoke all on function app_hidden.collation_deadline(timestamptz) from public;
--! EndIncluded letters/collation_deadline.sql
--! Included letters/letters_to_collate.sql
create or replace function app_private.letters_to_collate(deadline timestamptz, after_id uuid default null, batch_size integer default 10000)
returns table (id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamptz, billable_units integer, pdf_key text, postage_code text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- Created, live (normal key), PDF made (billable_units > 0), created before the
  -- deadline — any earlier day too, so stragglers go out — per postage, by service and created_at;
  -- read in keyset pages of batch_size.
  select n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference, n.created_at, n.billable_units,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at), app_hidden.letter_postage_code(n.postage)
  from app_public.notifications n
  join app_public.services s on s.id = n.service_id
  where n.notification_type = 'letter' and n.notification_status = 'created' and n.key_type = 'normal'
    and n.billable_units > 0 and n.created_at < deadline
    -- The keyset is read from the row itself: a created_at passed through a client loses its
    -- microseconds and would return the same row again.
    and (after_id is null
         or (coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id)
            > (select coalesce(a.postage, 'second'), a.service_id, a.created_at, a.id from app_public.notifications a where a.id = after_id))
  order by coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id
  limit batch_size
$$;
comment on function app_private.letters_to_collate(timestamptz, uuid, integer) is
  'Letters for the print run of `deadline` (app_hidden.collation_deadline): created, normal key, billable_units > 0, created before the deadline (earlier days too), ordered by postage, service, created_at, with their PDF keys and postage codes; keyset pages (pass the last row''s id as after_id).';
revoke all on function app_private.letters_to_collate(timestamptz, uuid, integer) from public;
--! EndIncluded letters/letters_to_collate.sql
--! Included letters/record_letters_printed.sql
create or replace function app_private.record_letters_printed(ids uuid[], accepted boolean, provider text default 'dvla') returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  -- The printer took the zip: created → sending (sent_by, sent_at); it refused it: technical-failure.
  update app_public.notifications n
  set notification_status = case when accepted then 'sending' else 'technical-failure' end,
      sent_by = case when accepted then provider else n.sent_by end,
      sent_at = case when accepted then now() else n.sent_at end,
      updated_at = clock_timestamp()
  where n.id = any(ids) and n.notification_type = 'letter' and n.notification_status = 'created';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.record_letters_printed(uuid[], boolean, text) is
  'Collated letters the printer accepted go to sending (sent_by dvla, sent_at now); refused ones to technical-failure. Only created letters move.';
revoke all on function app_private.record_letters_printed(uuid[], boolean, text) from public;
--! EndIncluded letters/record_letters_printed.sql
--! Included letters/process_letter_responses.sql
create or replace function app_private.process_letter_responses(lines text[])
returns table (reference text, outcome text)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  -- DVLA response lines `reference|Sent|pages|sorted`: Sent → delivered, anything else →
  -- temporary-failure. Only letters in sending move; unknown references are reported.
  return query
  with r as (
    select upper(split_part(l, '|', 1)) as reference, split_part(l, '|', 2) as status
    from unnest(lines) l
    where l ~ '\|'
  ), upd as (
    update app_public.notifications n
    set notification_status = case when r.status = 'Sent' then 'delivered' else 'temporary-failure' end,
        updated_at = clock_timestamp()
    from r
    where n.reference = r.reference and n.notification_type = 'letter' and n.notification_status = 'sending'
    returning n.reference, n.notification_status
  )
  select r.reference,
         coalesce((select u.notification_status from upd u where u.reference = r.reference),
                  case when exists (select 1 from app_public.notifications n where n.reference = r.reference and n.notification_type = 'letter')
                       then 'ignored' else 'not-found' end)
  from r;
end
$$;
comment on function app_private.process_letter_responses(text[]) is
  'Applies the printer''s response lines (`reference|Sent|pages|sorted`): letters in sending become delivered (Sent) or temporary-failure (anything else). Returns per line the new status, ignored (not in sending) or not-found.';
revoke all on function app_private.process_letter_responses(text[]) from public;
--! EndIncluded letters/process_letter_responses.sql
--! Included letters/replay_letter_jobs.sql
-- Letters whose PDF or scan job was lost are queued again (replay-created-notifications)
create or replace function app_private.replay_letter_jobs(
  older_than interval default interval '1 hour',
  within interval default interval '10 days'
) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_specs graphile_worker.job_spec[];
begin
  -- Live letters still without a PDF (created, billable_units 0) or still waiting for the scan
  -- (pending-virus-check) after `older_than`: one job per letter, keyed by it, so a letter that
  -- keeps failing has one job retrying, not one more every run. Letters are few: read through
  -- (notification_type, created_at) over the last `within` (letters print within 10 days).
  select array_agg(row(x.task, json_build_object('ids', json_build_array(x.id)), null, null, null,
                       'replay:' || x.task || ':' || x.id, null, null)::graphile_worker.job_spec)
  into v_specs
  from (
    select n.id, case when n.notification_status = 'pending-virus-check' then 'scan-letter' else 'create-letter-pdf' end as task
    from app_public.notifications n
    where n.notification_type = 'letter'
      and n.created_at >= now() - within and n.created_at < now() - older_than
      and n.key_type = 'normal'
      and ((n.notification_status = 'created' and n.billable_units = 0) or n.notification_status = 'pending-virus-check')
  ) x;
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return array_length(v_specs, 1);
end
$$;
comment on function app_private.replay_letter_jobs(interval, interval) is
  'Queues create-letter-pdf / scan-letter again for live letters still without a PDF (created, billable_units 0) or still pending-virus-check after `older_than` (created within `within`): one job per letter with job key replay:{task}:{id}, so repeats replace rather than pile up. Returns the letters queued.';
revoke all on function app_private.replay_letter_jobs(interval, interval) from public;
--! EndIncluded letters/replay_letter_jobs.sql
--! Included letters/letters_needing_attention.sql
-- Letters that should have gone to the printer, or whose scan is overdue (Notify's alerts
-- check-if-letters-still-in-created and letters-pending-virus-check)
create or replace function app_private.letters_needing_attention(at timestamptz default now(), within interval default interval '10 days')
returns table (id uuid, service_id uuid, reference text, notification_status text, created_at timestamptz, problem text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  -- Live letters created before the last print run's deadline and still created (the run should
  -- have sent them), and precompiled letters still waiting for their scan after 90 minutes.
  -- Letters are few: read through (notification_type, created_at) over the last `within`.
  select n.id, n.service_id, n.reference, n.notification_status, n.created_at,
         case when n.notification_status = 'created' then 'still created after the print run of ' || to_char(app_hidden.collation_deadline(at) at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI')
              else 'pending virus check for ' || floor(extract(epoch from at - n.created_at) / 60) || ' minutes' end
  from app_public.notifications n
  where n.notification_type = 'letter' and n.key_type = 'normal'
    and n.created_at >= at - within
    and ((n.notification_status = 'created' and n.created_at < app_hidden.collation_deadline(at))
         or (n.notification_status = 'pending-virus-check' and n.created_at < at - interval '90 minutes'))
  order by n.created_at, n.id
$$;
comment on function app_private.letters_needing_attention(timestamptz, interval) is
  'Letters to alert about: live letters still created although created before the last print run''s deadline (app_hidden.collation_deadline), and letters pending-virus-check for more than 90 minutes, created within `within`; with the problem in words. Used by the check-letters task.';
revoke all on function app_private.letters_needing_attention(timestamptz, interval) from public;
--! EndIncluded letters/letters_needing_attention.sql

comment on table app_public.notification_status_types is
  E'@behavior -insert -update -delete\nThe 14 notification statuses of Notify (failed is deprecated but '
  'still readable).';
comment on table app_public.job_status is
  E'@behavior -insert -update -delete\nLifecycle of a CSV job (Notify''s values, finished all '
  'notifications created included).';
comment on table app_public.service_permission_types is
  E'@behavior -insert -update -delete\nWhat a service may do (Notify''s permissions, sms_to_uk_landlines'
  ' included).';
comment on table app_public.service_callback_type is
  E'@behavior -insert -update -delete\nKinds of callback a service can register (inbound_sms replaces '
  'Notify''s service_inbound_api table).';
comment on table app_public.service_callback_api is
  E'@behavior -insert\nWhere a service wants delivery receipts, complaints, returned letters and inbound'
  ' texts POSTed. One table for all types (Notify kept inbound in service_inbound_api; see that view). '
  'Set through set_service_callback_api, which encrypts the token. Versioned.';
comment on column app_public.notifications.notification_status is
  E'@behavior +filterBy +orderBy\nDelivery status (one of notification_status_types). Not indexed on '
  'purpose (the delivery updates that change it stay HOT): filter it together with service_id or '
  'notification_type and a created_at range.';
