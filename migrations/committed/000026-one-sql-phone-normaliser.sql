--! Previous: sha1:c6b68c999d4a32ad17c66d3c411a59e70cbbdbba
--! Hash: sha1:b70db4dff21f3d015735c3d0a64f46eba28f5316
--! Message: one sql phone normaliser

--! split: 1-current.sql
--! Included common/normalise_phone_digits.sql
-- UK numbers (07…, 7… with under 11 digits, 44…, +44 (0)7…) as 44 and the national digits, others as
-- their digits without leading zeros ('00' included). One expression, no FROM: the planner inlines it.
create or replace function app_hidden.normalise_phone_digits(number text) returns text
language sql immutable strict parallel safe
as $$
  select case when ltrim(number, E' \t(') ~ '^0([^0]|$)'
                   or ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') like '44%'
                   or (ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') like '7%'
                       and length(ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0')) < 11)
              then '44' || ltrim(regexp_replace(ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0'), '^44', ''), '0')
              else ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') end
$$;
comment on function app_hidden.normalise_phone_digits(text) is 'Digits of a phone number in international form (07.. -> 447.., 00 prefix dropped) so inbound numbers match whatever format a provider or operator uses.';
revoke all on function app_hidden.normalise_phone_digits(text) from public;
grant execute on function app_hidden.normalise_phone_digits(text) to notify_user;
grant execute on function app_hidden.normalise_phone_digits(text) to notify_authenticator;
--! EndIncluded common/normalise_phone_digits.sql
--! Included notifications/normalise_recipient.sql
-- A recipient as the v2 API normalises it into notifications.normalised_to, so that trial mode can
-- compare a row's "to" with the team's and the guest list's entries whatever format each was typed in.
-- Phone numbers by app_hidden.normalise_phone_digits, the one SQL reading of a number's digits.
-- One expression, no FROM: the planner inlines it into the calling query.
create or replace function app_hidden.normalise_recipient(recipient_type text, recipient text) returns text
language sql immutable parallel safe
as $$
  select case
    when recipient_type = 'email' then lower(btrim(recipient))
    when recipient_type in ('sms', 'mobile') then app_hidden.normalise_phone_digits(recipient)
  end
$$;
comment on function app_hidden.normalise_recipient(text, text) is
  'A recipient normalised as notifications.normalised_to is: for email, trimmed and lower case; for sms (or mobile, '
  'the guest list''s type), the phone number''s digits in international form (07700 900123 -> 447700900123).';
revoke all on function app_hidden.normalise_recipient(text, text) from public;
--! EndIncluded notifications/normalise_recipient.sql
