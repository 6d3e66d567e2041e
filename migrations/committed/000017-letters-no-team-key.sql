--! Previous: sha1:c1f45416dd8203757941d4f3f7c993998a6d55ac
--! Hash: sha1:9eff3cf0f0fc6dbe6b237e5dc1d515efcc912434
--! Message: Letters are never sent with a team key: the table refuses them (23514) as the API does

--! split: 1-current.sql
-- A letter is never sent with a team key (Notify refuses it: 403 "Cannot send letters with a team
-- api key", which the v2 route gives first). Until now only the route said so: a DBA or another
-- caller of create_notifications could store a team-key letter, which would get a PDF
-- (letters_for_pdf takes key_type <> 'test') but never be collated, replayed or checked (those
-- take key_type = 'normal') and stay created for ever. With this constraint the two tests agree.
-- NOT VALID: rows already stored are left as they are (and no scan of the table at migration).
alter table app_public.notifications drop constraint if exists ck_notifications_letter_not_team_key;
alter table app_public.notifications add constraint ck_notifications_letter_not_team_key
  check (notification_type <> 'letter' or key_type <> 'team') not valid;
comment on constraint ck_notifications_letter_not_team_key on app_public.notifications is
  'Letters are sent with normal or test keys only (Notify: "Cannot send letters with a team api key").';
