-- The URL of a callback is checked by set_service_callback_api only: a column grant let a user change it
-- directly (to http://, a private address, credentials in the URL).
revoke update (url) on app_public.service_callback_api from notify_user;
--! include callbacks/set_service_callback_api.sql
--! include delivery/apply_delivery_receipts.sql
