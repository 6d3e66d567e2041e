--! Previous: sha1:7793a72b73c03e54d062f56cf0fead42a3731fc5
--! Hash: sha1:75035943c334e101a8f379116356011c8caa9938
--! Message: drop send_notification

--! split: 1-current.sql
-- GraphQL sendNotification now goes through the same TypeScript rules as the v2 API
-- (src/sending, src/graphql/send-notification.ts); this SQL copy of them had drifted.
drop function if exists app_public.send_notification(uuid, uuid, text, jsonb, text);
