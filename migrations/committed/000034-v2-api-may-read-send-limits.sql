--! Previous: sha1:99f50d0cf63efa067a160a687726c07b79f7a67c
--! Hash: sha1:37cbc289661fef1ff9ce5c2ebcace5df6dd87698
--! Message: v2 api may read send limits

--! split: 1-current.sql
--! Included notifications/send_limit_reached.sql
-- The rate and daily limits of one more request, read without counting it: the API asks before
-- work that costs more than a row (a precompiled letter's PDF is parsed and uploaded before the row
-- is made), so a service over its limits is refused before that work. create_notifications still
-- decides (and counts) when the row is made; this is the same arithmetic.
create or replace function app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text)
returns table (outcome text, message text)
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
as $$
  with w as (
    select to_timestamp(floor(extract(epoch from now()) / 60) * 60) as win,
           (now() at time zone 'Europe/London')::date as day
  ), s as (
    select s.rate_limit,
           case send_limit_reached.notification_type when 'sms' then s.sms_message_limit
                when 'email' then s.email_message_limit else s.letter_message_limit end as day_limit
    from app_public.services s where s.id = send_limit_reached.service_id
  ), used as (
    select coalesce((select sum(c.requests) filter (where c.window_start = w.win)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = w.win - interval '60 seconds'), 0)
                                    * (1 - (extract(epoch from now()) - extract(epoch from w.win)) / 60))
                     from app_private.rate_limit_counters c
                     where c.service_id = send_limit_reached.service_id and c.key_type = send_limit_reached.key_type
                       and c.window_start in (w.win, w.win - interval '60 seconds')), 0) as rate_used,
           coalesce((select sum(c.sent) from app_private.daily_limit_counters c
                     where c.service_id = send_limit_reached.service_id and c.day = w.day
                       and c.channel = send_limit_reached.notification_type), 0) as day_used
    from w
  )
  select case when u.rate_used + 1 > s.rate_limit then 'rate_limit' else 'daily_limit' end,
         case when u.rate_used + 1 > s.rate_limit
              then format('Exceeded rate limit for key type %s of %s requests per 60 seconds',
                          case send_limit_reached.key_type when 'normal' then 'LIVE'
                               else upper(send_limit_reached.key_type) end, s.rate_limit)
              else format('Exceeded send limits (%s: %s) for today', send_limit_reached.notification_type, s.day_limit)
         end
  from s, used u
  where u.rate_used + 1 > s.rate_limit
     or (send_limit_reached.key_type <> 'test' and u.day_used + 1 > s.day_limit)
$$;
comment on function app_hidden.send_limit_reached(uuid, text, text) is
  'Whether one more request of `key_type` for `notification_type` would pass the service''s rate limit and daily limit (test keys: the rate limit only), as create_notifications decides them, without counting it: no row, or one row (outcome rate_limit | daily_limit, the API''s message).';
revoke all on function app_hidden.send_limit_reached(uuid, text, text) from public;
grant execute on function app_hidden.send_limit_reached(uuid, text, text) to notify_api;
--! EndIncluded notifications/send_limit_reached.sql
