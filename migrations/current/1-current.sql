-- The URL of a callback is checked by set_service_callback_api only: a column grant let a user change it
-- directly (to http://, a private address, credentials in the URL).
revoke update (url) on app_public.service_callback_api from notify_user;

-- notify_api: the role the v2 REST API logs in as (it used the owner's connection). It may read what the API
-- reads and call the functions the API calls, nothing more: writes go through security definer functions
-- (create_notifications and the like), which check what they are given. Roles are cluster-wide, hence the guard.
do $$
begin
  if not exists (select from pg_roles where rolname = 'notify_api') then
    create role notify_api with login noinherit;
  end if;
end
$$;
grant usage on schema app_public, app_hidden to notify_api;
-- For app_private.decrypt (personalisation of GET notifications) and letter_pdf_key only: no table there is
-- granted to it.
grant usage on schema app_private to notify_api;
grant select on app_public.services, app_public.service_permissions, app_public.service_sms_senders,
  app_public.service_email_reply_to, app_public.service_letter_contacts, app_public.service_whitelist,
  app_public.templates, app_public.templates_history, app_public.notifications, app_public.rates,
  app_public.letter_rates
  to notify_api;
-- Users: the API shows who created a template or notification and checks trial-mode recipients against the team;
-- never passwords or other personal columns.
grant select (id, name, email_address, mobile_number) on app_public.users to notify_api;
grant select (user_id, service_id) on app_public.user_to_service to notify_api;
-- Row level security is on for every app_public table; the API's key check (service_api_keys, by service) and
-- its queries (by the caller's service id) decide which rows are the caller's.
do $$
declare
  t text;
begin
  foreach t in array array['services', 'service_permissions', 'service_sms_senders', 'service_email_reply_to',
    'service_letter_contacts', 'service_whitelist', 'templates', 'templates_history', 'notifications', 'rates',
    'letter_rates', 'users', 'user_to_service']
  loop
    execute format('drop policy if exists api_read on app_public.%I', t);
    execute format('create policy api_read on app_public.%I for select to notify_api using (true)', t);
  end loop;
end
$$;

--! include callbacks/set_service_callback_api.sql
--! include delivery/apply_delivery_receipts.sql
--! include notifications/create_notifications.sql
--! include api_keys/service_api_keys.sql
--! include letters/letter_print_date.sql
--! include letters/letter_postage_code.sql
--! include letters/letter_estimated_delivery.sql
--! include common/v2_timestamp.sql
--! include common/decrypt.sql
--! include inbound/received_text_messages.sql
--! include letters/letter_pdf_key.sql
--! include letters/precompiled_letter_template.sql
