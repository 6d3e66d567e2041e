--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app_hidden; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_hidden;


--
-- Name: SCHEMA app_hidden; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_hidden IS 'Functions the request roles and the API server may call; not exposed in GraphQL.';


--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_private;


--
-- Name: SCHEMA app_private; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_private IS 'Owner only: secrets, internals and trigger functions.';


--
-- Name: app_public; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA app_public;


--
-- Name: SCHEMA app_public; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA app_public IS 'Exposed through PostGraphile; every table has row level security.';


--
-- Name: notification_item; Type: TYPE; Schema: app_hidden; Owner: -
--

CREATE TYPE app_hidden.notification_item AS (
	id uuid,
	service_id uuid,
	api_key_id uuid,
	key_type text,
	notification_type text,
	template_id uuid,
	template_version integer,
	"to" text,
	normalised_to text,
	personalisation jsonb,
	client_reference text,
	billable_units integer,
	international boolean,
	phone_prefix text,
	rate_multiplier numeric,
	reply_to_text text,
	postage text,
	status text,
	reference text,
	scheduled_for timestamp with time zone,
	one_click_unsubscribe_url text,
	created_by_id uuid,
	persist boolean,
	created_at timestamp with time zone,
	job_id uuid,
	job_row_number integer
);


--
-- Name: TYPE notification_item; Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON TYPE app_hidden.notification_item IS 'One notification for app_hidden.create_notification_rows: the fields of create_notifications'' JSON items.';


--
-- Name: apply_delivery_receipts(jsonb); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.apply_delivery_receipts(receipts jsonb) RETURNS TABLE(reference text, notification_id uuid, outcome text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $_$
#variable_conflict use_column
begin
  return query
  with r as (
    select e.ord, e.j->>'reference' as reference, coalesce((e.j->>'by_id')::boolean, true) as by_id, e.j->>'status' as status,
           coalesce((e.j->>'soften')::boolean, false) as soften, e.j->>'provider' as provider,
           -- The channel the receipt came in on: an SMS provider's receipt naming an email notification (or the
           -- other way round) is forged or misrouted and finds nothing. Receipts queued without it: by provider.
           coalesce(e.j->>'channel', case when e.j->>'provider' in ('ses', 'email-stub', 'smtp') then 'email' else 'sms' end)
             as channel
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
        and a.notification_type = r.channel
      offset 0 -- not flattened into a join: stays a parameterised index probe
    ) a on true
    left join lateral (
      select b.id, b.notification_status from app_public.notifications b
      where not r.by_id and b.reference = r.reference and b.notification_type = r.channel
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
$_$;


--
-- Name: FUNCTION apply_delivery_receipts(receipts jsonb); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.apply_delivery_receipts(receipts jsonb) IS 'Applies provider delivery receipts, a JSON array of {reference, by_id (reference is our notification id; false: the provider''s own reference, e.g. SES message id), status (ours, already mapped), soften (firetext: a permanent failure without code on a pending row becomes temporary), channel (sms | email: a receipt finds only notifications of its channel; default from provider)}. By id only created/sending/pending/sent/pending-virus-check rows move, by reference only sending/pending; anything else is ignored, so repeats are harmless. Returns per receipt: updated | duplicate | ignored | not-found.';


--
-- Name: assert_can_see_service(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.assert_can_see_service(service_id uuid) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(service_id) then
    raise exception 'Service % not found', service_id using errcode = 'NTF04';
  end if;
end
$$;


--
-- Name: FUNCTION assert_can_see_service(service_id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.assert_can_see_service(service_id uuid) IS 'NTF04 unless the caller is trusted (DBA, worker, API server) or the request user is on the service''s team (or a platform admin): reports do not reveal which services exist.';


--
-- Name: assert_platform_admin(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.assert_platform_admin(action text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin() then
    raise exception 'Permission denied: only platform admins can %', action using errcode = 'NTF03';
  end if;
end
$$;


--
-- Name: FUNCTION assert_platform_admin(action text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.assert_platform_admin(action text) IS 'Raise NTF03 when a non-admin request user attempts a platform-level action (DBA, worker and API server pass).';


--
-- Name: assert_service_permission(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.assert_service_permission(service_id uuid, permission text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(service_id, permission) then
    raise exception 'Permission denied: % needed on service %', coalesce(permission, 'team membership'), service_id
      using errcode = 'NTF03';
  end if;
end
$$;


--
-- Name: FUNCTION assert_service_permission(service_id uuid, permission text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.assert_service_permission(service_id uuid, permission text) IS 'Raise NTF03 unless the caller is trusted (not a user request) or the request user has the permission: gives functions a clear error before RLS would give a generic one.';


--
-- Name: check_user_password(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.check_user_password(user_id uuid, password text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_hash text;
  v_failed int;
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  select s.password_hash, u.failed_login_count into v_hash, v_failed
  from app_public.users u left join app_private.user_secrets s on s.user_id = u.id
  where u.id = check_user_password.user_id;
  if not found then
    raise exception 'User % not found', check_user_password.user_id using errcode = 'NTF04';
  end if;
  if v_failed >= 10 then
    return false;  -- locked: the admin app shows the locked message
  end if;
  if v_hash is not null and crypt(check_user_password.password, v_hash) = v_hash then
    update app_public.users u set failed_login_count = 0 where u.id = check_user_password.user_id and u.failed_login_count <> 0;
    return true;
  end if;
  update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = check_user_password.user_id;
  return false;
end
$$;


--
-- Name: FUNCTION check_user_password(user_id uuid, password text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.check_user_password(user_id uuid, password text) IS 'Verify a user''s password for the sign-in flow (API server only): success resets the failed count, failure increments it; 10 failures lock the account (always false).';


--
-- Name: check_verify_code(uuid, text, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION check_verify_code(user_id uuid, code text, code_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) IS 'Check and consume a sign-in code as Notify''s verify_user_code does. Null when accepted (new session, failed count reset, email access validated for an email code); else the message to show: ''Code not found'' (no such code, or 10 or more failed logins: locked, count unchanged) or ''Code has expired'' (used or expired). Wrong, used and expired codes count as failed logins; the message is returned, not raised, so that count is kept. API server only.';


--
-- Name: collation_deadline(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.collation_deadline(at timestamp with time zone DEFAULT now()) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select ((app_hidden.letter_print_date(at) - 1) + time '17:30') at time zone 'Europe/London'
$$;


--
-- Name: FUNCTION collation_deadline(at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.collation_deadline(at timestamp with time zone) IS 'The print run''s deadline for a collation run at `at`: today''s 17:30 London, or yesterday''s when run before 17:30.';


--
-- Name: create_job_notifications(uuid, integer, integer); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.create_job_notifications(job_id uuid, from_row integer, to_row integer) RETURNS TABLE(created integer, skipped integer, refused integer, not_stored integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_items app_hidden.notification_item[];
begin
  select array_agg(row(null, j.service_id, null, 'normal', t.template_type, j.template_id, j.template_version,
                       r."to", r.normalised_to, r.personalisation, null, r.billable_units, r.international,
                       r.phone_prefix, r.rate_multiplier, r.reply_to_text, r.postage, r.status, r.reference, null,
                       null, j.created_by_id, r.persist, null, j.id, r.row_number
                   )::app_hidden.notification_item order by r.row_number)
  into v_items
  from app_public.jobs j
  join app_public.templates t on t.id = j.template_id
  join app_private.csv_upload_rows r on r.upload_id = j.id
  where j.id = create_job_notifications.job_id
    and r.row_number >= create_job_notifications.from_row and r.row_number < create_job_notifications.to_row;
  if v_items is null then
    return query select 0, 0, 0, 0;
    return;
  end if;
  return query
  select (count(*) filter (where c.outcome = 'created'))::integer,
         (count(*) filter (where c.outcome = 'skipped'))::integer,
         (count(*) filter (where c.outcome not in ('created', 'skipped')))::integer,
         (count(*) filter (where c.outcome not in ('created', 'skipped')
                              or (c.outcome = 'created' and not i.persist)))::integer
  from app_hidden.create_notification_rows(v_items) c
  join unnest(v_items) with ordinality as i on i.ordinality = c.ord + 1;
end
$$;


--
-- Name: FUNCTION create_job_notifications(job_id uuid, from_row integer, to_row integer); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_job_notifications(job_id uuid, from_row integer, to_row integer) IS 'Store a job''s checked rows with from_row <= row_number < to_row (app_private.csv_upload_rows) through app_hidden.create_notification_rows; returns the batch''s counts: created, skipped (stored already), refused, not_stored (refused, or simulated recipients).';


--
-- Name: create_notification_rows(app_hidden.notification_item[]); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.create_notification_rows(items app_hidden.notification_item[]) RETURNS TABLE(ord integer, id uuid, outcome text, message text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
#variable_conflict use_column
declare
  v_shard smallint := (pg_backend_pid() % 16)::smallint;
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 60) * 60);
  -- How far into the current 60 s window we are (0 ≤ v_elapsed < 1): the previous window's count
  -- is weighted by the part of it still inside the last 60 seconds (a sliding window).
  v_elapsed numeric := (extract(epoch from now()) - extract(epoch from v_window)) / 60;
  v_day date := (now() at time zone 'Europe/London')::date;
  v_key bytea := (select k.encryption_key from app_private.settings k limit 1);
  v_problem text[];
begin
  -- Referential integrity, checked once per distinct service / key / template version / job / user of
  -- the batch (the table's foreign keys to them were dropped: their per-row checks cost more than the
  -- insert, and two batches of one job at once turned their row locks on the job into multixacts);
  -- and that the template and the key are the service's own and the key type is the key's, so that
  -- no caller (a DBA with psql included) can send from another service's template or claim a test
  -- key's freedom from trial mode. Rows from the doors without a key (GraphQL, the CLI) are 'normal'.
  select case when s.id is null then array['23503', format('service %s does not exist', r.service_id)]
              when t.id is null
                then array['23503', format('version %s of template %s does not exist', r.template_version, r.template_id)]
              when r.api_key_id is not null and k.id is null
                then array['23503', format('API key %s does not exist', r.api_key_id)]
              when t.service_id <> r.service_id
                then array['23514', format('template %s is not a template of service %s', r.template_id, r.service_id)]
              when k.service_id <> r.service_id
                then array['23514', format('API key %s is not a key of service %s', r.api_key_id, r.service_id)]
              when k.key_type <> r.key_type
                then array['23514', format('key_type %s is not the type of API key %s (%s)', r.key_type, k.id, k.key_type)]
              when r.api_key_id is null and r.key_type <> 'normal'
                then array['23514', format('key_type %s needs its API key (api_key_id)', r.key_type)]
              when r.job_id is not null and j.id is null
                then array['23503', format('job %s does not exist', r.job_id)]
              when j.service_id <> r.service_id
                then array['23514', format('job %s is not a job of service %s', r.job_id, r.service_id)]
              when r.created_by_id is not null and u.id is null
                then array['23503', format('user %s does not exist', r.created_by_id)]
         end
  into v_problem
  from (select distinct x.service_id, x.api_key_id, coalesce(x.key_type, 'normal') as key_type, x.template_id,
                        x.template_version, x.job_id, x.created_by_id
        from unnest(items) x) r
  left join app_public.services s on s.id = r.service_id
  left join app_public.templates_history t on t.id = r.template_id and t.version = r.template_version
  left join app_public.api_keys k on k.id = r.api_key_id
  left join app_public.jobs j on j.id = r.job_id
  left join app_public.users u on u.id = r.created_by_id
  where s.id is null or t.id is null or t.service_id <> r.service_id
     or (r.api_key_id is null and r.key_type <> 'normal')
     or (r.api_key_id is not null and (k.id is null or k.service_id <> r.service_id or k.key_type <> r.key_type))
     or (r.job_id is not null and (j.id is null or j.service_id <> r.service_id))
     or (r.created_by_id is not null and u.id is null)
  limit 1;
  if v_problem is not null then
    raise exception 'create_notifications: %', v_problem[2] using errcode = v_problem[1];
  end if;

  -- One statement (no temp table, one plan): parse, decide the limits from the counters as they
  -- were at the start, then in data-modifying CTEs bump the counters, insert the rows and queue the jobs.
  return query
  with stored_before as materialized (
    -- A CSV row already stored (a restarted job) is skipped before anything is counted; a concurrent
    -- insert of the same row is caught by the unique index below. Looked up once per job of the call,
    -- as one range of the (job_id, job_row_number) index, not once per row: a per-row lookup whose
    -- plan was cached while the table was small could become a scan of the table per row.
    select s.job_id, s.job_row_number
    from (select x.job_id, min(x.job_row_number) as lo, max(x.job_row_number) as hi
          from unnest(items) x where x.job_id is not null group by x.job_id) r
    cross join lateral (select n.job_id, n.job_row_number from app_public.notifications n
                        where n.job_id = r.job_id and n.job_row_number between r.lo and r.hi) s
  ), b as materialized (
    -- The columns the rules read, one narrow row per item (ord is its place in items): the rules'
    -- sorts and hash tables then move a few dozen bytes a row, not the whole notification; the
    -- insert below reads the rest from items, zipped with the ids decided here.
    select (r.ordinality - 1)::integer as ord, coalesce(r.id, gen_random_uuid()) as id, r.service_id,
           coalesce(r.key_type, 'normal') as key_type, r.notification_type,
           case when r.notification_type = 'sms' and coalesce(r.international, false)
                     and coalesce(r.phone_prefix, '44') <> '44' then 'international_sms'
                else r.notification_type end as channel,
           r.template_id, r."to", r.postage, coalesce(r.status, 'created') as status, r.scheduled_for,
           coalesce(r.persist, true) as persist, r.job_id, r.job_row_number,
           sb.job_id is not null as already_stored
    from unnest(items) with ordinality as r
    left join stored_before sb on sb.job_id = r.job_id and sb.job_row_number = r.job_row_number
  ), svc as materialized (
    select s.id, s.active, s.restricted, s.rate_limit,
           array(select p.permission from app_public.service_permissions p where p.service_id = s.id) as permissions
    from app_public.services s where s.id in (select distinct b.service_id from b)
  ), allowed as materialized (
    -- Trial mode's recipients (a restricted service's normal key, or any team key): the team's mobile
    -- numbers and email addresses and the guest list, normalised as normalised_to is. Read only when
    -- a row needs them (the CASE below reaches this CTE for those rows alone).
    select a.service_id, a.kind, app_hidden.normalise_recipient(a.kind, a.recipient) as recipient
    from (
    select uts.service_id, v.kind, v.recipient
    from app_public.user_to_service uts join app_public.users u on u.id = uts.user_id
    cross join lateral (values ('sms', u.mobile_number), ('email', u.email_address::text)) v(kind, recipient)
    where uts.service_id in (select s.id from svc s)
    union all
    select g.service_id, case g.recipient_type when 'mobile' then 'sms' else g.recipient_type end, g.recipient
    from app_public.service_whitelist g
    where g.service_id in (select s.id from svc s)
    ) a
  ), rate_used as materialized (
    -- (a) Rate limit per service and key type over the last 60 seconds (accepted requests, test
    -- keys and simulated recipients included, as Notify's token bucket is taken from before the
    -- recipient is looked at): this window's count plus the previous window's, weighted by how much
    -- of it is still within 60 s (fixed windows alone let twice the limit through across a boundary).
    select g.service_id, g.key_type,
           coalesce((select coalesce(sum(c.requests) filter (where c.window_start = v_window), 0)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = v_window - interval '60 seconds'), 0) * (1 - v_elapsed))
                     from app_private.rate_limit_counters c
                     where c.service_id = g.service_id and c.key_type = g.key_type
                       and c.window_start in (v_window, v_window - interval '60 seconds')), 0)::integer as used
    from (select distinct b.service_id, b.key_type from b) g
  ), rated as materialized (
    select g.*,
           -- Rows of a CSV job are not rate limited (Notify limits API requests; a job is checked
           -- against the daily limit as a whole before it starts).
           case when g.refusal is null and g.job_id is null
                     and u.used + row_number() over (partition by g.service_id, g.key_type,
                                                                  g.refusal is null and g.job_id is null
                                                     order by g.ord) > g.rate_limit
                then format('Exceeded rate limit for key type %s of %s requests per 60 seconds',
                            -- Normal keys are "live" in Notify's documentation and messages (app/v2/errors.py).
                            case g.key_type when 'normal' then 'LIVE' else upper(g.key_type) end, g.rate_limit)
           end as rate_message
    from (
      -- Who may send what to whom, in the v2 API's order; a refused row is neither counted nor stored.
      -- refused: 400 BadRequestError; forbidden: 403 BadRequestError; invalid: 400 ValidationError;
      -- inactive: 403 AuthError (the API's messages, from notifications-api app/notifications/validators.py,
      -- app/v2/notifications/post_notifications.py and app/authentication/auth.py).
      select b.*, s.rate_limit, s.restricted,
             case
               when b.already_stored then array['skipped', format('Row %s of job %s is already stored',
                                                                  b.job_row_number, b.job_id)]
               when not s.active then array['inactive', 'Invalid token: service is archived']
               when not b.notification_type = any (s.permissions)
                 then array['refused', 'Service is not allowed to send '
                      || case b.notification_type when 'sms' then 'text messages' when 'email' then 'emails'
                         else 'letters' end]
               when b.notification_type = 'letter' and b.key_type = 'team'
                 then array['forbidden', 'Cannot send letters with a team api key']
               when b.notification_type = 'letter' and s.restricted and b.key_type <> 'test'
                 then array['forbidden', 'Cannot send letters when service is in trial mode']
               -- A letter abroad fails the address check when the service may not send abroad.
               when b.notification_type = 'letter' and b.postage in ('europe', 'rest-of-world')
                    and not 'international_letters' = any (s.permissions)
                 then array['invalid', 'Must be a real UK postcode']
               when b.channel = 'international_sms' and not 'international_sms' = any (s.permissions)
                 then array['refused', 'Cannot send to international mobile numbers']
               when b.notification_type in ('sms', 'email')
                    and (b.key_type = 'team' or (b.key_type = 'normal' and s.restricted))
                    and not exists (select 1 from allowed a
                                    where a.service_id = b.service_id and a.kind = b.notification_type
                                      and a.recipient = app_hidden.normalise_recipient(b.notification_type, b."to"))
                 then case when b.key_type = 'team'
                           then array['refused', 'Can’t send to this recipient using a team-only API key']
                           else array['refused', 'Can’t send to this recipient when service is in trial mode – '
                                'see https://www.notifications.service.gov.uk/trial-mode'] end
             end as refusal
      from b join svc s on s.id = b.service_id
      -- Not flattened into the query above: the CASE is worked out once per row, not once per use.
      offset 0
    ) g
    left join rate_used u on u.service_id = g.service_id and u.key_type = g.key_type and g.refusal is null
                          and g.job_id is null
  ), day_used as materialized (
    -- (b) Daily limits per notification type, and for texts abroad the international_sms limit as
    -- well: Notify checks and counts an international text against both (sms first). Test keys are
    -- exempt. Every channel of every service of the call (a few index lookups), not the distinct pairs of
    -- the rows (a sort of every row): which rows count against it is decided by the joins below.
    select s.id as service_id, x.channel, app_hidden.daily_limit(s.id, x.channel) as day_limit,
           app_hidden.sent_today(s.id, x.channel) as used
    from svc s cross join (values ('sms'), ('email'), ('letter'), ('international_sms')) as x(channel)
  ), decided as materialized (
    select r.*,
           case when r.refusal is not null then r.refusal[1]
                when r.rate_message is not null then 'rate_limit'
                when r.day_position > r.day_limit or r.intl_day_position > r.intl_day_limit
                  then 'daily_limit' end as outcome,
           case when r.refusal is not null then r.refusal[2]
                when r.rate_message is not null then r.rate_message
                when r.day_position > r.day_limit
                  then format('Exceeded send limits (%s: %s) for today', r.notification_type, r.day_limit)
                when r.intl_day_position > r.intl_day_limit
                  then format('Exceeded send limits (international_sms: %s) for today', r.intl_day_limit) end
             as message
    from (
      -- A simulated recipient is checked against the daily limit but not counted toward it (Notify
      -- increments its daily count only for rows it persists): its position is the stored rows before
      -- it, plus one. (Within one batch, a text abroad refused by the international limit still moves
      -- later texts' sms position on by one: the batch is then at most that much stricter.) Every
      -- position is a count over one window (the service's rows in order), so one sort serves them all.
      select r.*, d.day_limit, i.day_limit as intl_day_limit,
             case when r.counted then d.used + case r.notification_type
                    when 'sms' then count(*) filter (where r.counted and r.persist and r.notification_type = 'sms') over w
                    when 'email' then count(*) filter (where r.counted and r.persist and r.notification_type = 'email') over w
                    else count(*) filter (where r.counted and r.persist and r.notification_type = 'letter') over w end
                  + case when r.persist then 0 else 1 end end as day_position,
             case when r.counted and r.channel = 'international_sms'
                  then i.used + count(*) filter (where r.counted and r.persist and r.channel = 'international_sms') over w
                       + case when r.persist then 0 else 1 end end as intl_day_position
      from (select r.*, r.refusal is null and r.rate_message is null and r.key_type <> 'test' as counted
            from rated r) r
      left join day_used d on d.service_id = r.service_id and d.channel = r.notification_type
      left join day_used i on i.service_id = r.service_id and i.channel = 'international_sms'
      window w as (partition by r.service_id order by r.ord rows between unbounded preceding and current row)
    ) r
  ), rate_counted as (
    insert into app_private.rate_limit_counters as c (service_id, key_type, window_start, shard, requests)
    select d.service_id, d.key_type, v_window, v_shard, count(*)
    from decided d where d.outcome is null and d.job_id is null
    group by 1, 2
    on conflict (service_id, key_type, window_start, shard) do update set requests = c.requests + excluded.requests
  ), day_counted as (
    insert into app_private.daily_limit_counters as c (service_id, day, channel, shard, sent)
    select d.service_id, v_day, x.channel, v_shard, count(*)
    from decided d
    cross join lateral (select d.notification_type union all
                        select 'international_sms' where d.channel = 'international_sms') x(channel)
    where d.outcome is null and d.key_type <> 'test' and d.persist
    group by 1, 3
    on conflict (service_id, day, channel, shard) do update set sent = c.sent + excluded.sent
  ), stored as (
    -- (c) The rows (personalisation encrypted). Simulated recipients (persist = false) are accepted but not stored.
    -- items zipped with the decisions in item order (the id of each row to store, null for the others):
    -- no join, so no plan can pair every item with every decision.
    insert into app_public.notifications (id, "to", normalised_to, service_id, template_id, template_version,
      api_key_id, key_type, billable_units, notification_type, notification_status, reference, client_reference,
      _personalisation, international, phone_prefix, rate_multiplier, created_by_id, reply_to_text, postage,
      scheduled_for, one_click_unsubscribe_url, created_at, job_id, job_row_number)
    select z.unnest, z."to", z.normalised_to, z.service_id, z.template_id, z.template_version, z.api_key_id,
           coalesce(z.key_type, 'normal'), coalesce(z.billable_units, 0), z.notification_type,
           coalesce(z.status, 'created'), z.reference, z.client_reference,
           case when z.personalisation is not null
                then x.iv || encrypt_iv(convert_to(z.personalisation::text, 'UTF8'), v_key, x.iv, 'aes-cbc/pad:pkcs') end,
           coalesce(z.international, false), z.phone_prefix, z.rate_multiplier, z.created_by_id, z.reply_to_text,
           z.postage, z.scheduled_for, z.one_click_unsubscribe_url, coalesce(z.created_at, now()), z.job_id,
           z.job_row_number
    from (select array_agg(case when d.outcome is null and d.persist then d.id end order by d.ord) as ids
          from decided d) a
    -- z.unnest: the second array's column (ROWS FROM cannot name it apart from the item's 26).
    cross join lateral rows from (unnest(items), unnest(a.ids)) as z
    -- app_private.encrypt inlined (key read once per call; a SQL function is planned on every call).
    cross join lateral (select gen_random_bytes(16) as iv) x
    where z.unnest is not null
    on conflict (job_id, job_row_number) where job_id is not null do nothing
  ), queued as (
    -- (d) Jobs in the same transaction, one per task for the batch (scheduled ones run later):
    -- deliver-sms / deliver-email; for live letters create-letter-pdf (template letters) or
    -- scan-letter (precompiled PDFs waiting in the scan bucket). Test-key letters are final already, but a template
    -- letter's PDF is made all the same, as Notify does, so GET /v2/notifications/{id}/pdf has it (a test-key
    -- precompiled letter's PDF is stored by the API).
    select graphile_worker.add_jobs(x.jobs) as n
    from (
    select array_agg(row(j.task, json_build_object('ids', j.ids), null, j.run_at,
                         null, null, null, null)::graphile_worker.job_spec) as jobs
    from (
      select case when d.notification_type <> 'letter' then 'deliver-' || d.notification_type
                  when d.status = 'pending-virus-check' then 'scan-letter'
                  else 'create-letter-pdf' end as task,
             d.scheduled_for as run_at, json_agg(d.id order by d.ord) as ids
      from decided d
      where d.outcome is null and d.persist
        and (d.notification_type in ('sms', 'email') or d.status in ('created', 'pending-virus-check')
             or (d.key_type = 'test'
                 and not exists (select from app_public.templates t where t.id = d.template_id and t.hidden)))
      group by 1, 2
    ) j
    ) x
    where x.jobs is not null
  ), queued_count as materialized (
    select count(*) as n from queued
  )
  select d.ord, d.id, coalesce(d.outcome, 'created'), d.message
  from decided d, queued_count
  order by d.ord;

  -- Windows that have gone by (an occasional cheap cleanup; counters live in unlogged tables).
  if random() < 0.01 then
    delete from app_private.rate_limit_counters c where c.window_start < v_window - interval '5 minutes';
    delete from app_private.daily_limit_counters c where c.day < v_day - 2;
  end if;
end
$$;


--
-- Name: FUNCTION create_notification_rows(items app_hidden.notification_item[]); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_notification_rows(items app_hidden.notification_item[]) IS 'Create notifications from already validated rows (id, service_id, api_key_id, key_type, notification_type, template_id, template_version, to, normalised_to, personalisation, client_reference, billable_units, international, phone_prefix, rate_multiplier, reply_to_text, postage, status, reference, scheduled_for, one_click_unsubscribe_url, created_by_id, persist, created_at, job_id, job_row_number). In one transaction: who may send what to whom (service active, its channel permissions, international SMS and letters, trial mode and team keys: only to the team and the guest list), the rate limit per service and key type (services.rate_limit per 60 s, a sliding window: this minute''s count plus the last minute''s weighted by its share of the last 60 s), the daily per-channel limits (test keys exempt), the rows (personalisation encrypted) and one job per task per batch ({"ids": [...]}): deliver-sms, deliver-email, create-letter-pdf (template letters, test-key ones included), scan-letter (live precompiled letters). Returns one row per item: outcome created; refused (the API''s 400 BadRequestError), forbidden (403 BadRequestError), invalid (400 ValidationError), inactive (403 AuthError); rate_limit | daily_limit (429); with the API''s message. A refused item is neither counted nor stored; the others go on. A CSV job''s row (job_id, job_row_number) is not rate limited; one already stored is skipped (outcome skipped), so a restarted job never stores a row twice. persist = false (simulated recipients) stores nothing and counts toward the rate limit only (checked against the daily limit, not counted). An unknown service, API key, template version, job or user (created_by_id) raises foreign_key_violation (23503); a template, key or job of another service, a key_type that is not the key''s, or a key_type other than normal without a key, check_violation (23514).';


--
-- Name: create_notifications(jsonb); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.create_notifications(items jsonb) RETURNS TABLE(ord integer, id uuid, outcome text, message text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
begin
  return query
  select c.ord, c.id, c.outcome, c.message
  from app_hidden.create_notification_rows(array(
    select jsonb_populate_record(null::app_hidden.notification_item, e.item)
    from jsonb_array_elements(items) with ordinality as e(item, n)
    order by e.n)) c;
end
$$;


--
-- Name: FUNCTION create_notifications(items jsonb); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_notifications(items jsonb) IS 'Create notifications from a JSON array of already validated items (id, service_id, api_key_id, key_type, notification_type, template_id, template_version, to, normalised_to, personalisation, client_reference, billable_units, international, phone_prefix, rate_multiplier, reply_to_text, postage, status, reference, scheduled_for, one_click_unsubscribe_url, created_by_id, persist, created_at, job_id, job_row_number): app_hidden.create_notification_rows of them, in order (its rules, outcomes and errors).';


--
-- Name: create_user_change_code(uuid, text, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.create_user_change_code(user_id uuid, attribute text, new_value text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;


--
-- Name: FUNCTION create_user_change_code(user_id uuid, attribute text, new_value text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_user_change_code(user_id uuid, attribute text, new_value text) IS 'Start a change of a user''s email_address (a link token, valid 1 hour) or mobile_number (a 5-digit code, 15 minutes): store the new value with the code''s hash and return the code once, to be sent to the new address or number. NTF01 invalid attribute or value, NTF02 email already used, NTF04 no such user; null (nothing to send) when 5 unused requests are live. API server only: confirm_user_change applies it.';


--
-- Name: create_verify_code(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.create_verify_code(user_id uuid, code_type text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION create_verify_code(user_id uuid, code_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_verify_code(user_id uuid, code_type text) IS 'Make a 5-digit sign-in code (sms: valid 15 minutes, email: 1 hour), store only its hash, return it once for sending; null (nothing to send) when the user already has 5 unused unexpired codes. API server only.';


--
-- Name: current_user_service_ids(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.current_user_service_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select uts.service_id from app_public.user_to_service uts where uts.user_id = app_public.current_user_id()
$$;


--
-- Name: FUNCTION current_user_service_ids(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.current_user_service_ids() IS 'Services the request user belongs to; the building block of every service-scoped RLS policy (security definer to avoid policy recursion).';


--
-- Name: daily_limit(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.daily_limit(service_id uuid, channel text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select case daily_limit.channel when 'sms' then s.sms_message_limit when 'email' then s.email_message_limit
              when 'international_sms' then s.international_sms_message_limit
              else s.letter_message_limit end
  from app_public.services s where s.id = daily_limit.service_id
$$;


--
-- Name: FUNCTION daily_limit(service_id uuid, channel text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.daily_limit(service_id uuid, channel text) IS 'The service''s daily limit for a channel (sms, email, letter, international_sms); null for an unknown service.';


--
-- Name: delivery_providers(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.delivery_providers(notification_type text) RETURNS TABLE(identifier text, priority integer, supports_international boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select p.identifier, p.priority, p.supports_international
  from app_public.provider_details p
  where p.active and p.notification_type = delivery_providers.notification_type
  order by p.priority desc, p.identifier
$$;


--
-- Name: FUNCTION delivery_providers(notification_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.delivery_providers(notification_type text) IS 'Active providers of a channel with their weights; the worker caches this for 10 s and picks by weighted random (international SMS only among supports_international).';


--
-- Name: enqueue_delivery(uuid[], integer); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.enqueue_delivery(ids uuid[], batch_size integer DEFAULT 50) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('deliver-' || b.notification_type, json_build_object('ids', b.ids), null, null, null, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from (
    select x.notification_type, array_agg(x.id order by x.id) as ids
    from (
      select n.id, n.notification_type,
             (row_number() over (partition by n.notification_type order by n.id) - 1) / greatest(batch_size, 1) as grp
      from app_public.notifications n
      where n.id = any(enqueue_delivery.ids) and n.notification_type in ('sms', 'email')
        and n.notification_status in ('created', 'sending') and n.sent_at is null
    ) x
    group by x.notification_type, x.grp
  ) b;
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return coalesce(array_length(v_specs, 1), 0);
end
$$;


--
-- Name: FUNCTION enqueue_delivery(ids uuid[], batch_size integer); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.enqueue_delivery(ids uuid[], batch_size integer) IS 'Queue deliver-sms / deliver-email jobs ({"ids": [...]}, batch_size ids per job) for notifications still waiting to be handed to a provider. The v2 API adds the same jobs in the transaction that inserts the rows; this is for replays, tests and DBAs.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: annual_billing; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.annual_billing (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    financial_year_start integer NOT NULL,
    free_sms_fragment_limit integer NOT NULL,
    high_volume_service_last_year boolean DEFAULT false NOT NULL,
    has_custom_allowance boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT annual_billing_financial_year_start_check CHECK ((financial_year_start >= 2016)),
    CONSTRAINT annual_billing_free_sms_fragment_limit_check CHECK ((free_sms_fragment_limit >= 0))
);


--
-- Name: TABLE annual_billing; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.annual_billing IS 'Free SMS fragments of a service per financial year (1 April London). A row for the current year is made with the service; billing queries assume it exists.';


--
-- Name: ensure_annual_billing(uuid, integer); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer DEFAULT NULL::integer) RETURNS app_public.annual_billing
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION ensure_annual_billing(service_id uuid, financial_year_start integer); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer) IS 'The annual_billing row of a service for a financial year (default: current), creating the default (app_private.create_default_annual_billing) when missing: GET free-sms-fragment-limit and the 1 April task call it. Years before 2016 or in the future are rejected (NTF01 No valid year provided) unless a row already exists.';


--
-- Name: in_user_request(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.in_user_request() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  select coalesce(current_setting('role', true), 'none') in ('notify_user', 'notify_anonymous')
$$;


--
-- Name: FUNCTION in_user_request(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.in_user_request() IS 'True when the statement runs for a GraphQL/admin request (SET ROLE notify_user / notify_anonymous). Reads the role setting rather than current_user so it still answers correctly inside security definer functions; owner/DBA sessions, the worker and the API server''s own connection (notify_authenticator without SET ROLE) are trusted callers and get false.';


--
-- Name: inbound_sms_content(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.inbound_sms_content(id uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_service_id uuid;
  v_content bytea;
begin
  select i.service_id, i.content into v_service_id, v_content from app_public.inbound_sms i where i.id = inbound_sms_content.id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service_id)) then
    raise exception 'Inbound SMS % not found', inbound_sms_content.id using errcode = 'NTF04';
  end if;
  return app_private.decrypt(v_content);
end
$$;


--
-- Name: FUNCTION inbound_sms_content(id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.inbound_sms_content(id uuid) IS 'Decrypted text of one received message, for the API server, the callback task and team members of the service.';


--
-- Name: is_platform_admin(); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.is_platform_admin() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  select coalesce(nullif(current_setting('jwt.claims.platform_admin', true), ''), 'false') = 'true'
$$;


--
-- Name: FUNCTION is_platform_admin(); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.is_platform_admin() IS 'Whether the request''s signed claims say platform admin; platform admins see and change everything through RLS.';


--
-- Name: job_outcomes(uuid, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.job_outcomes(job_id uuid, processing_started timestamp with time zone) RETURNS TABLE(status text, count integer)
    LANGUAGE sql STABLE
    AS $$
  -- A job not started has no outcomes. One started before London midnight 3 days ago is read from
  -- ft_notification_status (its texts and emails are final after 72 hours and counted nightly);
  -- a younger one from its notifications, or from the facts when its rows have already been
  -- archived (a retention shorter than 3 days).
  with live as (
    select n.notification_status as status, count(*)::int as count
    from app_public.notifications n
    where n.job_id = job_outcomes.job_id
      and job_outcomes.processing_started >= app_public.london_midnight(app_public.london_date(now()) - 3)
    group by n.notification_status
  ), facts as (
    select f.notification_status as status, sum(f.notification_count)::int as count
    from app_public.ft_notification_status f
    where f.job_id = job_outcomes.job_id
      and job_outcomes.processing_started is not null
      and not exists (select 1 from live)
    group by f.notification_status
  )
  select status, count from live
  union all
  select status, count from facts
  order by status
$$;


--
-- Name: FUNCTION job_outcomes(job_id uuid, processing_started timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.job_outcomes(job_id uuid, processing_started timestamp with time zone) IS 'Notification counts by status for a job: none before processing starts; from ft_notification_status when processing started before London midnight 3 days ago or the rows are gone; else from notifications. No permission check: callers check.';


--
-- Name: letter_estimated_delivery(timestamp with time zone, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.letter_estimated_delivery(created_at timestamp with time zone, postage text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- The print date plus working days (Monday to Friday) by postage, at 16:00 UTC, in the v2 API's
  -- timestamp format.
  select to_char(d, 'YYYY-MM-DD') || 'T16:00:00.000000Z'
  from app_hidden.letter_print_date(created_at) as p,
       generate_series(p + 1, p + 14, interval '1 day') as d
  where extract(isodow from d) < 6
  order by d
  offset (case coalesce(postage, 'second') when 'first' then 1 when 'second' then 2 when 'economy' then 4
                                            when 'europe' then 3 when 'rest-of-world' then 5 else 2 end) - 1
  limit 1
$$;


--
-- Name: FUNCTION letter_estimated_delivery(created_at timestamp with time zone, postage text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.letter_estimated_delivery(created_at timestamp with time zone, postage text) IS 'estimated_delivery of a letter in GET /v2/notifications: its print date plus 1 (first), 2 (second), 3 (europe), 4 (economy) or 5 (rest-of-world) working days, at 16:00 UTC.';


--
-- Name: letter_postage_code(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.letter_postage_code(postage text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  select case coalesce(postage, 'second') when 'first' then '1' when 'second' then '2' when 'economy' then 'ECONOMY'
                                          when 'europe' then 'E' when 'rest-of-world' then 'N' end
$$;


--
-- Name: FUNCTION letter_postage_code(postage text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.letter_postage_code(postage text) IS 'Postage code used in letter PDF keys and print zip names: first 1, second (default) 2, economy ECONOMY, europe E, rest-of-world N.';


--
-- Name: letter_print_date(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.letter_print_date(created_at timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- The London date of created_at, the next day after the 17:30 cut-off.
  select ((created_at at time zone 'Europe/London') + interval '6 hours 30 minutes')::date
$$;


--
-- Name: FUNCTION letter_print_date(created_at timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.letter_print_date(created_at timestamp with time zone) IS 'Print date of a letter: its London date, or the next day when created at or after 17:30 London time.';


--
-- Name: normalise_phone_digits(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.normalise_phone_digits(number text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
  select case when ltrim(number, E' \t(') ~ '^0([^0]|$)'
                   or ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') like '44%'
                   or (ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') like '7%'
                       and length(ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0')) < 11)
              then '44' || ltrim(regexp_replace(ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0'), '^44', ''), '0')
              else ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0') end
$_$;


--
-- Name: FUNCTION normalise_phone_digits(number text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.normalise_phone_digits(number text) IS 'Digits of a phone number in international form (07.. -> 447.., 00 prefix dropped) so inbound numbers match whatever format a provider or operator uses.';


--
-- Name: normalise_recipient(text, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.normalise_recipient(recipient_type text, recipient text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  select case
    when recipient_type = 'email' then lower(btrim(recipient))
    when recipient_type in ('sms', 'mobile') then app_hidden.normalise_phone_digits(recipient)
  end
$$;


--
-- Name: FUNCTION normalise_recipient(recipient_type text, recipient text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.normalise_recipient(recipient_type text, recipient text) IS 'A recipient normalised as notifications.normalised_to is: for email, trimmed and lower case; for sms (or mobile, the guest list''s type), the phone number''s digits in international form (07700 900123 -> 447700900123).';


--
-- Name: organisation_id_for_email(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.organisation_id_for_email(email_address text) RETURNS uuid
    LANGUAGE sql STABLE
    AS $_$
  with e as (
    select regexp_replace(lower(split_part(email_address, '@', 2)), '\.gsi\.gov\.uk$', '.gov.uk') as d
  )
  select d.organisation_id
  from app_public.domain d, e
  where e.d = d.domain or right(e.d, char_length(d.domain) + 1) = '.' || d.domain
  order by char_length(d.domain) desc
  limit 1
$_$;


--
-- Name: FUNCTION organisation_id_for_email(email_address text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.organisation_id_for_email(email_address text) IS 'Organisation owning an email address: longest domain matching @domain or .domain (.gsi.gov.uk read as .gov.uk). Puts a new service in its creator''s organisation.';


--
-- Name: precompiled_letter_template(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.precompiled_letter_template(service_id uuid) RETURNS TABLE(id uuid, version integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_row app_public.templates;
begin
  select * into v_row from app_public.templates t
  where t.service_id = precompiled_letter_template.service_id and t.hidden and t.template_type = 'letter'
    and t.name = 'Pre-compiled PDF'
  order by t.created_at limit 1;
  if not found then
    insert into app_public.templates (name, template_type, content, subject, postage, service_id, created_by_id, hidden)
    select 'Pre-compiled PDF', 'letter', '', 'Pre-compiled PDF', 'second', s.id, s.created_by_id, true
    from app_public.services s where s.id = precompiled_letter_template.service_id
    returning * into v_row;
  end if;
  return query select v_row.id, v_row.version;
end
$$;


--
-- Name: FUNCTION precompiled_letter_template(service_id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.precompiled_letter_template(service_id uuid) IS 'The service''s hidden "Pre-compiled PDF" letter template (created on first use), which precompiled letters pin.';


--
-- Name: received_text_messages(uuid, uuid, integer); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid DEFAULT NULL::uuid, page_size integer DEFAULT 250) RETURNS TABLE(id uuid, user_number text, notify_number text, created_at timestamp with time zone, service_id uuid, content text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(received_text_messages.service) then
    raise exception 'Service % not found', received_text_messages.service using errcode = 'NTF04';
  end if;
  return query
    select i.id, i.user_number, i.notify_number, i.created_at, i.service_id, app_private.decrypt(i.content)
    from app_public.inbound_sms i
    where i.service_id = received_text_messages.service
      and (received_text_messages.older_than is null or (i.created_at, i.id) < (
        select o.created_at, o.id from app_public.inbound_sms o
        where o.id = received_text_messages.older_than and o.service_id = received_text_messages.service))
    order by i.created_at desc, i.id desc
    limit least(greatest(coalesce(received_text_messages.page_size, 250), 1), 1000);
end
$$;


--
-- Name: FUNCTION received_text_messages(service uuid, older_than uuid, page_size integer); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) IS 'One page of GET /v2/received-text-messages, newest first, decrypted: rows older than the older_than message (none if it is unknown, as Notify).';


--
-- Name: record_ses_complaint(text, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  if feedback_id is not null then
    select c.id into v_id from app_public.complaints c where c.ses_feedback_id = record_ses_complaint.feedback_id;
    if found then
      return v_id;
    end if;
  end if;
  insert into app_public.complaints (notification_id, service_id, ses_feedback_id, complaint_type, complaint_date)
  select x.id, x.service_id, feedback_id, complaint_type, coalesce(complaint_date, now())
  from (
    select n.id, n.service_id from app_public.notifications n where n.reference = record_ses_complaint.reference
    union all
    select h.id, h.service_id from app_public.notification_history h
    where h.reference = record_ses_complaint.reference and h.notification_type = 'email'
    limit 1
  ) x
  returning id into v_id;
  if v_id is not null and exists (
    select 1 from app_public.service_callback_api c join app_public.complaints k on k.service_id = c.service_id
    where k.id = v_id and c.callback_type = 'complaint'
  ) then
    perform graphile_worker.add_job('send-complaint', json_build_object('id', v_id), max_attempts => 5);
  end if;
  return v_id;
end
$$;


--
-- Name: FUNCTION record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone) IS 'Records an SES complaint against the email with that SES message id (live or archived); repeats of the same feedback id are ignored. Null when the reference is unknown.';


--
-- Name: record_unsubscribe_request(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.record_unsubscribe_request(notification_id uuid, email_address text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_service_id uuid;
  v_template_id uuid;
  v_template_version integer;
begin
  -- As notifications-api's one_click_unsubscribe: the notification may already be archived past the
  -- service's retention, so notification_history is read when notifications has no row.
  select n.service_id, n.template_id, n.template_version into v_service_id, v_template_id, v_template_version
  from app_public.notifications n where n.id = record_unsubscribe_request.notification_id;
  if not found then
    select h.service_id, h.template_id, h.template_version into v_service_id, v_template_id, v_template_version
    from app_public.notification_history h where h.id = record_unsubscribe_request.notification_id;
    if not found then
      return false;
    end if;
  end if;
  -- A repeat (mail clients retry the POST) keeps the first request: one row per notification.
  insert into app_public.unsubscribe_requests (notification_id, template_id, template_version, service_id,
                                               email_address)
  values (record_unsubscribe_request.notification_id, v_template_id, v_template_version, v_service_id,
          record_unsubscribe_request.email_address)
  on conflict (notification_id) do nothing;
  return true;
end
$$;


--
-- Name: FUNCTION record_unsubscribe_request(notification_id uuid, email_address text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.record_unsubscribe_request(notification_id uuid, email_address text) IS 'Records a one-click unsubscribe request for a notification (POST /unsubscribe/<id>/<token>, token already checked): template, version and service from notifications or notification_history, the address as it was sent. Idempotent: a repeat for the same notification is a no-op. Returns false when the notification is unknown.';


--
-- Name: send_limit_reached(uuid, text, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text) RETURNS TABLE(outcome text, message text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with w as (
    select to_timestamp(floor(extract(epoch from now()) / 60) * 60) as win
  ), s as (
    select s.rate_limit, app_hidden.daily_limit(s.id, send_limit_reached.notification_type) as day_limit
    from app_public.services s where s.id = send_limit_reached.service_id
  ), used as (
    select coalesce((select sum(c.requests) filter (where c.window_start = w.win)
                            + floor(coalesce(sum(c.requests) filter (where c.window_start = w.win - interval '60 seconds'), 0)
                                    * (1 - (extract(epoch from now()) - extract(epoch from w.win)) / 60))
                     from app_private.rate_limit_counters c
                     where c.service_id = send_limit_reached.service_id and c.key_type = send_limit_reached.key_type
                       and c.window_start in (w.win, w.win - interval '60 seconds')), 0) as rate_used,
           app_hidden.sent_today(send_limit_reached.service_id, send_limit_reached.notification_type) as day_used
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


--
-- Name: FUNCTION send_limit_reached(service_id uuid, key_type text, notification_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text) IS 'Whether one more request of `key_type` for `notification_type` would pass the service''s rate limit and daily limit (test keys: the rate limit only), as create_notifications decides them, without counting it: no row, or one row (outcome rate_limit | daily_limit, the API''s message).';


--
-- Name: sent_today(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.sent_today(service_id uuid, channel text) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce(sum(c.sent), 0)::bigint from app_private.daily_limit_counters c
  where c.service_id = sent_today.service_id and c.channel = sent_today.channel
    and c.day = (now() at time zone 'Europe/London')::date
$$;


--
-- Name: FUNCTION sent_today(service_id uuid, channel text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.sent_today(service_id uuid, channel text) IS 'Messages of a channel (sms, email, letter, international_sms) counted against the service''s daily limit today (Europe/London), test keys and simulated recipients not counted.';


--
-- Name: service_api_keys(uuid); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.service_api_keys(service_id uuid) RETURNS TABLE(id uuid, key_type text, secret text, expiry_date timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied: API key secrets are only for the API server' using errcode = 'NTF03';
  end if;
  return query
    select k.id, k.key_type, app_private.decrypt(k.secret), k.expiry_date
    from app_public.api_keys k
    where k.service_id = service_api_keys.service_id
    order by k.created_at, k.id;
end
$$;


--
-- Name: FUNCTION service_api_keys(service_id uuid); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.service_api_keys(service_id uuid) IS 'Decrypted keys of a service for v2 JWT verification (try each secret in turn; expiry_date set = revoked). Refused inside admin/GraphQL requests.';


--
-- Name: service_callback(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.service_callback(service_id uuid, callback_type text) RETURNS TABLE(id uuid, url text, bearer_token text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied: callback tokens are only for the worker' using errcode = 'NTF03';
  end if;
  return query
    select c.id, c.url, app_private.decrypt(c.bearer_token)
    from app_public.service_callback_api c
    where c.service_id = service_callback.service_id and c.callback_type = service_callback.callback_type;
end
$$;


--
-- Name: FUNCTION service_callback(service_id uuid, callback_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.service_callback(service_id uuid, callback_type text) IS 'URL and decrypted bearer token of a service''s callback for the worker that POSTs it; no row when the service has none.';


--
-- Name: user_has_service_permission(uuid, text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.user_has_service_permission(service_id uuid, permission text DEFAULT NULL::text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select app_hidden.is_platform_admin() or exists (
    select 1
    from app_public.user_to_service uts
    where uts.service_id = user_has_service_permission.service_id
      and uts.user_id = app_public.current_user_id()
      and (user_has_service_permission.permission is null or exists (
        select 1 from app_public.permissions p
        where p.service_id = uts.service_id and p.user_id = uts.user_id
          and p.permission = user_has_service_permission.permission))
  )
$$;


--
-- Name: FUNCTION user_has_service_permission(service_id uuid, permission text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.user_has_service_permission(service_id uuid, permission text) IS 'Whether the request user is on the service''s team and (if given) holds that per-service permission; true for platform admins. Security definer so RLS policies can call it without recursing through user_to_service/permissions policies.';


--
-- Name: v2_timestamp(timestamp with time zone); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.v2_timestamp(ts timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;


--
-- Name: FUNCTION v2_timestamp(ts timestamp with time zone); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.v2_timestamp(ts timestamp with time zone) IS 'The v2 API''s timestamp format: UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ (null stays null).';


--
-- Name: advance_scan(text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.advance_scan(name text, scanned_until timestamp with time zone) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  insert into app_private.scan_watermarks as w (name, scanned_until) values (advance_scan.name, advance_scan.scanned_until)
  on conflict (name) do update set scanned_until = greatest(w.scanned_until, excluded.scanned_until)
$$;


--
-- Name: FUNCTION advance_scan(name text, scanned_until timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.advance_scan(name text, scanned_until timestamp with time zone) IS 'Records that the scan named `name` has read everything created before `scanned_until` (never moves a watermark back).';


--
-- Name: archive_inbound_sms(integer, bigint); Type: PROCEDURE; Schema: app_private; Owner: -
--

CREATE PROCEDURE app_private.archive_inbound_sms(IN batch_size integer DEFAULT 10000, INOUT rows_archived bigint DEFAULT 0)
    LANGUAGE plpgsql
    AS $$
declare
  v_moved int;
begin
  rows_archived := coalesce(rows_archived, 0);
  loop
    v_moved := app_private.archive_inbound_sms_batch(batch_size);
    exit when v_moved = 0;
    rows_archived := rows_archived + v_moved;
    commit;
  end loop;
end
$$;


--
-- Name: PROCEDURE archive_inbound_sms(IN batch_size integer, INOUT rows_archived bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON PROCEDURE app_private.archive_inbound_sms(IN batch_size integer, INOUT rows_archived bigint) IS 'DBA entry point: `call app_private.archive_inbound_sms();` moves every inbound text past retention in chunks of 10 000, committing after each; returns rows_archived.';


--
-- Name: archive_inbound_sms_batch(integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.archive_inbound_sms_batch(batch_size integer DEFAULT 10000) RETURNS integer
    LANGUAGE sql
    AS $$
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


--
-- Name: FUNCTION archive_inbound_sms_batch(batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.archive_inbound_sms_batch(batch_size integer) IS 'One inbound SMS archival chunk: up to batch_size texts past retention copied to inbound_sms_history without number/content (on conflict do nothing) and deleted. Returns rows moved; 0 when done.';


--
-- Name: archive_jobs(uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.archive_jobs(job_ids uuid[]) RETURNS integer
    LANGUAGE sql
    AS $$
  -- Called after the CSVs are deleted: a crash between the two leaves the job unarchived, and the
  -- next run deletes the (already missing) object again and then records it.
  with done as (
    update app_public.jobs j set archived = true
    where j.id = any(job_ids) and not j.archived
    returning 1
  )
  select count(*)::int from done
$$;


--
-- Name: FUNCTION archive_jobs(job_ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.archive_jobs(job_ids uuid[]) IS 'Mark jobs archived (their CSV deleted from S3). Run after the deletion so that a crash in between only repeats it. Returns jobs newly archived.';


--
-- Name: archive_notifications(text, integer, bigint); Type: PROCEDURE; Schema: app_private; Owner: -
--

CREATE PROCEDURE app_private.archive_notifications(IN notification_type text, IN batch_size integer DEFAULT 50000, INOUT rows_archived bigint DEFAULT 0)
    LANGUAGE plpgsql
    AS $$
declare
  v_service uuid;
  v_after timestamptz := '-infinity';
  r record;
begin
  rows_archived := coalesce(rows_archived, 0);
  loop
    select * into r from app_private.archive_notifications_batch(notification_type, batch_size, v_service, v_after);
    exit when r.archived + r.deleted_test = 0;
    rows_archived := rows_archived + r.archived;
    v_service := r.last_service_id;
    v_after := r.last_created_at;
    commit; -- each chunk is its own transaction: a kill loses at most the current chunk
  end loop;
end
$$;


--
-- Name: PROCEDURE archive_notifications(IN notification_type text, IN batch_size integer, INOUT rows_archived bigint); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON PROCEDURE app_private.archive_notifications(IN notification_type text, IN batch_size integer, INOUT rows_archived bigint) IS 'DBA entry point: `call app_private.archive_notifications(''sms'');` archives every chunk of a type, committing after each, and returns rows_archived (history rows written; test-key rows are deleted, not counted). Must be called outside an explicit transaction block. Letter PDFs are removed from S3 only by the archive-notifications task.';


--
-- Name: archive_notifications_batch(text, integer, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.archive_notifications_batch(notification_type text, batch_size integer DEFAULT 50000, after_service_id uuid DEFAULT NULL::uuid, after timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, OUT archived integer, OUT deleted_test integer, OUT last_service_id uuid, OUT last_created_at timestamp with time zone, OUT letter_pdf_keys text[]) RETURNS record
    LANGUAGE plpgsql
    AS $$
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
         -- Test-key letters have their PDF too (made as for a live letter, never printed): it goes with them.
         case when v_type = 'letter' then
           coalesce(array_agg(app_private.letter_pdf_key(d.reference, d.postage, d.created_at))
                      filter (where d.reference is not null
                              and d.notification_status in ('delivered', 'returned-letter', 'technical-failure',
                                                            'cancelled', 'permanent-failure', 'temporary-failure')),
                    '{}') end
  into archived, deleted_test, last_service_id, last_created_at, letter_pdf_keys
  from del d;
end
$$;


--
-- Name: FUNCTION archive_notifications_batch(notification_type text, batch_size integer, after_service_id uuid, after timestamp with time zone, OUT archived integer, OUT deleted_test integer, OUT last_service_id uuid, OUT last_created_at timestamp with time zone, OUT letter_pdf_keys text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.archive_notifications_batch(notification_type text, batch_size integer, after_service_id uuid, after timestamp with time zone, OUT archived integer, OUT deleted_test integer, OUT last_service_id uuid, OUT last_created_at timestamp with time zone, OUT letter_pdf_keys text[]) IS 'One archival chunk of a type: the next <= batch_size rows, in (service_id, created_at) order from (after_service_id, after), older than their service''s retention (service_data_retention for the type, else 7 days; cutoff at London midnight), letters in progress skipped. normal/team rows are upserted into notification_history and deleted; test-key rows are deleted only. Returns counts, the (last_service_id, last_created_at) to continue from, and for letters the S3 keys of the PDFs of the letters removed (test-key ones included). Call again with those until archived + deleted_test = 0.';


--
-- Name: begin_collation(date, text, text, uuid, uuid, uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.begin_collation(print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_name text;
begin
  -- Zips of one print date are numbered on from the last run's (NNN): names never repeat.
  perform pg_advisory_xact_lock(hashtext('app_private.begin_collation'));
  select format('NOTIFY.%s.%s.%s.%s.%s.%s.ZIP', to_char(begin_collation.print_date, 'YYYY-MM-DD'),
                begin_collation.postage_code, lpad((count(*) + 1)::text, 3, '0'), upper(begin_collation.hash),
                begin_collation.service_id, coalesce(begin_collation.organisation_id::text, 'None'))
  into v_name
  from app_private.letter_collations c where c.print_date = begin_collation.print_date;
  insert into app_private.letter_collations (name, print_date, letter_ids) values (v_name, begin_collation.print_date, ids);
  return v_name;
end
$$;


--
-- Name: FUNCTION begin_collation(print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.begin_collation(print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]) IS 'Opens a collation (status uploading) for letters `ids` before their zip is uploaded, and returns the zip''s name, NOTIFY.{print date}.{postage code}.{NNN}.{hash}.{service_id}.{organisation_id or None}.ZIP, NNN numbering on from the print date''s earlier zips. Its letters are not collated again until it is recorded (record_collation).';


--
-- Name: callback_target(uuid, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.callback_target(service_id uuid, callback_type text) RETURNS TABLE(id uuid, url text, bearer_token text, suspended_reason text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select c.id, c.url, c.bearer_token,
         case when h.suspended_at is not null and h.url = c.url and h.suspended_at >= coalesce(a.updated_at, a.created_at)
              then h.suspended_reason end
  from app_hidden.service_callback(callback_target.service_id, callback_target.callback_type) c
  join app_public.service_callback_api a on a.id = c.id
  left join app_private.service_callback_health h on h.service_callback_api_id = c.id
$$;


--
-- Name: FUNCTION callback_target(service_id uuid, callback_type text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.callback_target(service_id uuid, callback_type text) IS 'URL, decrypted token and (when suspended) why, of a service''s callback, for the callback tasks.';


--
-- Name: claim_notifications(uuid[], interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.claim_notifications(ids uuid[], lease interval DEFAULT '00:05:00'::interval) RETURNS TABLE(id uuid, notification_type text, key_type text, "to" text, normalised_to text, international boolean, personalisation text, template_content text, template_subject text, service_id uuid, service_name text, prefix_sms boolean, email_from text, sender text, reply_to text, one_click_unsubscribe_url text, created_at timestamp with time zone, service_active boolean, template_has_unsubscribe_link boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET enable_seqscan TO 'off'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
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
         u.one_click_unsubscribe_url, u.created_at, s.active, t.has_unsubscribe_link
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


--
-- Name: FUNCTION claim_notifications(ids uuid[], lease interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.claim_notifications(ids uuid[], lease interval) IS 'Claims notifications for hand-off to a provider by locking them (for update skip locked: two workers never claim the same row); nothing is written. Call it in a transaction that records every outcome with record_delivery_results before it commits: a worker that dies in between leaves the rows created, for the job''s retry or the replay task (providers are sent the notification id as reference, so they can drop a repeat). Rows still sending without sent_at after `lease` (claims written by earlier versions) are claimed again. Returns what the worker needs to build the message (personalisation decrypted). service_active = false: the service was deactivated, the caller records the row as failed (technical-failure) without a provider call.';


--
-- Name: complaint_callback(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.complaint_callback(complaint_id uuid) RETURNS TABLE(callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION complaint_callback(complaint_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.complaint_callback(complaint_id uuid) IS 'Where to POST an email complaint and the documented body (notification_id, complaint_id, reference, to, complaint_date).';


--
-- Name: create_default_annual_billing(uuid, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.create_default_annual_billing(service_id uuid, financial_year_start integer) RETURNS app_public.annual_billing
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION create_default_annual_billing(service_id uuid, financial_year_start integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.create_default_annual_billing(service_id uuid, financial_year_start integer) IS 'Default annual_billing row for a service and financial year, if missing: 0 when the service sent >= 300 000 chargeable SMS fragments last year, last year''s value when it was custom, else the default for its organisation type. No permission check: used by the new-service trigger and by app_hidden.ensure_annual_billing.';


--
-- Name: create_nightly_billing(date, uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.create_nightly_billing(day date, service_ids uuid[] DEFAULT NULL::uuid[]) RETURNS integer
    LANGUAGE sql
    AS $$
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


--
-- Name: FUNCTION create_nightly_billing(day date, service_ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.create_nightly_billing(day date, service_ids uuid[]) IS 'Rebuild ft_billing for a London day (all services, or the given ones) from notifications_all_time_view: billable statuses, normal/team keys, SMS rate by date, letter rate by postage/sheets/crown, email at 0. Upsert on the full primary key and delete groups that vanished, in one statement; returns the number of rows. Run by create-nightly-billing (10 days) and update-ft-billing-for-today (hourly).';


--
-- Name: create_nightly_notification_status(date, text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.create_nightly_notification_status(day date, notification_types text[] DEFAULT ARRAY['sms'::text, 'email'::text, 'letter'::text]) RETURNS integer
    LANGUAGE sql
    AS $$
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


--
-- Name: FUNCTION create_nightly_notification_status(day date, notification_types text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.create_nightly_notification_status(day date, notification_types text[]) IS 'Rebuild ft_notification_status for a London day and the given types from notifications_all_time_view (normal/team keys, nil-UUID job_id when no job). Vanished groups are deleted, changed counts upserted, in one statement; returns the number of groups. Run by create-nightly-notification-status.';


--
-- Name: decrypt(bytea); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.decrypt(ciphertext bytea) RETURNS text
    LANGUAGE sql STABLE STRICT SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select convert_from(decrypt_iv(substr(ciphertext, 17), k.encryption_key, substr(ciphertext, 1, 16), 'aes-cbc/pad:pkcs'), 'UTF8')
  from app_private.settings k
$$;


--
-- Name: FUNCTION decrypt(ciphertext bytea); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.decrypt(ciphertext bytea) IS 'Inverse of app_private.encrypt: the first 16 bytes are the IV.';


--
-- Name: delivery_status_callback(uuid, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.delivery_status_callback(notification_id uuid, status text) RETURNS TABLE(callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION delivery_status_callback(notification_id uuid, status text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.delivery_status_callback(notification_id uuid, status text) IS 'Where to POST a notification''s status and the body Notify''s API documents; no row when the service has no delivery_status callback or the notification is gone.';


--
-- Name: deprioritise_provider(text, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.deprioritise_provider(identifier text, reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION deprioritise_provider(identifier text, reason text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.deprioritise_provider(identifier text, reason text) IS 'Failover after a provider error: the provider loses 10 points, the other active ones of its channel gain 10 (clamped 0-100); skipped when fewer than two are active or any changed in the last minute. Each change is versioned into provider_details_history with the reason, by the Notify service user.';


--
-- Name: encrypt(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.encrypt(plaintext text) RETURNS bytea
    LANGUAGE sql STRICT SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select s.iv || encrypt_iv(convert_to(plaintext, 'UTF8'), k.encryption_key, s.iv, 'aes-cbc/pad:pkcs')
  from (select gen_random_bytes(16) as iv) s, app_private.settings k
$$;


--
-- Name: FUNCTION encrypt(plaintext text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.encrypt(plaintext text) IS 'AES-256-CBC with a random 16-byte IV prepended. Used for API key secrets, callback bearer tokens, notification personalisation and inbound SMS content. encrypt_iv is ~100x faster than pgp_sym_encrypt, which matters on the notification insert path.';


--
-- Name: encrypt_each(text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.encrypt_each(plaintexts text[]) RETURNS TABLE(n integer, ciphertext bytea)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select p.n::integer,
         case when p.t is not null
              then p.iv || encrypt_iv(convert_to(p.t, 'UTF8'), k.encryption_key, p.iv, 'aes-cbc/pad:pkcs') end
  from (select u.t, u.n, gen_random_bytes(16) as iv from unnest(plaintexts) with ordinality u(t, n)) p,
       (select s.encryption_key from app_private.settings s limit 1) k
$$;


--
-- Name: FUNCTION encrypt_each(plaintexts text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.encrypt_each(plaintexts text[]) IS 'app_private.encrypt of each element (null stays null), as rows (n = position in the array): the batch form used by app_hidden.create_notifications.';


--
-- Name: enqueue_nightly_facts(text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.enqueue_nightly_facts(task text, days integer DEFAULT NULL::integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_today date := app_public.london_date(now());
  v_days int;
  v_day date;
  v_types text[];
begin
  if task not in ('create-nightly-billing', 'create-nightly-notification-status') then
    raise exception 'Unknown nightly task %', task using errcode = 'NTF01';
  end if;
  -- Billing: yesterday and the 9 days before. Status: sms/email are final after 72 h
  -- (yesterday + 3), letters wait up to 9 days at the printer (+ 1).
  v_days := coalesce(days, 10);
  for i in 1..v_days loop
    v_day := v_today - i;
    v_types := case when task = 'create-nightly-notification-status' and i > 4 then array['letter']
                    else array['sms', 'email', 'letter'] end;
    -- job_key dedupes: a day already queued (and not yet started) is replaced, not doubled.
    perform graphile_worker.add_job(
      task,
      json_build_object('day', v_day, 'notification_types', v_types),
      job_key => task || ':' || v_day,
      max_attempts => 5);
  end loop;
  return v_days;
end
$$;


--
-- Name: FUNCTION enqueue_nightly_facts(task text, days integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.enqueue_nightly_facts(task text, days integer) IS 'Queue one create-nightly-billing or create-nightly-notification-status job per London day of the scheduled window (default 10 days back from yesterday; status jobs older than 4 days do letters only), deduplicated by job_key. What the crontab entry runs.';


--
-- Name: forget_checked_rows(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.forget_checked_rows() RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  with gone as (
    delete from app_private.csv_upload_rows r
    where r.upload_id in (
      select k.upload_id from (select distinct upload_id from app_private.csv_upload_rows) k
      left join app_private.csv_uploads u on u.id = k.upload_id
      left join app_public.jobs j on j.id = k.upload_id
      where u.id is null
         or j.job_status in ('finished', 'cancelled', 'error', 'sending limits exceeded',
                             'finished all notifications created')
         or (j.id is null and u.checked_at < now() - interval '7 days'))
    returning 1
  )
  select count(*)::integer from gone
$$;


--
-- Name: FUNCTION forget_checked_rows(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.forget_checked_rows() IS 'Remove the rows checks kept (app_private.csv_upload_rows) that no job will read: of jobs that have ended, of uploads not sent within a week of their check, of uploads whose check has gone. Returns how many rows. Run by remove-job-files.';


--
-- Name: inbound_sms_callback(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.inbound_sms_callback(inbound_sms_id uuid) RETURNS TABLE(callback_id uuid, url text, bearer_token text, suspended_reason text, body jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION inbound_sms_callback(inbound_sms_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.inbound_sms_callback(inbound_sms_id uuid) IS 'Where to forward a received text and the documented body (id, source_number, destination_number, message, date_received).';


--
-- Name: jobs_past_retention(text[], integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.jobs_past_retention(notification_types text[], max_rows integer DEFAULT 1000) RETURNS TABLE(id uuid, service_id uuid)
    LANGUAGE sql STABLE
    AS $$
  -- A job's CSV is kept as long as its notifications: the service's retention for the template's
  -- type (7 days without one), counted from when the job was due to send (scheduled_for) or made.
  select j.id, j.service_id
  from app_public.jobs j
  join app_public.templates t on t.id = j.template_id
  left join app_public.service_data_retention r
    on r.service_id = j.service_id and r.notification_type = t.template_type
  where not j.archived
    and t.template_type = any(notification_types)
    and coalesce(j.scheduled_for, j.created_at)
        < app_public.london_midnight(app_public.london_date(now()) - coalesce(r.days_of_retention, 7))
  order by j.created_at
  limit max_rows
$$;


--
-- Name: FUNCTION jobs_past_retention(notification_types text[], max_rows integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.jobs_past_retention(notification_types text[], max_rows integer) IS 'Jobs of these template types whose CSV is past the retention period (coalesce(scheduled_for, created_at) before London midnight of today minus the service''s days_of_retention for the type, default 7) and not yet archived; oldest first, at most max_rows.';


--
-- Name: letter_pdf_key(text, text, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.letter_pdf_key(reference text, postage text, created_at timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
  select to_char(app_hidden.letter_print_date(created_at), 'YYYY-MM-DD')
      || '/NOTIFY.' || upper(reference) || '.D.' || app_hidden.letter_postage_code(postage)
      || '.C.' || to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISS') || '.PDF'
$$;


--
-- Name: FUNCTION letter_pdf_key(reference text, postage text, created_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.letter_pdf_key(reference text, postage text, created_at timestamp with time zone) IS 'S3 key of a letter''s PDF in the letters PDF bucket: {print date}/NOTIFY.{REFERENCE}.D.{postage code}.C.{YYYYMMDDHHMMSS}.PDF.';


--
-- Name: letters_for_pdf(uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.letters_for_pdf(ids uuid[]) RETURNS TABLE(id uuid, notification_status text, reference text, postage text, created_at timestamp with time zone, precompiled boolean, personalisation text, template_content text, template_subject text, contact_block text, service_name text, pdf_key text, key_type text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select n.id, n.notification_status, n.reference, n.postage, n.created_at, t.hidden,
         case when n._personalisation is not null then app_private.decrypt(n._personalisation) end,
         t.content, t.subject, n.reply_to_text, s.name::text,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at), n.key_type
  from app_public.notifications n
  join app_public.templates_history t on t.id = n.template_id and t.version = n.template_version
  join app_public.services s on s.id = n.service_id
  where n.id = any(ids) and n.notification_type = 'letter'
    and (n.key_type <> 'test' and n.notification_status in ('created', 'pending-virus-check')
         -- Test-key template letters are given their final status at once, but Notify makes their PDF all the
         -- same (never printed), so GET /v2/notifications/{id}/pdf shows what was sent.
         or n.key_type = 'test' and not t.hidden)
  order by n.id
$$;


--
-- Name: FUNCTION letters_for_pdf(ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.letters_for_pdf(ids uuid[]) IS 'Letters of `ids` to make a PDF for: live letters waiting for a PDF (created) or a virus scan (pending-virus-check), and test-key template letters whatever their status; with what create-letter-pdf needs to render them (personalisation decrypted, template content and subject, contact block), whether the letter is precompiled, its PDF''s key in the letters PDF bucket (app_private.letter_pdf_key; in the scan bucket the file name alone) and its key type.';


--
-- Name: letters_needing_attention(timestamp with time zone, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.letters_needing_attention(at timestamp with time zone DEFAULT now(), within interval DEFAULT '10 days'::interval) RETURNS TABLE(id uuid, service_id uuid, reference text, notification_status text, created_at timestamp with time zone, problem text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION letters_needing_attention(at timestamp with time zone, within interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.letters_needing_attention(at timestamp with time zone, within interval) IS 'Letters to alert about: live letters still created although created before the last print run''s deadline (app_hidden.collation_deadline), and letters pending-virus-check for more than 90 minutes, created within `within`; with the problem in words. Used by the check-letters task.';


--
-- Name: letters_to_collate(timestamp with time zone, uuid, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.letters_to_collate(deadline timestamp with time zone, after_id uuid DEFAULT NULL::uuid, batch_size integer DEFAULT 10000) RETURNS TABLE(id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamp with time zone, billable_units integer, pdf_key text, postage_code text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- Created, live (normal key), PDF made (billable_units > 0), created before the
  -- deadline — any earlier day too, so stragglers go out — per postage, by service and created_at;
  -- read in keyset pages of batch_size.
  select n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference, n.created_at, n.billable_units,
         app_private.letter_pdf_key(n.reference, n.postage, n.created_at), app_hidden.letter_postage_code(n.postage)
  from app_public.notifications n
  join app_public.services s on s.id = n.service_id
  where n.notification_type = 'letter' and n.notification_status = 'created' and n.key_type = 'normal'
    and n.billable_units > 0 and n.created_at < deadline
    -- Letters in a zip that is being uploaded, or whose upload is not yet recorded, are that
    -- collation's (open_collation_letters): never in a second zip.
    and not exists (select 1 from app_private.letter_collations c
                    where c.status in ('uploading', 'uploaded') and n.id = any(c.letter_ids))
    -- The keyset is read from the row itself: a created_at passed through a client loses its
    -- microseconds and would return the same row again.
    and (after_id is null
         or (coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id)
            > (select coalesce(a.postage, 'second'), a.service_id, a.created_at, a.id from app_public.notifications a where a.id = after_id))
  order by coalesce(n.postage, 'second'), n.service_id, n.created_at, n.id
  limit batch_size
$$;


--
-- Name: FUNCTION letters_to_collate(deadline timestamp with time zone, after_id uuid, batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.letters_to_collate(deadline timestamp with time zone, after_id uuid, batch_size integer) IS 'Letters for the print run of `deadline` (app_hidden.collation_deadline): created, normal key, billable_units > 0, created before the deadline (earlier days too), not held in an open collation (begin_collation), ordered by postage, service, created_at, with their PDF keys and postage codes; keyset pages (pass the last row''s id as after_id).';


--
-- Name: open_collation_letters(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.open_collation_letters() RETURNS TABLE("collation" text, collation_status text, id uuid, service_id uuid, organisation_id uuid, postage text, reference text, created_at timestamp with time zone, billable_units integer, pdf_key text, postage_code text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  -- Collations a run left open (uploading or uploaded), with their letters still created.
  select c.name, c.status, n.id, n.service_id, s.organisation_id, coalesce(n.postage, 'second'), n.reference,
         n.created_at, n.billable_units, app_private.letter_pdf_key(n.reference, n.postage, n.created_at),
         app_hidden.letter_postage_code(n.postage)
  from app_private.letter_collations c
  cross join lateral unnest(c.letter_ids) l(id)
  join app_public.notifications n on n.id = l.id
  join app_public.services s on s.id = n.service_id
  where c.status in ('uploading', 'uploaded') and n.notification_type = 'letter' and n.notification_status = 'created'
  order by c.name, n.created_at, n.id
$$;


--
-- Name: FUNCTION open_collation_letters(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.open_collation_letters() IS 'Letters of collations left open by an earlier collate-letters run (status uploading or uploaded), with their PDF keys: the run finishes them first (uploads the zip again only when it is not in the printer''s inbox, then records it).';


--
-- Name: process_job_queued(uuid); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.process_job_queued(job_id uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  -- A process-job that is running (locked) or still due to be tried will see to the job; one that
  -- used up its attempts stays in the queue table but does nothing more, so it does not count.
  -- graphile-worker frees the lock of a worker that died after 4 hours, and retries the job.
  select exists (
    select 1 from graphile_worker._private_jobs q
    where q.key = 'process-job:' || job_id
      and (q.locked_at is not null or q.attempts < q.max_attempts))
$$;


--
-- Name: FUNCTION process_job_queued(job_id uuid); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.process_job_queued(job_id uuid) IS 'Whether a process-job for the job (job key process-job:{id}) is running or waiting to be tried: the stuck-job checks leave such jobs alone.';


--
-- Name: process_letter_responses(text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.process_letter_responses(lines text[]) RETURNS TABLE(reference text, outcome text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION process_letter_responses(lines text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.process_letter_responses(lines text[]) IS 'Applies the printer''s response lines (`reference|Sent|pages|sorted`): letters in sending become delivered (Sent) or temporary-failure (anything else). Returns per line the new status, ignored (not in sending) or not-found.';


--
-- Name: process_returned_letters(text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.process_returned_letters(letter_references text[]) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_count int;
begin
  if cardinality(letter_references) > 5000 then
    raise exception 'At most 5000 references per call (got %)', cardinality(letter_references) using errcode = 'NTF01';
  end if;
  -- Status -> returned-letter wherever the letter is (live or archived), then record it;
  -- a letter reported again gets its reported_at refreshed.
  with refs as (
    select distinct r from unnest(letter_references) r where r is not null
  ),
  live as (
    update app_public.notifications n set notification_status = 'returned-letter', updated_at = now()
    from refs where n.reference = refs.r and n.notification_type = 'letter'
    returning n.id, n.service_id
  ),
  hist as (
    update app_public.notification_history n set notification_status = 'returned-letter', updated_at = now()
    from refs where n.reference = refs.r and n.notification_type = 'letter'
    returning n.id, n.service_id
  ),
  found as (select id, service_id from live union select id, service_id from hist),
  put as (
    insert into app_public.returned_letters (reported_at, service_id, notification_id)
    select app_public.london_date(now()), service_id, id from found
    on conflict (notification_id) do update set reported_at = excluded.reported_at, updated_at = now()
    returning 1
  )
  select count(*)::int into v_count from put;
  return v_count;
end
$$;


--
-- Name: FUNCTION process_returned_letters(letter_references text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.process_returned_letters(letter_references text[]) IS 'Ingest a list of returned letter references from the printer (<= 5000 per call, NTF01 otherwise): status returned-letter in notifications and notification_history, upsert returned_letters with today''s London date. Returns letters recorded.';


--
-- Name: queue_process_jobs(uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.queue_process_jobs(job_ids uuid[]) RETURNS integer
    LANGUAGE plpgsql
    AS $$
begin
  if coalesce(cardinality(job_ids), 0) = 0 then
    return 0;
  end if;
  -- One process-job per job, keyed by it: queuing a job again replaces the waiting entry
  -- instead of adding a second one. process-job resumes after the rows already stored.
  perform graphile_worker.add_jobs(array(
    select row('process-job', json_build_object('jobId', id), null, null, null, 'process-job:' || id, null,
               null)::graphile_worker.job_spec
    from unnest(job_ids) id));
  return cardinality(job_ids);
end
$$;


--
-- Name: FUNCTION queue_process_jobs(job_ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.queue_process_jobs(job_ids uuid[]) IS 'Queue process-job ({"jobId": id}, job key process-job:{id}) for each job, in the caller''s transaction. Returns how many.';


--
-- Name: raise_missing_rate(text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.raise_missing_rate(what text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
  raise exception 'No rate for %', what using errcode = 'NTF04';
end
$$;


--
-- Name: FUNCTION raise_missing_rate(what text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.raise_missing_rate(what text) IS 'Raise NTF04 from inside a query when a billable row has no rate: billing must never silently price at 0.';


--
-- Name: record_callback_result(uuid, text, boolean, text, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_callback_result(callback_id uuid, url text, ok boolean, error text DEFAULT NULL::text, suspend_after integer DEFAULT 5) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_row app_private.service_callback_health;
begin
  insert into app_private.service_callback_health as h (service_callback_api_id, url)
  values (callback_id, record_callback_result.url)
  on conflict (service_callback_api_id) do nothing;
  if ok then
    update app_private.service_callback_health h
    set url = record_callback_result.url, consecutive_failures = 0, last_success_at = now(),
        suspended_at = null, suspended_reason = null, updated_at = now()
    where h.service_callback_api_id = callback_id;
    return null;
  end if;
  update app_private.service_callback_health h
  set consecutive_failures = case when h.url = record_callback_result.url then h.consecutive_failures + 1 else 1 end,
      url = record_callback_result.url, last_error = left(error, 500), last_failure_at = now(), updated_at = now()
  where h.service_callback_api_id = callback_id
  returning * into v_row;
  if v_row.consecutive_failures >= suspend_after and v_row.suspended_at is null then
    update app_private.service_callback_health h
    set suspended_at = now(),
        suspended_reason = format('%s callbacks in a row failed (last: %s); calls stopped until the callback is set again',
                                  v_row.consecutive_failures, left(error, 300))
    where h.service_callback_api_id = callback_id
    returning * into v_row;
  end if;
  return v_row.suspended_reason;
end
$$;


--
-- Name: FUNCTION record_callback_result(callback_id uuid, url text, ok boolean, error text, suspend_after integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_callback_result(callback_id uuid, url text, ok boolean, error text, suspend_after integer) IS 'Success resets the failure count; a callback that failed for good counts one more, and suspend_after in a row suspend the URL, recording why. Returns the suspension reason when suspended.';


--
-- Name: record_collation(text, text, uuid[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_collation(name text, outcome text, ids uuid[] DEFAULT NULL::uuid[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_ids uuid[];
  v_count integer := 0;
begin
  if outcome not in ('uploaded', 'printed', 'refused') then
    raise exception 'record_collation: unknown outcome %', outcome using errcode = '22023';
  end if;
  select c.letter_ids into v_ids from app_private.letter_collations c
  where c.name = record_collation.name and c.status in ('uploading', 'uploaded')
  for update;
  if not found then
    return 0;
  end if;
  if outcome = 'uploaded' then
    update app_private.letter_collations c set status = 'uploaded', updated_at = now()
    where c.name = record_collation.name;
    return 0;
  end if;
  -- ids: the letters that were in the zip (a letter whose PDF went missing before a re-upload is
  -- left out, and collated again later).
  v_ids := array(select x from unnest(v_ids) x where ids is null or x = any(ids));
  update app_public.notifications n
  set notification_status = case when outcome = 'printed' then 'sending' else 'technical-failure' end,
      sent_by = case when outcome = 'printed' then 'dvla' else n.sent_by end,
      sent_at = case when outcome = 'printed' then now() else n.sent_at end,
      updated_at = clock_timestamp()
  where n.id = any(v_ids) and n.notification_type = 'letter' and n.notification_status = 'created';
  get diagnostics v_count = row_count;
  update app_private.letter_collations c
  set status = case when outcome = 'printed' then 'recorded' else 'refused' end, updated_at = now()
  where c.name = record_collation.name;
  return v_count;
end
$$;


--
-- Name: FUNCTION record_collation(name text, outcome text, ids uuid[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_collation(name text, outcome text, ids uuid[]) IS 'Moves an open collation on: uploaded (the zip is in the printer''s inbox), printed (its created letters, or those of `ids`, go to sending by dvla and the collation is recorded) or refused (its letters technical-failure). Returns the letters whose status changed; 0 for a collation already closed.';


--
-- Name: record_delivery_results(jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_delivery_results(results jsonb) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET enable_seqscan TO 'off'
    AS $$
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


--
-- Name: FUNCTION record_delivery_results(results jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_delivery_results(results jsonb) IS 'Records what happened to claimed notifications, as a JSON array of {id, outcome: sent|retry|failed|simulated, provider, reference, billable_units, status}. sent keeps any status a receipt already set (a receipt may beat this call). billable_units are recorded even when the provider call failed. A provider reference equal to the notification id (SMS providers) is not stored.';


--
-- Name: record_letter_pdfs(jsonb); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_letter_pdfs(results jsonb) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_count integer;
begin
  update app_public.notifications n
  set notification_status = coalesce(r.status, n.notification_status),
      billable_units = coalesce(r.sheets, n.billable_units),
      updated_at = clock_timestamp()
  from jsonb_to_recordset(results) as r(id uuid, status text, sheets integer)
  where n.id = r.id and n.notification_type = 'letter'
    and case coalesce(r.status, '')
          when '' then n.notification_status = 'created'
          when 'created' then n.notification_status = 'pending-virus-check'
          when 'virus-scan-failed' then n.notification_status = 'pending-virus-check'
          when 'validation-failed' then n.notification_status in ('created', 'pending-virus-check')
                                        or n.key_type = 'test'
          else false
        end;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;


--
-- Name: FUNCTION record_letter_pdfs(results jsonb); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_letter_pdfs(results jsonb) IS 'Records made or scanned letter PDFs, a JSON array of {id, sheets, status}: status null = a template letter''s PDF was made (it stays created); created | virus-scan-failed = the scan of a precompiled letter (from pending-virus-check); validation-failed = a PDF too long or unreadable (from created or pending-virus-check; a test-key letter from any status). sheets null leaves billable_units. Returns the rows changed.';


--
-- Name: record_letters_printed(uuid[], boolean, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.record_letters_printed(ids uuid[], accepted boolean, provider text DEFAULT 'dvla'::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION record_letters_printed(ids uuid[], accepted boolean, provider text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.record_letters_printed(ids uuid[], accepted boolean, provider text) IS 'Collated letters the printer accepted go to sending (sent_by dvla, sent_at now); refused ones to technical-failure. Only created letters move.';


--
-- Name: replay_created_notifications(interval, interval, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.replay_created_notifications(older_than interval DEFAULT '00:05:00'::interval, lease interval DEFAULT '00:05:00'::interval, max_rows integer DEFAULT 50000) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_ids uuid[];
  v_cutoff timestamptz := now() - older_than;
  -- Ten minutes of overlap with the previous run for transactions that committed late.
  v_from timestamptz := app_private.scan_from('replay_created_notifications', interval '10 minutes');
  v_last timestamptz;
begin
  -- Each row is looked at once, in the run after it turns older_than: still created (its job
  -- failed for good, skipped it or died with its worker), or claimed by a worker that died before the
  -- provider answered. A row whose job is merely late gets a second job, which finds it sent or
  -- locked (claims skip locked rows) and sends nothing: replays never deliver twice.
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


--
-- Name: FUNCTION replay_created_notifications(older_than interval, lease interval, max_rows integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.replay_created_notifications(older_than interval, lease interval, max_rows integer) IS 'Replay: texts/emails still created older_than after creation (scheduled ones once due), and claims abandoned by a dead worker (sending, no sent_at, claimed more than lease ago), get a new delivery job. Each row is looked at in the first run after it turns older_than (app_private.scan_watermarks, ten minutes of overlap); graphile-worker retries each delivery job itself, this is the safety net. Returns the number re-queued.';


--
-- Name: replay_letter_jobs(interval, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.replay_letter_jobs(older_than interval DEFAULT '01:00:00'::interval, within interval DEFAULT '10 days'::interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION replay_letter_jobs(older_than interval, within interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.replay_letter_jobs(older_than interval, within interval) IS 'Queues create-letter-pdf / scan-letter again for live letters still without a PDF (created, billable_units 0) or still pending-virus-check after `older_than` (created within `within`): one job per letter with job key replay:{task}:{id}, so repeats replace rather than pile up. Returns the letters queued.';


--
-- Name: requeue_jobs_missing_rows(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.requeue_jobs_missing_rows() RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_ids uuid[];
begin
  -- Finished 20 minutes to a day ago (a 100 000-row job takes about 10 minutes to store) with
  -- fewer notifications than CSV rows: process-job runs again and stores only the rows missing
  -- (unique (job_id, job_row_number)). Within a day no row has been archived yet.
  with short as (
    select j.id from app_public.jobs j
    where j.job_status = 'finished'
      and j.processing_finished < now() - interval '20 minutes'
      and j.processing_finished > now() - interval '1 day'
      -- Rows process-job left out on purpose (simulated recipients, rows refused when it ran) are done.
      and (select count(*) from app_public.notifications n where n.job_id = j.id)
          + coalesce((select r.row_count from app_private.job_rows_not_stored r where r.job_id = j.id), 0)
          < j.notification_count
      and not app_private.process_job_queued(j.id)
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from short where j.id = short.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;


--
-- Name: FUNCTION requeue_jobs_missing_rows(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.requeue_jobs_missing_rows() IS 'Jobs finished 20 minutes to a day ago with fewer notifications (and rows left out on purpose, app_private.job_rows_not_stored) than notification_count: back to pending and process-job queued to store the missing rows. Returns how many. What check-for-missing-rows-in-completed-jobs runs every 10 minutes.';


--
-- Name: requeue_stuck_jobs(interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.requeue_stuck_jobs(stuck_after interval DEFAULT '00:30:00'::interval) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_ids uuid[];
begin
  -- Jobs that should be moving but have no process-job running or waiting: in progress since
  -- `stuck_after` ago, or pending and unchanged since then (updated_at is when a scheduled job
  -- became pending or a stuck one was reset; created_at for a job made pending: create_job queues
  -- in the same transaction, so a pending job alone was lost).
  -- process-job runs only pending jobs, so they go back to pending; it resumes after the rows
  -- already stored, and (job_id, job_row_number) is unique, so a second run creates no duplicate.
  with stuck as (
    select j.id from app_public.jobs j
    where ((j.job_status = 'in progress' and j.processing_started < now() - stuck_after)
        or (j.job_status = 'pending' and coalesce(j.updated_at, j.created_at) < now() - stuck_after))
      and not app_private.process_job_queued(j.id)
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from stuck where j.id = stuck.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;


--
-- Name: FUNCTION requeue_stuck_jobs(stuck_after interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.requeue_stuck_jobs(stuck_after interval) IS 'Jobs in progress, or pending and unchanged, for longer than stuck_after (default 30 minutes) with no process-job running or waiting: back to pending and process-job queued again (it resumes). Returns how many. What check-job-status runs every minute.';


--
-- Name: run_scheduled_jobs(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.run_scheduled_jobs() RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
  v_ids uuid[];
begin
  -- skip locked: a job being cancelled right now is left to the cancel; two runs at once take
  -- different rows. The status change and the queue entry commit together.
  with due as (
    select j.id from app_public.jobs j
    where j.job_status = 'scheduled' and j.scheduled_for <= now()
    order by j.scheduled_for
    for update skip locked
  ), moved as (
    update app_public.jobs j set job_status = 'pending' from due where j.id = due.id returning j.id
  )
  select array_agg(id) into v_ids from moved;
  return app_private.queue_process_jobs(v_ids);
end
$$;


--
-- Name: FUNCTION run_scheduled_jobs(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.run_scheduled_jobs() IS 'Scheduled jobs whose time has come -> pending, each with a process-job queued in the same transaction. Returns how many. What run-scheduled-jobs runs every minute.';


--
-- Name: scan_from(text, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.scan_from(name text, overlap interval) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
  select coalesce((select w.scanned_until from app_private.scan_watermarks w where w.name = scan_from.name) - overlap, '-infinity'::timestamptz)
$$;


--
-- Name: FUNCTION scan_from(name text, overlap interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.scan_from(name text, overlap interval) IS 'Where a periodic scan named `name` starts reading notifications.created_at: its watermark less `overlap` (for transactions that committed after the previous run with an earlier created_at); -infinity before its first complete run.';


--
-- Name: sms_rate_on(date); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.sms_rate_on(day date) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$
  select coalesce(
    (select r.rate from app_public.rates r
     where r.notification_type = 'sms' and r.valid_from <= app_public.london_midnight(day)
     order by r.valid_from desc limit 1),
    app_private.raise_missing_rate('sms on ' || day))
$$;


--
-- Name: FUNCTION sms_rate_on(day date); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.sms_rate_on(day date) IS 'SMS price per fragment on a London day: the latest rates row valid from its London midnight (rates change only at London midnight).';


--
-- Name: switch_providers_on_slow_delivery(interval, interval, numeric, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.switch_providers_on_slow_delivery(window_size interval DEFAULT '00:10:00'::interval, slow_after interval DEFAULT '00:04:00'::interval, slow_ratio numeric DEFAULT 0.3, guard interval DEFAULT '00:10:00'::interval) RETURNS TABLE(identifier text, ratio numeric, lowered boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;


--
-- Name: FUNCTION switch_providers_on_slow_delivery(window_size interval, slow_after interval, slow_ratio numeric, guard interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.switch_providers_on_slow_delivery(window_size interval, slow_after interval, slow_ratio numeric, guard interval) IS 'Slow delivery (every minute, as in Notify): per active SMS provider, live texts created in the last window_size with a sent_at; slow = delivered after slow_after or still not delivered after it; a provider with slow_ratio or more slow texts loses 10 points, only when some but not all are slow and it has not changed within guard.';


--
-- Name: tend_providers_back_to_middle(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tend_providers_back_to_middle() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION tend_providers_back_to_middle(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tend_providers_back_to_middle() IS 'Tend back (every 5 minutes): when no SMS provider changed in the last hour, move each active one 10 points toward its resting point (mmg 51, firetext 49, others an equal share).';


--
-- Name: tg__history(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__history() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
begin
  if tg_op = 'UPDATE' and new.version = old.version then
    return null;
  end if;
  -- By column name, so a history table may omit columns (secrets) and column order never matters.
  execute format('insert into %s select * from jsonb_populate_record(null::%s, $1)', tg_argv[0], tg_argv[0])
    using to_jsonb(new);
  return null;
end
$_$;


--
-- Name: FUNCTION tg__history(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__history() IS 'AFTER INSERT/UPDATE trigger _500_history: copies each new version into the history table named by the trigger argument. AFTER (not BEFORE) so an INSERT ... ON CONFLICT DO UPDATE that ends as an update writes only the update''s version. Security definer: request users never get write access to history.';


--
-- Name: tg__notify_cache(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__notify_cache() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
  v_payload jsonb;
begin
  v_payload := case tg_table_name
    when 'services' then jsonb_build_object('table', tg_table_name, 'service_id', v_row->'id')
    when 'templates' then jsonb_build_object('table', tg_table_name, 'service_id', v_row->'service_id', 'id', v_row->'id')
    when 'users' then jsonb_build_object('table', tg_table_name, 'id', v_row->'id')
    else jsonb_build_object('table', tg_table_name, 'service_id', v_row->'service_id')
  end;
  perform pg_notify('notify_cache', v_payload::text);
  return null;
end
$$;


--
-- Name: FUNCTION tg__notify_cache(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__notify_cache() IS 'AFTER trigger: tells API servers (LISTEN notify_cache) to drop what they cached about the changed service, template or user. Delivered at commit, only if the transaction commits.';


--
-- Name: tg__timestamps(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__timestamps() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  -- Keep an updated_at the statement sets itself (receipts, tests replaying history);
  -- otherwise stamp the update.
  if new.updated_at is not distinct from old.updated_at then
    new.updated_at := now();
  end if;
  return new;
end
$$;


--
-- Name: FUNCTION tg__timestamps(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__timestamps() IS 'BEFORE UPDATE trigger _100_timestamps: maintains updated_at. Inserts leave it null (Notify semantics: null = never updated, which v2 responses and the letter replay rule rely on).';


--
-- Name: tg__version(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg__version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  if tg_op = 'INSERT' then
    new.version := 1;
  elsif new.version is distinct from old.version then
    -- An explicit bump request (update ... set version = version + 1): always exactly +1.
    new.version := old.version + 1;
  elsif (to_jsonb(new) - 'version' - 'updated_at') is distinct from (to_jsonb(old) - 'version' - 'updated_at') then
    new.version := old.version + 1;
  end if;
  return new;
end
$$;


--
-- Name: FUNCTION tg__version(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg__version() IS 'BEFORE trigger _400_version of versioned tables: version 1 on insert, +1 on any real change or when the statement bumps version itself (update_template bumps on every call). No-op updates keep the version, so idempotent upserts of default data never create versions.';


--
-- Name: tg_api_keys__stay_revoked(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_api_keys__stay_revoked() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  -- Revoking is final, whoever updates the row: a cleared or later expiry_date would bring a revoked key back.
  if old.expiry_date is not null and new.expiry_date is distinct from old.expiry_date then
    raise exception 'API key % is revoked and cannot be changed back', old.id using errcode = 'NTF03';
  end if;
  return new;
end
$$;


--
-- Name: FUNCTION tg_api_keys__stay_revoked(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_api_keys__stay_revoked() IS 'BEFORE UPDATE trigger _300_stay_revoked on api_keys: once expiry_date is set (revoked) it never changes again. Users revoke with revoke_api_key and may only rename keys.';


--
-- Name: tg_api_keys__unlink_notifications(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_api_keys__unlink_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.notifications n set api_key_id = null where n.api_key_id = old.id;
  return old;
end
$$;


--
-- Name: FUNCTION tg_api_keys__unlink_notifications(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_api_keys__unlink_notifications() IS 'Notifications of a deleted API key keep their key_type and lose the key id (was ON DELETE SET NULL of a foreign key).';


--
-- Name: tg_inbound_sms__callback(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_inbound_sms__callback() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-inbound-sms', json_build_object('id', i.id), null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows i
  where exists (select 1 from app_public.service_callback_api c where c.service_id = i.service_id and c.callback_type = 'inbound_sms');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;


--
-- Name: FUNCTION tg_inbound_sms__callback(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_inbound_sms__callback() IS 'AFTER INSERT statement trigger: queues send-inbound-sms for received texts of services with an inbound_sms callback.';


--
-- Name: tg_jobs__delete_notifications(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_jobs__delete_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  delete from app_public.notifications n where n.job_id = old.id;
  return old;
end
$$;


--
-- Name: FUNCTION tg_jobs__delete_notifications(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_jobs__delete_notifications() IS 'A deleted job takes its notifications with it (was ON DELETE CASCADE of a foreign key).';


--
-- Name: tg_notifications__status_callback(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_notifications__status_callback() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_specs graphile_worker.job_spec[];
begin
  select array_agg(row('send-delivery-status', json_build_object('id', n.id, 'status', n.notification_status),
                       null, null, 5, null, null, null)::graphile_worker.job_spec)
  into v_specs
  from new_rows n
  join old_rows o on o.id = n.id
  where n.notification_status is distinct from o.notification_status
    and n.notification_status in ('sent', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure', 'returned-letter')
    and exists (select 1 from app_public.service_callback_api c
                where c.service_id = n.service_id and c.callback_type = 'delivery_status');
  if v_specs is not null then
    perform graphile_worker.add_jobs(v_specs);
  end if;
  return null;
end
$$;


--
-- Name: FUNCTION tg_notifications__status_callback(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_notifications__status_callback() IS 'AFTER UPDATE statement trigger: queues send-delivery-status for each notification that reached a final status in the statement, when its service has a delivery_status callback (one add_jobs call per statement).';


--
-- Name: tg_organisation__nhs_branding(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_organisation__nhs_branding() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: FUNCTION tg_organisation__nhs_branding(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_organisation__nhs_branding() IS 'BEFORE INSERT / UPDATE OF organisation_type on organisation: NHS organisations get the NHS email and letter branding at creation, and when they become NHS only if they have none. Skipped when the branding rows are not loaded.';


--
-- Name: tg_organisation__propagate(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_organisation__propagate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION tg_organisation__propagate(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_organisation__propagate() IS 'AFTER UPDATE on organisation: type and crown changes are copied to all its services (allowance and letter rates depend on them); a new default branding goes to services that have none.';


--
-- Name: tg_services__defaults(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_services__defaults() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION tg_services__defaults(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_services__defaults() IS 'AFTER INSERT trigger _500_service_defaults on services: default service permissions (Notify''s DEFAULT_SERVICE_PERMISSIONS) and the annual_billing row for the current financial year, which billing assumes exists. In a trigger so services inserted by any path (default data, tests) get them.';


--
-- Name: tg_services__delete_notifications(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_services__delete_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  delete from app_public.notifications n where n.service_id = old.id;
  return old;
end
$$;


--
-- Name: FUNCTION tg_services__delete_notifications(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_services__delete_notifications() IS 'A deleted service takes its notifications with it (was ON DELETE CASCADE of a foreign key).';


--
-- Name: tg_services__protect(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_services__protect() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: FUNCTION tg_services__protect(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_services__protect() IS 'BEFORE UPDATE on services: team members with manage_settings edit their service, but going live, limits, organisation, billing details and notes are platform-admin decisions (as in Notify''s admin app).';


--
-- Name: tg_templates__redacted(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_templates__redacted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  insert into app_public.template_redacted (template_id, redact_personalisation, updated_by_id)
  values (new.id, false, new.created_by_id)
  on conflict (template_id) do nothing;
  return null;
end
$$;


--
-- Name: FUNCTION tg_templates__redacted(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_templates__redacted() IS 'AFTER INSERT on templates: every template has its template_redacted row (as Notify creates it with the template), so readers can join without outer joins.';


--
-- Name: tg_templates_history__restrict_notifications(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_templates_history__restrict_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  if exists (select 1 from app_public.notifications n where n.template_id = old.id and n.template_version = old.version) then
    raise exception 'version % of template % is still used by notifications', old.version, old.id
      using errcode = 'foreign_key_violation';
  end if;
  return old;
end
$$;


--
-- Name: FUNCTION tg_templates_history__restrict_notifications(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_templates_history__restrict_notifications() IS 'A template version that notifications were sent with cannot be deleted (was the foreign key''s NO ACTION).';


--
-- Name: tg_users__email_access_validated(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_users__email_access_validated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  new.email_access_validated_at := now();
  return new;
end
$$;


--
-- Name: FUNCTION tg_users__email_access_validated(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_users__email_access_validated() IS 'BEFORE INSERT on users: a new user has just proved access to their email (invitation link / creation), whatever the caller passed.';


--
-- Name: tg_users__protect(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_users__protect() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: FUNCTION tg_users__protect(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_users__protect() IS 'BEFORE UPDATE on users: a user may edit their own profile through GraphQL but not escalate (platform_admin), unlock or fake sign-in state, nor change their email address or mobile number without proving access to the new one (request_user_change / confirm_user_change; platform admins may, as Notify''s update_user_attribute). Checks current_user, so trusted security definer functions (sign-in, password reset) are not blocked.';


--
-- Name: tg_users__unlink_notifications(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_users__unlink_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  update app_public.notifications n set created_by_id = null where n.created_by_id = old.id;
  return old;
end
$$;


--
-- Name: FUNCTION tg_users__unlink_notifications(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_users__unlink_notifications() IS 'Notifications sent by a deleted user lose who sent them (was ON DELETE SET NULL of a foreign key).';


--
-- Name: timeout_notifications(interval, integer); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.timeout_notifications(older_than interval DEFAULT '72:00:00'::interval, batch_size integer DEFAULT 100000) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION timeout_notifications(older_than interval, batch_size integer); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.timeout_notifications(older_than interval, batch_size integer) IS 'Delivery timeout: up to batch_size texts/emails still sending or pending 72 h after creation become temporary-failure (the status trigger queues their callbacks). Returns the number changed; the task calls it until fewer than batch_size, one transaction per batch. Reads only rows created since the previous complete run (app_private.scan_watermarks, one hour of overlap).';


--
-- Name: templates; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.templates (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    template_type text NOT NULL,
    content text NOT NULL,
    subject text,
    archived boolean DEFAULT false NOT NULL,
    hidden boolean DEFAULT false NOT NULL,
    postage text,
    service_id uuid NOT NULL,
    created_by_id uuid NOT NULL,
    service_letter_contact_id uuid,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    has_unsubscribe_link boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_templates_non_email_has_unsubscribe_false CHECK (((template_type = 'email'::text) OR (NOT has_unsubscribe_link))),
    CONSTRAINT ck_templates_postage CHECK ((((template_type = 'letter'::text) AND (postage = ANY (ARRAY['first'::text, 'second'::text, 'economy'::text, 'europe'::text, 'rest-of-world'::text]))) OR ((template_type <> 'letter'::text) AND (postage IS NULL)))),
    CONSTRAINT ck_templates_subject CHECK (((template_type = 'sms'::text) OR (subject IS NOT NULL))),
    CONSTRAINT templates_name_check CHECK ((btrim((name)::text) <> ''::text))
);


--
-- Name: TABLE templates; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.templates IS '@behavior -insert -update
Current version of each template. Every insert and every content change (or explicit version bump) writes templates_history; notifications pin (template_id, template_version). Created and edited through create_template / update_template.';


--
-- Name: COLUMN templates.hidden; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.templates.hidden IS 'System-only templates (e.g. the per-service Pre-compiled PDF letter template): never listed to users.';


--
-- Name: COLUMN templates.postage; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.templates.postage IS 'Letters only: first, second (default), economy, europe, rest-of-world.';


--
-- Name: COLUMN templates.has_unsubscribe_link; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.templates.has_unsubscribe_link IS 'Email templates only: each email gets Notify''s "Unsubscribe from these emails" footer and List-Unsubscribe headers with a link of its own (POST /unsubscribe/<notification id>/<token>).';


--
-- Name: upsert_system_template(uuid, text, text, text, text, uuid, uuid, boolean, text); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid DEFAULT 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553'::uuid, created_by_id uuid DEFAULT '6af522d0-2915-4e52-83a3-3690455a5fe6'::uuid, hidden boolean DEFAULT false, postage text DEFAULT NULL::text) RETURNS app_public.templates
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: FUNCTION upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text) IS 'Apply a system template from sql/default-data.sql: insert when missing, update only when wording or settings differ, so the version and a history row are added only for a real change and reruns write nothing.';


--
-- Name: usage_rows(uuid[], integer, text[]); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.usage_rows(service_ids uuid[], financial_year integer, notification_types text[] DEFAULT ARRAY['sms'::text, 'email'::text, 'letter'::text]) RETURNS TABLE(service_id uuid, bst_date date, notification_type text, rate numeric, postage text, notifications_sent bigint, chargeable_units bigint, free_allowance bigint, free_allowance_used bigint, charged_units bigint, cost numeric, free_allowance_left bigint)
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: FUNCTION usage_rows(service_ids uuid[], financial_year integer, notification_types text[]); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.usage_rows(service_ids uuid[], financial_year integer, notification_types text[]) IS 'Building block of the usage reports: one row per ft_billing row of the services in the financial year with chargeable units, free allowance used (SMS window over the year, ROWS frame), charged units and cost. Callers check permissions.';


--
-- Name: worker_heartbeat(text, interval); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.worker_heartbeat(worker_id text, dead_after interval DEFAULT '00:02:00'::interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_dead text[];
  v_jobs integer;
begin
  insert into app_private.worker_heartbeats as h (worker_id, beat_at)
  values (worker_heartbeat.worker_id, now())
  on conflict on constraint worker_heartbeats_pkey do update set beat_at = excluded.beat_at;
  -- Deleting the silent workers' rows is the claim on them: when several live workers sweep at
  -- once, each dead worker's jobs are released by one of them.
  with gone as (
    delete from app_private.worker_heartbeats h
    where h.beat_at < now() - dead_after
    returning h.worker_id
  )
  select array_agg(g.worker_id) into v_dead from gone g;
  if v_dead is null then
    return 0;
  end if;
  select count(*)::int into v_jobs from graphile_worker._private_jobs j where j.locked_by = any(v_dead);
  perform graphile_worker.force_unlock_workers(v_dead);
  return v_jobs;
end
$$;


--
-- Name: FUNCTION worker_heartbeat(worker_id text, dead_after interval); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.worker_heartbeat(worker_id text, dead_after interval) IS 'Called by every running worker (graphile-worker pool `worker_id`, the jobs'' locked_by) every few seconds: records that it is alive, and releases the jobs and queues locked by workers silent for longer than `dead_after` (a killed process, a lost host), so they run again within minutes instead of after graphile-worker''s four-hour lock expiry. Jobs locked by a pool that never recorded a heartbeat are left to that expiry. Returns the number of jobs released.';


--
-- Name: invited_users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.invited_users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email_address public.citext NOT NULL,
    user_id uuid NOT NULL,
    service_id uuid NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    permissions text DEFAULT ''::text NOT NULL,
    auth_type text DEFAULT 'sms_auth'::text NOT NULL,
    folder_permissions jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT invited_users_email_address_check CHECK ((char_length((email_address)::text) <= 255))
);


--
-- Name: TABLE invited_users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.invited_users IS '@behavior -insert -update
Invitations to join a service team; user_id is the inviter, permissions a comma list (Notify wire format). Made by invite_user_to_service, ended by cancel_invitation / accept_invitation; deleted after 2 days by the worker. Seen by the service''s team and the invited person.';


--
-- Name: accept_invitation(uuid, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.accept_invitation(invitation_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS app_public.invited_users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION accept_invitation(invitation_id uuid, user_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.accept_invitation(invitation_id uuid, user_id uuid) IS 'The invited user, signed in with the invited email address, joins the service''s team with the invitation''s permissions and folders; the invitation becomes accepted. NTF04 unknown invitation or another address, NTF01 cancelled, accepted or expired (2 days, Notify''s message). user_id is for trusted callers; a request user accepts for themselves only.';


--
-- Name: service_email_reply_to; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_email_reply_to (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    email_address text NOT NULL,
    is_default boolean DEFAULT true NOT NULL,
    archived boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ck_default_reply_to_not_archived CHECK ((NOT (is_default AND archived))),
    CONSTRAINT service_email_reply_to_email_address_check CHECK ((email_address ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::text))
);


--
-- Name: TABLE service_email_reply_to; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_email_reply_to IS 'Reply-to addresses of a service''s emails; at most one live default.';


--
-- Name: add_email_reply_to(uuid, text, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.add_email_reply_to(service_id uuid, email_address text, is_default boolean DEFAULT false) RETURNS app_public.service_email_reply_to
    LANGUAGE plpgsql
    AS $_$
#variable_conflict use_column
declare
  v_email text := btrim(add_email_reply_to.email_address);
  v_default boolean;
  v_row app_public.service_email_reply_to;
begin
  if not exists (select 1 from app_public.services s where s.id = add_email_reply_to.service_id) then
    raise exception 'Service % not found', add_email_reply_to.service_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(add_email_reply_to.service_id, 'manage_settings');
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception 'Not a valid email address' using errcode = 'NTF01';
  end if;
  v_default := coalesce(add_email_reply_to.is_default, false) or not exists (
    select 1 from app_public.service_email_reply_to r
    where r.service_id = add_email_reply_to.service_id and r.is_default and not r.archived);
  if v_default then
    update app_public.service_email_reply_to r set is_default = false
    where r.service_id = add_email_reply_to.service_id and r.is_default;
  end if;
  insert into app_public.service_email_reply_to (service_id, email_address, is_default)
  values (add_email_reply_to.service_id, v_email, v_default)
  returning * into v_row;
  return v_row;
end
$_$;


--
-- Name: FUNCTION add_email_reply_to(service_id uuid, email_address text, is_default boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.add_email_reply_to(service_id uuid, email_address text, is_default boolean) IS 'Add a reply-to address; the first one, or one marked default, becomes the default (previous default unset). Needs manage_settings.';


--
-- Name: inbound_numbers; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.inbound_numbers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    number text NOT NULL,
    provider text NOT NULL,
    service_id uuid,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT inbound_numbers_number_check CHECK ((number ~ '^\+?[0-9]{3,15}$'::text))
);


--
-- Name: TABLE inbound_numbers; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.inbound_numbers IS 'Numbers texts are received on; at most one per service. Unassigned numbers (service_id null) form the pool. The unique constraint on service_id doubles as its index.';


--
-- Name: add_inbound_number(text, uuid, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.add_inbound_number(number text, service_id uuid, provider text DEFAULT 'sms-stub'::text) RETURNS app_public.inbound_numbers
    LANGUAGE plpgsql
    AS $_$
#variable_conflict use_column
declare
  v_number text := regexp_replace(btrim(add_inbound_number.number), '[[:space:]()-]', '', 'g');
  v_row app_public.inbound_numbers;
begin
  perform app_hidden.assert_platform_admin('manage inbound numbers');
  if v_number is null or v_number !~ '^\+?[0-9]{3,15}$' then
    raise exception 'Not a valid phone number: %', add_inbound_number.number using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.provider_details p
                 where p.identifier = add_inbound_number.provider and p.notification_type = 'sms') then
    raise exception 'Unknown SMS provider ''%''', add_inbound_number.provider using errcode = 'NTF01';
  end if;
  if add_inbound_number.service_id is not null
     and not exists (select 1 from app_public.services s where s.id = add_inbound_number.service_id) then
    raise exception 'Service % not found', add_inbound_number.service_id using errcode = 'NTF04';
  end if;
  select * into v_row from app_public.inbound_numbers n
  where app_hidden.normalise_phone_digits(n.number) = app_hidden.normalise_phone_digits(v_number)
  for update;
  if found then
    if v_row.service_id is not distinct from add_inbound_number.service_id then
      return v_row;
    elsif v_row.service_id is not null then
      raise exception 'Inbound number % is already assigned to another service', v_row.number using errcode = 'NTF02';
    end if;
  end if;
  if add_inbound_number.service_id is not null and exists (
    select 1 from app_public.inbound_numbers n
    where n.service_id = add_inbound_number.service_id and n.id is distinct from v_row.id) then
    raise exception 'Service % already has an inbound number', add_inbound_number.service_id using errcode = 'NTF02';
  end if;
  if v_row.id is null then
    insert into app_public.inbound_numbers (number, provider, service_id, active)
    values (v_number, add_inbound_number.provider, add_inbound_number.service_id, true)
    returning * into v_row;
  else
    update app_public.inbound_numbers n set service_id = add_inbound_number.service_id, active = true
    where n.id = v_row.id
    returning * into v_row;
  end if;
  return v_row;
end
$_$;


--
-- Name: FUNCTION add_inbound_number(number text, service_id uuid, provider text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.add_inbound_number(number text, service_id uuid, provider text) IS 'Add a number to the pool (service_id null) or assign it to a service: creates it if new, assigns it if unassigned, no-op if already the service''s; NTF02 when it belongs to another service or the service already has one. Platform admins and DBAs.';


--
-- Name: service_letter_contacts; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_letter_contacts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    contact_block text NOT NULL,
    is_default boolean DEFAULT true NOT NULL,
    archived boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ck_default_contact_not_archived CHECK ((NOT (is_default AND archived))),
    CONSTRAINT service_letter_contacts_contact_block_check CHECK ((btrim(contact_block) <> ''::text))
);


--
-- Name: TABLE service_letter_contacts; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_letter_contacts IS 'Contact blocks printed at the top right of a service''s letters; at most one live default.';


--
-- Name: add_letter_contact(uuid, text, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean DEFAULT false) RETURNS app_public.service_letter_contacts
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_block text := btrim(replace(add_letter_contact.contact_block, E'\r\n', E'\n'));
  v_row app_public.service_letter_contacts;
begin
  if not exists (select 1 from app_public.services s where s.id = add_letter_contact.service_id) then
    raise exception 'Service % not found', add_letter_contact.service_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(add_letter_contact.service_id, 'manage_settings');
  if v_block is null or v_block = '' then
    raise exception 'Contact block is required' using errcode = 'NTF01';
  end if;
  if array_length(string_to_array(v_block, E'\n'), 1) > 10 then
    raise exception 'Contact block must be 10 lines or fewer' using errcode = 'NTF01';
  end if;
  if coalesce(add_letter_contact.is_default, false) then
    update app_public.service_letter_contacts c set is_default = false
    where c.service_id = add_letter_contact.service_id and c.is_default;
  end if;
  insert into app_public.service_letter_contacts (service_id, contact_block, is_default)
  values (add_letter_contact.service_id, v_block, coalesce(add_letter_contact.is_default, false))
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION add_letter_contact(service_id uuid, contact_block text, is_default boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean) IS 'Add a letter contact block (at most 10 lines). Unlike senders a service may have no default (letters then print no contact block), so only an explicit default replaces the previous one. Needs manage_settings.';


--
-- Name: service_sms_senders; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_sms_senders (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    sms_sender text NOT NULL,
    is_default boolean DEFAULT false NOT NULL,
    archived boolean DEFAULT false NOT NULL,
    inbound_number_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ck_default_sender_not_archived CHECK ((NOT (is_default AND archived))),
    CONSTRAINT service_sms_senders_sms_sender_check CHECK (((char_length(sms_sender) >= 3) AND (char_length(sms_sender) <= 16)))
);


--
-- Name: TABLE service_sms_senders; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_sms_senders IS 'Text message senders of a service: 3-11 character alphanumeric ids or phone numbers (an inbound number lets recipients reply). Exactly one live default.';


--
-- Name: add_sms_sender(uuid, text, boolean, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean DEFAULT false, inbound_number text DEFAULT NULL::text) RETURNS app_public.service_sms_senders
    LANGUAGE plpgsql
    AS $_$
#variable_conflict use_column
declare
  v_sender text := btrim(add_sms_sender.sms_sender);
  v_number app_public.inbound_numbers;
  v_default boolean;
  v_row app_public.service_sms_senders;
begin
  if not exists (select 1 from app_public.services s where s.id = add_sms_sender.service_id) then
    raise exception 'Service % not found', add_sms_sender.service_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(add_sms_sender.service_id, 'manage_settings');
  if v_sender is null or not (v_sender ~ '^\+?[0-9]{3,15}$'
      or (char_length(v_sender) between 3 and 11 and v_sender ~ '^[A-Za-z0-9][A-Za-z0-9 &._-]*$')) then
    raise exception 'Text message sender must be 3 to 11 letters, numbers or spaces, or a phone number'
      using errcode = 'NTF01';
  end if;
  if add_sms_sender.inbound_number is not null then
    select * into v_number from app_public.inbound_numbers n
    where app_hidden.normalise_phone_digits(n.number) = app_hidden.normalise_phone_digits(add_sms_sender.inbound_number);
    if not found then
      raise exception 'Inbound number % not found', add_sms_sender.inbound_number using errcode = 'NTF04';
    end if;
    if v_number.service_id is null then
      perform app_hidden.assert_platform_admin('assign inbound numbers');
      if exists (select 1 from app_public.inbound_numbers n where n.service_id = add_sms_sender.service_id) then
        raise exception 'Service % already has an inbound number', add_sms_sender.service_id using errcode = 'NTF02';
      end if;
      update app_public.inbound_numbers n set service_id = add_sms_sender.service_id, active = true where n.id = v_number.id;
    elsif v_number.service_id <> add_sms_sender.service_id then
      raise exception 'Inbound number % is assigned to another service', v_number.number using errcode = 'NTF02';
    end if;
    if exists (select 1 from app_public.service_sms_senders ss where ss.inbound_number_id = v_number.id) then
      raise exception 'Inbound number % is already used by a text message sender', v_number.number using errcode = 'NTF02';
    end if;
  end if;
  v_default := coalesce(add_sms_sender.is_default, false) or not exists (
    select 1 from app_public.service_sms_senders ss
    where ss.service_id = add_sms_sender.service_id and ss.is_default and not ss.archived);
  if v_default then
    update app_public.service_sms_senders ss set is_default = false
    where ss.service_id = add_sms_sender.service_id and ss.is_default;
  end if;
  insert into app_public.service_sms_senders (service_id, sms_sender, is_default, inbound_number_id)
  values (add_sms_sender.service_id, v_sender, v_default, v_number.id)
  returning * into v_row;
  return v_row;
end
$_$;


--
-- Name: FUNCTION add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text) IS 'Add a text message sender: 3-11 character alphanumeric id or a phone number, optionally linked to an inbound number (assigned to the service if still in the pool; platform admins only). Becomes the default when asked or when the service has none; the previous default is unset. Needs manage_settings.';


--
-- Name: annual_billing_for_year(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.annual_billing_for_year(service_id uuid, financial_year_start integer DEFAULT NULL::integer) RETURNS app_public.annual_billing
    LANGUAGE sql
    AS $$
  select * from app_hidden.ensure_annual_billing(service_id, financial_year_start)
$$;


--
-- Name: FUNCTION annual_billing_for_year(service_id uuid, financial_year_start integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.annual_billing_for_year(service_id uuid, financial_year_start integer) IS 'GET free-sms-fragment-limit for a year (default current): the annual_billing row, created with the default (app_private.create_default_annual_billing) when missing. Set it with set_annual_billing.';


--
-- Name: service_contact_list; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_contact_list (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    original_file_name text NOT NULL,
    row_count integer NOT NULL,
    template_type text NOT NULL,
    service_id uuid NOT NULL,
    created_by_id uuid NOT NULL,
    archived boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT service_contact_list_row_count_check CHECK ((row_count >= 0)),
    CONSTRAINT service_contact_list_template_type_check CHECK ((template_type = ANY (ARRAY['email'::text, 'sms'::text])))
);


--
-- Name: TABLE service_contact_list; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_contact_list IS '@behavior -insert -update -delete
Saved recipient CSVs (emergency contact lists); the file is service-{service_id}-notify/{id}.csv in the contact-list bucket. The id is supplied by the client that uploaded it.';


--
-- Name: archive_contact_list(uuid, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.archive_contact_list(service_id uuid, contact_list_id uuid) RETURNS app_public.service_contact_list
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_row app_public.service_contact_list;
begin
  perform app_hidden.assert_can_see_service(archive_contact_list.service_id);
  select l.* into v_row from app_public.service_contact_list l
  where l.id = archive_contact_list.contact_list_id and l.service_id = archive_contact_list.service_id
    and not l.archived
  for update;
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_row.service_id,
    case v_row.template_type when 'sms' then 'send_texts' else 'send_emails' end);
  update app_public.service_contact_list l set archived = true where l.id = v_row.id returning * into v_row;
  -- The file goes with the list: queued in this transaction, so it is deleted exactly when the
  -- archiving commits. Jobs sent from the list keep their own CSVs.
  perform graphile_worker.add_job('remove-contact-list-file',
    json_build_object('serviceId', v_row.service_id, 'contactListId', v_row.id),
    job_key => 'remove-contact-list-file:' || v_row.id, max_attempts => 10);
  return v_row;
end
$$;


--
-- Name: FUNCTION archive_contact_list(service_id uuid, contact_list_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.archive_contact_list(service_id uuid, contact_list_id uuid) IS 'Archive a contact list and queue remove-contact-list-file to delete its CSV from S3. NTF04 "No result found" when missing, already archived or another service''s; NTF03 without send_texts / send_emails.';


--
-- Name: cancel_invitation(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_invitation(invitation_id uuid) RETURNS app_public.invited_users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION cancel_invitation(invitation_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_invitation(invitation_id uuid) IS 'Cancel a pending invitation to a service (needs manage_users on it). NTF04 unknown (or not visible) invitation, NTF01 not pending.';


--
-- Name: jobs; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.jobs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    original_file_name text NOT NULL,
    service_id uuid NOT NULL,
    template_id uuid NOT NULL,
    template_version integer NOT NULL,
    notification_count integer NOT NULL,
    notifications_sent integer DEFAULT 0 NOT NULL,
    notifications_delivered integer DEFAULT 0 NOT NULL,
    notifications_failed integer DEFAULT 0 NOT NULL,
    processing_started timestamp with time zone,
    processing_finished timestamp with time zone,
    created_by_id uuid,
    api_key_id uuid,
    scheduled_for timestamp with time zone,
    job_status text DEFAULT 'pending'::text NOT NULL,
    archived boolean DEFAULT false NOT NULL,
    contact_list_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT jobs_notification_count_check CHECK ((notification_count >= 0))
);


--
-- Name: TABLE jobs; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.jobs IS '@behavior -insert -update -delete
An uploaded CSV (service-{service_id}-notify/{id}.csv): one notification per row, job_row_number = row index. notifications_sent/delivered/failed are legacy counters; outcomes come from notifications / ft_notification_status. Made by create_job.';


--
-- Name: COLUMN jobs.archived; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.jobs.archived IS 'True once the CSV has been deleted from S3 after the retention period.';


--
-- Name: cancel_job(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.cancel_job(job_id uuid) RETURNS app_public.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_job app_public.jobs;
  v_type text;
begin
  select j.* into v_job from app_public.jobs j where j.id = cancel_job.job_id;
  -- Notify answers 404 "No result found" for a job that is not there, not the caller's, or no
  -- longer waiting for its time: all three read the same here, so nothing leaks about other services.
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_job.service_id)) then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  select t.template_type into v_type from app_public.templates t where t.id = v_job.template_id;
  perform app_hidden.assert_service_permission(v_job.service_id,
    case v_type when 'sms' then 'send_texts' when 'email' then 'send_emails' else 'send_letters' end);
  -- Locked, so run-scheduled-jobs (which skips locked rows) cannot start it meanwhile; and if it
  -- got there first, the re-read status is pending and the job can no longer be cancelled.
  select j.* into v_job from app_public.jobs j
  where j.id = cancel_job.job_id and j.job_status = 'scheduled' and j.scheduled_for > now()
  for update;
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  update app_public.jobs j set job_status = 'cancelled' where j.id = v_job.id returning * into v_job;
  return v_job;
end
$$;


--
-- Name: FUNCTION cancel_job(job_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.cancel_job(job_id uuid) IS 'Cancel a scheduled job before its time (scheduled -> cancelled). NTF04 "No result found" (as Notify) when the job is missing, another service''s, or not scheduled in the future; NTF03 without the send permission for the template''s type.';


--
-- Name: confirm_user_change(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.confirm_user_change(code text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION confirm_user_change(code text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.confirm_user_change(code text) IS 'The signed-in user applies a change of their email address or mobile number with the code sent to the new one (app_hidden.create_user_change_code): null when applied (for an email address email_access_validated_at = now, as the link proves access to it), else the message: ''Code not found'' or ''Code has expired'' (used or expired). Wrong codes count as failed logins and 10 lock the account, as sign-in codes. NTF02 when the email address was taken meanwhile.';


--
-- Name: contact_list(uuid, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.contact_list(service_id uuid, contact_list_id uuid) RETURNS app_public.service_contact_list
    LANGUAGE plpgsql STABLE
    AS $$
declare
  v_row app_public.service_contact_list;
begin
  perform app_hidden.assert_can_see_service(contact_list.service_id);
  select l.* into v_row from app_public.service_contact_list l
  where l.id = contact_list.contact_list_id and l.service_id = contact_list.service_id and not l.archived;
  -- As Notify: an archived list is as gone as a missing one.
  if not found then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  return v_row;
end
$$;


--
-- Name: FUNCTION contact_list(service_id uuid, contact_list_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.contact_list(service_id uuid, contact_list_id uuid) IS 'One contact list of the service; NTF04 "No result found" when missing, archived or another service''s.';


--
-- Name: create_api_key(uuid, text, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_name text := btrim(create_api_key.name);
  v_secret text := gen_random_uuid()::text;
  v_service app_public.services;
begin
  select * into v_service from app_public.services s where s.id = create_api_key.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(create_api_key.service_id)) then
    raise exception 'Service % not found', create_api_key.service_id using errcode = 'NTF04';
  end if;
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id, 'manage_api_keys') then
    raise exception 'Permission denied: manage_api_keys needed on service %', v_service.id using errcode = 'NTF03';
  end if;
  if v_name is null or v_name = '' or char_length(v_name) > 255 then
    raise exception 'Key name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.key_types kt where kt.name = create_api_key.key_type) then
    raise exception 'Invalid key type ''%''', create_api_key.key_type using errcode = 'NTF01';
  end if;
  if exists (select 1 from app_public.api_keys k where k.service_id = v_service.id and k.name = v_name and k.expiry_date is null) then
    raise exception 'Key name ''%'' already exists', v_name using errcode = 'NTF02';
  end if;
  insert into app_public.api_keys (name, secret, service_id, key_type, created_by_id)
  values (v_name, app_private.encrypt(v_secret), v_service.id, create_api_key.key_type,
          coalesce(app_public.current_user_id(), v_service.created_by_id))
  returning api_keys.id into create_api_key.id;
  create_api_key.key := v_name || '-' || v_service.id::text || '-' || v_secret;
end
$$;


--
-- Name: FUNCTION create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) IS 'Create an API key and return, this once, the full key {name}-{service_id}-{secret} the Notify clients take (secret = last 36 characters, a uuid4 as in Notify; stored AES-encrypted). Needs manage_api_keys. NTF02 if a live key already has the name.';


--
-- Name: create_contact_list(uuid, uuid, text, integer, text, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid DEFAULT NULL::uuid) RETURNS app_public.service_contact_list
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_row app_public.service_contact_list;
  v_by uuid := coalesce(create_contact_list.created_by_id, app_public.current_user_id());
begin
  perform app_hidden.assert_can_see_service(create_contact_list.service_id);
  -- A list is only for texts or emails (Notify's schema allows just these two).
  if create_contact_list.template_type is null or create_contact_list.template_type not in ('email', 'sms') then
    raise exception 'template_type % is not one of [email, sms]', create_contact_list.template_type
      using errcode = 'NTF01';
  end if;
  perform app_hidden.assert_service_permission(create_contact_list.service_id,
    case create_contact_list.template_type when 'sms' then 'send_texts' else 'send_emails' end);
  if create_contact_list.id is null or nullif(btrim(create_contact_list.original_file_name), '') is null
     or create_contact_list.row_count is null or create_contact_list.row_count < 0 then
    raise exception 'id, original_file_name and a row_count of 0 or more are required' using errcode = 'NTF01';
  end if;
  -- A user request saves the list as that user; a trusted caller (the internal API) names the user.
  if app_hidden.in_user_request() then
    v_by := app_public.current_user_id();
  end if;
  if v_by is null or not exists (select 1 from app_public.users u where u.id = v_by) then
    raise exception 'created_by % is not a user', v_by using errcode = 'NTF01';
  end if;
  -- The id is the one the file was uploaded under (service-{service_id}-notify/{id}.csv).
  insert into app_public.service_contact_list (id, original_file_name, row_count, template_type, service_id,
                                               created_by_id)
  values (create_contact_list.id, create_contact_list.original_file_name, create_contact_list.row_count,
          create_contact_list.template_type, create_contact_list.service_id, v_by)
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid) IS 'Save a contact list whose CSV is already at service-{service_id}-notify/{id}.csv in the contact-list bucket. template_type email or sms (NTF01 otherwise); needs send_texts / send_emails (NTF03). created_by_id is the request user in a user request, else required.';


--
-- Name: create_job(uuid, uuid, uuid, text, timestamp with time zone, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone DEFAULT NULL::timestamp with time zone, contact_list_id uuid DEFAULT NULL::uuid) RETURNS app_public.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_template app_public.templates;
  v_job app_public.jobs;
  v_check app_private.csv_uploads;
begin
  select * into v_service from app_public.services s where s.id = create_job.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id)) then
    raise exception 'Service % not found', create_job.service_id using errcode = 'NTF04';
  end if;
  select * into v_template from app_public.templates t
  where t.id = create_job.template_id and t.service_id = v_service.id and not t.hidden;
  if not found then
    raise exception 'Template not found' using errcode = 'NTF04';
  end if;
  -- The per-service permission to send the template's type, as GraphQL sendNotification needs it.
  perform app_hidden.assert_service_permission(v_service.id, case v_template.template_type
    when 'sms' then 'send_texts' when 'email' then 'send_emails' else 'send_letters' end);
  if not v_service.active then
    raise exception 'Create job is not allowed: service is inactive' using errcode = 'NTF03';
  end if;
  if v_template.template_type = 'letter' and v_service.restricted then
    raise exception 'Create letter job is not allowed for service in trial mode' using errcode = 'NTF03';
  end if;
  if v_template.archived then
    raise exception 'Template has been deleted' using errcode = 'NTF01';
  end if;
  if create_job.scheduled_for is not null and create_job.scheduled_for < now() then
    raise exception 'Date cannot be in the past' using errcode = 'NTF01';
  end if;
  if create_job.scheduled_for > now() + interval '7 days' then
    raise exception 'Date cannot be more than 7 days in the future' using errcode = 'NTF01';
  end if;
  if create_job.upload_id is null then
    raise exception 'upload_id is required' using errcode = 'NTF01';
  end if;
  select * into v_check from app_private.csv_uploads u
  where u.id = create_job.upload_id and u.service_id = v_service.id;
  if not found then
    raise exception 'Upload % not found: upload the file and check it first', create_job.upload_id
      using errcode = 'NTF04';
  end if;
  if v_check.template_id <> v_template.id then
    raise exception 'Upload % was checked against another template: check it against this one', create_job.upload_id
      using errcode = 'NTF01';
  end if;
  if v_check.template_version <> v_template.version then
    raise exception 'The template has changed since upload % was checked: check the file again',
      create_job.upload_id using errcode = 'NTF01';
  end if;
  if v_check.has_errors then
    raise exception 'Upload % has errors and cannot be sent: fix them and upload the file again',
      create_job.upload_id using errcode = 'NTF01';
  end if;
  -- RecipientCSV.max_rows (notifications-utils, recipients.py); the check refuses such a file already.
  if v_check.row_count < 1 or v_check.row_count > 100000 then
    raise exception 'A job needs 1 to 100,000 rows; upload % has %', create_job.upload_id, v_check.row_count
      using errcode = 'NTF01';
  end if;
  if coalesce(btrim(create_job.original_file_name), '') = '' then
    raise exception 'original_file_name is required' using errcode = 'NTF01';
  end if;
  if create_job.contact_list_id is not null and not exists (
    select from app_public.service_contact_list c
    where c.id = create_job.contact_list_id and c.service_id = v_service.id
  ) then
    raise exception 'Contact list % not found', create_job.contact_list_id using errcode = 'NTF04';
  end if;
  if exists (select from app_public.jobs j where j.id = create_job.upload_id) then
    raise exception 'A job already exists for upload %', create_job.upload_id using errcode = 'NTF02';
  end if;

  insert into app_public.jobs (id, original_file_name, service_id, template_id, template_version,
    notification_count, created_by_id, scheduled_for, job_status, contact_list_id)
  values (create_job.upload_id, create_job.original_file_name, v_service.id, v_template.id, v_template.version,
    v_check.row_count, app_public.current_user_id(), create_job.scheduled_for,
    case when create_job.scheduled_for is null then 'pending' else 'scheduled' end, create_job.contact_list_id)
  returning * into v_job;

  if v_job.job_status = 'pending' then
    perform app_private.queue_process_jobs(array[v_job.id]);
  end if;
  return v_job;
end
$$;


--
-- Name: FUNCTION create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone, contact_list_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone, contact_list_id uuid) IS 'Create a job for a checked CSV upload (job id = upload id: its file is service-{service_id}-notify/{id}.csv in the CSV bucket). The upload must have been checked without errors against this service and template version (NTF04 never checked, NTF01 another template, template changed since, or errors); notification_count is the check''s row count. Needs send_texts / send_emails / send_letters for the template''s type. Notify''s refusals: service inactive, letter job from a trial service, template archived, scheduled_for in the past or more than 7 days ahead. Status scheduled when scheduled_for is given, else pending with process-job queued in the same transaction (job_key process-job:{id}, as the scheduled and stuck-job tasks queue it).';


--
-- Name: organisation; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.organisation (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    active boolean DEFAULT true NOT NULL,
    crown boolean,
    organisation_type text,
    email_branding_id uuid,
    letter_branding_id uuid,
    agreement_signed boolean,
    agreement_signed_at timestamp with time zone,
    agreement_signed_by_id uuid,
    agreement_signed_on_behalf_of_name character varying(255),
    agreement_signed_on_behalf_of_email_address character varying(255),
    agreement_signed_version double precision,
    request_to_go_live_notes text,
    notes text,
    purchase_order_number character varying(255),
    billing_contact_names text,
    billing_contact_email_addresses text,
    billing_reference character varying(255),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT organisation_name_check CHECK ((btrim((name)::text) <> ''::text))
);


--
-- Name: TABLE organisation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.organisation IS '@behavior -insert
Public body owning services. Its type and crown flag are copied to its services (billing allowance and letter rates depend on them); its default branding is given to its services that have none. Created through create_organisation.';


--
-- Name: create_organisation(text, text, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_organisation(name text, organisation_type text, crown boolean DEFAULT NULL::boolean) RETURNS app_public.organisation
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_name text := btrim(create_organisation.name);
  v_is_crown boolean;
  v_row app_public.organisation;
begin
  perform app_hidden.assert_platform_admin('create organisations');
  if v_name is null or v_name = '' or char_length(v_name) > 255 then
    raise exception 'Organisation name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  select t.is_crown into v_is_crown from app_public.organisation_types t where t.name = create_organisation.organisation_type;
  if not found then
    raise exception 'Invalid organisation type ''%''', create_organisation.organisation_type using errcode = 'NTF01';
  end if;
  if exists (select 1 from app_public.organisation o where lower(o.name) = lower(v_name)) then
    raise exception 'Organisation name ''%'' already exists', v_name using errcode = 'NTF02';
  end if;
  insert into app_public.organisation (name, organisation_type, crown)
  values (v_name, create_organisation.organisation_type, coalesce(create_organisation.crown, v_is_crown))
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION create_organisation(name text, organisation_type text, crown boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_organisation(name text, organisation_type text, crown boolean) IS 'Create an organisation (platform admins and DBAs). crown defaults to what the type implies; NHS types get NHS branding by trigger. NTF01 unknown type, NTF02 duplicate name (case-insensitive).';


--
-- Name: services; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.services (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    active boolean DEFAULT true NOT NULL,
    restricted boolean DEFAULT true NOT NULL,
    research_mode boolean DEFAULT false NOT NULL,
    created_by_id uuid NOT NULL,
    prefix_sms boolean DEFAULT true NOT NULL,
    organisation_id uuid,
    organisation_type text,
    crown boolean,
    rate_limit integer DEFAULT 3000 NOT NULL,
    email_message_limit bigint DEFAULT 999999999 NOT NULL,
    sms_message_limit bigint DEFAULT 999999999 NOT NULL,
    letter_message_limit bigint DEFAULT 999999999 NOT NULL,
    international_sms_message_limit bigint DEFAULT 250000 NOT NULL,
    email_from text NOT NULL,
    contact_link character varying(255),
    volume_sms integer,
    volume_email integer,
    volume_letter integer,
    consent_to_research boolean,
    count_as_live boolean DEFAULT true NOT NULL,
    go_live_user_id uuid,
    go_live_at timestamp with time zone,
    purchase_order_number character varying(255),
    billing_contact_names text,
    billing_contact_email_addresses text,
    billing_reference character varying(255),
    notes text,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT services_email_from_check CHECK ((email_from ~ '^[a-z0-9]+([._-][a-z0-9]+)*$'::text)),
    CONSTRAINT services_email_message_limit_check CHECK ((email_message_limit >= 0)),
    CONSTRAINT services_international_sms_message_limit_check CHECK ((international_sms_message_limit >= 0)),
    CONSTRAINT services_letter_message_limit_check CHECK ((letter_message_limit >= 0)),
    CONSTRAINT services_name_check CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT services_rate_limit_check CHECK ((rate_limit >= 0)),
    CONSTRAINT services_sms_message_limit_check CHECK ((sms_message_limit >= 0))
);


--
-- Name: TABLE services; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.services IS '@behavior -insert
The sending unit. Starts restricted (trial mode). Versioned into services_history. Created through create_service, which also adds the creator, default permissions, the default SMS sender and the annual billing row.';


--
-- Name: COLUMN services.rate_limit; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.services.rate_limit IS 'Requests allowed per 60 seconds per key type.';


--
-- Name: COLUMN services.email_from; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.services.email_from IS 'Local part of the from address (<email_from>@<NOTIFY_EMAIL_DOMAIN>), derived from the name by default.';


--
-- Name: COLUMN services.count_as_live; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.services.count_as_live IS 'False for services made by platform admins (tests, demos): excluded from live-service statistics.';


--
-- Name: COLUMN services.version; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.services.version IS 'Bumped on every change by trigger; each version is copied to services_history.';


--
-- Name: create_service(text, uuid, uuid, text, text[], boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid DEFAULT NULL::uuid, email_from text DEFAULT NULL::text, permissions text[] DEFAULT NULL::text[], restricted boolean DEFAULT true) RETURNS app_public.services
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;


--
-- Name: FUNCTION create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) IS 'Create a service in one transaction: creator on the team with every permission but platform_admin; organisation explicit or by the creator''s email domain (type and crown copied, default or NHS branding); count_as_live = not creator.platform_admin; default SMS sender GOVUK; default service permissions or exactly the given list; annual billing for the current year (trigger). NTF02 "Duplicate service name ''<n>''" also for an email_from clash. Security definer: a user may create services for themselves only, restricted, with the default permissions and their email domain''s organisation; only platform admins choose restricted, permissions or organisation.';


--
-- Name: create_template(uuid, text, text, text, text, text, uuid, uuid, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text DEFAULT NULL::text, postage text DEFAULT NULL::text, letter_contact_id uuid DEFAULT NULL::uuid, created_by_id uuid DEFAULT NULL::uuid, has_unsubscribe_link boolean DEFAULT false) RETURNS app_public.templates
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_type text := create_template.template_type;
  v_subject text := nullif(btrim(create_template.subject), '');
  v_postage text;
  v_by uuid;
  v_row app_public.templates;
begin
  select * into v_service from app_public.services s where s.id = create_template.service_id;
  if not found then
    raise exception 'Service % not found', create_template.service_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_service.id, 'manage_templates');
  if v_type is null or not exists (select 1 from app_public.template_type t where t.name = v_type) then
    raise exception 'Invalid template type ''%''', v_type using errcode = 'NTF01';
  end if;
  if nullif(btrim(create_template.name), '') is null or char_length(create_template.name) > 255 then
    raise exception 'Template name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  if create_template.content is null or btrim(create_template.content) = '' then
    raise exception 'Template content is required' using errcode = 'NTF01';
  end if;
  if v_type in ('email', 'letter') and v_subject is null then
    raise exception 'Subject is required for % templates', v_type using errcode = 'NTF01';
  end if;
  if v_type = 'sms' then
    v_subject := null;
  end if;
  if create_template.postage is not null and v_type <> 'letter' then
    raise exception 'Postage can only be set on letter templates' using errcode = 'NTF01';
  end if;
  if v_type = 'letter' then
    v_postage := coalesce(create_template.postage, 'second');
    if v_postage not in ('first', 'second', 'economy', 'europe', 'rest-of-world') then
      raise exception 'Invalid postage ''%''', v_postage using errcode = 'NTF01';
    end if;
  end if;
  -- As Notify (ck_templates_non_email_has_unsubscribe_false): only emails carry an unsubscribe link.
  if coalesce(create_template.has_unsubscribe_link, false) and v_type <> 'email' then
    raise exception 'Only email templates can have an unsubscribe link' using errcode = 'NTF01';
  end if;
  if create_template.letter_contact_id is not null and not exists (
    select 1 from app_public.service_letter_contacts c
    where c.id = create_template.letter_contact_id and c.service_id = v_service.id and not c.archived) then
    raise exception 'Letter contact % not found for service %', create_template.letter_contact_id, v_service.id
      using errcode = 'NTF04';
  end if;
  v_by := case when app_hidden.in_user_request() and not app_hidden.is_platform_admin() then app_public.current_user_id()
               else coalesce(create_template.created_by_id, app_public.current_user_id(), v_service.created_by_id) end;
  insert into app_public.templates (name, template_type, content, subject, postage, service_id, created_by_id,
                                    service_letter_contact_id, has_unsubscribe_link)
  values (btrim(create_template.name), v_type, create_template.content, v_subject, v_postage, v_service.id, v_by,
          create_template.letter_contact_id, coalesce(create_template.has_unsubscribe_link, false))
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid, has_unsubscribe_link boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid, has_unsubscribe_link boolean) IS 'Create a template at version 1 (history row by trigger). Subject required for email/letter; postage letters only (default second); has_unsubscribe_link emails only (Notify''s footer and one-click unsubscribe). Needs manage_templates. NTF01 invalid input, NTF04 unknown service or letter contact.';


--
-- Name: users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    email_address public.citext NOT NULL,
    mobile_number text,
    password_changed_at timestamp with time zone DEFAULT now() NOT NULL,
    logged_in_at timestamp with time zone,
    failed_login_count integer DEFAULT 0 NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    platform_admin boolean DEFAULT false NOT NULL,
    current_session_id uuid,
    auth_type text DEFAULT 'sms_auth'::text NOT NULL,
    email_access_validated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ck_user_has_mobile_or_other_auth CHECK (((auth_type = ANY (ARRAY['email_auth'::text, 'webauthn_auth'::text])) OR (mobile_number IS NOT NULL))),
    CONSTRAINT users_email_address_check CHECK (((char_length((email_address)::text) <= 255) AND (email_address OPERATOR(public.~~) '%_@_%'::public.citext))),
    CONSTRAINT users_failed_login_count_check CHECK ((failed_login_count >= 0)),
    CONSTRAINT users_name_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT users_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'active'::text, 'inactive'::text])))
);


--
-- Name: TABLE users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.users IS '@behavior -insert
Admin-UI people (team members, platform admins). Created through create_user; the password hash lives in app_private.user_secrets so it can never be selected through GraphQL.';


--
-- Name: COLUMN users.failed_login_count; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.failed_login_count IS 'Consecutive failed password checks; 10 or more locks the account.';


--
-- Name: COLUMN users.email_access_validated_at; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.users.email_access_validated_at IS 'Last time the user proved they can read their email (created, email login code verified, password reset by email link). The admin app asks email_auth users to re-validate when it is old.';


--
-- Name: create_user(text, text, text, boolean, text, text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_user(email_address text, name text, mobile_number text DEFAULT NULL::text, platform_admin boolean DEFAULT false, auth_type text DEFAULT 'sms_auth'::text, password text DEFAULT NULL::text) RETURNS app_public.users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
  v_email text := btrim(create_user.email_address);
  v_name text := btrim(create_user.name);
  v_mobile text := nullif(btrim(create_user.mobile_number), '');
  v_auth text := coalesce(create_user.auth_type, 'sms_auth');
  v_row app_public.users;
begin
  perform app_hidden.assert_platform_admin('create users');
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or char_length(v_email) > 255 then
    raise exception 'Not a valid email address' using errcode = 'NTF01';
  end if;
  if v_name is null or v_name = '' then
    raise exception 'Name is required' using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.auth_type a where a.name = v_auth) then
    raise exception 'Invalid auth type ''%''', v_auth using errcode = 'NTF01';
  end if;
  if v_auth = 'sms_auth' and v_mobile is null then
    raise exception 'Mobile number is required for sms_auth users' using errcode = 'NTF01';
  end if;
  if create_user.password is not null and char_length(create_user.password) < 8 then
    raise exception 'Password must be at least 8 characters' using errcode = 'NTF01';
  end if;
  if exists (select 1 from app_public.users u where u.email_address = v_email::citext) then
    raise exception 'User with email address % already exists', v_email using errcode = 'NTF02';
  end if;
  insert into app_public.users (name, email_address, mobile_number, platform_admin, auth_type, state)
  values (v_name, v_email, v_mobile, coalesce(create_user.platform_admin, false), v_auth, 'active')
  returning * into v_row;
  if create_user.password is not null then
    insert into app_private.user_secrets (user_id, password_hash)
    values (v_row.id, crypt(create_user.password, gen_salt('bf', 10)));
  end if;
  return v_row;
end
$_$;


--
-- Name: FUNCTION create_user(email_address text, name text, mobile_number text, platform_admin boolean, auth_type text, password text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_user(email_address text, name text, mobile_number text, platform_admin boolean, auth_type text, password text) IS 'Create an active user (platform admins and DBAs only). The password, if any, is stored as a bcrypt hash in app_private.user_secrets. NTF01 invalid input (sms_auth needs a mobile), NTF02 email already used (case-insensitive).';


--
-- Name: current_financial_year(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.current_financial_year() RETURNS integer
    LANGUAGE sql STABLE
    AS $$
  select app_public.financial_year(app_public.london_date(now()))
$$;


--
-- Name: FUNCTION current_financial_year(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.current_financial_year() IS 'The financial year of today in London.';


--
-- Name: current_user_id(); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.current_user_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
  select nullif(current_setting('jwt.claims.user_id', true), '')::uuid
$$;


--
-- Name: FUNCTION current_user_id(); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.current_user_id() IS 'The signed-in admin user of this request (claim jwt.claims.user_id set per transaction by the server); null for anonymous, the worker and DBAs.';


--
-- Name: default_free_sms_allowance(text, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.default_free_sms_allowance(organisation_type text, financial_year_start integer) RETURNS integer
    LANGUAGE plpgsql STABLE
    AS $$
declare
  v_allowance int;
begin
  select a.allowance into v_allowance
  from app_public.default_annual_allowance a
  where a.notification_type = 'sms'
    and a.organisation_type in (coalesce(default_free_sms_allowance.organisation_type, 'other'), 'other')
    and a.valid_from_financial_year_start <= default_free_sms_allowance.financial_year_start
  order by a.organisation_type = coalesce(default_free_sms_allowance.organisation_type, 'other') desc,
           a.valid_from_financial_year_start desc
  limit 1;
  if v_allowance is null then
    raise exception 'No default annual allowance for organisation type % in financial year %',
      coalesce(organisation_type, 'other'), financial_year_start using errcode = 'NTF04';
  end if;
  return v_allowance;
end
$$;


--
-- Name: FUNCTION default_free_sms_allowance(organisation_type text, financial_year_start integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.default_free_sms_allowance(organisation_type text, financial_year_start integer) IS 'Default free SMS fragments for an organisation type (other when null or missing) in a financial year: the row with the greatest valid_from_financial_year_start <= year. Raises NTF04 when the allowance data is missing, because billing must never silently assume 0.';


--
-- Name: email_safe(text); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.email_safe(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  select btrim(regexp_replace(regexp_replace(regexp_replace(lower(btrim(name)), '\s+', '.', 'g'), '[^a-z0-9.]', '', 'g'), '\.{2,}', '.', 'g'), '.')
$$;


--
-- Name: FUNCTION email_safe(name text); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.email_safe(name text) IS 'Notify''s email_safe: a service name as an email local part (lowercase, whitespace to dots, other symbols dropped, no repeated or edge dots). Default email_from of a new service.';


--
-- Name: financial_year(date); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.financial_year(d date) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  select extract(year from d)::int - case when extract(month from d) < 4 then 1 else 0 end
$$;


--
-- Name: FUNCTION financial_year(d date); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.financial_year(d date) IS 'Financial year (1 April to 31 March) a London date falls in, named by its starting year.';


--
-- Name: invite_user_to_service(uuid, text, text[], text, uuid[], uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.invite_user_to_service(service_id uuid, email_address text, permissions text[] DEFAULT '{}'::text[], auth_type text DEFAULT 'sms_auth'::text, folder_permissions uuid[] DEFAULT '{}'::uuid[], from_user_id uuid DEFAULT NULL::uuid) RETURNS app_public.invited_users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;


--
-- Name: FUNCTION invite_user_to_service(service_id uuid, email_address text, permissions text[], auth_type text, folder_permissions uuid[], from_user_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.invite_user_to_service(service_id uuid, email_address text, permissions text[], auth_type text, folder_permissions uuid[], from_user_id uuid) IS 'Invite someone by email address to join a service''s team (needs manage_users on it): the permissions they will get (permission_types), their auth type and optionally the service''s template folders they will see, as Notify''s invited_users. Pending until accepted (accept_invitation), cancelled (cancel_invitation) or 2 days old. NTF01 invalid input, NTF02 already a team member, NTF03 no permission, NTF04 unknown service or folder. from_user_id is for trusted callers; a request user is always the inviter.';


--
-- Name: job_statistics(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.job_statistics(job_id uuid) RETURNS TABLE(status text, count integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_job app_public.jobs;
begin
  select j.* into v_job from app_public.jobs j where j.id = job_statistics.job_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_job.service_id)) then
    raise exception 'No result found' using errcode = 'NTF04';
  end if;
  return query select o.status, o.count from app_hidden.job_outcomes(v_job.id, v_job.processing_started) o;
end
$$;


--
-- Name: FUNCTION job_statistics(job_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.job_statistics(job_id uuid) IS 'A job''s notification counts by status (the job page): from notifications while young, from ft_notification_status after (see app_hidden.job_outcomes). NTF04 "No result found" for a job that is missing or another service''s.';


--
-- Name: jobs_statistics(app_public.jobs); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.jobs_statistics(job app_public.jobs) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  -- The row comes from the caller, who could build one for another service's job by hand.
  perform app_hidden.assert_can_see_service(job.service_id);
  return (select coalesce(jsonb_agg(jsonb_build_object('status', o.status, 'count', o.count) order by o.status),
                          '[]'::jsonb)
          from app_hidden.job_outcomes(job.id, job.processing_started) o);
end
$$;


--
-- Name: FUNCTION jobs_statistics(job app_public.jobs); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.jobs_statistics(job app_public.jobs) IS 'Job.statistics in GraphQL: [{status, count}] as Notify''s jobs list gives it (see app_hidden.job_outcomes).';


--
-- Name: london_date(timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.london_date(ts timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  select (ts at time zone 'Europe/London')::date
$$;


--
-- Name: FUNCTION london_date(ts timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.london_date(ts timestamp with time zone) IS 'The London calendar day (bst_date) of an instant: billing and statistics days are London days.';


--
-- Name: london_midnight(date); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.london_midnight(d date) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  select d::timestamp at time zone 'Europe/London'
$$;


--
-- Name: FUNCTION london_midnight(d date); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.london_midnight(d date) IS 'The UTC instant a London day starts (23:00Z the day before during BST): day boundaries for created_at ranges.';


--
-- Name: organisation_sms_usage_for_year(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.organisation_sms_usage_for_year(organisation_id uuid, financial_year integer) RETURNS TABLE(service_id uuid, service_name text, free_sms_limit bigint, sms_remainder bigint, chargeable_units bigint, charged_units bigint, cost numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_services uuid[];
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin() and not exists (
    select 1 from app_public.user_to_organisation uo
    where uo.organisation_id = organisation_sms_usage_for_year.organisation_id
      and uo.user_id = app_public.current_user_id()) then
    raise exception 'Organisation % not found', organisation_sms_usage_for_year.organisation_id using errcode = 'NTF04';
  end if;
  select coalesce(array_agg(s.id), '{}') into v_services
  from app_public.services s
  where s.organisation_id = organisation_sms_usage_for_year.organisation_id and not s.restricted;
  -- The window in usage_rows is partitioned by service, so each service spends its own
  -- allowance; services without SMS rows still appear with their whole allowance left.
  return query
  with u as (
    select u.service_id, max(u.free_allowance) as free_allowance, min(u.free_allowance_left) as free_allowance_left,
           sum(u.chargeable_units) as chargeable_units, sum(u.charged_units) as charged_units, sum(u.cost) as cost
    from app_private.usage_rows(v_services, organisation_sms_usage_for_year.financial_year, array['sms']) u
    where u.notification_type = 'sms'
    group by u.service_id
  )
  select s.id, s.name::text,
         coalesce(u.free_allowance, ab.free_allowance)::bigint,
         coalesce(u.free_allowance_left, ab.free_allowance)::bigint,
         coalesce(u.chargeable_units, 0)::bigint,
         coalesce(u.charged_units, 0)::bigint,
         coalesce(u.cost, 0)
  from app_public.services s
  left join u on u.service_id = s.id
  cross join lateral (
    select coalesce(
      (select a.free_sms_fragment_limit from app_public.annual_billing a
       where a.service_id = s.id and a.financial_year_start = organisation_sms_usage_for_year.financial_year),
      app_public.default_free_sms_allowance(s.organisation_type, organisation_sms_usage_for_year.financial_year))
      as free_allowance
  ) ab
  where s.id = any(v_services)
  order by s.name;
end
$$;


--
-- Name: FUNCTION organisation_sms_usage_for_year(organisation_id uuid, financial_year integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.organisation_sms_usage_for_year(organisation_id uuid, financial_year integer) IS 'SMS usage of an organisation''s live services in a financial year, one row per service (services without SMS included): free allowance, allowance left, chargeable units, charged units, cost. Organisation members and platform admins.';


--
-- Name: inbound_sms; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.inbound_sms (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    service_id uuid NOT NULL,
    notify_number text NOT NULL,
    user_number text NOT NULL,
    provider_date timestamp with time zone,
    provider_reference text,
    provider text NOT NULL,
    content bytea NOT NULL
);


--
-- Name: TABLE inbound_sms; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.inbound_sms IS '@behavior -insert -update -delete
Texts received on a service''s inbound number; insert-only. Moved to inbound_sms_history (without number and content) after retention.';


--
-- Name: COLUMN inbound_sms.content; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.inbound_sms.content IS '@behavior -*
AES-encrypted message text; read it with app_hidden.inbound_sms_content or app_hidden.received_text_messages.';


--
-- Name: receive_sms(text, text, text, text, text, timestamp with time zone); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.receive_sms(notify_number text, user_number text, content text, provider text DEFAULT 'sms-stub'::text, provider_reference text DEFAULT NULL::text, provider_date timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS app_public.inbound_sms
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_number app_public.inbound_numbers;
  v_row app_public.inbound_sms;
begin
  perform app_hidden.assert_platform_admin('record received text messages');
  if nullif(btrim(receive_sms.user_number), '') is null then
    raise exception 'user_number is required' using errcode = 'NTF01';
  end if;
  select * into v_number from app_public.inbound_numbers n
  where app_hidden.normalise_phone_digits(n.number) = app_hidden.normalise_phone_digits(receive_sms.notify_number)
    and n.active and n.service_id is not null;
  if not found then
    raise exception 'Inbound number % not found', receive_sms.notify_number using errcode = 'NTF04';
  end if;
  insert into app_public.inbound_sms (service_id, notify_number, user_number, provider_date, provider_reference, provider, content)
  values (v_number.service_id, v_number.number, btrim(receive_sms.user_number), receive_sms.provider_date,
          receive_sms.provider_reference, coalesce(receive_sms.provider, v_number.provider),
          app_private.encrypt(coalesce(receive_sms.content, '')))
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone) IS 'Record a text received on an inbound number for the service that owns it (content encrypted). Called by provider webhooks (API server), the CLI and platform admins. NTF04 "Inbound number <n> not found" when unknown, inactive or unassigned.';


--
-- Name: returned_letter_days(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.returned_letter_days(service_id uuid) RETURNS TABLE(returned_letter_count integer, reported_at text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_hidden.assert_can_see_service(returned_letter_days.service_id);
  -- One row per day a report came in, newest first: the list of reports a service can open.
  return query
  select count(*)::int, to_char(r.reported_at, 'YYYY-MM-DD')
  from app_public.returned_letters r
  where r.service_id = returned_letter_days.service_id
  group by r.reported_at
  order by r.reported_at desc;
end
$$;


--
-- Name: FUNCTION returned_letter_days(service_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.returned_letter_days(service_id uuid) IS 'Returned letters per report day, newest first: [{returned_letter_count, reported_at "YYYY-MM-DD"}] as Notify''s returned-letter-summary. NTF04 for a service the caller cannot see.';


--
-- Name: returned_letter_summary(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.returned_letter_summary(service_id uuid) RETURNS TABLE(returned_letter_count integer, most_recent_report timestamp without time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION returned_letter_summary(service_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.returned_letter_summary(service_id uuid) IS 'Dashboard summary of returned letters: how many were reported in the last 7 London days and when the latest report was (null if never). Its own cheap query.';


--
-- Name: returned_letters_report(uuid, date); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.returned_letters_report(service_id uuid, report_date date) RETURNS TABLE(notification_id uuid, client_reference text, reported_at text, created_at text, template_name text, template_id uuid, template_version integer, user_name text, email_address text, original_file_name text, job_row_number integer, uploaded_letter_file_name text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_hidden.assert_can_see_service(returned_letters_report.service_id);
  return query
  select r.notification_id,
         -- only API letters carry a reference the service chose
         case when n.api_key_id is not null then n.client_reference end,
         to_char(r.reported_at, 'YYYY-MM-DD'),
         to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
         -- a precompiled (hidden) template says nothing about the letter
         case when not t.hidden then t.name::text end,
         case when not t.hidden then n.template_id end,
         case when not t.hidden then n.template_version end,
         coalesce(u.name::text, 'API'),
         coalesce(u.email_address::text, 'API'),
         j.original_file_name::text,
         n.job_row_number + 1, -- row numbers are stored from 0, people count from 1
         -- a letter uploaded through the website is known by its file name
         case when t.hidden and n.api_key_id is null then n.client_reference end
  from app_public.returned_letters r
  join app_public.notifications_all_time_view n on n.id = r.notification_id
  join app_public.templates t on t.id = n.template_id
  left join app_public.users u on u.id = n.created_by_id
  left join app_public.jobs j on j.id = n.job_id
  where r.service_id = returned_letters_report.service_id
    and r.reported_at = returned_letters_report.report_date
  order by n.created_at desc, r.notification_id;
end
$$;


--
-- Name: FUNCTION returned_letters_report(service_id uuid, report_date date); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.returned_letters_report(service_id uuid, report_date date) IS 'The returned letters reported on one day, newest letter first, with Notify''s report fields and formats (created_at "YYYY-MM-DD HH:MM:SS.ffffff" UTC, reported_at "YYYY-MM-DD"; template fields null for precompiled letters; client_reference only for API letters; user "API" when none; job_row_number from 1). Live or archived letters. NTF04 for a service the caller cannot see.';


--
-- Name: api_keys; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.api_keys (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    secret bytea NOT NULL,
    service_id uuid NOT NULL,
    key_type text NOT NULL,
    expiry_date timestamp with time zone,
    created_by_id uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT api_keys_name_check CHECK ((btrim((name)::text) <> ''::text))
);


--
-- Name: TABLE api_keys; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.api_keys IS '@behavior -insert
API keys of a service. The secret is shown once by create_api_key and stored AES-encrypted; an expiry_date means revoked. Versioned into api_keys_history.';


--
-- Name: COLUMN api_keys.secret; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.api_keys.secret IS '@behavior -*
AES-encrypted uuid4 text (app_private.encrypt); only app_hidden.service_api_keys decrypts it, for JWT verification.';


--
-- Name: revoke_api_key(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.revoke_api_key(id uuid) RETURNS app_public.api_keys
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_row app_public.api_keys;
begin
  select * into v_row from app_public.api_keys k where k.id = revoke_api_key.id;
  if not found then
    raise exception 'API key % not found', revoke_api_key.id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_row.service_id, 'manage_api_keys');
  if v_row.expiry_date is null then
    update app_public.api_keys k set expiry_date = now() where k.id = v_row.id returning * into v_row;
  end if;
  return v_row;
end
$$;


--
-- Name: FUNCTION revoke_api_key(id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.revoke_api_key(id uuid) IS 'Revoke an API key (expiry_date = now); idempotent. Revoked keys still authenticate far enough to report "API key revoked". Needs manage_api_keys.';


--
-- Name: service_annual_usage_for_year(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_annual_usage_for_year(service_id uuid, financial_year integer) RETURNS TABLE(notification_type text, rate numeric, chargeable_units bigint, notifications_sent bigint, free_allowance_used bigint, charged_units bigint, cost numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION service_annual_usage_for_year(service_id uuid, financial_year integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_annual_usage_for_year(service_id uuid, financial_year integer) IS 'A service''s usage totals for a financial year per type and rate. Same columns as service_usage_for_year without month and postage.';


--
-- Name: service_contact_list_created_by_name(app_public.service_contact_list); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_contact_list_created_by_name(list app_public.service_contact_list) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  -- security invoker: the users table shows a caller their team mates.
  select u.name from app_public.users u where u.id = list.created_by_id
$$;


--
-- Name: FUNCTION service_contact_list_created_by_name(list app_public.service_contact_list); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_contact_list_created_by_name(list app_public.service_contact_list) IS 'Name of the user who saved the list (Notify''s created_by in the list object).';


--
-- Name: service_contact_list_has_jobs(app_public.service_contact_list); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_contact_list_has_jobs(list app_public.service_contact_list) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  -- security invoker: a caller sees only the jobs of services they can see.
  select exists (select 1 from app_public.jobs j where j.contact_list_id = list.id)
$$;


--
-- Name: FUNCTION service_contact_list_has_jobs(list app_public.service_contact_list); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_contact_list_has_jobs(list app_public.service_contact_list) IS 'Whether any job was ever sent from the list (Notify''s has_jobs).';


--
-- Name: service_contact_list_recent_job_count(app_public.service_contact_list); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_contact_list_recent_job_count(list app_public.service_contact_list) RETURNS integer
    LANGUAGE sql STABLE
    AS $$
  -- Notify's recent_job_count: jobs sent from the list within the service's retention for the
  -- list's type (7 days without one), counted from the start of processing (else creation) against
  -- the date that many days before today. security invoker: row level security applies.
  select count(*)::int
  from app_public.jobs j
  where j.contact_list_id = list.id
    and coalesce(j.processing_started, j.created_at) >= app_public.london_midnight(
          app_public.london_date(now())
          - coalesce((select r.days_of_retention from app_public.service_data_retention r
                      where r.service_id = list.service_id and r.notification_type = list.template_type), 7))
$$;


--
-- Name: FUNCTION service_contact_list_recent_job_count(list app_public.service_contact_list); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_contact_list_recent_job_count(list app_public.service_contact_list) IS 'Jobs sent from the list whose processing started (else creation) since London midnight of today minus the service''s retention days for the list''s type (default 7): Notify''s recent_job_count.';


--
-- Name: service_contact_lists(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_contact_lists(service_id uuid) RETURNS SETOF app_public.service_contact_list
    LANGUAGE plpgsql STABLE
    AS $$
begin
  perform app_hidden.assert_can_see_service(service_contact_lists.service_id);
  -- security invoker: row level security applies as well.
  return query
  select l.* from app_public.service_contact_list l
  where l.service_id = service_contact_lists.service_id and not l.archived
  order by l.created_at desc;
end
$$;


--
-- Name: FUNCTION service_contact_lists(service_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_contact_lists(service_id uuid) IS 'A service''s contact lists not archived, newest first; row_count, template_type and the computed hasJobs, recentJobCount, createdByName give Notify''s list object. NTF04 for a service the caller cannot see.';


--
-- Name: service_jobs(uuid, uuid, integer, text[]); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_jobs(service_id uuid, contact_list_id uuid DEFAULT NULL::uuid, limit_days integer DEFAULT NULL::integer, statuses text[] DEFAULT NULL::text[]) RETURNS SETOF app_public.jobs
    LANGUAGE plpgsql STABLE
    AS $$
begin
  perform app_hidden.assert_can_see_service(service_jobs.service_id);
  -- Notify's jobs page: one-off sends ("Test message", "Report") are jobs in name only.
  -- Newest first; jobs not started yet (processing_started null) sort first, as in Notify.
  -- security invoker: row level security applies as well.
  return query
  select j.* from app_public.jobs j
  where j.service_id = service_jobs.service_id
    and j.original_file_name not in ('Test message', 'Report')
    and (service_jobs.contact_list_id is null or j.contact_list_id = service_jobs.contact_list_id)
    and (limit_days is null
         or j.created_at >= app_public.london_midnight(app_public.london_date(now()) - limit_days))
    and (statuses is null or cardinality(statuses) = 0 or j.job_status = any(statuses))
  order by j.processing_started desc nulls first, j.created_at desc;
end
$$;


--
-- Name: FUNCTION service_jobs(service_id uuid, contact_list_id uuid, limit_days integer, statuses text[]); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_jobs(service_id uuid, contact_list_id uuid, limit_days integer, statuses text[]) IS 'A service''s jobs, newest first (processing_started desc, created_at desc), without one-off sends; optionally those sent from one contact list, created since London midnight limit_days ago, or in the given statuses. Paginate with first/offset (GraphQL) or limit/offset. NTF04 for a service the caller cannot see.';


--
-- Name: service_uploaded_letters(uuid, date); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_uploaded_letters(service_id uuid, print_date date) RETURNS TABLE(id uuid, file_name text, recipient text, notification_status text, created_at timestamp with time zone, created_by_name text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_hidden.assert_can_see_service(service_uploaded_letters.service_id);
  -- The letters behind one "Uploaded letters" row of service_uploads: the same letters (uploaded
  -- as PDFs through the website, not cancelled), those printing on print_date, newest first.
  return query
  select n.id, n.client_reference, n."to", n.notification_status, n.created_at, u.name::text
  from app_public.notifications n
  join app_public.templates t on t.id = n.template_id
  left join app_public.users u on u.id = n.created_by_id
  where n.service_id = service_uploaded_letters.service_id
    and n.notification_type = 'letter'
    and n.api_key_id is null
    and n.notification_status <> 'cancelled'
    and t.hidden
    -- the print date moves a letter after the 17:30 cut-off to the next day
    and n.created_at >= (service_uploaded_letters.print_date - 1 + time '17:30') at time zone 'Europe/London'
    and n.created_at < (service_uploaded_letters.print_date + time '17:30') at time zone 'Europe/London'
  order by n.created_at desc, n.id;
end
$$;


--
-- Name: FUNCTION service_uploaded_letters(service_id uuid, print_date date); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_uploaded_letters(service_id uuid, print_date date) IS 'The letters uploaded as PDFs through the website that print on print_date (created from 17:30 London the day before to 17:30 that day), newest first: file name (client_reference), recipient address, status, who uploaded it. NTF04 for a service the caller cannot see.';


--
-- Name: service_uploads(uuid, integer, integer, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_uploads(service_id uuid, limit_days integer DEFAULT NULL::integer, page integer DEFAULT 1, page_size integer DEFAULT 50) RETURNS TABLE(id uuid, original_file_name text, notification_count integer, template_type text, created_at timestamp with time zone, scheduled_for timestamp with time zone, processing_started timestamp with time zone, upload_type text, recipient text, statistics jsonb, total integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
declare
  v_today date := app_public.london_date(now());
  v_since timestamptz := case when limit_days is not null
                              then app_public.london_midnight(app_public.london_date(now()) - limit_days) end;
  v_letter_days int;
begin
  perform app_hidden.assert_can_see_service(service_uploads.service_id);
  if page is null or page < 1 or page_size is null or page_size < 1 then
    raise exception 'page and page_size must be 1 or more' using errcode = 'NTF01';
  end if;
  select r.days_of_retention into v_letter_days from app_public.service_data_retention r
  where r.service_id = service_uploads.service_id and r.notification_type = 'letter';
  return query
  with uploaded_jobs as (
    -- CSV jobs still within retention, as Notify's uploads page shows them: not one-off sends
    -- ("Test message", "Report"), not cancelled or still scheduled, not sent from a contact list
    -- (those are listed with the list).
    select j.id, j.original_file_name, j.notification_count, t.template_type, j.created_at, j.scheduled_for,
           j.processing_started, 'job'::text as upload_type, null::text as recipient, null::jsonb as statistics
    from app_public.jobs j
    join app_public.templates t on t.id = j.template_id
    left join app_public.service_data_retention r
      on r.service_id = j.service_id and r.notification_type = t.template_type
    where j.service_id = service_uploads.service_id
      and j.original_file_name not in ('Test message', 'Report')
      and j.job_status not in ('cancelled', 'scheduled')
      and j.contact_list_id is null
      and coalesce(j.processing_started, j.created_at)
          >= app_public.london_midnight(v_today - coalesce(r.days_of_retention, 7))
      and (v_since is null or j.created_at >= v_since)
  ), letters_by_status as (
    -- Letters uploaded as PDFs through the website (precompiled, so a hidden template, and no API
    -- key), grouped by the day they go to print: one row per print day, as Notify's uploads page.
    select app_hidden.letter_print_date(n.created_at) as print_day, n.notification_status,
           count(*)::int as n, min(n."to") as any_to
    from app_public.notifications n
    join app_public.templates t on t.id = n.template_id
    where n.service_id = service_uploads.service_id
      and n.notification_type = 'letter'
      and n.api_key_id is null
      and n.notification_status <> 'cancelled'
      and t.hidden
      and n.created_at >= app_public.london_midnight(v_today - coalesce(v_letter_days, 7))
      and (v_since is null or n.created_at >= v_since)
    group by 1, 2
  ), letter_days as (
    -- Printing starts at 17:30 London time on the print day: the row's time. A day with a single
    -- letter shows its recipient (the address read from the PDF), so it can be told from others.
    select null::uuid as id, 'Uploaded letters'::text as original_file_name, sum(l.n)::int as notification_count,
           'letter'::text as template_type,
           (l.print_day + time '17:30') at time zone 'Europe/London' as created_at,
           null::timestamptz as scheduled_for,
           (l.print_day + time '17:30') at time zone 'Europe/London' as processing_started,
           'letter_day'::text as upload_type,
           case when sum(l.n) = 1 then min(l.any_to) end as recipient,
           jsonb_agg(jsonb_build_object('status', l.notification_status, 'count', l.n)
                     order by l.notification_status) as statistics
    from letters_by_status l
    group by l.print_day
  ), listed as (
    select u.*, count(*) over ()::int as total
    from (select * from uploaded_jobs union all select * from letter_days) u
    order by u.processing_started desc nulls first, u.created_at desc, u.id
    offset (page - 1) * page_size
    limit page_size
  )
  select l.id, l.original_file_name, l.notification_count, l.template_type, l.created_at, l.scheduled_for,
         l.processing_started, l.upload_type, l.recipient,
         case when l.upload_type = 'job' then (
           select coalesce(jsonb_agg(jsonb_build_object('status', o.status, 'count', o.count) order by o.status),
                           '[]'::jsonb)
           from app_hidden.job_outcomes(l.id, l.processing_started) o)
         else l.statistics end,
         l.total
  from listed l
  order by l.processing_started desc nulls first, l.created_at desc, l.id;
end
$$;


--
-- Name: FUNCTION service_uploads(service_id uuid, limit_days integer, page integer, page_size integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_uploads(service_id uuid, limit_days integer, page integer, page_size integer) IS 'Notify''s uploads page, one page (page_size rows, total = rows on all pages): the service''s CSV jobs within retention (not one-off, cancelled, scheduled or from a contact list) and its letters uploaded as PDFs grouped by print day ("Uploaded letters", upload_type letter_day, created_at = 17:30 London on that day, recipient when the day has one letter), newest first, each with [{status, count}] statistics. limit_days: created since London midnight that many days ago. NTF04 for a service the caller cannot see.';


--
-- Name: service_usage_for_year(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.service_usage_for_year(service_id uuid, financial_year integer) RETURNS TABLE(month date, notification_type text, rate numeric, postage text, chargeable_units bigint, notifications_sent bigint, free_allowance_used bigint, charged_units bigint, cost numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  perform app_hidden.assert_can_see_service(service_usage_for_year.service_id);
  -- Today's rows come from the hourly update-ft-billing-for-today task: a report stays
  -- read-only (a GraphQL query, not a mutation).
  return query
  select date_trunc('month', u.bst_date)::date, u.notification_type, u.rate, u.postage,
         sum(u.chargeable_units)::bigint, sum(u.notifications_sent)::bigint, sum(u.free_allowance_used)::bigint,
         sum(u.charged_units)::bigint, sum(u.cost)
  from app_private.usage_rows(array[service_usage_for_year.service_id], service_usage_for_year.financial_year) u
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4;
end
$$;


--
-- Name: FUNCTION service_usage_for_year(service_id uuid, financial_year integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.service_usage_for_year(service_id uuid, financial_year integer) IS 'A service''s usage in a financial year, one row per month, type, rate and postage: chargeable units (SMS fragments x multiplier; letters and emails = count), notifications sent, free SMS allowance used (spent on the earliest rows of the year), charged units and cost in pounds. Team members and platform admins.';


--
-- Name: set_annual_billing(uuid, integer, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer DEFAULT NULL::integer) RETURNS app_public.annual_billing
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_year int := coalesce(set_annual_billing.financial_year_start, app_public.current_financial_year());
  v_row app_public.annual_billing;
begin
  perform app_hidden.assert_platform_admin('set the free text message allowance');
  if set_annual_billing.free_sms_fragment_limit is null or set_annual_billing.free_sms_fragment_limit < 0 then
    raise exception 'free_sms_fragment_limit must be 0 or more' using errcode = 'NTF01';
  end if;
  if v_year < 2016 then
    raise exception 'No valid year provided' using errcode = 'NTF01';
  end if;
  if not exists (select 1 from app_public.services s where s.id = set_annual_billing.service_id) then
    raise exception 'Service % not found', set_annual_billing.service_id using errcode = 'NTF04';
  end if;
  insert into app_public.annual_billing (service_id, financial_year_start, free_sms_fragment_limit, has_custom_allowance)
  values (set_annual_billing.service_id, v_year, set_annual_billing.free_sms_fragment_limit, true)
  on conflict (service_id, financial_year_start) do update
    set free_sms_fragment_limit = excluded.free_sms_fragment_limit, has_custom_allowance = true
  returning * into v_row;
  if v_year >= app_public.current_financial_year() then
    update app_public.annual_billing ab
    set free_sms_fragment_limit = set_annual_billing.free_sms_fragment_limit, has_custom_allowance = true
    where ab.service_id = set_annual_billing.service_id and ab.financial_year_start > v_year;
  end if;
  return v_row;
end
$$;


--
-- Name: FUNCTION set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer) IS 'POST free-sms-fragment-limit: upsert the allowance for a year (default current) and, for the current or a future year, every later year already present. Marks it custom so the 1 April roll-over keeps it. Platform admins only.';


--
-- Name: service_callback_api; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_callback_api (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    url text NOT NULL,
    bearer_token bytea NOT NULL,
    callback_type text NOT NULL,
    updated_by_id uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT service_callback_api_url_check CHECK ((url ~ '^https?://'::text))
);


--
-- Name: TABLE service_callback_api; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_callback_api IS '@behavior -insert
Where a service wants delivery receipts, complaints, returned letters and inbound texts POSTed. One table for all types (Notify kept inbound in service_inbound_api; see that view). Set through set_service_callback_api, which encrypts the token. Versioned.';


--
-- Name: COLUMN service_callback_api.bearer_token; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.service_callback_api.bearer_token IS '@behavior -*
AES-encrypted (app_private.encrypt); decrypted only by app_hidden.service_callback for the worker.';


--
-- Name: set_service_callback_api(uuid, text, text, text, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid DEFAULT NULL::uuid) RETURNS app_public.service_callback_api
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
  v_service app_public.services;
  v_url text := btrim(set_service_callback_api.url);
  v_row app_public.service_callback_api;
begin
  select * into v_service from app_public.services s where s.id = set_service_callback_api.service_id;
  if not found or (app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id)) then
    raise exception 'Service % not found', set_service_callback_api.service_id using errcode = 'NTF04';
  end if;
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(v_service.id, 'manage_settings') then
    raise exception 'Permission denied: manage_settings needed on service %', v_service.id using errcode = 'NTF03';
  end if;
  if not exists (select 1 from app_public.service_callback_type t where t.name = set_service_callback_api.callback_type) then
    raise exception 'Invalid callback type ''%''', set_service_callback_api.callback_type using errcode = 'NTF01';
  end if;
  if v_url is null or not (v_url ~ '^https://[^/[:space:]]+' or v_url ~ '^http://(localhost|127\.0\.0\.1)([:/]|$)') then
    raise exception 'url is not a valid https url' using errcode = 'NTF01';
  end if;
  -- A user name or password in the URL would be sent to whatever host it really names
  -- (https://trusted.example@other.example/): the bearer token is the only credential callbacks carry.
  if v_url ~ '^[a-z]+://[^/?#]*@' then
    raise exception 'url must not contain a user name or password' using errcode = 'NTF01';
  end if;
  if set_service_callback_api.bearer_token is null or char_length(set_service_callback_api.bearer_token) < 10 then
    raise exception 'bearer_token must be at least 10 characters' using errcode = 'NTF01';
  end if;
  insert into app_public.service_callback_api (service_id, url, bearer_token, callback_type, updated_by_id)
  values (v_service.id, v_url, app_private.encrypt(set_service_callback_api.bearer_token), set_service_callback_api.callback_type,
          coalesce(app_public.current_user_id(), set_service_callback_api.updated_by_id, v_service.created_by_id))
  on conflict (service_id, callback_type) do update
    set url = excluded.url, bearer_token = excluded.bearer_token, updated_by_id = excluded.updated_by_id
  returning * into v_row;
  return v_row;
end
$_$;


--
-- Name: FUNCTION set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) IS 'Create or replace a service''s callback of a type (delivery_status, complaint, returned_letter, inbound_sms). https only (http allowed for localhost in development), no user name or password in it; token >= 10 characters, stored encrypted. Needs manage_settings.';


--
-- Name: template_last_used(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.template_last_used(template_id uuid) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: FUNCTION template_last_used(template_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.template_last_used(template_id uuid) IS 'When a template was last used by a non-test notification: the newest created_at in notifications, else the London midnight of its latest day in ft_notification_status, else null.';


--
-- Name: template_usage(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.template_usage(service_id uuid, days integer DEFAULT 7) RETURNS TABLE(template_id uuid, template_name text, template_type text, is_precompiled_letter boolean, notification_count bigint, last_used date)
    LANGUAGE sql STABLE
    AS $$
  -- The last `days` London days: the facts for the whole days before today, the live
  -- table for today (not aggregated yet). Non-test keys. security invoker (RLS).
  with counts as (
    select f.template_id, sum(f.notification_count)::bigint as n, max(f.bst_date) as last_day
    from app_public.ft_notification_status f
    where f.service_id = template_usage.service_id
      and f.bst_date >= app_public.london_date(now()) - greatest(template_usage.days - 1, 0)
      and f.bst_date < app_public.london_date(now())
      and f.key_type <> 'test'
    group by f.template_id
    union all
    select n.template_id, count(*), app_public.london_date(now())
    from app_public.notifications n
    where n.service_id = template_usage.service_id
      and n.created_at >= app_public.london_midnight(app_public.london_date(now()))
      and n.key_type <> 'test'
      and template_usage.days >= 1
    group by n.template_id
  )
  select c.template_id, t.name::text, t.template_type, (t.hidden and t.template_type = 'letter'),
         sum(c.n)::bigint, max(c.last_day)
  from counts c join app_public.templates t on t.id = c.template_id
  group by c.template_id, t.name, t.template_type, t.hidden
  order by sum(c.n) desc, t.name
$$;


--
-- Name: FUNCTION template_usage(service_id uuid, days integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.template_usage(service_id uuid, days integer) IS 'How often each template of a service was used in the last `days` London days including today (non-test): count and latest day, most used first.';


--
-- Name: templates_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.templates_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    template_type text NOT NULL,
    content text NOT NULL,
    subject text,
    archived boolean DEFAULT false NOT NULL,
    hidden boolean DEFAULT false NOT NULL,
    postage text,
    service_id uuid NOT NULL,
    created_by_id uuid NOT NULL,
    service_letter_contact_id uuid,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    has_unsubscribe_link boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_templates_history_non_email_has_unsubscribe_false CHECK (((template_type = 'email'::text) OR (NOT has_unsubscribe_link))),
    CONSTRAINT ck_templates_postage CHECK ((((template_type = 'letter'::text) AND (postage = ANY (ARRAY['first'::text, 'second'::text, 'economy'::text, 'europe'::text, 'rest-of-world'::text]))) OR ((template_type <> 'letter'::text) AND (postage IS NULL)))),
    CONSTRAINT ck_templates_subject CHECK (((template_type = 'sms'::text) OR (subject IS NOT NULL))),
    CONSTRAINT templates_name_check CHECK ((btrim((name)::text) <> ''::text))
);


--
-- Name: TABLE templates_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.templates_history IS '@behavior -insert -update -delete
Every version of every template, all columns, pk (id, version). Written only by the _500_history trigger; notifications and jobs reference (id, version) so the exact text sent can be read back.';


--
-- Name: template_version(uuid, integer); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.template_version(template_id uuid, version integer) RETURNS app_public.templates_history
    LANGUAGE plpgsql STABLE
    AS $$
#variable_conflict use_column
declare
  v_row app_public.templates_history;
begin
  select * into v_row from app_public.templates_history h
  where h.id = template_version.template_id and h.version = template_version.version;
  if not found then
    raise exception 'Template % version % not found', template_version.template_id, template_version.version
      using errcode = 'NTF04';
  end if;
  return v_row;
end
$$;


--
-- Name: FUNCTION template_version(template_id uuid, version integer); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.template_version(template_id uuid, version integer) IS 'A template exactly as it was at a version (GET /v2/template/{id}/version/{n}, rendering an old notification). NTF04 when missing or not visible.';


--
-- Name: update_template(uuid, text, text, text, uuid, boolean, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.update_template(template_id uuid, name text DEFAULT NULL::text, content text DEFAULT NULL::text, subject text DEFAULT NULL::text, letter_contact_id uuid DEFAULT NULL::uuid, archived boolean DEFAULT NULL::boolean, has_unsubscribe_link boolean DEFAULT NULL::boolean) RETURNS app_public.templates
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
  v_old app_public.templates;
  v_row app_public.templates;
begin
  select * into v_old from app_public.templates t where t.id = update_template.template_id for update;
  if not found then
    raise exception 'Template % not found', update_template.template_id using errcode = 'NTF04';
  end if;
  perform app_hidden.assert_service_permission(v_old.service_id, 'manage_templates');
  if update_template.name is not null and (btrim(update_template.name) = '' or char_length(update_template.name) > 255) then
    raise exception 'Template name must be 1 to 255 characters' using errcode = 'NTF01';
  end if;
  if update_template.content is not null and btrim(update_template.content) = '' then
    raise exception 'Template content is required' using errcode = 'NTF01';
  end if;
  if update_template.subject is not null and btrim(update_template.subject) = '' and v_old.template_type <> 'sms' then
    raise exception 'Subject is required for % templates', v_old.template_type using errcode = 'NTF01';
  end if;
  if update_template.letter_contact_id is not null and not exists (
    select 1 from app_public.service_letter_contacts c
    where c.id = update_template.letter_contact_id and c.service_id = v_old.service_id and not c.archived) then
    raise exception 'Letter contact % not found for service %', update_template.letter_contact_id, v_old.service_id
      using errcode = 'NTF04';
  end if;
  if update_template.has_unsubscribe_link and v_old.template_type <> 'email' then
    raise exception 'Only email templates can have an unsubscribe link' using errcode = 'NTF01';
  end if;
  update app_public.templates t
  set name = coalesce(btrim(update_template.name), t.name),
      content = coalesce(update_template.content, t.content),
      subject = case when t.template_type = 'sms' then null else coalesce(btrim(update_template.subject), t.subject) end,
      service_letter_contact_id = coalesce(update_template.letter_contact_id, t.service_letter_contact_id),
      archived = coalesce(update_template.archived, t.archived),
      has_unsubscribe_link = coalesce(update_template.has_unsubscribe_link, t.has_unsubscribe_link),
      created_by_id = coalesce(app_public.current_user_id(), t.created_by_id),
      version = t.version + 1
  where t.id = v_old.id
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean, has_unsubscribe_link boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean, has_unsubscribe_link boolean) IS 'Edit a template: every call is a new version and history row (as Notify''s dao_update_template), even when only the name or nothing changes. Null arguments keep the current value. Needs manage_templates; NTF04 if the template is unknown or not visible.';


--
-- Name: update_user_password(uuid, text, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.update_user_password(user_id uuid, password text, validated_email_access boolean DEFAULT false) RETURNS app_public.users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION update_user_password(user_id uuid, password text, validated_email_access boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.update_user_password(user_id uuid, password text, validated_email_access boolean) IS 'Set a user''s password (plain text in, bcrypt hash stored). validated_email_access = true when the reset came through the emailed link while logged out, which proves email access. Self or platform admin.';


--
-- Name: user_verified_email_code(uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.user_verified_email_code(user_id uuid) RETURNS app_public.users
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: FUNCTION user_verified_email_code(user_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.user_verified_email_code(user_id uuid) IS 'Record a sign-in completed with an emailed code/link: new session, failed count reset, and email_access_validated_at = now (the code proves access to the address). Refused (NTF03 "Maximum login count exceeded") once the account is locked by 10 failed logins.';


--
-- Name: csv_upload_rows; Type: TABLE; Schema: app_private; Owner: -
--

CREATE UNLOGGED TABLE app_private.csv_upload_rows (
    upload_id uuid NOT NULL,
    row_number integer NOT NULL,
    "to" text NOT NULL,
    normalised_to text,
    personalisation jsonb,
    billable_units integer,
    international boolean,
    phone_prefix text,
    rate_multiplier numeric,
    reply_to_text text,
    postage text,
    reference text,
    status text,
    persist boolean DEFAULT true NOT NULL,
    CONSTRAINT csv_upload_rows_row_number_check CHECK ((row_number >= 0))
);


--
-- Name: TABLE csv_upload_rows; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.csv_upload_rows IS 'The rows of a checked upload as the check prepared them (filled by COPY as the check reads the file), for process-job to store without checking the file again. They hold what the file holds, for no longer: removed when the job has run, or with the file of an upload not sent.';


--
-- Name: csv_uploads; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.csv_uploads (
    id uuid NOT NULL,
    service_id uuid NOT NULL,
    template_id uuid NOT NULL,
    template_version integer NOT NULL,
    row_count integer NOT NULL,
    has_errors boolean NOT NULL,
    checked_at timestamp with time zone DEFAULT now() NOT NULL,
    checked_by_id uuid,
    staged_rows integer,
    CONSTRAINT csv_uploads_row_count_check CHECK ((row_count >= 0))
);


--
-- Name: TABLE csv_uploads; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.csv_uploads IS 'The last check of each uploaded recipients file (id = upload id = the job id it may become): its service, template and version, row count (data rows, blank rows not counted: the job_row_numbers 0..row_count-1 process-job gives), whether the report had errors, when and by whom.';


--
-- Name: COLUMN csv_uploads.staged_rows; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON COLUMN app_private.csv_uploads.staged_rows IS 'How many rows the last check kept in app_private.csv_upload_rows (null: none kept, or a check under way).';


--
-- Name: daily_limit_counters; Type: TABLE; Schema: app_private; Owner: -
--

CREATE UNLOGGED TABLE app_private.daily_limit_counters (
    service_id uuid NOT NULL,
    day date NOT NULL,
    channel text NOT NULL,
    shard smallint NOT NULL,
    sent integer DEFAULT 0 NOT NULL,
    CONSTRAINT daily_limit_counters_channel_check CHECK ((channel = ANY (ARRAY['sms'::text, 'email'::text, 'letter'::text, 'international_sms'::text])))
);


--
-- Name: TABLE daily_limit_counters; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.daily_limit_counters IS 'Non-test notifications accepted per (service, London day, channel), sharded like rate_limit_counters. Checked against services.<channel>_message_limit.';


--
-- Name: job_rows_not_stored; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.job_rows_not_stored (
    job_id uuid NOT NULL,
    row_count integer NOT NULL,
    CONSTRAINT job_rows_not_stored_row_count_check CHECK ((row_count >= 0))
);


--
-- Name: TABLE job_rows_not_stored; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.job_rows_not_stored IS 'How many of a job''s rows process-job''s last run left unstored on purpose (simulated recipients, rows refused when it ran): requeue_jobs_missing_rows counts them as done.';


--
-- Name: letter_collations; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.letter_collations (
    name text NOT NULL,
    print_date date NOT NULL,
    status text DEFAULT 'uploading'::text NOT NULL,
    letter_ids uuid[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT letter_collations_status_check CHECK ((status = ANY (ARRAY['uploading'::text, 'uploaded'::text, 'recorded'::text, 'refused'::text])))
);


--
-- Name: TABLE letter_collations; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.letter_collations IS 'Zips of letters for the printer: opened (uploading) before the upload, uploaded once the printer has it, recorded (letters sending) or refused (letters technical-failure). Letters of an open one are collated by no other zip.';


--
-- Name: rate_limit_counters; Type: TABLE; Schema: app_private; Owner: -
--

CREATE UNLOGGED TABLE app_private.rate_limit_counters (
    service_id uuid NOT NULL,
    key_type text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    shard smallint NOT NULL,
    requests integer DEFAULT 0 NOT NULL
);


--
-- Name: TABLE rate_limit_counters; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.rate_limit_counters IS 'Requests per (service, key type, 60-second window), split over 16 shards (by backend pid) so concurrent batches do not queue on one row lock; the check sums the shards. Old windows are deleted as they go by.';


--
-- Name: scan_watermarks; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.scan_watermarks (
    name text NOT NULL,
    scanned_until timestamp with time zone NOT NULL
);


--
-- Name: TABLE scan_watermarks; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.scan_watermarks IS 'How far (by notifications.created_at) a periodic scan has read: replay-created-notifications and timeout-sending-notifications start from here (less an overlap for transactions that committed late). Delete a row to make the next run read the whole table.';


--
-- Name: service_callback_health; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.service_callback_health (
    service_callback_api_id uuid NOT NULL,
    url text NOT NULL,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    last_error text,
    last_failure_at timestamp with time zone,
    last_success_at timestamp with time zone,
    suspended_at timestamp with time zone,
    suspended_reason text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE service_callback_health; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.service_callback_health IS 'Whether a service''s callback URL works: consecutive callbacks that failed for good (retries exhausted or a 4xx). After enough of them the URL is suspended (no more calls) with the reason; setting the callback again (new URL or token) lifts it.';


--
-- Name: settings; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.settings (
    id boolean DEFAULT true NOT NULL,
    encryption_key bytea DEFAULT public.gen_random_bytes(32) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT settings_encryption_key_check CHECK ((length(encryption_key) = 32)),
    CONSTRAINT settings_id_check CHECK (id)
);


--
-- Name: TABLE settings; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.settings IS 'Single row of instance secrets. The AES-256 key is generated at migration time and never leaves the database; losing it makes every encrypted column unreadable.';


--
-- Name: user_changes; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.user_changes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    attribute text NOT NULL,
    new_value text NOT NULL,
    code_hash text NOT NULL,
    expiry_datetime timestamp with time zone NOT NULL,
    used boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_changes_attribute_check CHECK ((attribute = ANY (ARRAY['email_address'::text, 'mobile_number'::text])))
);


--
-- Name: TABLE user_changes; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.user_changes IS 'Pending changes of a user''s email address or mobile number with the hash of the code sent to the new one; applied by confirm_user_change.';


--
-- Name: user_secrets; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.user_secrets (
    user_id uuid NOT NULL,
    password_hash text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE user_secrets; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.user_secrets IS 'bcrypt password hashes, kept out of app_public so no grant or GraphQL field can expose them.';


--
-- Name: verify_codes; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.verify_codes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    code_hash text NOT NULL,
    code_type text NOT NULL,
    expiry_datetime timestamp with time zone NOT NULL,
    code_used boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT verify_codes_code_type_check CHECK ((code_type = ANY (ARRAY['email'::text, 'sms'::text])))
);


--
-- Name: TABLE verify_codes; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.verify_codes IS 'Hashed one-time sign-in codes (sms / email); deleted a day after creation by the worker.';


--
-- Name: worker_heartbeats; Type: TABLE; Schema: app_private; Owner: -
--

CREATE TABLE app_private.worker_heartbeats (
    worker_id text NOT NULL,
    beat_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE worker_heartbeats; Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON TABLE app_private.worker_heartbeats IS 'One row per running graphile-worker pool (its id is the locked_by of the jobs it runs), written every few seconds; a row older than the dead-worker threshold means the worker is gone and its jobs are released.';


--
-- Name: api_keys_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.api_keys_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    service_id uuid NOT NULL,
    key_type text NOT NULL,
    expiry_date timestamp with time zone,
    created_by_id uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE api_keys_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.api_keys_history IS '@behavior -insert -update -delete
Every version of an API key (creation, rename, revocation) without the secret.';


--
-- Name: auth_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.auth_type (
    name text NOT NULL
);


--
-- Name: TABLE auth_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.auth_type IS '@behavior -insert -update -delete
Second factor a user signs in with.';


--
-- Name: branding_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.branding_type (
    name text NOT NULL
);


--
-- Name: TABLE branding_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.branding_type IS '@behavior -insert -update -delete
How an email branding is shown.';


--
-- Name: complaints; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.complaints (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    notification_id uuid NOT NULL,
    service_id uuid NOT NULL,
    ses_feedback_id text,
    complaint_type text,
    complaint_date timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE complaints; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.complaints IS '@behavior -insert -update -delete
Email complaints (SES feedback). notification_id has no FK: the notification may be live or archived.';


--
-- Name: daily_sorted_letter; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.daily_sorted_letter (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    billing_day date NOT NULL,
    file_name text,
    unsorted_count integer DEFAULT 0 NOT NULL,
    sorted_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE daily_sorted_letter; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.daily_sorted_letter IS 'Sorted / unsorted letter counts per printer response file and day (platform reporting).';


--
-- Name: default_annual_allowance; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.default_annual_allowance (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    valid_from_financial_year_start integer NOT NULL,
    organisation_type text NOT NULL,
    allowance integer NOT NULL,
    notification_type text DEFAULT 'sms'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT default_annual_allowance_allowance_check CHECK ((allowance >= 0)),
    CONSTRAINT default_annual_allowance_valid_from_financial_year_start_check CHECK ((valid_from_financial_year_start >= 2016))
);


--
-- Name: TABLE default_annual_allowance; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.default_annual_allowance IS 'Default free allowance by organisation type from a financial year on (greatest valid_from <= year wins). Configuration: loaded from sql/default-data.sql.';


--
-- Name: domain; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.domain (
    domain character varying(255) NOT NULL,
    organisation_id uuid NOT NULL,
    CONSTRAINT domain_domain_check CHECK ((((domain)::text = lower((domain)::text)) AND ((domain)::text !~ '^[.@]'::text)))
);


--
-- Name: TABLE domain; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.domain IS 'Email domains of an organisation: a new service is put in the organisation of its creator''s email domain (longest match).';


--
-- Name: email_branding; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.email_branding (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    colour character varying(7),
    logo character varying(255),
    text character varying(255),
    brand_type text DEFAULT 'org'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT email_branding_colour_check CHECK (((colour)::text ~ '^#[0-9A-Fa-f]{6}$'::text))
);


--
-- Name: TABLE email_branding; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.email_branding IS 'Logos and colours shown in emails; chosen per organisation (default) or per service.';


--
-- Name: email_branding_to_organisation; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.email_branding_to_organisation (
    organisation_id uuid NOT NULL,
    email_branding_id uuid NOT NULL
);


--
-- Name: TABLE email_branding_to_organisation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.email_branding_to_organisation IS 'Pool of email brandings an organisation''s services may choose from.';


--
-- Name: ft_billing; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.ft_billing (
    bst_date date NOT NULL,
    template_id uuid NOT NULL,
    service_id uuid NOT NULL,
    notification_type text NOT NULL,
    provider text NOT NULL,
    rate_multiplier integer NOT NULL,
    international boolean NOT NULL,
    rate numeric NOT NULL,
    postage text NOT NULL,
    billable_units integer DEFAULT 0 NOT NULL,
    notifications_sent integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ft_billing_notification_type_check CHECK ((notification_type = ANY (ARRAY['email'::text, 'sms'::text, 'letter'::text])))
);


--
-- Name: TABLE ft_billing; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.ft_billing IS '@behavior -insert -update -delete
Daily billing facts per (London day, template, service, type, provider, multiplier, international, rate, postage), rebuilt nightly from notifications_all_time_view. No FKs: facts outlive their dimensions. postage is none for sms/email; provider is unknown when sent_by is null.';


--
-- Name: ft_notification_status; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.ft_notification_status (
    bst_date date NOT NULL,
    template_id uuid NOT NULL,
    service_id uuid NOT NULL,
    job_id uuid NOT NULL,
    notification_type text NOT NULL,
    key_type text NOT NULL,
    notification_status text NOT NULL,
    notification_count integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ft_notification_status_key_type_check CHECK ((key_type = ANY (ARRAY['normal'::text, 'team'::text, 'test'::text]))),
    CONSTRAINT ft_notification_status_notification_type_check CHECK ((notification_type = ANY (ARRAY['email'::text, 'sms'::text, 'letter'::text])))
);


--
-- Name: TABLE ft_notification_status; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.ft_notification_status IS '@behavior -insert -update -delete
Daily status counts per (London day, template, service, job, type, key type, status); job_id is the nil uuid when there is no job. Rebuilt by delete + insert per (day, type, service).';


--
-- Name: ft_processing_time; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.ft_processing_time (
    bst_date date NOT NULL,
    messages_total integer NOT NULL,
    messages_within_10_secs integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE ft_processing_time; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.ft_processing_time IS 'Daily share of API (non-test, non-letter) notifications sent within 10 seconds: the platform''s performance figure.';


--
-- Name: inbound_sms_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.inbound_sms_history (
    id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    service_id uuid NOT NULL,
    notify_number text NOT NULL,
    provider_date timestamp with time zone,
    provider_reference text,
    provider text NOT NULL
);


--
-- Name: TABLE inbound_sms_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.inbound_sms_history IS '@behavior -insert -update -delete
Archived inbound texts without the sender''s number or content, kept for statistics.';


--
-- Name: invite_status_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.invite_status_type (
    name text NOT NULL
);


--
-- Name: TABLE invite_status_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.invite_status_type IS '@behavior -insert -update -delete
States of an invitation.';


--
-- Name: invited_organisation_users; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.invited_organisation_users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email_address public.citext NOT NULL,
    invited_by_id uuid NOT NULL,
    organisation_id uuid NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT invited_organisation_users_email_address_check CHECK ((char_length((email_address)::text) <= 255))
);


--
-- Name: TABLE invited_organisation_users; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.invited_organisation_users IS 'Pending invitations to join an organisation team; expired ones are deleted by the worker.';


--
-- Name: job_status; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.job_status (
    name text NOT NULL
);


--
-- Name: TABLE job_status; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.job_status IS '@behavior -insert -update -delete
Lifecycle of a CSV job (Notify''s values, finished all notifications created included).';


--
-- Name: key_types; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.key_types (
    name text NOT NULL
);


--
-- Name: TABLE key_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.key_types IS '@behavior -insert -update -delete
API key types: normal (live), team (team + guest list only), test (simulated, never sent or billed).';


--
-- Name: letter_branding; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.letter_branding (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    filename character varying(255) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE letter_branding; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.letter_branding IS 'Logo printed on letters; filename names the artwork the letter renderer uses.';


--
-- Name: letter_branding_to_organisation; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.letter_branding_to_organisation (
    organisation_id uuid NOT NULL,
    letter_branding_id uuid NOT NULL
);


--
-- Name: TABLE letter_branding_to_organisation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.letter_branding_to_organisation IS 'Pool of letter brandings an organisation''s services may choose from.';


--
-- Name: letter_rates; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.letter_rates (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    start_date timestamp with time zone NOT NULL,
    end_date timestamp with time zone,
    sheet_count integer NOT NULL,
    rate numeric NOT NULL,
    crown boolean NOT NULL,
    post_class text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT ck_letter_rates_dates CHECK (((end_date IS NULL) OR (end_date > start_date))),
    CONSTRAINT letter_rates_post_class_check CHECK ((post_class = ANY (ARRAY['first'::text, 'second'::text, 'economy'::text, 'europe'::text, 'rest-of-world'::text]))),
    CONSTRAINT letter_rates_rate_check CHECK ((rate >= (0)::numeric)),
    CONSTRAINT letter_rates_sheet_count_check CHECK ((sheet_count > 0))
);


--
-- Name: TABLE letter_rates; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.letter_rates IS 'Price of one letter by sheets, postage and crown status from start_date (latest start first wins).';


--
-- Name: notification_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notification_history (
    id uuid NOT NULL,
    job_id uuid,
    job_row_number integer,
    service_id uuid NOT NULL,
    template_id uuid NOT NULL,
    template_version integer NOT NULL,
    api_key_id uuid,
    key_type text NOT NULL,
    billable_units integer DEFAULT 0 NOT NULL,
    notification_type text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    sent_by text,
    updated_at timestamp with time zone,
    notification_status text DEFAULT 'created'::text NOT NULL,
    reference text,
    client_reference text,
    international boolean,
    phone_prefix text,
    rate_multiplier numeric,
    created_by_id uuid,
    document_download_count integer,
    postage text,
    scheduled_for timestamp with time zone,
    CONSTRAINT notification_history_billable_units_check CHECK ((billable_units >= 0)),
    CONSTRAINT notification_history_key_type_check CHECK ((key_type = ANY (ARRAY['normal'::text, 'team'::text, 'test'::text]))),
    CONSTRAINT notification_history_notification_status_check CHECK ((notification_status = ANY (ARRAY['created'::text, 'sending'::text, 'sent'::text, 'delivered'::text, 'pending'::text, 'failed'::text, 'technical-failure'::text, 'temporary-failure'::text, 'permanent-failure'::text, 'pending-virus-check'::text, 'validation-failed'::text, 'virus-scan-failed'::text, 'returned-letter'::text, 'cancelled'::text]))),
    CONSTRAINT notification_history_notification_type_check CHECK ((notification_type = ANY (ARRAY['email'::text, 'sms'::text, 'letter'::text]))),
    CONSTRAINT notification_history_postage_check CHECK ((postage = ANY (ARRAY['first'::text, 'second'::text, 'economy'::text, 'europe'::text, 'rest-of-world'::text])))
);


--
-- Name: TABLE notification_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notification_history IS 'Notifications past their retention, without personal data (no to, normalised_to, personalisation, reply_to_text). Written only by archival (insert … on conflict do update, then delete from notifications). No foreign keys: rows were checked when created in notifications, and re-checking each archived row halved archival speed.';


--
-- Name: notification_status_types; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notification_status_types (
    name text NOT NULL
);


--
-- Name: TABLE notification_status_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notification_status_types IS '@behavior -insert -update -delete
The 14 notification statuses of Notify (failed is deprecated but still readable).';


--
-- Name: notification_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notification_type (
    name text NOT NULL
);


--
-- Name: TABLE notification_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notification_type IS '@behavior -insert -update -delete
Channels: email, sms, letter.';


--
-- Name: notifications; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    "to" text NOT NULL,
    normalised_to text,
    job_id uuid,
    job_row_number integer,
    service_id uuid NOT NULL,
    template_id uuid NOT NULL,
    template_version integer NOT NULL,
    api_key_id uuid,
    key_type text NOT NULL,
    billable_units integer DEFAULT 0 NOT NULL,
    notification_type text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    sent_by text,
    updated_at timestamp with time zone,
    notification_status text DEFAULT 'created'::text NOT NULL,
    reference text,
    client_reference text,
    _personalisation bytea,
    international boolean DEFAULT false NOT NULL,
    phone_prefix text,
    rate_multiplier numeric,
    created_by_id uuid,
    reply_to_text text,
    document_download_count integer,
    postage text,
    scheduled_for timestamp with time zone,
    one_click_unsubscribe_url text,
    CONSTRAINT ck_notifications_postage CHECK (((postage IS NULL) OR (notification_type = 'letter'::text))),
    CONSTRAINT notifications_billable_units_check CHECK ((billable_units >= 0)),
    CONSTRAINT notifications_job_row_number_check CHECK ((job_row_number >= 0)),
    CONSTRAINT notifications_key_type_check CHECK ((key_type = ANY (ARRAY['normal'::text, 'team'::text, 'test'::text]))),
    CONSTRAINT notifications_notification_status_check CHECK ((notification_status = ANY (ARRAY['created'::text, 'sending'::text, 'sent'::text, 'delivered'::text, 'pending'::text, 'failed'::text, 'technical-failure'::text, 'temporary-failure'::text, 'permanent-failure'::text, 'pending-virus-check'::text, 'validation-failed'::text, 'virus-scan-failed'::text, 'returned-letter'::text, 'cancelled'::text]))),
    CONSTRAINT notifications_notification_type_check CHECK ((notification_type = ANY (ARRAY['email'::text, 'sms'::text, 'letter'::text]))),
    CONSTRAINT notifications_postage_check CHECK ((postage = ANY (ARRAY['first'::text, 'second'::text, 'economy'::text, 'europe'::text, 'rest-of-world'::text])))
)
WITH (fillfactor='50');


--
-- Name: TABLE notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notifications IS '@behavior -insert -update -delete
@foreignKey (service_id) references app_public.services (id)
@foreignKey (api_key_id) references app_public.api_keys (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list
@foreignKey (template_id, template_version) references app_public.templates_history (id, version)|@behavior -manyRelation:resource:connection -manyRelation:resource:list
@foreignKey (job_id) references app_public.jobs (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list
@foreignKey (created_by_id) references app_public.users (id)|@behavior -manyRelation:resource:connection -manyRelation:resource:list
One message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at; its own references to services, api_keys, templates_history, jobs and users are checked by app_hidden.create_notification_rows (the only writer) and by delete triggers on those tables, not by constraints (per-row checks cost more than the insert).';


--
-- Name: COLUMN notifications.normalised_to; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.normalised_to IS 'Recipient in canonical form: SMS E.164 digits, lowercased email, collapsed address.';


--
-- Name: COLUMN notifications.billable_units; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.billable_units IS 'SMS fragments or letter sheets; 0 for email. Set at provider hand-off.';


--
-- Name: COLUMN notifications.notification_status; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.notification_status IS '@behavior +filterBy +orderBy
Delivery status (one of notification_status_types). Not indexed on purpose (the delivery updates that change it stay HOT): filter it together with service_id or notification_type and a created_at range.';


--
-- Name: COLUMN notifications.reference; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.reference IS 'Provider reference: the SES message id for email, the letter provider''s reference for letters; null for texts (SMS providers are given the notification id and send receipts by it).';


--
-- Name: COLUMN notifications._personalisation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications._personalisation IS '@behavior -*
AES-encrypted JSON of the personalisation (PII).';


--
-- Name: notifications_all_time_view; Type: VIEW; Schema: app_public; Owner: -
--

CREATE VIEW app_public.notifications_all_time_view WITH (security_invoker='true') AS
 SELECT notifications.id,
    notifications.job_id,
    notifications.job_row_number,
    notifications.service_id,
    notifications.template_id,
    notifications.template_version,
    notifications.api_key_id,
    notifications.key_type,
    notifications.billable_units,
    notifications.notification_type,
    notifications.created_at,
    notifications.sent_at,
    notifications.sent_by,
    notifications.updated_at,
    notifications.notification_status,
    notifications.reference,
    notifications.client_reference,
    notifications.international,
    notifications.phone_prefix,
    notifications.rate_multiplier,
    notifications.created_by_id,
    notifications.postage,
    notifications.document_download_count
   FROM app_public.notifications
UNION ALL
 SELECT notification_history.id,
    notification_history.job_id,
    notification_history.job_row_number,
    notification_history.service_id,
    notification_history.template_id,
    notification_history.template_version,
    notification_history.api_key_id,
    notification_history.key_type,
    notification_history.billable_units,
    notification_history.notification_type,
    notification_history.created_at,
    notification_history.sent_at,
    notification_history.sent_by,
    notification_history.updated_at,
    notification_history.notification_status,
    notification_history.reference,
    notification_history.client_reference,
    notification_history.international,
    notification_history.phone_prefix,
    notification_history.rate_multiplier,
    notification_history.created_by_id,
    notification_history.postage,
    notification_history.document_download_count
   FROM app_public.notification_history;


--
-- Name: VIEW notifications_all_time_view; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON VIEW app_public.notifications_all_time_view IS '@behavior -insert -update -delete
The 23 shared columns of notifications and notification_history. UNION ALL: archival moves rows in one transaction (insert + delete), so a row is never in both in one snapshot; predicates still use each table''s indexes. Used by the ft_billing / ft_notification_status builders so late-arriving letter statuses are counted whether archived or not. security_invoker: row level security of both tables applies.';


--
-- Name: organisation_types; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.organisation_types (
    name text NOT NULL,
    is_crown boolean
);


--
-- Name: TABLE organisation_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.organisation_types IS '@behavior -insert -update -delete
Organisation types; is_crown null means the organisation''s own crown flag decides.';


--
-- Name: COLUMN organisation_types.is_crown; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.organisation_types.is_crown IS 'Crown status implied by the type; null for central/other where the organisation decides.';


--
-- Name: permission_types; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.permission_types (
    name text NOT NULL
);


--
-- Name: TABLE permission_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.permission_types IS '@behavior -insert -update -delete
Per-service permissions of a team member (platform_admin is never granted per service).';


--
-- Name: permissions; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.permissions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid,
    user_id uuid NOT NULL,
    permission text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE permissions; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.permissions IS 'What a team member may do on a service (service_id null only for legacy platform-wide rows).';


--
-- Name: provider_details; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.provider_details (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    display_name text NOT NULL,
    identifier text NOT NULL,
    priority integer NOT NULL,
    notification_type text NOT NULL,
    active boolean DEFAULT false NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_by_id uuid,
    supports_international boolean DEFAULT false NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT provider_details_priority_check CHECK (((priority >= 0) AND (priority <= 100)))
);


--
-- Name: TABLE provider_details; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.provider_details IS 'Delivery providers by identifier (mmg, firetext, reach, ses, dvla, local stubs). priority is a 0-100 weight for random selection among active providers of a type; failover and tend-back change it. Every change bumps version and is copied to provider_details_history.';


--
-- Name: COLUMN provider_details.reason; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.provider_details.reason IS 'Why the last change was made (e.g. slow delivery); copied into history.';


--
-- Name: provider_details_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.provider_details_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    display_name text NOT NULL,
    identifier text NOT NULL,
    priority integer NOT NULL,
    notification_type text NOT NULL,
    active boolean DEFAULT false NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_by_id uuid,
    supports_international boolean DEFAULT false NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT provider_details_priority_check CHECK (((priority >= 0) AND (priority <= 100)))
);


--
-- Name: TABLE provider_details_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.provider_details_history IS '@behavior -insert -update -delete
Every version of every provider (pk id, version): the audit trail of priority switches.';


--
-- Name: rates; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.rates (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    rate numeric NOT NULL,
    notification_type text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT rates_rate_check CHECK ((rate >= (0)::numeric)),
    CONSTRAINT rates_valid_from_check CHECK ((((valid_from AT TIME ZONE 'Europe/London'::text))::time without time zone = '00:00:00'::time without time zone))
);


--
-- Name: TABLE rates; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.rates IS 'Price per SMS fragment from valid_from (a London midnight, so a day never has two rates) until the next row.';


--
-- Name: recipient_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.recipient_type (
    name text NOT NULL
);


--
-- Name: TABLE recipient_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.recipient_type IS '@behavior -insert -update -delete
Kinds of guest-list recipient.';


--
-- Name: returned_letters; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.returned_letters (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reported_at date NOT NULL,
    service_id uuid NOT NULL,
    notification_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE returned_letters; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.returned_letters IS '@behavior -insert -update -delete
Letters the printer reported as returned. notification_id has no FK: the notification may be live or archived.';


--
-- Name: service_callback_api_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_callback_api_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    url text NOT NULL,
    callback_type text NOT NULL,
    updated_by_id uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: TABLE service_callback_api_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_callback_api_history IS '@behavior -insert -update -delete
Every version of a service callback (without the token) for audit.';


--
-- Name: service_callback_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_callback_type (
    name text NOT NULL
);


--
-- Name: TABLE service_callback_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_callback_type IS '@behavior -insert -update -delete
Kinds of callback a service can register (inbound_sms replaces Notify''s service_inbound_api table).';


--
-- Name: service_data_retention; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_data_retention (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    notification_type text NOT NULL,
    days_of_retention integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT service_data_retention_days_of_retention_check CHECK (((days_of_retention >= 1) AND (days_of_retention <= 90)))
);


--
-- Name: TABLE service_data_retention; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_data_retention IS 'Days a service keeps notifications of a type before archival (none = 7).';


--
-- Name: service_email_branding; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_email_branding (
    service_id uuid NOT NULL,
    email_branding_id uuid NOT NULL
);


--
-- Name: TABLE service_email_branding; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_email_branding IS 'Email branding chosen for a service (none = GOV.UK branding).';


--
-- Name: service_inbound_api; Type: VIEW; Schema: app_public; Owner: -
--

CREATE VIEW app_public.service_inbound_api WITH (security_invoker='true') AS
 SELECT service_callback_api.id,
    service_callback_api.service_id,
    service_callback_api.url,
    service_callback_api.updated_by_id,
    service_callback_api.version,
    service_callback_api.created_at,
    service_callback_api.updated_at
   FROM app_public.service_callback_api
  WHERE (service_callback_api.callback_type = 'inbound_sms'::text);


--
-- Name: VIEW service_inbound_api; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON VIEW app_public.service_inbound_api IS '@behavior -insert -update -delete
Notify-compatible view of inbound SMS callbacks: service_callback_api holds every callback type in one table, and this view keeps the shape of Notify''s service_inbound_api table.';


--
-- Name: service_letter_branding; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_letter_branding (
    service_id uuid NOT NULL,
    letter_branding_id uuid NOT NULL
);


--
-- Name: TABLE service_letter_branding; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_letter_branding IS 'Letter branding chosen for a service (none = no logo).';


--
-- Name: service_permission_types; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_permission_types (
    name text NOT NULL
);


--
-- Name: TABLE service_permission_types; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_permission_types IS '@behavior -insert -update -delete
What a service may do (Notify''s permissions, sms_to_uk_landlines included).';


--
-- Name: service_permissions; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_permissions (
    service_id uuid NOT NULL,
    permission text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE service_permissions; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_permissions IS 'Capabilities switched on for a service (channels, international, inbound, ...).';


--
-- Name: service_whitelist; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.service_whitelist (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    recipient_type text NOT NULL,
    recipient character varying(255) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT service_whitelist_recipient_check CHECK ((btrim((recipient)::text) <> ''::text))
);


--
-- Name: TABLE service_whitelist; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.service_whitelist IS 'Guest list: extra recipients a restricted service or a team key may send to.';


--
-- Name: services_history; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.services_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    active boolean DEFAULT true NOT NULL,
    restricted boolean DEFAULT true NOT NULL,
    research_mode boolean DEFAULT false NOT NULL,
    created_by_id uuid NOT NULL,
    prefix_sms boolean DEFAULT true NOT NULL,
    organisation_id uuid,
    organisation_type text,
    crown boolean,
    rate_limit integer DEFAULT 3000 NOT NULL,
    email_message_limit bigint DEFAULT 999999999 NOT NULL,
    sms_message_limit bigint DEFAULT 999999999 NOT NULL,
    letter_message_limit bigint DEFAULT 999999999 NOT NULL,
    international_sms_message_limit bigint DEFAULT 250000 NOT NULL,
    email_from text NOT NULL,
    contact_link character varying(255),
    volume_sms integer,
    volume_email integer,
    volume_letter integer,
    consent_to_research boolean,
    count_as_live boolean DEFAULT true NOT NULL,
    go_live_user_id uuid,
    go_live_at timestamp with time zone,
    purchase_order_number character varying(255),
    billing_contact_names text,
    billing_contact_email_addresses text,
    billing_reference character varying(255),
    notes text,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone,
    CONSTRAINT services_email_from_check CHECK ((email_from ~ '^[a-z0-9]+([._-][a-z0-9]+)*$'::text)),
    CONSTRAINT services_email_message_limit_check CHECK ((email_message_limit >= 0)),
    CONSTRAINT services_international_sms_message_limit_check CHECK ((international_sms_message_limit >= 0)),
    CONSTRAINT services_letter_message_limit_check CHECK ((letter_message_limit >= 0)),
    CONSTRAINT services_name_check CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT services_rate_limit_check CHECK ((rate_limit >= 0)),
    CONSTRAINT services_sms_message_limit_check CHECK ((sms_message_limit >= 0))
);


--
-- Name: TABLE services_history; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.services_history IS '@behavior -insert -update -delete
Every version of every service (pk id, version), written by the _500_history trigger; a service''s settings at any past time can be read back.';


--
-- Name: template_folder; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.template_folder (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    name text NOT NULL,
    parent_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT template_folder_name_check CHECK ((btrim(name) <> ''::text))
);


--
-- Name: TABLE template_folder; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.template_folder IS 'Folders of templates; a parent must belong to the same service (composite FK).';


--
-- Name: template_folder_map; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.template_folder_map (
    template_id uuid NOT NULL,
    template_folder_id uuid NOT NULL
);


--
-- Name: TABLE template_folder_map; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.template_folder_map IS 'Which folder a template is in (none = top level).';


--
-- Name: template_redacted; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.template_redacted (
    template_id uuid NOT NULL,
    redact_personalisation boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by_id uuid NOT NULL
);


--
-- Name: TABLE template_redacted; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.template_redacted IS 'Whether personalisation of a template is hidden in the admin UI after sending (e.g. codes). A row exists for every template.';


--
-- Name: template_type; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.template_type (
    name text NOT NULL
);


--
-- Name: TABLE template_type; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.template_type IS '@behavior -insert -update -delete
Template kinds; same values as notification_type, kept separate as in Notify.';


--
-- Name: unsubscribe_requests; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.unsubscribe_requests (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    notification_id uuid NOT NULL,
    template_id uuid NOT NULL,
    template_version integer NOT NULL,
    service_id uuid NOT NULL,
    email_address text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE unsubscribe_requests; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.unsubscribe_requests IS '@behavior -insert -update -delete
One-click unsubscribe requests from recipients of emails whose template has has_unsubscribe_link, one per notification; written by app_hidden.record_unsubscribe_request. The service reads them (unsubscribe_request_report) and removes the address from its mailing list.';


--
-- Name: unsubscribe_request_report; Type: VIEW; Schema: app_public; Owner: -
--

CREATE VIEW app_public.unsubscribe_request_report WITH (security_invoker='true') AS
 SELECT u.id,
    u.service_id,
    u.notification_id,
    u.email_address,
    u.template_id,
    u.template_version,
    (t.name)::text AS template_name,
    COALESCE(j.original_file_name, 'N/A'::text) AS original_file_name,
    n.sent_at AS template_sent_at,
    u.created_at AS unsubscribe_request_received_at
   FROM (((app_public.unsubscribe_requests u
     JOIN app_public.templates_history t ON (((t.id = u.template_id) AND (t.version = u.template_version))))
     LEFT JOIN app_public.notifications_all_time_view n ON ((n.id = u.notification_id)))
     LEFT JOIN app_public.jobs j ON ((j.id = n.job_id)));


--
-- Name: VIEW unsubscribe_request_report; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON VIEW app_public.unsubscribe_request_report IS '@behavior -insert -update -delete
A service''s unsubscribe requests in the shape of Notify''s report download: the address, template name and version, the job''s file name (N/A for API sends) and when the email went and the request came. security_invoker: only the service''s team (and platform admins) see its rows.';


--
-- Name: user_folder_permissions; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.user_folder_permissions (
    user_id uuid NOT NULL,
    template_folder_id uuid NOT NULL,
    service_id uuid NOT NULL
);


--
-- Name: TABLE user_folder_permissions; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.user_folder_permissions IS 'Folders a team member may see when the service uses folder permissions.';


--
-- Name: user_to_organisation; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.user_to_organisation (
    user_id uuid NOT NULL,
    organisation_id uuid NOT NULL
);


--
-- Name: TABLE user_to_organisation; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.user_to_organisation IS 'Team members of an organisation.';


--
-- Name: user_to_service; Type: TABLE; Schema: app_public; Owner: -
--

CREATE TABLE app_public.user_to_service (
    user_id uuid NOT NULL,
    service_id uuid NOT NULL
);


--
-- Name: TABLE user_to_service; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.user_to_service IS '@behavior -insert -update
Team membership: the basis of row level security for everything a service owns. Joined by accepting an invitation (accept_invitation).';


--
-- Name: csv_upload_rows csv_upload_rows_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.csv_upload_rows
    ADD CONSTRAINT csv_upload_rows_pkey PRIMARY KEY (upload_id, row_number);


--
-- Name: csv_uploads csv_uploads_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.csv_uploads
    ADD CONSTRAINT csv_uploads_pkey PRIMARY KEY (id);


--
-- Name: daily_limit_counters daily_limit_counters_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.daily_limit_counters
    ADD CONSTRAINT daily_limit_counters_pkey PRIMARY KEY (service_id, day, channel, shard);


--
-- Name: job_rows_not_stored job_rows_not_stored_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.job_rows_not_stored
    ADD CONSTRAINT job_rows_not_stored_pkey PRIMARY KEY (job_id);


--
-- Name: letter_collations letter_collations_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.letter_collations
    ADD CONSTRAINT letter_collations_pkey PRIMARY KEY (name);


--
-- Name: rate_limit_counters rate_limit_counters_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.rate_limit_counters
    ADD CONSTRAINT rate_limit_counters_pkey PRIMARY KEY (service_id, key_type, window_start, shard);


--
-- Name: scan_watermarks scan_watermarks_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.scan_watermarks
    ADD CONSTRAINT scan_watermarks_pkey PRIMARY KEY (name);


--
-- Name: service_callback_health service_callback_health_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.service_callback_health
    ADD CONSTRAINT service_callback_health_pkey PRIMARY KEY (service_callback_api_id);


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (id);


--
-- Name: user_changes user_changes_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.user_changes
    ADD CONSTRAINT user_changes_pkey PRIMARY KEY (id);


--
-- Name: user_secrets user_secrets_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.user_secrets
    ADD CONSTRAINT user_secrets_pkey PRIMARY KEY (user_id);


--
-- Name: verify_codes verify_codes_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.verify_codes
    ADD CONSTRAINT verify_codes_pkey PRIMARY KEY (id);


--
-- Name: worker_heartbeats worker_heartbeats_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.worker_heartbeats
    ADD CONSTRAINT worker_heartbeats_pkey PRIMARY KEY (worker_id);


--
-- Name: annual_billing annual_billing_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.annual_billing
    ADD CONSTRAINT annual_billing_pkey PRIMARY KEY (id);


--
-- Name: api_keys_history api_keys_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys_history
    ADD CONSTRAINT api_keys_history_pkey PRIMARY KEY (id, version);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);


--
-- Name: auth_type auth_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.auth_type
    ADD CONSTRAINT auth_type_pkey PRIMARY KEY (name);


--
-- Name: branding_type branding_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.branding_type
    ADD CONSTRAINT branding_type_pkey PRIMARY KEY (name);


--
-- Name: notifications ck_notifications_letter_not_team_key; Type: CHECK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notifications
    ADD CONSTRAINT ck_notifications_letter_not_team_key CHECK (((notification_type <> 'letter'::text) OR (key_type <> 'team'::text))) NOT VALID;


--
-- Name: CONSTRAINT ck_notifications_letter_not_team_key ON notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON CONSTRAINT ck_notifications_letter_not_team_key ON app_public.notifications IS 'Letters are sent with normal or test keys only (Notify: "Cannot send letters with a team api key").';


--
-- Name: complaints complaints_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.complaints
    ADD CONSTRAINT complaints_pkey PRIMARY KEY (id);


--
-- Name: daily_sorted_letter daily_sorted_letter_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.daily_sorted_letter
    ADD CONSTRAINT daily_sorted_letter_pkey PRIMARY KEY (id);


--
-- Name: default_annual_allowance default_annual_allowance_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.default_annual_allowance
    ADD CONSTRAINT default_annual_allowance_pkey PRIMARY KEY (id);


--
-- Name: domain domain_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.domain
    ADD CONSTRAINT domain_pkey PRIMARY KEY (domain);


--
-- Name: email_branding email_branding_name_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding
    ADD CONSTRAINT email_branding_name_key UNIQUE (name);


--
-- Name: email_branding email_branding_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding
    ADD CONSTRAINT email_branding_pkey PRIMARY KEY (id);


--
-- Name: email_branding_to_organisation email_branding_to_organisation_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding_to_organisation
    ADD CONSTRAINT email_branding_to_organisation_pkey PRIMARY KEY (organisation_id, email_branding_id);


--
-- Name: ft_billing ft_billing_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.ft_billing
    ADD CONSTRAINT ft_billing_pkey PRIMARY KEY (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage);


--
-- Name: ft_notification_status ft_notification_status_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.ft_notification_status
    ADD CONSTRAINT ft_notification_status_pkey PRIMARY KEY (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status);


--
-- Name: ft_processing_time ft_processing_time_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.ft_processing_time
    ADD CONSTRAINT ft_processing_time_pkey PRIMARY KEY (bst_date);


--
-- Name: inbound_numbers inbound_numbers_number_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_numbers
    ADD CONSTRAINT inbound_numbers_number_key UNIQUE (number);


--
-- Name: inbound_numbers inbound_numbers_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_numbers
    ADD CONSTRAINT inbound_numbers_pkey PRIMARY KEY (id);


--
-- Name: inbound_numbers inbound_numbers_service_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_numbers
    ADD CONSTRAINT inbound_numbers_service_id_key UNIQUE (service_id);


--
-- Name: inbound_sms_history inbound_sms_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_sms_history
    ADD CONSTRAINT inbound_sms_history_pkey PRIMARY KEY (id);


--
-- Name: inbound_sms inbound_sms_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_sms
    ADD CONSTRAINT inbound_sms_pkey PRIMARY KEY (id);


--
-- Name: invite_status_type invite_status_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invite_status_type
    ADD CONSTRAINT invite_status_type_pkey PRIMARY KEY (name);


--
-- Name: invited_organisation_users invited_organisation_users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_organisation_users
    ADD CONSTRAINT invited_organisation_users_pkey PRIMARY KEY (id);


--
-- Name: invited_users invited_users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_users
    ADD CONSTRAINT invited_users_pkey PRIMARY KEY (id);


--
-- Name: template_folder ix_id_service_id; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder
    ADD CONSTRAINT ix_id_service_id UNIQUE (id, service_id);


--
-- Name: job_status job_status_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.job_status
    ADD CONSTRAINT job_status_pkey PRIMARY KEY (name);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: key_types key_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.key_types
    ADD CONSTRAINT key_types_pkey PRIMARY KEY (name);


--
-- Name: letter_branding letter_branding_filename_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding
    ADD CONSTRAINT letter_branding_filename_key UNIQUE (filename);


--
-- Name: letter_branding letter_branding_name_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding
    ADD CONSTRAINT letter_branding_name_key UNIQUE (name);


--
-- Name: letter_branding letter_branding_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding
    ADD CONSTRAINT letter_branding_pkey PRIMARY KEY (id);


--
-- Name: letter_branding_to_organisation letter_branding_to_organisation_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding_to_organisation
    ADD CONSTRAINT letter_branding_to_organisation_pkey PRIMARY KEY (organisation_id, letter_branding_id);


--
-- Name: letter_rates letter_rates_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_rates
    ADD CONSTRAINT letter_rates_pkey PRIMARY KEY (id);


--
-- Name: notification_history notification_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_history
    ADD CONSTRAINT notification_history_pkey PRIMARY KEY (id);


--
-- Name: notification_status_types notification_status_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_status_types
    ADD CONSTRAINT notification_status_types_pkey PRIMARY KEY (name);


--
-- Name: notification_type notification_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_type
    ADD CONSTRAINT notification_type_pkey PRIMARY KEY (name);


--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);


--
-- Name: organisation organisation_name_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_name_key UNIQUE (name);


--
-- Name: organisation organisation_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_pkey PRIMARY KEY (id);


--
-- Name: organisation_types organisation_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation_types
    ADD CONSTRAINT organisation_types_pkey PRIMARY KEY (name);


--
-- Name: permission_types permission_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permission_types
    ADD CONSTRAINT permission_types_pkey PRIMARY KEY (name);


--
-- Name: permissions permissions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permissions
    ADD CONSTRAINT permissions_pkey PRIMARY KEY (id);


--
-- Name: provider_details_history provider_details_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details_history
    ADD CONSTRAINT provider_details_history_pkey PRIMARY KEY (id, version);


--
-- Name: provider_details provider_details_identifier_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details
    ADD CONSTRAINT provider_details_identifier_key UNIQUE (identifier);


--
-- Name: provider_details provider_details_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details
    ADD CONSTRAINT provider_details_pkey PRIMARY KEY (id);


--
-- Name: rates rates_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.rates
    ADD CONSTRAINT rates_pkey PRIMARY KEY (id);


--
-- Name: recipient_type recipient_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.recipient_type
    ADD CONSTRAINT recipient_type_pkey PRIMARY KEY (name);


--
-- Name: returned_letters returned_letters_notification_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.returned_letters
    ADD CONSTRAINT returned_letters_notification_id_key UNIQUE (notification_id);


--
-- Name: returned_letters returned_letters_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.returned_letters
    ADD CONSTRAINT returned_letters_pkey PRIMARY KEY (id);


--
-- Name: service_callback_api_history service_callback_api_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api_history
    ADD CONSTRAINT service_callback_api_history_pkey PRIMARY KEY (id, version);


--
-- Name: service_callback_api service_callback_api_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api
    ADD CONSTRAINT service_callback_api_pkey PRIMARY KEY (id);


--
-- Name: service_callback_type service_callback_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_type
    ADD CONSTRAINT service_callback_type_pkey PRIMARY KEY (name);


--
-- Name: service_contact_list service_contact_list_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_contact_list
    ADD CONSTRAINT service_contact_list_pkey PRIMARY KEY (id);


--
-- Name: service_data_retention service_data_retention_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_data_retention
    ADD CONSTRAINT service_data_retention_pkey PRIMARY KEY (id);


--
-- Name: service_email_branding service_email_branding_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_email_branding
    ADD CONSTRAINT service_email_branding_pkey PRIMARY KEY (service_id);


--
-- Name: service_email_reply_to service_email_reply_to_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_email_reply_to
    ADD CONSTRAINT service_email_reply_to_pkey PRIMARY KEY (id);


--
-- Name: service_letter_branding service_letter_branding_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_letter_branding
    ADD CONSTRAINT service_letter_branding_pkey PRIMARY KEY (service_id);


--
-- Name: service_letter_contacts service_letter_contacts_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_letter_contacts
    ADD CONSTRAINT service_letter_contacts_pkey PRIMARY KEY (id);


--
-- Name: service_permission_types service_permission_types_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_permission_types
    ADD CONSTRAINT service_permission_types_pkey PRIMARY KEY (name);


--
-- Name: service_permissions service_permissions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_permissions
    ADD CONSTRAINT service_permissions_pkey PRIMARY KEY (service_id, permission);


--
-- Name: service_sms_senders service_sms_senders_inbound_number_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_sms_senders
    ADD CONSTRAINT service_sms_senders_inbound_number_id_key UNIQUE (inbound_number_id);


--
-- Name: service_sms_senders service_sms_senders_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_sms_senders
    ADD CONSTRAINT service_sms_senders_pkey PRIMARY KEY (id);


--
-- Name: service_whitelist service_whitelist_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_whitelist
    ADD CONSTRAINT service_whitelist_pkey PRIMARY KEY (id);


--
-- Name: services services_email_from_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_email_from_key UNIQUE (email_from);


--
-- Name: services_history services_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services_history
    ADD CONSTRAINT services_history_pkey PRIMARY KEY (id, version);


--
-- Name: services services_name_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_name_key UNIQUE (name);


--
-- Name: services services_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_pkey PRIMARY KEY (id);


--
-- Name: template_folder_map template_folder_map_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder_map
    ADD CONSTRAINT template_folder_map_pkey PRIMARY KEY (template_id);


--
-- Name: template_folder template_folder_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder
    ADD CONSTRAINT template_folder_pkey PRIMARY KEY (id);


--
-- Name: template_redacted template_redacted_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_redacted
    ADD CONSTRAINT template_redacted_pkey PRIMARY KEY (template_id);


--
-- Name: template_type template_type_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_type
    ADD CONSTRAINT template_type_pkey PRIMARY KEY (name);


--
-- Name: templates_history templates_history_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates_history
    ADD CONSTRAINT templates_history_pkey PRIMARY KEY (id, version);


--
-- Name: templates templates_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates
    ADD CONSTRAINT templates_pkey PRIMARY KEY (id);


--
-- Name: default_annual_allowance uix_default_annual_allowance; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.default_annual_allowance
    ADD CONSTRAINT uix_default_annual_allowance UNIQUE (organisation_type, notification_type, valid_from_financial_year_start);


--
-- Name: daily_sorted_letter uix_file_name_billing_day; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.daily_sorted_letter
    ADD CONSTRAINT uix_file_name_billing_day UNIQUE (file_name, billing_day);


--
-- Name: letter_rates uix_letter_rates; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_rates
    ADD CONSTRAINT uix_letter_rates UNIQUE (start_date, sheet_count, crown, post_class);


--
-- Name: rates uix_rates; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.rates
    ADD CONSTRAINT uix_rates UNIQUE (notification_type, valid_from);


--
-- Name: service_callback_api uix_service_callback_type; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api
    ADD CONSTRAINT uix_service_callback_type UNIQUE (service_id, callback_type);


--
-- Name: service_data_retention uix_service_data_retention; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_data_retention
    ADD CONSTRAINT uix_service_data_retention UNIQUE (service_id, notification_type);


--
-- Name: annual_billing uix_service_id_financial_year_start; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.annual_billing
    ADD CONSTRAINT uix_service_id_financial_year_start UNIQUE (service_id, financial_year_start);


--
-- Name: permissions uix_service_user_permission; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permissions
    ADD CONSTRAINT uix_service_user_permission UNIQUE NULLS NOT DISTINCT (service_id, user_id, permission);


--
-- Name: unsubscribe_requests unsubscribe_requests_notification_id_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.unsubscribe_requests
    ADD CONSTRAINT unsubscribe_requests_notification_id_key UNIQUE (notification_id);


--
-- Name: unsubscribe_requests unsubscribe_requests_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.unsubscribe_requests
    ADD CONSTRAINT unsubscribe_requests_pkey PRIMARY KEY (id);


--
-- Name: user_folder_permissions user_folder_permissions_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_folder_permissions
    ADD CONSTRAINT user_folder_permissions_pkey PRIMARY KEY (user_id, template_folder_id, service_id);


--
-- Name: user_to_organisation user_to_organisation_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_organisation
    ADD CONSTRAINT user_to_organisation_pkey PRIMARY KEY (user_id, organisation_id);


--
-- Name: user_to_service user_to_service_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_service
    ADD CONSTRAINT user_to_service_pkey PRIMARY KEY (user_id, service_id);


--
-- Name: users users_email_address_key; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_email_address_key UNIQUE (email_address);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: csv_uploads_checked_by_id_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX csv_uploads_checked_by_id_idx ON app_private.csv_uploads USING btree (checked_by_id);


--
-- Name: csv_uploads_service_id_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX csv_uploads_service_id_idx ON app_private.csv_uploads USING btree (service_id);


--
-- Name: csv_uploads_template_id_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX csv_uploads_template_id_idx ON app_private.csv_uploads USING btree (template_id);


--
-- Name: letter_collations_open; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX letter_collations_open ON app_private.letter_collations USING btree (print_date) WHERE (status = ANY (ARRAY['uploading'::text, 'uploaded'::text]));


--
-- Name: user_changes_user_id_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX user_changes_user_id_idx ON app_private.user_changes USING btree (user_id, created_at DESC);


--
-- Name: verify_codes_created_at_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX verify_codes_created_at_idx ON app_private.verify_codes USING btree (created_at);


--
-- Name: verify_codes_user_id_idx; Type: INDEX; Schema: app_private; Owner: -
--

CREATE INDEX verify_codes_user_id_idx ON app_private.verify_codes USING btree (user_id, created_at DESC);


--
-- Name: api_keys_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX api_keys_created_by_id_idx ON app_public.api_keys USING btree (created_by_id);


--
-- Name: api_keys_history_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX api_keys_history_service_id_idx ON app_public.api_keys_history USING btree (service_id);


--
-- Name: api_keys_key_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX api_keys_key_type_idx ON app_public.api_keys USING btree (key_type);


--
-- Name: api_keys_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX api_keys_service_id_idx ON app_public.api_keys USING btree (service_id);


--
-- Name: complaints_created_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX complaints_created_at_idx ON app_public.complaints USING btree (created_at);


--
-- Name: complaints_notification_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX complaints_notification_id_idx ON app_public.complaints USING btree (notification_id);


--
-- Name: complaints_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX complaints_service_id_idx ON app_public.complaints USING btree (service_id, created_at DESC);


--
-- Name: daily_sorted_letter_billing_day_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX daily_sorted_letter_billing_day_idx ON app_public.daily_sorted_letter USING btree (billing_day);


--
-- Name: default_annual_allowance_notification_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX default_annual_allowance_notification_type_idx ON app_public.default_annual_allowance USING btree (notification_type);


--
-- Name: domain_organisation_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX domain_organisation_id_idx ON app_public.domain USING btree (organisation_id);


--
-- Name: email_branding_brand_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX email_branding_brand_type_idx ON app_public.email_branding USING btree (brand_type);


--
-- Name: email_branding_to_organisation_branding_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX email_branding_to_organisation_branding_idx ON app_public.email_branding_to_organisation USING btree (email_branding_id);


--
-- Name: inbound_numbers_normalised_number_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX inbound_numbers_normalised_number_idx ON app_public.inbound_numbers USING btree (app_hidden.normalise_phone_digits(number));


--
-- Name: INDEX inbound_numbers_normalised_number_idx; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON INDEX app_public.inbound_numbers_normalised_number_idx IS 'Finds the number a text arrived on whatever format the provider uses, and stops the same number being added twice in two formats.';


--
-- Name: invited_organisation_users_created_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_organisation_users_created_at_idx ON app_public.invited_organisation_users USING btree (created_at);


--
-- Name: invited_organisation_users_invited_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_organisation_users_invited_by_id_idx ON app_public.invited_organisation_users USING btree (invited_by_id);


--
-- Name: invited_organisation_users_organisation_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_organisation_users_organisation_id_idx ON app_public.invited_organisation_users USING btree (organisation_id);


--
-- Name: invited_organisation_users_status_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_organisation_users_status_idx ON app_public.invited_organisation_users USING btree (status);


--
-- Name: invited_users_auth_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_users_auth_type_idx ON app_public.invited_users USING btree (auth_type);


--
-- Name: invited_users_created_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_users_created_at_idx ON app_public.invited_users USING btree (created_at);


--
-- Name: invited_users_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_users_service_id_idx ON app_public.invited_users USING btree (service_id);


--
-- Name: invited_users_status_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_users_status_idx ON app_public.invited_users USING btree (status);


--
-- Name: invited_users_user_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX invited_users_user_id_idx ON app_public.invited_users USING btree (user_id);


--
-- Name: ix_ft_billing_service_id_bst_date; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_billing_service_id_bst_date ON app_public.ft_billing USING btree (service_id, bst_date);


--
-- Name: ix_ft_billing_template_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_billing_template_id ON app_public.ft_billing USING btree (template_id);


--
-- Name: ix_ft_billing_usage_window; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_billing_usage_window ON app_public.ft_billing USING btree (service_id, notification_type, bst_date, template_id, provider, rate_multiplier, international) INCLUDE (rate, postage, billable_units, notifications_sent);


--
-- Name: INDEX ix_ft_billing_usage_window; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON INDEX app_public.ix_ft_billing_usage_window IS 'Usage for a year (service_usage_for_year, organisation_sms_usage_for_year): index-only scan in window order.';


--
-- Name: ix_ft_notification_status_job_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_notification_status_job_id ON app_public.ft_notification_status USING btree (job_id);


--
-- Name: ix_ft_notification_status_service_id_bst_date; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_notification_status_service_id_bst_date ON app_public.ft_notification_status USING btree (service_id, bst_date);


--
-- Name: ix_ft_notification_status_template_id_bst_date; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_ft_notification_status_template_id_bst_date ON app_public.ft_notification_status USING btree (template_id, bst_date);


--
-- Name: ix_inbound_sms_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_inbound_sms_created_at ON app_public.inbound_sms USING btree (created_at);


--
-- Name: ix_inbound_sms_history_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_inbound_sms_history_created_at ON app_public.inbound_sms_history USING btree (created_at);


--
-- Name: ix_inbound_sms_history_service_id_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_inbound_sms_history_service_id_created_at ON app_public.inbound_sms_history USING btree (service_id, created_at);


--
-- Name: ix_inbound_sms_service_id_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_inbound_sms_service_id_created_at ON app_public.inbound_sms USING btree (service_id, created_at DESC);


--
-- Name: ix_inbound_sms_user_number; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_inbound_sms_user_number ON app_public.inbound_sms USING btree (user_number);


--
-- Name: ix_notification_history_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_created_at ON app_public.notification_history USING btree (created_at);


--
-- Name: ix_notification_history_email_letter_reference; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_email_letter_reference ON app_public.notification_history USING btree (reference) WHERE ((notification_type = ANY (ARRAY['email'::text, 'letter'::text])) AND (reference IS NOT NULL));


--
-- Name: ix_notification_history_job_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_job_id ON app_public.notification_history USING btree (job_id) WHERE (job_id IS NOT NULL);


--
-- Name: ix_notifications_client_reference; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_client_reference ON app_public.notifications USING btree (client_reference) WHERE (client_reference IS NOT NULL);


--
-- Name: ix_notifications_created_at_key_type; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_created_at_key_type ON app_public.notifications USING btree (created_at, key_type);


--
-- Name: ix_notifications_created_by_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_created_by_id ON app_public.notifications USING btree (created_by_id) WHERE (created_by_id IS NOT NULL);


--
-- Name: ix_notifications_notification_type_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_notification_type_created_at ON app_public.notifications USING btree (notification_type, created_at);


--
-- Name: ix_notifications_reference; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_reference ON app_public.notifications USING btree (reference) WHERE (reference IS NOT NULL);


--
-- Name: ix_notifications_scheduled_for; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_scheduled_for ON app_public.notifications USING btree (scheduled_for) WHERE (scheduled_for IS NOT NULL);


--
-- Name: ix_notifications_service_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_service_created_at ON app_public.notifications USING btree (service_id, created_at);


--
-- Name: ix_notifications_service_key_type_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_service_key_type_created_at ON app_public.notifications USING btree (service_id, key_type, created_at DESC);


--
-- Name: ix_notifications_service_type_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_service_type_created_at ON app_public.notifications USING btree (service_id, notification_type, created_at);


--
-- Name: ix_notifications_template_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_template_id ON app_public.notifications USING btree (template_id, created_at);


--
-- Name: jobs_api_key_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_api_key_id_idx ON app_public.jobs USING btree (api_key_id) WHERE (api_key_id IS NOT NULL);


--
-- Name: jobs_contact_list_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_contact_list_id_idx ON app_public.jobs USING btree (contact_list_id) WHERE (contact_list_id IS NOT NULL);


--
-- Name: jobs_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_created_by_id_idx ON app_public.jobs USING btree (created_by_id) WHERE (created_by_id IS NOT NULL);


--
-- Name: jobs_finished_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_finished_idx ON app_public.jobs USING btree (processing_finished) WHERE (job_status = 'finished'::text);


--
-- Name: jobs_job_status_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_job_status_idx ON app_public.jobs USING btree (job_status);


--
-- Name: jobs_processing_started_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_processing_started_idx ON app_public.jobs USING btree (processing_started) WHERE (processing_started IS NOT NULL);


--
-- Name: jobs_scheduled_for_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_scheduled_for_idx ON app_public.jobs USING btree (scheduled_for) WHERE (scheduled_for IS NOT NULL);


--
-- Name: jobs_service_id_created_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_service_id_created_at_idx ON app_public.jobs USING btree (service_id, created_at DESC);


--
-- Name: jobs_template_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX jobs_template_idx ON app_public.jobs USING btree (template_id, template_version);


--
-- Name: letter_branding_to_organisation_branding_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX letter_branding_to_organisation_branding_idx ON app_public.letter_branding_to_organisation USING btree (letter_branding_id);


--
-- Name: organisation_agreement_signed_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX organisation_agreement_signed_by_id_idx ON app_public.organisation USING btree (agreement_signed_by_id);


--
-- Name: organisation_email_branding_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX organisation_email_branding_id_idx ON app_public.organisation USING btree (email_branding_id);


--
-- Name: organisation_letter_branding_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX organisation_letter_branding_id_idx ON app_public.organisation USING btree (letter_branding_id);


--
-- Name: organisation_organisation_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX organisation_organisation_type_idx ON app_public.organisation USING btree (organisation_type);


--
-- Name: permissions_permission_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX permissions_permission_idx ON app_public.permissions USING btree (permission);


--
-- Name: permissions_user_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX permissions_user_id_idx ON app_public.permissions USING btree (user_id);


--
-- Name: provider_details_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX provider_details_created_by_id_idx ON app_public.provider_details USING btree (created_by_id);


--
-- Name: provider_details_notification_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX provider_details_notification_type_idx ON app_public.provider_details USING btree (notification_type);


--
-- Name: returned_letters_service_id_reported_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX returned_letters_service_id_reported_at_idx ON app_public.returned_letters USING btree (service_id, reported_at);


--
-- Name: service_callback_api_callback_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_callback_api_callback_type_idx ON app_public.service_callback_api USING btree (callback_type);


--
-- Name: service_callback_api_history_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_callback_api_history_service_id_idx ON app_public.service_callback_api_history USING btree (service_id);


--
-- Name: service_callback_api_updated_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_callback_api_updated_by_id_idx ON app_public.service_callback_api USING btree (updated_by_id);


--
-- Name: service_contact_list_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_contact_list_created_by_id_idx ON app_public.service_contact_list USING btree (created_by_id);


--
-- Name: service_contact_list_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_contact_list_service_id_idx ON app_public.service_contact_list USING btree (service_id, created_at DESC);


--
-- Name: service_contact_list_template_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_contact_list_template_type_idx ON app_public.service_contact_list USING btree (template_type);


--
-- Name: service_data_retention_notification_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_data_retention_notification_type_idx ON app_public.service_data_retention USING btree (notification_type);


--
-- Name: service_email_branding_branding_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_email_branding_branding_idx ON app_public.service_email_branding USING btree (email_branding_id);


--
-- Name: service_email_reply_to_one_default; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX service_email_reply_to_one_default ON app_public.service_email_reply_to USING btree (service_id) WHERE (is_default AND (NOT archived));


--
-- Name: service_email_reply_to_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_email_reply_to_service_id_idx ON app_public.service_email_reply_to USING btree (service_id);


--
-- Name: service_letter_branding_branding_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_letter_branding_branding_idx ON app_public.service_letter_branding USING btree (letter_branding_id);


--
-- Name: service_letter_contacts_one_default; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX service_letter_contacts_one_default ON app_public.service_letter_contacts USING btree (service_id) WHERE (is_default AND (NOT archived));


--
-- Name: service_letter_contacts_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_letter_contacts_service_id_idx ON app_public.service_letter_contacts USING btree (service_id);


--
-- Name: service_permissions_permission_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_permissions_permission_idx ON app_public.service_permissions USING btree (permission);


--
-- Name: service_sms_senders_one_default; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX service_sms_senders_one_default ON app_public.service_sms_senders USING btree (service_id) WHERE (is_default AND (NOT archived));


--
-- Name: service_sms_senders_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_sms_senders_service_id_idx ON app_public.service_sms_senders USING btree (service_id);


--
-- Name: service_whitelist_recipient_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_whitelist_recipient_type_idx ON app_public.service_whitelist USING btree (recipient_type);


--
-- Name: service_whitelist_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX service_whitelist_service_id_idx ON app_public.service_whitelist USING btree (service_id);


--
-- Name: services_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX services_created_by_id_idx ON app_public.services USING btree (created_by_id);


--
-- Name: services_go_live_user_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX services_go_live_user_id_idx ON app_public.services USING btree (go_live_user_id);


--
-- Name: services_organisation_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX services_organisation_id_idx ON app_public.services USING btree (organisation_id);


--
-- Name: services_organisation_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX services_organisation_type_idx ON app_public.services USING btree (organisation_type);


--
-- Name: template_folder_map_folder_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX template_folder_map_folder_idx ON app_public.template_folder_map USING btree (template_folder_id);


--
-- Name: template_folder_parent_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX template_folder_parent_idx ON app_public.template_folder USING btree (parent_id, service_id);


--
-- Name: template_folder_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX template_folder_service_id_idx ON app_public.template_folder USING btree (service_id);


--
-- Name: template_redacted_updated_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX template_redacted_updated_by_id_idx ON app_public.template_redacted USING btree (updated_by_id);


--
-- Name: templates_created_by_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX templates_created_by_id_idx ON app_public.templates USING btree (created_by_id);


--
-- Name: templates_history_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX templates_history_service_id_idx ON app_public.templates_history USING btree (service_id);


--
-- Name: templates_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX templates_service_id_idx ON app_public.templates USING btree (service_id);


--
-- Name: templates_service_letter_contact_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX templates_service_letter_contact_id_idx ON app_public.templates USING btree (service_letter_contact_id);


--
-- Name: templates_template_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX templates_template_type_idx ON app_public.templates USING btree (template_type);


--
-- Name: uix_notifications_job_row_partial; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX uix_notifications_job_row_partial ON app_public.notifications USING btree (job_id, job_row_number) WHERE (job_id IS NOT NULL);


--
-- Name: uix_service_to_key_name; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX uix_service_to_key_name ON app_public.api_keys USING btree (service_id, name) WHERE (expiry_date IS NULL);


--
-- Name: unsubscribe_requests_service_id_created_at_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX unsubscribe_requests_service_id_created_at_idx ON app_public.unsubscribe_requests USING btree (service_id, created_at);


--
-- Name: unsubscribe_requests_template_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX unsubscribe_requests_template_idx ON app_public.unsubscribe_requests USING btree (template_id, template_version);


--
-- Name: user_folder_permissions_folder_service_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX user_folder_permissions_folder_service_idx ON app_public.user_folder_permissions USING btree (template_folder_id, service_id);


--
-- Name: user_folder_permissions_user_service_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX user_folder_permissions_user_service_idx ON app_public.user_folder_permissions USING btree (user_id, service_id);


--
-- Name: user_to_organisation_organisation_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX user_to_organisation_organisation_id_idx ON app_public.user_to_organisation USING btree (organisation_id);


--
-- Name: user_to_service_service_id_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX user_to_service_service_id_idx ON app_public.user_to_service USING btree (service_id);


--
-- Name: users_auth_type_idx; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX users_auth_type_idx ON app_public.users USING btree (auth_type);


--
-- Name: settings _100_timestamps; Type: TRIGGER; Schema: app_private; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_private.settings FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: user_secrets _100_timestamps; Type: TRIGGER; Schema: app_private; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_private.user_secrets FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: annual_billing _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.annual_billing FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: api_keys _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: api_keys_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.api_keys_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: complaints _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.complaints FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: daily_sorted_letter _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.daily_sorted_letter FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: default_annual_allowance _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.default_annual_allowance FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: email_branding _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.email_branding FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: ft_billing _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.ft_billing FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: ft_notification_status _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.ft_notification_status FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: ft_processing_time _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.ft_processing_time FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: inbound_numbers _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.inbound_numbers FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: invited_organisation_users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.invited_organisation_users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: invited_users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.invited_users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: jobs _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.jobs FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: letter_branding _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.letter_branding FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: letter_rates _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.letter_rates FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: notification_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.notification_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: notifications _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.notifications FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: organisation _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.organisation FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: provider_details _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.provider_details FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: provider_details_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.provider_details_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: rates _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.rates FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: returned_letters _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.returned_letters FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_callback_api _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_callback_api FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_callback_api_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_callback_api_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_contact_list _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_contact_list FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_data_retention _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_data_retention FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_email_reply_to _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_email_reply_to FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_letter_contacts _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_letter_contacts FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: service_sms_senders _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.service_sms_senders FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: services _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: services_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.services_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: template_redacted _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.template_redacted FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: templates _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: templates_history _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.templates_history FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: users _100_timestamps; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _100_timestamps BEFORE UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__timestamps();


--
-- Name: users _200_email_access_validated; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _200_email_access_validated BEFORE INSERT ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__email_access_validated();


--
-- Name: organisation _200_nhs_branding; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _200_nhs_branding BEFORE INSERT OR UPDATE OF organisation_type ON app_public.organisation FOR EACH ROW EXECUTE FUNCTION app_private.tg_organisation__nhs_branding();


--
-- Name: services _300_protect; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _300_protect BEFORE UPDATE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg_services__protect();


--
-- Name: users _300_protect; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _300_protect BEFORE UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__protect();


--
-- Name: api_keys _300_stay_revoked; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _300_stay_revoked BEFORE UPDATE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg_api_keys__stay_revoked();


--
-- Name: api_keys _400_version; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_version BEFORE INSERT OR UPDATE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__version();


--
-- Name: provider_details _400_version; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_version BEFORE INSERT OR UPDATE ON app_public.provider_details FOR EACH ROW EXECUTE FUNCTION app_private.tg__version();


--
-- Name: service_callback_api _400_version; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_version BEFORE INSERT OR UPDATE ON app_public.service_callback_api FOR EACH ROW EXECUTE FUNCTION app_private.tg__version();


--
-- Name: services _400_version; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_version BEFORE INSERT OR UPDATE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg__version();


--
-- Name: templates _400_version; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _400_version BEFORE INSERT OR UPDATE ON app_public.templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__version();


--
-- Name: api_keys _500_history; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_history AFTER INSERT OR UPDATE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__history('app_public.api_keys_history');


--
-- Name: provider_details _500_history; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_history AFTER INSERT OR UPDATE ON app_public.provider_details FOR EACH ROW EXECUTE FUNCTION app_private.tg__history('app_public.provider_details_history');


--
-- Name: service_callback_api _500_history; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_history AFTER INSERT OR UPDATE ON app_public.service_callback_api FOR EACH ROW EXECUTE FUNCTION app_private.tg__history('app_public.service_callback_api_history');


--
-- Name: services _500_history; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_history AFTER INSERT OR UPDATE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg__history('app_public.services_history');


--
-- Name: templates _500_history; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_history AFTER INSERT OR UPDATE ON app_public.templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__history('app_public.templates_history');


--
-- Name: services _500_service_defaults; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _500_service_defaults AFTER INSERT ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg_services__defaults();


--
-- Name: organisation _600_propagate_to_services; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _600_propagate_to_services AFTER UPDATE ON app_public.organisation FOR EACH ROW EXECUTE FUNCTION app_private.tg_organisation__propagate();


--
-- Name: templates _600_template_redacted; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _600_template_redacted AFTER INSERT ON app_public.templates FOR EACH ROW EXECUTE FUNCTION app_private.tg_templates__redacted();


--
-- Name: inbound_sms _800_inbound_callback; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _800_inbound_callback AFTER INSERT ON app_public.inbound_sms REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_inbound_sms__callback();


--
-- Name: notifications _800_status_callback; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _800_status_callback AFTER UPDATE ON app_public.notifications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_notifications__status_callback();


--
-- Name: jobs _900_delete_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_delete_notifications BEFORE DELETE ON app_public.jobs FOR EACH ROW EXECUTE FUNCTION app_private.tg_jobs__delete_notifications();


--
-- Name: services _900_delete_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_delete_notifications BEFORE DELETE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg_services__delete_notifications();


--
-- Name: api_keys _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: inbound_numbers _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.inbound_numbers FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: service_email_reply_to _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.service_email_reply_to FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: service_letter_contacts _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.service_letter_contacts FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: service_permissions _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.service_permissions FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: service_sms_senders _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.service_sms_senders FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: service_whitelist _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.service_whitelist FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: services _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.services FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: templates _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.templates FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: user_to_service _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.user_to_service FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: users _900_notify_cache; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_notify_cache AFTER INSERT OR DELETE OR UPDATE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg__notify_cache();


--
-- Name: templates_history _900_restrict_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_restrict_notifications BEFORE DELETE ON app_public.templates_history FOR EACH ROW EXECUTE FUNCTION app_private.tg_templates_history__restrict_notifications();


--
-- Name: api_keys _900_unlink_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_unlink_notifications BEFORE DELETE ON app_public.api_keys FOR EACH ROW EXECUTE FUNCTION app_private.tg_api_keys__unlink_notifications();


--
-- Name: users _900_unlink_notifications; Type: TRIGGER; Schema: app_public; Owner: -
--

CREATE TRIGGER _900_unlink_notifications BEFORE DELETE ON app_public.users FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__unlink_notifications();


--
-- Name: csv_uploads csv_uploads_checked_by_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.csv_uploads
    ADD CONSTRAINT csv_uploads_checked_by_id_fkey FOREIGN KEY (checked_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: csv_uploads csv_uploads_service_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.csv_uploads
    ADD CONSTRAINT csv_uploads_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: csv_uploads csv_uploads_template_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.csv_uploads
    ADD CONSTRAINT csv_uploads_template_id_fkey FOREIGN KEY (template_id) REFERENCES app_public.templates(id) ON DELETE CASCADE;


--
-- Name: job_rows_not_stored job_rows_not_stored_job_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.job_rows_not_stored
    ADD CONSTRAINT job_rows_not_stored_job_id_fkey FOREIGN KEY (job_id) REFERENCES app_public.jobs(id) ON DELETE CASCADE;


--
-- Name: service_callback_health service_callback_health_service_callback_api_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.service_callback_health
    ADD CONSTRAINT service_callback_health_service_callback_api_id_fkey FOREIGN KEY (service_callback_api_id) REFERENCES app_public.service_callback_api(id) ON DELETE CASCADE;


--
-- Name: user_changes user_changes_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.user_changes
    ADD CONSTRAINT user_changes_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: user_secrets user_secrets_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.user_secrets
    ADD CONSTRAINT user_secrets_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: verify_codes verify_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.verify_codes
    ADD CONSTRAINT verify_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: annual_billing annual_billing_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.annual_billing
    ADD CONSTRAINT annual_billing_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: api_keys api_keys_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys
    ADD CONSTRAINT api_keys_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: api_keys_history api_keys_history_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys_history
    ADD CONSTRAINT api_keys_history_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: api_keys api_keys_key_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys
    ADD CONSTRAINT api_keys_key_type_fkey FOREIGN KEY (key_type) REFERENCES app_public.key_types(name) ON DELETE RESTRICT;


--
-- Name: api_keys api_keys_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.api_keys
    ADD CONSTRAINT api_keys_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: complaints complaints_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.complaints
    ADD CONSTRAINT complaints_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: default_annual_allowance default_annual_allowance_notification_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.default_annual_allowance
    ADD CONSTRAINT default_annual_allowance_notification_type_fkey FOREIGN KEY (notification_type) REFERENCES app_public.notification_type(name) ON DELETE RESTRICT;


--
-- Name: default_annual_allowance default_annual_allowance_organisation_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.default_annual_allowance
    ADD CONSTRAINT default_annual_allowance_organisation_type_fkey FOREIGN KEY (organisation_type) REFERENCES app_public.organisation_types(name) ON DELETE RESTRICT;


--
-- Name: domain domain_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.domain
    ADD CONSTRAINT domain_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE CASCADE;


--
-- Name: email_branding email_branding_brand_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding
    ADD CONSTRAINT email_branding_brand_type_fkey FOREIGN KEY (brand_type) REFERENCES app_public.branding_type(name) ON DELETE RESTRICT;


--
-- Name: email_branding_to_organisation email_branding_to_organisation_email_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding_to_organisation
    ADD CONSTRAINT email_branding_to_organisation_email_branding_id_fkey FOREIGN KEY (email_branding_id) REFERENCES app_public.email_branding(id) ON DELETE CASCADE;


--
-- Name: email_branding_to_organisation email_branding_to_organisation_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.email_branding_to_organisation
    ADD CONSTRAINT email_branding_to_organisation_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE CASCADE;


--
-- Name: inbound_numbers inbound_numbers_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_numbers
    ADD CONSTRAINT inbound_numbers_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE SET NULL;


--
-- Name: inbound_sms_history inbound_sms_history_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_sms_history
    ADD CONSTRAINT inbound_sms_history_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: inbound_sms inbound_sms_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.inbound_sms
    ADD CONSTRAINT inbound_sms_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: invited_organisation_users invited_organisation_users_invited_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_organisation_users
    ADD CONSTRAINT invited_organisation_users_invited_by_id_fkey FOREIGN KEY (invited_by_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: invited_organisation_users invited_organisation_users_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_organisation_users
    ADD CONSTRAINT invited_organisation_users_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE CASCADE;


--
-- Name: invited_organisation_users invited_organisation_users_status_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_organisation_users
    ADD CONSTRAINT invited_organisation_users_status_fkey FOREIGN KEY (status) REFERENCES app_public.invite_status_type(name) ON DELETE RESTRICT;


--
-- Name: invited_users invited_users_auth_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_users
    ADD CONSTRAINT invited_users_auth_type_fkey FOREIGN KEY (auth_type) REFERENCES app_public.auth_type(name) ON DELETE RESTRICT;


--
-- Name: invited_users invited_users_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_users
    ADD CONSTRAINT invited_users_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: invited_users invited_users_status_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_users
    ADD CONSTRAINT invited_users_status_fkey FOREIGN KEY (status) REFERENCES app_public.invite_status_type(name) ON DELETE RESTRICT;


--
-- Name: invited_users invited_users_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.invited_users
    ADD CONSTRAINT invited_users_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: jobs jobs_api_key_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES app_public.api_keys(id) ON DELETE SET NULL;


--
-- Name: jobs jobs_contact_list_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_contact_list_id_fkey FOREIGN KEY (contact_list_id) REFERENCES app_public.service_contact_list(id) ON DELETE SET NULL;


--
-- Name: jobs jobs_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: jobs jobs_job_status_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_job_status_fkey FOREIGN KEY (job_status) REFERENCES app_public.job_status(name) ON DELETE RESTRICT;


--
-- Name: jobs jobs_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: jobs jobs_template_version_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.jobs
    ADD CONSTRAINT jobs_template_version_fk FOREIGN KEY (template_id, template_version) REFERENCES app_public.templates_history(id, version);


--
-- Name: letter_branding_to_organisation letter_branding_to_organisation_letter_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding_to_organisation
    ADD CONSTRAINT letter_branding_to_organisation_letter_branding_id_fkey FOREIGN KEY (letter_branding_id) REFERENCES app_public.letter_branding(id) ON DELETE CASCADE;


--
-- Name: letter_branding_to_organisation letter_branding_to_organisation_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.letter_branding_to_organisation
    ADD CONSTRAINT letter_branding_to_organisation_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE CASCADE;


--
-- Name: organisation organisation_agreement_signed_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_agreement_signed_by_id_fkey FOREIGN KEY (agreement_signed_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: organisation organisation_email_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_email_branding_id_fkey FOREIGN KEY (email_branding_id) REFERENCES app_public.email_branding(id) ON DELETE SET NULL;


--
-- Name: organisation organisation_letter_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_letter_branding_id_fkey FOREIGN KEY (letter_branding_id) REFERENCES app_public.letter_branding(id) ON DELETE SET NULL;


--
-- Name: organisation organisation_organisation_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.organisation
    ADD CONSTRAINT organisation_organisation_type_fkey FOREIGN KEY (organisation_type) REFERENCES app_public.organisation_types(name) ON DELETE RESTRICT;


--
-- Name: permissions permissions_permission_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permissions
    ADD CONSTRAINT permissions_permission_fkey FOREIGN KEY (permission) REFERENCES app_public.permission_types(name) ON DELETE RESTRICT;


--
-- Name: permissions permissions_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permissions
    ADD CONSTRAINT permissions_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: permissions permissions_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.permissions
    ADD CONSTRAINT permissions_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: provider_details provider_details_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details
    ADD CONSTRAINT provider_details_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: provider_details_history provider_details_history_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details_history
    ADD CONSTRAINT provider_details_history_id_fkey FOREIGN KEY (id) REFERENCES app_public.provider_details(id) ON DELETE CASCADE;


--
-- Name: provider_details provider_details_notification_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.provider_details
    ADD CONSTRAINT provider_details_notification_type_fkey FOREIGN KEY (notification_type) REFERENCES app_public.notification_type(name) ON DELETE RESTRICT;


--
-- Name: rates rates_notification_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.rates
    ADD CONSTRAINT rates_notification_type_fkey FOREIGN KEY (notification_type) REFERENCES app_public.notification_type(name) ON DELETE RESTRICT;


--
-- Name: returned_letters returned_letters_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.returned_letters
    ADD CONSTRAINT returned_letters_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_callback_api service_callback_api_callback_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api
    ADD CONSTRAINT service_callback_api_callback_type_fkey FOREIGN KEY (callback_type) REFERENCES app_public.service_callback_type(name) ON DELETE RESTRICT;


--
-- Name: service_callback_api_history service_callback_api_history_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api_history
    ADD CONSTRAINT service_callback_api_history_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_callback_api service_callback_api_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api
    ADD CONSTRAINT service_callback_api_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_callback_api service_callback_api_updated_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_callback_api
    ADD CONSTRAINT service_callback_api_updated_by_id_fkey FOREIGN KEY (updated_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: service_contact_list service_contact_list_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_contact_list
    ADD CONSTRAINT service_contact_list_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: service_contact_list service_contact_list_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_contact_list
    ADD CONSTRAINT service_contact_list_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_contact_list service_contact_list_template_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_contact_list
    ADD CONSTRAINT service_contact_list_template_type_fkey FOREIGN KEY (template_type) REFERENCES app_public.template_type(name) ON DELETE RESTRICT;


--
-- Name: service_data_retention service_data_retention_notification_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_data_retention
    ADD CONSTRAINT service_data_retention_notification_type_fkey FOREIGN KEY (notification_type) REFERENCES app_public.notification_type(name) ON DELETE RESTRICT;


--
-- Name: service_data_retention service_data_retention_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_data_retention
    ADD CONSTRAINT service_data_retention_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_email_branding service_email_branding_email_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_email_branding
    ADD CONSTRAINT service_email_branding_email_branding_id_fkey FOREIGN KEY (email_branding_id) REFERENCES app_public.email_branding(id) ON DELETE CASCADE;


--
-- Name: service_email_branding service_email_branding_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_email_branding
    ADD CONSTRAINT service_email_branding_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_email_reply_to service_email_reply_to_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_email_reply_to
    ADD CONSTRAINT service_email_reply_to_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_letter_branding service_letter_branding_letter_branding_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_letter_branding
    ADD CONSTRAINT service_letter_branding_letter_branding_id_fkey FOREIGN KEY (letter_branding_id) REFERENCES app_public.letter_branding(id) ON DELETE CASCADE;


--
-- Name: service_letter_branding service_letter_branding_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_letter_branding
    ADD CONSTRAINT service_letter_branding_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_letter_contacts service_letter_contacts_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_letter_contacts
    ADD CONSTRAINT service_letter_contacts_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_permissions service_permissions_permission_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_permissions
    ADD CONSTRAINT service_permissions_permission_fkey FOREIGN KEY (permission) REFERENCES app_public.service_permission_types(name) ON DELETE RESTRICT;


--
-- Name: service_permissions service_permissions_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_permissions
    ADD CONSTRAINT service_permissions_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_sms_senders service_sms_senders_inbound_number_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_sms_senders
    ADD CONSTRAINT service_sms_senders_inbound_number_id_fkey FOREIGN KEY (inbound_number_id) REFERENCES app_public.inbound_numbers(id) ON DELETE SET NULL;


--
-- Name: service_sms_senders service_sms_senders_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_sms_senders
    ADD CONSTRAINT service_sms_senders_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: service_whitelist service_whitelist_recipient_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_whitelist
    ADD CONSTRAINT service_whitelist_recipient_type_fkey FOREIGN KEY (recipient_type) REFERENCES app_public.recipient_type(name) ON DELETE RESTRICT;


--
-- Name: service_whitelist service_whitelist_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.service_whitelist
    ADD CONSTRAINT service_whitelist_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: services services_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: services services_go_live_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_go_live_user_id_fkey FOREIGN KEY (go_live_user_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: services services_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE SET NULL;


--
-- Name: services services_organisation_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.services
    ADD CONSTRAINT services_organisation_type_fkey FOREIGN KEY (organisation_type) REFERENCES app_public.organisation_types(name) ON DELETE RESTRICT;


--
-- Name: template_folder_map template_folder_map_template_folder_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder_map
    ADD CONSTRAINT template_folder_map_template_folder_id_fkey FOREIGN KEY (template_folder_id) REFERENCES app_public.template_folder(id) ON DELETE CASCADE;


--
-- Name: template_folder_map template_folder_map_template_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder_map
    ADD CONSTRAINT template_folder_map_template_id_fkey FOREIGN KEY (template_id) REFERENCES app_public.templates(id) ON DELETE CASCADE;


--
-- Name: template_folder template_folder_parent_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder
    ADD CONSTRAINT template_folder_parent_fk FOREIGN KEY (parent_id, service_id) REFERENCES app_public.template_folder(id, service_id) ON DELETE CASCADE;


--
-- Name: template_folder template_folder_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_folder
    ADD CONSTRAINT template_folder_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: template_redacted template_redacted_template_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_redacted
    ADD CONSTRAINT template_redacted_template_id_fkey FOREIGN KEY (template_id) REFERENCES app_public.templates(id) ON DELETE CASCADE;


--
-- Name: template_redacted template_redacted_updated_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.template_redacted
    ADD CONSTRAINT template_redacted_updated_by_id_fkey FOREIGN KEY (updated_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: templates templates_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates
    ADD CONSTRAINT templates_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE RESTRICT;


--
-- Name: templates_history templates_history_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates_history
    ADD CONSTRAINT templates_history_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: templates templates_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates
    ADD CONSTRAINT templates_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: templates templates_service_letter_contact_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates
    ADD CONSTRAINT templates_service_letter_contact_id_fkey FOREIGN KEY (service_letter_contact_id) REFERENCES app_public.service_letter_contacts(id) ON DELETE SET NULL;


--
-- Name: templates templates_template_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.templates
    ADD CONSTRAINT templates_template_type_fkey FOREIGN KEY (template_type) REFERENCES app_public.template_type(name) ON DELETE RESTRICT;


--
-- Name: unsubscribe_requests unsubscribe_requests_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.unsubscribe_requests
    ADD CONSTRAINT unsubscribe_requests_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: unsubscribe_requests unsubscribe_requests_template_id_template_version_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.unsubscribe_requests
    ADD CONSTRAINT unsubscribe_requests_template_id_template_version_fkey FOREIGN KEY (template_id, template_version) REFERENCES app_public.templates_history(id, version);


--
-- Name: user_folder_permissions user_folder_permissions_folder_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_folder_permissions
    ADD CONSTRAINT user_folder_permissions_folder_fk FOREIGN KEY (template_folder_id, service_id) REFERENCES app_public.template_folder(id, service_id) ON DELETE CASCADE;


--
-- Name: user_folder_permissions user_folder_permissions_user_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_folder_permissions
    ADD CONSTRAINT user_folder_permissions_user_fk FOREIGN KEY (user_id, service_id) REFERENCES app_public.user_to_service(user_id, service_id) ON DELETE CASCADE;


--
-- Name: user_to_organisation user_to_organisation_organisation_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_organisation
    ADD CONSTRAINT user_to_organisation_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES app_public.organisation(id) ON DELETE CASCADE;


--
-- Name: user_to_organisation user_to_organisation_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_organisation
    ADD CONSTRAINT user_to_organisation_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: user_to_service user_to_service_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_service
    ADD CONSTRAINT user_to_service_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: user_to_service user_to_service_user_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.user_to_service
    ADD CONSTRAINT user_to_service_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_public.users(id) ON DELETE CASCADE;


--
-- Name: users users_auth_type_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.users
    ADD CONSTRAINT users_auth_type_fkey FOREIGN KEY (auth_type) REFERENCES app_public.auth_type(name) ON DELETE RESTRICT;


--
-- Name: annual_billing admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.annual_billing TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: api_keys admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.api_keys TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: api_keys_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.api_keys_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: complaints admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.complaints TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: daily_sorted_letter admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.daily_sorted_letter TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: default_annual_allowance admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.default_annual_allowance TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: domain admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.domain TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: email_branding admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.email_branding TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: email_branding_to_organisation admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.email_branding_to_organisation TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: ft_billing admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.ft_billing TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: ft_notification_status admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.ft_notification_status TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: ft_processing_time admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.ft_processing_time TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: inbound_numbers admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.inbound_numbers TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: inbound_sms admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.inbound_sms TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: inbound_sms_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.inbound_sms_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: invited_organisation_users admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.invited_organisation_users TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: invited_users admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.invited_users TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: jobs admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.jobs TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: letter_branding admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.letter_branding TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: letter_branding_to_organisation admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.letter_branding_to_organisation TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: letter_rates admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.letter_rates TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: notification_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.notification_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: notifications admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.notifications TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: organisation admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.organisation TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: permissions admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.permissions TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: provider_details admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.provider_details TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: provider_details_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.provider_details_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: rates admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.rates TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: returned_letters admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.returned_letters TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_callback_api admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_callback_api TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_callback_api_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_callback_api_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_contact_list admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_contact_list TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_data_retention admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_data_retention TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_email_branding admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_email_branding TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_email_reply_to admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_email_reply_to TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_letter_branding admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_letter_branding TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_letter_contacts admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_letter_contacts TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_permissions admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_permissions TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_sms_senders admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_sms_senders TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: service_whitelist admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.service_whitelist TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: services admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.services TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: services_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.services_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: template_folder admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.template_folder TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: template_folder_map admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.template_folder_map TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: template_redacted admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.template_redacted TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: templates admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.templates TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: templates_history admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.templates_history TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: user_folder_permissions admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.user_folder_permissions TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: user_to_organisation admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.user_to_organisation TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: user_to_service admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.user_to_service TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: users admin_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY admin_all ON app_public.users TO notify_user USING (( SELECT app_hidden.is_platform_admin() AS is_platform_admin)) WITH CHECK (( SELECT app_hidden.is_platform_admin() AS is_platform_admin));


--
-- Name: annual_billing; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.annual_billing ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.api_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.api_keys_history ENABLE ROW LEVEL SECURITY;

--
-- Name: letter_rates api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.letter_rates FOR SELECT TO notify_api USING (true);


--
-- Name: notifications api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.notifications FOR SELECT TO notify_api USING (true);


--
-- Name: rates api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.rates FOR SELECT TO notify_api USING (true);


--
-- Name: service_email_reply_to api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.service_email_reply_to FOR SELECT TO notify_api USING (true);


--
-- Name: service_letter_contacts api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.service_letter_contacts FOR SELECT TO notify_api USING (true);


--
-- Name: service_permissions api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.service_permissions FOR SELECT TO notify_api USING (true);


--
-- Name: service_sms_senders api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.service_sms_senders FOR SELECT TO notify_api USING (true);


--
-- Name: service_whitelist api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.service_whitelist FOR SELECT TO notify_api USING (true);


--
-- Name: services api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.services FOR SELECT TO notify_api USING (true);


--
-- Name: templates api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.templates FOR SELECT TO notify_api USING (true);


--
-- Name: templates_history api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.templates_history FOR SELECT TO notify_api USING (true);


--
-- Name: user_to_service api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.user_to_service FOR SELECT TO notify_api USING (true);


--
-- Name: users api_read; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY api_read ON app_public.users FOR SELECT TO notify_api USING (true);


--
-- Name: auth_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.auth_type ENABLE ROW LEVEL SECURITY;

--
-- Name: branding_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.branding_type ENABLE ROW LEVEL SECURITY;

--
-- Name: complaints; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.complaints ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_sorted_letter; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.daily_sorted_letter ENABLE ROW LEVEL SECURITY;

--
-- Name: default_annual_allowance; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.default_annual_allowance ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.api_keys FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text));


--
-- Name: invited_users delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.invited_users FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: jobs delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.jobs FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: permissions delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.permissions FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: service_callback_api delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_callback_api FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_contact_list delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_contact_list FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: service_data_retention delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_data_retention FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_email_reply_to delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_email_reply_to FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_letter_contacts delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_letter_contacts FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_sms_senders delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_sms_senders FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_whitelist delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.service_whitelist FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: template_folder delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.template_folder FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: templates delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.templates FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: user_folder_permissions delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.user_folder_permissions FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: user_to_service delete_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY delete_team ON app_public.user_to_service FOR DELETE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: domain; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.domain ENABLE ROW LEVEL SECURITY;

--
-- Name: email_branding; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.email_branding ENABLE ROW LEVEL SECURITY;

--
-- Name: email_branding_to_organisation; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.email_branding_to_organisation ENABLE ROW LEVEL SECURITY;

--
-- Name: ft_billing; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.ft_billing ENABLE ROW LEVEL SECURITY;

--
-- Name: ft_notification_status; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.ft_notification_status ENABLE ROW LEVEL SECURITY;

--
-- Name: ft_processing_time; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.ft_processing_time ENABLE ROW LEVEL SECURITY;

--
-- Name: inbound_numbers; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.inbound_numbers ENABLE ROW LEVEL SECURITY;

--
-- Name: inbound_sms; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.inbound_sms ENABLE ROW LEVEL SECURITY;

--
-- Name: inbound_sms_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.inbound_sms_history ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.api_keys FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text));


--
-- Name: jobs insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.jobs FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: permissions insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.permissions FOR INSERT TO notify_user WITH CHECK ((app_hidden.user_has_service_permission(service_id, 'manage_users'::text) AND (EXISTS ( SELECT 1
   FROM app_public.user_to_service uts
  WHERE ((uts.service_id = permissions.service_id) AND (uts.user_id = permissions.user_id))))));


--
-- Name: service_callback_api insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_callback_api FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_contact_list insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_contact_list FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: service_data_retention insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_data_retention FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_email_reply_to insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_email_reply_to FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_letter_contacts insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_letter_contacts FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_sms_senders insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_sms_senders FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_whitelist insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.service_whitelist FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: template_folder insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.template_folder FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: templates insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.templates FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: user_folder_permissions insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.user_folder_permissions FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: invite_status_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.invite_status_type ENABLE ROW LEVEL SECURITY;

--
-- Name: invited_organisation_users; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.invited_organisation_users ENABLE ROW LEVEL SECURITY;

--
-- Name: invited_users; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.invited_users ENABLE ROW LEVEL SECURITY;

--
-- Name: job_status; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.job_status ENABLE ROW LEVEL SECURITY;

--
-- Name: jobs; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.jobs ENABLE ROW LEVEL SECURITY;

--
-- Name: key_types; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.key_types ENABLE ROW LEVEL SECURITY;

--
-- Name: letter_branding; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.letter_branding ENABLE ROW LEVEL SECURITY;

--
-- Name: letter_branding_to_organisation; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.letter_branding_to_organisation ENABLE ROW LEVEL SECURITY;

--
-- Name: letter_rates; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.letter_rates ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notification_history ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_status_types; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notification_status_types ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notification_type ENABLE ROW LEVEL SECURITY;

--
-- Name: notifications; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: organisation; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.organisation ENABLE ROW LEVEL SECURITY;

--
-- Name: organisation_types; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.organisation_types ENABLE ROW LEVEL SECURITY;

--
-- Name: permission_types; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.permission_types ENABLE ROW LEVEL SECURITY;

--
-- Name: permissions; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.permissions ENABLE ROW LEVEL SECURITY;

--
-- Name: provider_details; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.provider_details ENABLE ROW LEVEL SECURITY;

--
-- Name: provider_details_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.provider_details_history ENABLE ROW LEVEL SECURITY;

--
-- Name: rates; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.rates ENABLE ROW LEVEL SECURITY;

--
-- Name: recipient_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.recipient_type ENABLE ROW LEVEL SECURITY;

--
-- Name: returned_letters; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.returned_letters ENABLE ROW LEVEL SECURITY;

--
-- Name: auth_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.auth_type FOR SELECT TO notify_user USING (true);


--
-- Name: branding_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.branding_type FOR SELECT TO notify_user USING (true);


--
-- Name: default_annual_allowance select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.default_annual_allowance FOR SELECT TO notify_user USING (true);


--
-- Name: domain select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.domain FOR SELECT TO notify_user USING (true);


--
-- Name: email_branding select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.email_branding FOR SELECT TO notify_user USING (true);


--
-- Name: email_branding_to_organisation select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.email_branding_to_organisation FOR SELECT TO notify_user USING (true);


--
-- Name: invite_status_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.invite_status_type FOR SELECT TO notify_user USING (true);


--
-- Name: job_status select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.job_status FOR SELECT TO notify_user USING (true);


--
-- Name: key_types select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.key_types FOR SELECT TO notify_user USING (true);


--
-- Name: letter_branding select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.letter_branding FOR SELECT TO notify_user USING (true);


--
-- Name: letter_branding_to_organisation select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.letter_branding_to_organisation FOR SELECT TO notify_user USING (true);


--
-- Name: letter_rates select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.letter_rates FOR SELECT TO notify_user USING (true);


--
-- Name: notification_status_types select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.notification_status_types FOR SELECT TO notify_user USING (true);


--
-- Name: notification_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.notification_type FOR SELECT TO notify_user USING (true);


--
-- Name: organisation_types select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.organisation_types FOR SELECT TO notify_user USING (true);


--
-- Name: permission_types select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.permission_types FOR SELECT TO notify_user USING (true);


--
-- Name: provider_details select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.provider_details FOR SELECT TO notify_user USING (true);


--
-- Name: provider_details_history select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.provider_details_history FOR SELECT TO notify_user USING (true);


--
-- Name: rates select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.rates FOR SELECT TO notify_user USING (true);


--
-- Name: recipient_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.recipient_type FOR SELECT TO notify_user USING (true);


--
-- Name: service_callback_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.service_callback_type FOR SELECT TO notify_user USING (true);


--
-- Name: service_permission_types select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.service_permission_types FOR SELECT TO notify_user USING (true);


--
-- Name: template_type select_all; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_all ON app_public.template_type FOR SELECT TO notify_user USING (true);


--
-- Name: invited_users select_invitee; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_invitee ON app_public.invited_users FOR SELECT TO notify_user USING ((email_address OPERATOR(public.=) ( SELECT u.email_address
   FROM app_public.users u
  WHERE (u.id = ( SELECT app_public.current_user_id() AS current_user_id)))));


--
-- Name: organisation select_member; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_member ON app_public.organisation FOR SELECT TO notify_user USING (((EXISTS ( SELECT 1
   FROM app_public.user_to_organisation uo
  WHERE ((uo.organisation_id = organisation.id) AND (uo.user_id = ( SELECT app_public.current_user_id() AS current_user_id))))) OR (id IN ( SELECT s.organisation_id
   FROM app_public.services s
  WHERE (s.id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids))))));


--
-- Name: invited_organisation_users select_own; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_own ON app_public.invited_organisation_users FOR SELECT TO notify_user USING ((invited_by_id = ( SELECT app_public.current_user_id() AS current_user_id)));


--
-- Name: permissions select_own; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_own ON app_public.permissions FOR SELECT TO notify_user USING ((user_id = ( SELECT app_public.current_user_id() AS current_user_id)));


--
-- Name: user_to_organisation select_own; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_own ON app_public.user_to_organisation FOR SELECT TO notify_user USING ((user_id = ( SELECT app_public.current_user_id() AS current_user_id)));


--
-- Name: users select_self_or_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_self_or_team ON app_public.users FOR SELECT TO notify_user USING (((id = ( SELECT app_public.current_user_id() AS current_user_id)) OR (EXISTS ( SELECT 1
   FROM app_public.user_to_service uts
  WHERE ((uts.user_id = users.id) AND (uts.service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)))))));


--
-- Name: annual_billing select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.annual_billing FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: api_keys select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.api_keys FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: api_keys_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.api_keys_history FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: complaints select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.complaints FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: ft_billing select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.ft_billing FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: ft_notification_status select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.ft_notification_status FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: inbound_numbers select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.inbound_numbers FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: inbound_sms select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.inbound_sms FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: inbound_sms_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.inbound_sms_history FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: invited_users select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.invited_users FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: jobs select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.jobs FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: notification_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.notification_history FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: notifications select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.notifications FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: permissions select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.permissions FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: returned_letters select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.returned_letters FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_callback_api select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_callback_api FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_callback_api_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_callback_api_history FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_contact_list select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_contact_list FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_data_retention select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_data_retention FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_email_branding select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_email_branding FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_email_reply_to select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_email_reply_to FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_letter_branding select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_letter_branding FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_letter_contacts select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_letter_contacts FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_permissions select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_permissions FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_sms_senders select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_sms_senders FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_whitelist select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.service_whitelist FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: services select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.services FOR SELECT TO notify_user USING (((id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: services_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.services_history FOR SELECT TO notify_user USING (((id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: template_folder select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.template_folder FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: template_folder_map select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.template_folder_map FOR SELECT TO notify_user USING ((EXISTS ( SELECT 1
   FROM app_public.templates t
  WHERE (t.id = template_folder_map.template_id))));


--
-- Name: template_redacted select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.template_redacted FOR SELECT TO notify_user USING ((EXISTS ( SELECT 1
   FROM app_public.templates t
  WHERE (t.id = template_redacted.template_id))));


--
-- Name: templates select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.templates FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: templates_history select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.templates_history FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: unsubscribe_requests select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.unsubscribe_requests FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: user_folder_permissions select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.user_folder_permissions FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: user_to_service select_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY select_team ON app_public.user_to_service FOR SELECT TO notify_user USING (((service_id IN ( SELECT app_hidden.current_user_service_ids() AS current_user_service_ids)) OR ( SELECT app_hidden.is_platform_admin() AS is_platform_admin)));


--
-- Name: service_callback_api; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_callback_api ENABLE ROW LEVEL SECURITY;

--
-- Name: service_callback_api_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_callback_api_history ENABLE ROW LEVEL SECURITY;

--
-- Name: service_callback_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_callback_type ENABLE ROW LEVEL SECURITY;

--
-- Name: service_contact_list; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_contact_list ENABLE ROW LEVEL SECURITY;

--
-- Name: service_data_retention; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_data_retention ENABLE ROW LEVEL SECURITY;

--
-- Name: service_email_branding; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_email_branding ENABLE ROW LEVEL SECURITY;

--
-- Name: service_email_reply_to; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_email_reply_to ENABLE ROW LEVEL SECURITY;

--
-- Name: service_letter_branding; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_letter_branding ENABLE ROW LEVEL SECURITY;

--
-- Name: service_letter_contacts; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_letter_contacts ENABLE ROW LEVEL SECURITY;

--
-- Name: service_permission_types; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_permission_types ENABLE ROW LEVEL SECURITY;

--
-- Name: service_permissions; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_permissions ENABLE ROW LEVEL SECURITY;

--
-- Name: service_sms_senders; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_sms_senders ENABLE ROW LEVEL SECURITY;

--
-- Name: service_whitelist; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.service_whitelist ENABLE ROW LEVEL SECURITY;

--
-- Name: services; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.services ENABLE ROW LEVEL SECURITY;

--
-- Name: services_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.services_history ENABLE ROW LEVEL SECURITY;

--
-- Name: template_folder; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.template_folder ENABLE ROW LEVEL SECURITY;

--
-- Name: template_folder_map; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.template_folder_map ENABLE ROW LEVEL SECURITY;

--
-- Name: template_redacted; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.template_redacted ENABLE ROW LEVEL SECURITY;

--
-- Name: template_type; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.template_type ENABLE ROW LEVEL SECURITY;

--
-- Name: templates; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.templates ENABLE ROW LEVEL SECURITY;

--
-- Name: templates_history; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.templates_history ENABLE ROW LEVEL SECURITY;

--
-- Name: unsubscribe_requests; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.unsubscribe_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: users update_self; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_self ON app_public.users FOR UPDATE TO notify_user USING ((id = ( SELECT app_public.current_user_id() AS current_user_id))) WITH CHECK ((id = ( SELECT app_public.current_user_id() AS current_user_id)));


--
-- Name: api_keys update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.api_keys FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text));


--
-- Name: jobs update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.jobs FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, NULL::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: permissions update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.permissions FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text)) WITH CHECK ((app_hidden.user_has_service_permission(service_id, 'manage_users'::text) AND (EXISTS ( SELECT 1
   FROM app_public.user_to_service uts
  WHERE ((uts.service_id = permissions.service_id) AND (uts.user_id = permissions.user_id))))));


--
-- Name: service_callback_api update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_callback_api FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_contact_list update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_contact_list FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, NULL::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: service_data_retention update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_data_retention FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_email_reply_to update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_email_reply_to FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_letter_contacts update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_letter_contacts FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_sms_senders update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_sms_senders FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: service_whitelist update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.service_whitelist FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_settings'::text));


--
-- Name: services update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.services FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(id, 'manage_settings'::text)) WITH CHECK (app_hidden.user_has_service_permission(id, 'manage_settings'::text));


--
-- Name: template_folder update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.template_folder FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: template_redacted update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.template_redacted FOR UPDATE TO notify_user USING ((EXISTS ( SELECT 1
   FROM app_public.templates t
  WHERE ((t.id = template_redacted.template_id) AND app_hidden.user_has_service_permission(t.service_id, 'manage_templates'::text))))) WITH CHECK ((EXISTS ( SELECT 1
   FROM app_public.templates t
  WHERE ((t.id = template_redacted.template_id) AND app_hidden.user_has_service_permission(t.service_id, 'manage_templates'::text)))));


--
-- Name: templates update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.templates FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_templates'::text));


--
-- Name: user_folder_permissions update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.user_folder_permissions FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: user_folder_permissions; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.user_folder_permissions ENABLE ROW LEVEL SECURITY;

--
-- Name: user_to_organisation; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.user_to_organisation ENABLE ROW LEVEL SECURITY;

--
-- Name: user_to_service; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.user_to_service ENABLE ROW LEVEL SECURITY;

--
-- Name: users; Type: ROW SECURITY; Schema: app_public; Owner: -
--

ALTER TABLE app_public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: template_folder_map write_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY write_team ON app_public.template_folder_map TO notify_user USING ((EXISTS ( SELECT 1
   FROM app_public.templates t
  WHERE ((t.id = template_folder_map.template_id) AND app_hidden.user_has_service_permission(t.service_id, 'manage_templates'::text))))) WITH CHECK ((EXISTS ( SELECT 1
   FROM (app_public.templates t
     JOIN app_public.template_folder f ON ((f.service_id = t.service_id)))
  WHERE ((t.id = template_folder_map.template_id) AND (f.id = template_folder_map.template_folder_id) AND app_hidden.user_has_service_permission(t.service_id, 'manage_templates'::text)))));


--
-- Name: SCHEMA app_hidden; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_hidden TO notify_user;
GRANT USAGE ON SCHEMA app_hidden TO notify_anonymous;
GRANT USAGE ON SCHEMA app_hidden TO notify_authenticator;
GRANT USAGE ON SCHEMA app_hidden TO notify_api;


--
-- Name: SCHEMA app_private; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_private TO notify_api;


--
-- Name: SCHEMA app_public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_public TO notify_user;
GRANT USAGE ON SCHEMA app_public TO notify_anonymous;
GRANT USAGE ON SCHEMA app_public TO notify_authenticator;
GRANT USAGE ON SCHEMA app_public TO notify_api;


--
-- Name: FUNCTION apply_delivery_receipts(receipts jsonb); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.apply_delivery_receipts(receipts jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.apply_delivery_receipts(receipts jsonb) TO notify_authenticator;


--
-- Name: FUNCTION assert_can_see_service(service_id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.assert_can_see_service(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.assert_can_see_service(service_id uuid) TO notify_user;


--
-- Name: FUNCTION assert_platform_admin(action text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.assert_platform_admin(action text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.assert_platform_admin(action text) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.assert_platform_admin(action text) TO notify_authenticator;


--
-- Name: FUNCTION assert_service_permission(service_id uuid, permission text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.assert_service_permission(service_id uuid, permission text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.assert_service_permission(service_id uuid, permission text) TO notify_user;


--
-- Name: FUNCTION check_user_password(user_id uuid, password text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.check_user_password(user_id uuid, password text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.check_user_password(user_id uuid, password text) TO notify_authenticator;


--
-- Name: FUNCTION check_verify_code(user_id uuid, code text, code_type text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) TO notify_authenticator;


--
-- Name: FUNCTION collation_deadline(at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.collation_deadline(at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION create_job_notifications(job_id uuid, from_row integer, to_row integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.create_job_notifications(job_id uuid, from_row integer, to_row integer) FROM PUBLIC;


--
-- Name: FUNCTION create_notification_rows(items app_hidden.notification_item[]); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.create_notification_rows(items app_hidden.notification_item[]) FROM PUBLIC;


--
-- Name: FUNCTION create_notifications(items jsonb); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.create_notifications(items jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.create_notifications(items jsonb) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.create_notifications(items jsonb) TO notify_api;


--
-- Name: FUNCTION create_user_change_code(user_id uuid, attribute text, new_value text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.create_user_change_code(user_id uuid, attribute text, new_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.create_user_change_code(user_id uuid, attribute text, new_value text) TO notify_authenticator;


--
-- Name: FUNCTION create_verify_code(user_id uuid, code_type text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.create_verify_code(user_id uuid, code_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.create_verify_code(user_id uuid, code_type text) TO notify_authenticator;


--
-- Name: FUNCTION current_user_service_ids(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.current_user_service_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.current_user_service_ids() TO notify_user;


--
-- Name: FUNCTION daily_limit(service_id uuid, channel text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.daily_limit(service_id uuid, channel text) FROM PUBLIC;


--
-- Name: FUNCTION delivery_providers(notification_type text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.delivery_providers(notification_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.delivery_providers(notification_type text) TO notify_authenticator;


--
-- Name: FUNCTION enqueue_delivery(ids uuid[], batch_size integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.enqueue_delivery(ids uuid[], batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.enqueue_delivery(ids uuid[], batch_size integer) TO notify_authenticator;


--
-- Name: TABLE annual_billing; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.annual_billing TO notify_user;


--
-- Name: FUNCTION ensure_annual_billing(service_id uuid, financial_year_start integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer) TO notify_authenticator;


--
-- Name: FUNCTION in_user_request(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.in_user_request() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.in_user_request() TO notify_user;
GRANT ALL ON FUNCTION app_hidden.in_user_request() TO notify_authenticator;


--
-- Name: FUNCTION inbound_sms_content(id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.inbound_sms_content(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.inbound_sms_content(id uuid) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.inbound_sms_content(id uuid) TO notify_authenticator;


--
-- Name: FUNCTION is_platform_admin(); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.is_platform_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.is_platform_admin() TO notify_user;
GRANT ALL ON FUNCTION app_hidden.is_platform_admin() TO notify_authenticator;


--
-- Name: FUNCTION job_outcomes(job_id uuid, processing_started timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.job_outcomes(job_id uuid, processing_started timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION letter_estimated_delivery(created_at timestamp with time zone, postage text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.letter_estimated_delivery(created_at timestamp with time zone, postage text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.letter_estimated_delivery(created_at timestamp with time zone, postage text) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.letter_estimated_delivery(created_at timestamp with time zone, postage text) TO notify_api;


--
-- Name: FUNCTION letter_postage_code(postage text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.letter_postage_code(postage text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.letter_postage_code(postage text) TO notify_api;


--
-- Name: FUNCTION letter_print_date(created_at timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.letter_print_date(created_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.letter_print_date(created_at timestamp with time zone) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.letter_print_date(created_at timestamp with time zone) TO notify_api;


--
-- Name: FUNCTION normalise_phone_digits(number text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) TO notify_authenticator;


--
-- Name: FUNCTION normalise_recipient(recipient_type text, recipient text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.normalise_recipient(recipient_type text, recipient text) FROM PUBLIC;


--
-- Name: FUNCTION organisation_id_for_email(email_address text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.organisation_id_for_email(email_address text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.organisation_id_for_email(email_address text) TO notify_user;


--
-- Name: FUNCTION precompiled_letter_template(service_id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.precompiled_letter_template(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.precompiled_letter_template(service_id uuid) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.precompiled_letter_template(service_id uuid) TO notify_api;


--
-- Name: FUNCTION received_text_messages(service uuid, older_than uuid, page_size integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) TO notify_api;


--
-- Name: FUNCTION record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.record_ses_complaint(reference text, feedback_id text, complaint_type text, complaint_date timestamp with time zone) TO notify_authenticator;


--
-- Name: FUNCTION record_unsubscribe_request(notification_id uuid, email_address text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.record_unsubscribe_request(notification_id uuid, email_address text) FROM PUBLIC;


--
-- Name: FUNCTION send_limit_reached(service_id uuid, key_type text, notification_type text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.send_limit_reached(service_id uuid, key_type text, notification_type text) TO notify_api;


--
-- Name: FUNCTION sent_today(service_id uuid, channel text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.sent_today(service_id uuid, channel text) FROM PUBLIC;


--
-- Name: FUNCTION service_api_keys(service_id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.service_api_keys(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.service_api_keys(service_id uuid) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.service_api_keys(service_id uuid) TO notify_api;


--
-- Name: FUNCTION service_callback(service_id uuid, callback_type text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.service_callback(service_id uuid, callback_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.service_callback(service_id uuid, callback_type text) TO notify_authenticator;


--
-- Name: FUNCTION user_has_service_permission(service_id uuid, permission text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.user_has_service_permission(service_id uuid, permission text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.user_has_service_permission(service_id uuid, permission text) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.user_has_service_permission(service_id uuid, permission text) TO notify_authenticator;


--
-- Name: FUNCTION v2_timestamp(ts timestamp with time zone); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.v2_timestamp(ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.v2_timestamp(ts timestamp with time zone) TO notify_authenticator;
GRANT ALL ON FUNCTION app_hidden.v2_timestamp(ts timestamp with time zone) TO notify_api;


--
-- Name: FUNCTION advance_scan(name text, scanned_until timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.advance_scan(name text, scanned_until timestamp with time zone) FROM PUBLIC;


--
-- Name: PROCEDURE archive_inbound_sms(IN batch_size integer, INOUT rows_archived bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON PROCEDURE app_private.archive_inbound_sms(IN batch_size integer, INOUT rows_archived bigint) FROM PUBLIC;


--
-- Name: FUNCTION archive_inbound_sms_batch(batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.archive_inbound_sms_batch(batch_size integer) FROM PUBLIC;


--
-- Name: FUNCTION archive_jobs(job_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.archive_jobs(job_ids uuid[]) FROM PUBLIC;


--
-- Name: PROCEDURE archive_notifications(IN notification_type text, IN batch_size integer, INOUT rows_archived bigint); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON PROCEDURE app_private.archive_notifications(IN notification_type text, IN batch_size integer, INOUT rows_archived bigint) FROM PUBLIC;


--
-- Name: FUNCTION archive_notifications_batch(notification_type text, batch_size integer, after_service_id uuid, after timestamp with time zone, OUT archived integer, OUT deleted_test integer, OUT last_service_id uuid, OUT last_created_at timestamp with time zone, OUT letter_pdf_keys text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.archive_notifications_batch(notification_type text, batch_size integer, after_service_id uuid, after timestamp with time zone, OUT archived integer, OUT deleted_test integer, OUT last_service_id uuid, OUT last_created_at timestamp with time zone, OUT letter_pdf_keys text[]) FROM PUBLIC;


--
-- Name: FUNCTION begin_collation(print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.begin_collation(print_date date, postage_code text, hash text, service_id uuid, organisation_id uuid, ids uuid[]) FROM PUBLIC;


--
-- Name: FUNCTION callback_target(service_id uuid, callback_type text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.callback_target(service_id uuid, callback_type text) FROM PUBLIC;


--
-- Name: FUNCTION claim_notifications(ids uuid[], lease interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.claim_notifications(ids uuid[], lease interval) FROM PUBLIC;


--
-- Name: FUNCTION complaint_callback(complaint_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.complaint_callback(complaint_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION create_default_annual_billing(service_id uuid, financial_year_start integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.create_default_annual_billing(service_id uuid, financial_year_start integer) FROM PUBLIC;


--
-- Name: FUNCTION create_nightly_billing(day date, service_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.create_nightly_billing(day date, service_ids uuid[]) FROM PUBLIC;


--
-- Name: FUNCTION create_nightly_notification_status(day date, notification_types text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.create_nightly_notification_status(day date, notification_types text[]) FROM PUBLIC;


--
-- Name: FUNCTION decrypt(ciphertext bytea); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.decrypt(ciphertext bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.decrypt(ciphertext bytea) TO notify_api;


--
-- Name: FUNCTION delivery_status_callback(notification_id uuid, status text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.delivery_status_callback(notification_id uuid, status text) FROM PUBLIC;


--
-- Name: FUNCTION deprioritise_provider(identifier text, reason text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.deprioritise_provider(identifier text, reason text) FROM PUBLIC;


--
-- Name: FUNCTION encrypt(plaintext text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.encrypt(plaintext text) FROM PUBLIC;


--
-- Name: FUNCTION encrypt_each(plaintexts text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.encrypt_each(plaintexts text[]) FROM PUBLIC;


--
-- Name: FUNCTION enqueue_nightly_facts(task text, days integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.enqueue_nightly_facts(task text, days integer) FROM PUBLIC;


--
-- Name: FUNCTION forget_checked_rows(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.forget_checked_rows() FROM PUBLIC;


--
-- Name: FUNCTION inbound_sms_callback(inbound_sms_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.inbound_sms_callback(inbound_sms_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION jobs_past_retention(notification_types text[], max_rows integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.jobs_past_retention(notification_types text[], max_rows integer) FROM PUBLIC;


--
-- Name: FUNCTION letter_pdf_key(reference text, postage text, created_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.letter_pdf_key(reference text, postage text, created_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.letter_pdf_key(reference text, postage text, created_at timestamp with time zone) TO notify_api;


--
-- Name: FUNCTION letters_for_pdf(ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.letters_for_pdf(ids uuid[]) FROM PUBLIC;


--
-- Name: FUNCTION letters_needing_attention(at timestamp with time zone, within interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.letters_needing_attention(at timestamp with time zone, within interval) FROM PUBLIC;


--
-- Name: FUNCTION letters_to_collate(deadline timestamp with time zone, after_id uuid, batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.letters_to_collate(deadline timestamp with time zone, after_id uuid, batch_size integer) FROM PUBLIC;


--
-- Name: FUNCTION open_collation_letters(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.open_collation_letters() FROM PUBLIC;


--
-- Name: FUNCTION process_job_queued(job_id uuid); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.process_job_queued(job_id uuid) FROM PUBLIC;


--
-- Name: FUNCTION process_letter_responses(lines text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.process_letter_responses(lines text[]) FROM PUBLIC;


--
-- Name: FUNCTION process_returned_letters(letter_references text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.process_returned_letters(letter_references text[]) FROM PUBLIC;


--
-- Name: FUNCTION queue_process_jobs(job_ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.queue_process_jobs(job_ids uuid[]) FROM PUBLIC;


--
-- Name: FUNCTION raise_missing_rate(what text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.raise_missing_rate(what text) FROM PUBLIC;


--
-- Name: FUNCTION record_callback_result(callback_id uuid, url text, ok boolean, error text, suspend_after integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_callback_result(callback_id uuid, url text, ok boolean, error text, suspend_after integer) FROM PUBLIC;


--
-- Name: FUNCTION record_collation(name text, outcome text, ids uuid[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_collation(name text, outcome text, ids uuid[]) FROM PUBLIC;


--
-- Name: FUNCTION record_delivery_results(results jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_delivery_results(results jsonb) FROM PUBLIC;


--
-- Name: FUNCTION record_letter_pdfs(results jsonb); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_letter_pdfs(results jsonb) FROM PUBLIC;


--
-- Name: FUNCTION record_letters_printed(ids uuid[], accepted boolean, provider text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.record_letters_printed(ids uuid[], accepted boolean, provider text) FROM PUBLIC;


--
-- Name: FUNCTION replay_created_notifications(older_than interval, lease interval, max_rows integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.replay_created_notifications(older_than interval, lease interval, max_rows integer) FROM PUBLIC;


--
-- Name: FUNCTION replay_letter_jobs(older_than interval, within interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.replay_letter_jobs(older_than interval, within interval) FROM PUBLIC;


--
-- Name: FUNCTION requeue_jobs_missing_rows(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.requeue_jobs_missing_rows() FROM PUBLIC;


--
-- Name: FUNCTION requeue_stuck_jobs(stuck_after interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.requeue_stuck_jobs(stuck_after interval) FROM PUBLIC;


--
-- Name: FUNCTION run_scheduled_jobs(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.run_scheduled_jobs() FROM PUBLIC;


--
-- Name: FUNCTION scan_from(name text, overlap interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.scan_from(name text, overlap interval) FROM PUBLIC;


--
-- Name: FUNCTION sms_rate_on(day date); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.sms_rate_on(day date) FROM PUBLIC;


--
-- Name: FUNCTION switch_providers_on_slow_delivery(window_size interval, slow_after interval, slow_ratio numeric, guard interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.switch_providers_on_slow_delivery(window_size interval, slow_after interval, slow_ratio numeric, guard interval) FROM PUBLIC;


--
-- Name: FUNCTION tend_providers_back_to_middle(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tend_providers_back_to_middle() FROM PUBLIC;


--
-- Name: FUNCTION tg__history(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__history() FROM PUBLIC;


--
-- Name: FUNCTION tg__notify_cache(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__notify_cache() FROM PUBLIC;


--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;


--
-- Name: FUNCTION tg__version(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__version() FROM PUBLIC;


--
-- Name: FUNCTION tg_api_keys__stay_revoked(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_api_keys__stay_revoked() FROM PUBLIC;


--
-- Name: FUNCTION tg_api_keys__unlink_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_api_keys__unlink_notifications() FROM PUBLIC;


--
-- Name: FUNCTION tg_inbound_sms__callback(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_inbound_sms__callback() FROM PUBLIC;


--
-- Name: FUNCTION tg_jobs__delete_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_jobs__delete_notifications() FROM PUBLIC;


--
-- Name: FUNCTION tg_notifications__status_callback(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_notifications__status_callback() FROM PUBLIC;


--
-- Name: FUNCTION tg_organisation__nhs_branding(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_organisation__nhs_branding() FROM PUBLIC;


--
-- Name: FUNCTION tg_organisation__propagate(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_organisation__propagate() FROM PUBLIC;


--
-- Name: FUNCTION tg_services__defaults(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_services__defaults() FROM PUBLIC;


--
-- Name: FUNCTION tg_services__delete_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_services__delete_notifications() FROM PUBLIC;


--
-- Name: FUNCTION tg_services__protect(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_services__protect() FROM PUBLIC;


--
-- Name: FUNCTION tg_templates__redacted(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_templates__redacted() FROM PUBLIC;


--
-- Name: FUNCTION tg_templates_history__restrict_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_templates_history__restrict_notifications() FROM PUBLIC;


--
-- Name: FUNCTION tg_users__email_access_validated(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_users__email_access_validated() FROM PUBLIC;


--
-- Name: FUNCTION tg_users__protect(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_users__protect() FROM PUBLIC;


--
-- Name: FUNCTION tg_users__unlink_notifications(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_users__unlink_notifications() FROM PUBLIC;


--
-- Name: FUNCTION timeout_notifications(older_than interval, batch_size integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.timeout_notifications(older_than interval, batch_size integer) FROM PUBLIC;


--
-- Name: TABLE templates; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE app_public.templates TO notify_user;
GRANT SELECT ON TABLE app_public.templates TO notify_api;


--
-- Name: FUNCTION upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text) FROM PUBLIC;


--
-- Name: FUNCTION usage_rows(service_ids uuid[], financial_year integer, notification_types text[]); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.usage_rows(service_ids uuid[], financial_year integer, notification_types text[]) FROM PUBLIC;


--
-- Name: FUNCTION worker_heartbeat(worker_id text, dead_after interval); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.worker_heartbeat(worker_id text, dead_after interval) FROM PUBLIC;


--
-- Name: TABLE invited_users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.invited_users TO notify_user;


--
-- Name: FUNCTION accept_invitation(invitation_id uuid, user_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.accept_invitation(invitation_id uuid, user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.accept_invitation(invitation_id uuid, user_id uuid) TO notify_user;


--
-- Name: TABLE service_email_reply_to; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_email_reply_to TO notify_user;
GRANT SELECT ON TABLE app_public.service_email_reply_to TO notify_api;


--
-- Name: FUNCTION add_email_reply_to(service_id uuid, email_address text, is_default boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_email_reply_to(service_id uuid, email_address text, is_default boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_email_reply_to(service_id uuid, email_address text, is_default boolean) TO notify_user;


--
-- Name: TABLE inbound_numbers; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.inbound_numbers TO notify_user;


--
-- Name: FUNCTION add_inbound_number(number text, service_id uuid, provider text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_inbound_number(number text, service_id uuid, provider text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_inbound_number(number text, service_id uuid, provider text) TO notify_user;


--
-- Name: TABLE service_letter_contacts; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_letter_contacts TO notify_user;
GRANT SELECT ON TABLE app_public.service_letter_contacts TO notify_api;


--
-- Name: FUNCTION add_letter_contact(service_id uuid, contact_block text, is_default boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean) TO notify_user;


--
-- Name: TABLE service_sms_senders; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_sms_senders TO notify_user;
GRANT SELECT ON TABLE app_public.service_sms_senders TO notify_api;


--
-- Name: FUNCTION add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text) TO notify_user;


--
-- Name: FUNCTION annual_billing_for_year(service_id uuid, financial_year_start integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.annual_billing_for_year(service_id uuid, financial_year_start integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.annual_billing_for_year(service_id uuid, financial_year_start integer) TO notify_user;


--
-- Name: TABLE service_contact_list; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_contact_list TO notify_user;


--
-- Name: FUNCTION archive_contact_list(service_id uuid, contact_list_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.archive_contact_list(service_id uuid, contact_list_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.archive_contact_list(service_id uuid, contact_list_id uuid) TO notify_user;


--
-- Name: FUNCTION cancel_invitation(invitation_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_invitation(invitation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_invitation(invitation_id uuid) TO notify_user;


--
-- Name: TABLE jobs; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.jobs TO notify_user;


--
-- Name: FUNCTION cancel_job(job_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.cancel_job(job_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.cancel_job(job_id uuid) TO notify_user;


--
-- Name: FUNCTION confirm_user_change(code text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.confirm_user_change(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.confirm_user_change(code text) TO notify_user;


--
-- Name: FUNCTION contact_list(service_id uuid, contact_list_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.contact_list(service_id uuid, contact_list_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.contact_list(service_id uuid, contact_list_id uuid) TO notify_user;


--
-- Name: FUNCTION create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) TO notify_user;


--
-- Name: FUNCTION create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_contact_list(id uuid, service_id uuid, original_file_name text, row_count integer, template_type text, created_by_id uuid) TO notify_user;


--
-- Name: FUNCTION create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone, contact_list_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone, contact_list_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_job(service_id uuid, template_id uuid, upload_id uuid, original_file_name text, scheduled_for timestamp with time zone, contact_list_id uuid) TO notify_user;


--
-- Name: TABLE organisation; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.organisation TO notify_user;


--
-- Name: FUNCTION create_organisation(name text, organisation_type text, crown boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_organisation(name text, organisation_type text, crown boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_organisation(name text, organisation_type text, crown boolean) TO notify_user;


--
-- Name: TABLE services; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE app_public.services TO notify_user;
GRANT SELECT ON TABLE app_public.services TO notify_api;


--
-- Name: FUNCTION create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) TO notify_user;


--
-- Name: FUNCTION create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid, has_unsubscribe_link boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid, has_unsubscribe_link boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid, has_unsubscribe_link boolean) TO notify_user;


--
-- Name: TABLE users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE app_public.users TO notify_user;


--
-- Name: COLUMN users.id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(id) ON TABLE app_public.users TO notify_api;


--
-- Name: COLUMN users.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(name) ON TABLE app_public.users TO notify_api;


--
-- Name: COLUMN users.email_address; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(email_address) ON TABLE app_public.users TO notify_api;


--
-- Name: COLUMN users.mobile_number; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(mobile_number) ON TABLE app_public.users TO notify_api;


--
-- Name: FUNCTION create_user(email_address text, name text, mobile_number text, platform_admin boolean, auth_type text, password text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_user(email_address text, name text, mobile_number text, platform_admin boolean, auth_type text, password text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_user(email_address text, name text, mobile_number text, platform_admin boolean, auth_type text, password text) TO notify_user;


--
-- Name: FUNCTION current_financial_year(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.current_financial_year() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.current_financial_year() TO notify_user;
GRANT ALL ON FUNCTION app_public.current_financial_year() TO notify_authenticator;


--
-- Name: FUNCTION current_user_id(); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.current_user_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.current_user_id() TO notify_user;
GRANT ALL ON FUNCTION app_public.current_user_id() TO notify_authenticator;


--
-- Name: FUNCTION default_free_sms_allowance(organisation_type text, financial_year_start integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.default_free_sms_allowance(organisation_type text, financial_year_start integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.default_free_sms_allowance(organisation_type text, financial_year_start integer) TO notify_user;


--
-- Name: FUNCTION email_safe(name text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.email_safe(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.email_safe(name text) TO notify_user;


--
-- Name: FUNCTION financial_year(d date); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.financial_year(d date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.financial_year(d date) TO notify_user;
GRANT ALL ON FUNCTION app_public.financial_year(d date) TO notify_authenticator;


--
-- Name: FUNCTION invite_user_to_service(service_id uuid, email_address text, permissions text[], auth_type text, folder_permissions uuid[], from_user_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.invite_user_to_service(service_id uuid, email_address text, permissions text[], auth_type text, folder_permissions uuid[], from_user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.invite_user_to_service(service_id uuid, email_address text, permissions text[], auth_type text, folder_permissions uuid[], from_user_id uuid) TO notify_user;


--
-- Name: FUNCTION job_statistics(job_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.job_statistics(job_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.job_statistics(job_id uuid) TO notify_user;


--
-- Name: FUNCTION jobs_statistics(job app_public.jobs); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.jobs_statistics(job app_public.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.jobs_statistics(job app_public.jobs) TO notify_user;


--
-- Name: FUNCTION london_date(ts timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.london_date(ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.london_date(ts timestamp with time zone) TO notify_user;
GRANT ALL ON FUNCTION app_public.london_date(ts timestamp with time zone) TO notify_authenticator;


--
-- Name: FUNCTION london_midnight(d date); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.london_midnight(d date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.london_midnight(d date) TO notify_user;
GRANT ALL ON FUNCTION app_public.london_midnight(d date) TO notify_authenticator;


--
-- Name: FUNCTION organisation_sms_usage_for_year(organisation_id uuid, financial_year integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.organisation_sms_usage_for_year(organisation_id uuid, financial_year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.organisation_sms_usage_for_year(organisation_id uuid, financial_year integer) TO notify_user;


--
-- Name: TABLE inbound_sms; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.inbound_sms TO notify_user;


--
-- Name: FUNCTION receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone) TO notify_user;
GRANT ALL ON FUNCTION app_public.receive_sms(notify_number text, user_number text, content text, provider text, provider_reference text, provider_date timestamp with time zone) TO notify_authenticator;


--
-- Name: FUNCTION returned_letter_days(service_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.returned_letter_days(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.returned_letter_days(service_id uuid) TO notify_user;


--
-- Name: FUNCTION returned_letter_summary(service_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.returned_letter_summary(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.returned_letter_summary(service_id uuid) TO notify_user;


--
-- Name: FUNCTION returned_letters_report(service_id uuid, report_date date); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.returned_letters_report(service_id uuid, report_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.returned_letters_report(service_id uuid, report_date date) TO notify_user;


--
-- Name: TABLE api_keys; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.api_keys TO notify_user;


--
-- Name: COLUMN api_keys.name; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(name) ON TABLE app_public.api_keys TO notify_user;


--
-- Name: COLUMN api_keys.expiry_date; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(expiry_date) ON TABLE app_public.api_keys TO notify_user;


--
-- Name: FUNCTION revoke_api_key(id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.revoke_api_key(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.revoke_api_key(id uuid) TO notify_user;


--
-- Name: FUNCTION service_annual_usage_for_year(service_id uuid, financial_year integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_annual_usage_for_year(service_id uuid, financial_year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_annual_usage_for_year(service_id uuid, financial_year integer) TO notify_user;


--
-- Name: FUNCTION service_contact_list_created_by_name(list app_public.service_contact_list); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_contact_list_created_by_name(list app_public.service_contact_list) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_contact_list_created_by_name(list app_public.service_contact_list) TO notify_user;


--
-- Name: FUNCTION service_contact_list_has_jobs(list app_public.service_contact_list); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_contact_list_has_jobs(list app_public.service_contact_list) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_contact_list_has_jobs(list app_public.service_contact_list) TO notify_user;


--
-- Name: FUNCTION service_contact_list_recent_job_count(list app_public.service_contact_list); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_contact_list_recent_job_count(list app_public.service_contact_list) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_contact_list_recent_job_count(list app_public.service_contact_list) TO notify_user;


--
-- Name: FUNCTION service_contact_lists(service_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_contact_lists(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_contact_lists(service_id uuid) TO notify_user;


--
-- Name: FUNCTION service_jobs(service_id uuid, contact_list_id uuid, limit_days integer, statuses text[]); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_jobs(service_id uuid, contact_list_id uuid, limit_days integer, statuses text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_jobs(service_id uuid, contact_list_id uuid, limit_days integer, statuses text[]) TO notify_user;


--
-- Name: FUNCTION service_uploaded_letters(service_id uuid, print_date date); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_uploaded_letters(service_id uuid, print_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_uploaded_letters(service_id uuid, print_date date) TO notify_user;


--
-- Name: FUNCTION service_uploads(service_id uuid, limit_days integer, page integer, page_size integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_uploads(service_id uuid, limit_days integer, page integer, page_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_uploads(service_id uuid, limit_days integer, page integer, page_size integer) TO notify_user;


--
-- Name: FUNCTION service_usage_for_year(service_id uuid, financial_year integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.service_usage_for_year(service_id uuid, financial_year integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.service_usage_for_year(service_id uuid, financial_year integer) TO notify_user;


--
-- Name: FUNCTION set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer) TO notify_user;


--
-- Name: TABLE service_callback_api; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.service_callback_api TO notify_user;


--
-- Name: FUNCTION set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) TO notify_user;


--
-- Name: FUNCTION template_last_used(template_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.template_last_used(template_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.template_last_used(template_id uuid) TO notify_user;


--
-- Name: FUNCTION template_usage(service_id uuid, days integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.template_usage(service_id uuid, days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.template_usage(service_id uuid, days integer) TO notify_user;


--
-- Name: TABLE templates_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.templates_history TO notify_user;
GRANT SELECT ON TABLE app_public.templates_history TO notify_api;


--
-- Name: FUNCTION template_version(template_id uuid, version integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.template_version(template_id uuid, version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.template_version(template_id uuid, version integer) TO notify_user;


--
-- Name: FUNCTION update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean, has_unsubscribe_link boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean, has_unsubscribe_link boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean, has_unsubscribe_link boolean) TO notify_user;


--
-- Name: FUNCTION update_user_password(user_id uuid, password text, validated_email_access boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.update_user_password(user_id uuid, password text, validated_email_access boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.update_user_password(user_id uuid, password text, validated_email_access boolean) TO notify_user;


--
-- Name: FUNCTION user_verified_email_code(user_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.user_verified_email_code(user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.user_verified_email_code(user_id uuid) TO notify_user;


--
-- Name: TABLE api_keys_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.api_keys_history TO notify_user;


--
-- Name: TABLE auth_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.auth_type TO notify_user;


--
-- Name: TABLE branding_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.branding_type TO notify_user;


--
-- Name: TABLE complaints; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.complaints TO notify_user;


--
-- Name: TABLE daily_sorted_letter; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.daily_sorted_letter TO notify_user;


--
-- Name: TABLE default_annual_allowance; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.default_annual_allowance TO notify_user;


--
-- Name: TABLE domain; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.domain TO notify_user;


--
-- Name: TABLE email_branding; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.email_branding TO notify_user;


--
-- Name: TABLE email_branding_to_organisation; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.email_branding_to_organisation TO notify_user;


--
-- Name: TABLE ft_billing; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.ft_billing TO notify_user;


--
-- Name: TABLE ft_notification_status; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.ft_notification_status TO notify_user;


--
-- Name: TABLE ft_processing_time; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.ft_processing_time TO notify_user;


--
-- Name: TABLE inbound_sms_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.inbound_sms_history TO notify_user;


--
-- Name: TABLE invite_status_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.invite_status_type TO notify_user;


--
-- Name: TABLE invited_organisation_users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.invited_organisation_users TO notify_user;


--
-- Name: TABLE job_status; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.job_status TO notify_user;


--
-- Name: TABLE key_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.key_types TO notify_user;


--
-- Name: TABLE letter_branding; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.letter_branding TO notify_user;


--
-- Name: TABLE letter_branding_to_organisation; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.letter_branding_to_organisation TO notify_user;


--
-- Name: TABLE letter_rates; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.letter_rates TO notify_user;
GRANT SELECT ON TABLE app_public.letter_rates TO notify_api;


--
-- Name: TABLE notification_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notification_history TO notify_user;


--
-- Name: TABLE notification_status_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notification_status_types TO notify_user;


--
-- Name: TABLE notification_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notification_type TO notify_user;


--
-- Name: TABLE notifications; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notifications TO notify_user;
GRANT SELECT ON TABLE app_public.notifications TO notify_api;


--
-- Name: TABLE notifications_all_time_view; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.notifications_all_time_view TO notify_user;


--
-- Name: TABLE organisation_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.organisation_types TO notify_user;


--
-- Name: TABLE permission_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.permission_types TO notify_user;


--
-- Name: TABLE permissions; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.permissions TO notify_user;


--
-- Name: TABLE provider_details; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE app_public.provider_details TO notify_user;


--
-- Name: TABLE provider_details_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.provider_details_history TO notify_user;


--
-- Name: TABLE rates; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.rates TO notify_user;
GRANT SELECT ON TABLE app_public.rates TO notify_api;


--
-- Name: TABLE recipient_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.recipient_type TO notify_user;


--
-- Name: TABLE returned_letters; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.returned_letters TO notify_user;


--
-- Name: TABLE service_callback_api_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.service_callback_api_history TO notify_user;


--
-- Name: TABLE service_callback_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.service_callback_type TO notify_user;


--
-- Name: TABLE service_data_retention; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_data_retention TO notify_user;


--
-- Name: TABLE service_email_branding; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_email_branding TO notify_user;


--
-- Name: TABLE service_inbound_api; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.service_inbound_api TO notify_user;


--
-- Name: TABLE service_letter_branding; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_letter_branding TO notify_user;


--
-- Name: TABLE service_permission_types; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.service_permission_types TO notify_user;


--
-- Name: TABLE service_permissions; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_permissions TO notify_user;
GRANT SELECT ON TABLE app_public.service_permissions TO notify_api;


--
-- Name: TABLE service_whitelist; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_whitelist TO notify_user;
GRANT SELECT ON TABLE app_public.service_whitelist TO notify_api;


--
-- Name: TABLE services_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.services_history TO notify_user;


--
-- Name: TABLE template_folder; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.template_folder TO notify_user;


--
-- Name: TABLE template_folder_map; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.template_folder_map TO notify_user;


--
-- Name: TABLE template_redacted; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE app_public.template_redacted TO notify_user;


--
-- Name: TABLE template_type; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.template_type TO notify_user;


--
-- Name: TABLE unsubscribe_requests; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.unsubscribe_requests TO notify_user;


--
-- Name: TABLE unsubscribe_request_report; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.unsubscribe_request_report TO notify_user;


--
-- Name: TABLE user_folder_permissions; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.user_folder_permissions TO notify_user;


--
-- Name: TABLE user_to_organisation; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.user_to_organisation TO notify_user;


--
-- Name: TABLE user_to_service; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.user_to_service TO notify_user;


--
-- Name: COLUMN user_to_service.user_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(user_id) ON TABLE app_public.user_to_service TO notify_api;


--
-- Name: COLUMN user_to_service.service_id; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT(service_id) ON TABLE app_public.user_to_service TO notify_api;


--
-- PostgreSQL database dump complete
--


