--! include services/create_service.sql
--! include services/tg_services__defaults.sql
--! include services/tg_services__protect.sql
--! include api_keys/tg_api_keys__stay_revoked.sql
drop trigger if exists _300_stay_revoked on app_public.api_keys;
create trigger _300_stay_revoked before update on app_public.api_keys
  for each row execute function app_private.tg_api_keys__stay_revoked();
-- check_verify_code now returns Notify's message (or null) instead of a boolean.
drop function if exists app_hidden.check_verify_code(uuid, text, text);
--! include users/check_verify_code.sql
--! include users/create_verify_code.sql
--! include users/user_verified_email_code.sql
