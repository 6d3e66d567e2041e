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

CREATE FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  if app_hidden.in_user_request() then
    raise exception 'Permission denied' using errcode = 'NTF03';
  end if;
  select vc.id into v_id
  from app_private.verify_codes vc
  where vc.user_id = check_verify_code.user_id and vc.code_type = check_verify_code.code_type
    and not vc.code_used and vc.expiry_datetime > now()
    and crypt(check_verify_code.code, vc.code_hash) = vc.code_hash
  order by vc.created_at desc
  limit 1
  for update;
  if v_id is null then
    update app_public.users u set failed_login_count = u.failed_login_count + 1 where u.id = check_verify_code.user_id;
    return false;
  end if;
  update app_private.verify_codes vc set code_used = true where vc.id = v_id;
  return true;
end
$$;


--
-- Name: FUNCTION check_verify_code(user_id uuid, code text, code_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.check_verify_code(user_id uuid, code text, code_type text) IS 'Check and consume a sign-in code (unused, unexpired, matching type); a wrong code counts as a failed login. API server only.';


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
  insert into app_private.verify_codes (user_id, code_hash, code_type, expiry_datetime)
  values (create_verify_code.user_id, crypt(v_code, gen_salt('bf', 4)), create_verify_code.code_type,
          now() + case when create_verify_code.code_type = 'sms' then interval '15 minutes' else interval '1 hour' end);
  return v_code;
end
$$;


--
-- Name: FUNCTION create_verify_code(user_id uuid, code_type text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.create_verify_code(user_id uuid, code_type text) IS 'Make a 5-digit sign-in code (sms: valid 15 minutes, email: 1 hour), store only its hash, return it once for sending. API server only.';


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

COMMENT ON FUNCTION app_hidden.ensure_annual_billing(service_id uuid, financial_year_start integer) IS 'The annual_billing row of a service for a financial year (default: current), creating the SPEC §4.7 default when missing: GET free-sms-fragment-limit and the 1 April task call it. Years before 2016 or in the future are rejected (NTF01 No valid year provided) unless a row already exists.';


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
-- Name: normalise_phone_digits(text); Type: FUNCTION; Schema: app_hidden; Owner: -
--

CREATE FUNCTION app_hidden.normalise_phone_digits(number text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  select case
    when d like '00%' then substr(d, 3)
    when d like '0%' then '44' || substr(d, 2)
    else d end
  from (select regexp_replace(number, '[^0-9]', '', 'g') as d) s
$$;


--
-- Name: FUNCTION normalise_phone_digits(number text); Type: COMMENT; Schema: app_hidden; Owner: -
--

COMMENT ON FUNCTION app_hidden.normalise_phone_digits(number text) IS 'Digits of a phone number in international form (07.. -> 447.., 00 prefix dropped) so inbound numbers match whatever format a provider or operator uses.';


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

COMMENT ON FUNCTION app_private.create_default_annual_billing(service_id uuid, financial_year_start integer) IS 'SPEC §4.7 default row for a service and financial year, if missing: 0 when the service sent >= 300 000 chargeable SMS fragments last year, last year''s value when it was custom, else the default for its organisation type. No permission check: used by the new-service trigger and by app_hidden.ensure_annual_billing.';


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

COMMENT ON FUNCTION app_private.tg_organisation__nhs_branding() IS 'BEFORE INSERT / UPDATE OF organisation_type on organisation: NHS organisations get the NHS email and letter branding at creation, and when they become NHS only if they have none (SPEC §2.2). Skipped when the branding rows are not loaded.';


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

COMMENT ON FUNCTION app_private.tg_organisation__propagate() IS 'AFTER UPDATE on organisation: type and crown changes are copied to all its services (allowance and letter rates depend on them); a new default branding goes to services that have none (SPEC §2.2).';


--
-- Name: tg_services__defaults(); Type: FUNCTION; Schema: app_private; Owner: -
--

CREATE FUNCTION app_private.tg_services__defaults() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
begin
  insert into app_public.service_permissions (service_id, permission)
  select new.id, p
  from unnest(array['sms', 'email', 'letter', 'international_sms', 'upload_letters', 'international_letters']) p
  on conflict do nothing;
  perform app_private.create_default_annual_billing(new.id, app_public.current_financial_year());
  return null;
end
$$;


--
-- Name: FUNCTION tg_services__defaults(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_services__defaults() IS 'AFTER INSERT trigger _500_service_defaults on services: default service permissions (REF set incl. upload_letters) and the annual_billing row for the current financial year, which billing assumes exists. In a trigger so services inserted by any path (default data, tests) get them.';


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
    or new.id is distinct from old.id) then
    raise exception 'Permission denied: only platform admins can change trial mode, limits, organisation or status of a service'
      using errcode = 'NTF03';
  end if;
  return new;
end
$$;


--
-- Name: FUNCTION tg_services__protect(); Type: COMMENT; Schema: app_private; Owner: -
--

COMMENT ON FUNCTION app_private.tg_services__protect() IS 'BEFORE UPDATE on services: team members with manage_settings edit their service, but going live, limits and organisation are platform-admin decisions (as in Notify''s admin app).';


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

COMMENT ON FUNCTION app_private.tg_users__email_access_validated() IS 'BEFORE INSERT on users: a new user has just proved access to their email (invitation link / creation), whatever the caller passed (SPEC §2.2).';


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

COMMENT ON FUNCTION app_private.tg_users__protect() IS 'BEFORE UPDATE on users: a user may edit their own profile through GraphQL but not escalate (platform_admin), unlock or fake sign-in state. Checks current_user, so trusted security definer functions (sign-in, password reset) are not blocked.';


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

COMMENT ON FUNCTION app_private.upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text) IS 'Apply a system template from sql/default-data.sql (SPEC §4.13): insert when missing, update only when wording or settings differ, so the version and a history row are added only for a real change and reruns write nothing.';


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

COMMENT ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) IS 'Create a service in one transaction (SPEC §2.2): creator on the team with every permission but platform_admin; organisation explicit or by the creator''s email domain (type and crown copied, default or NHS branding); count_as_live = not creator.platform_admin; default SMS sender GOVUK; default service permissions or exactly the given list; annual billing for the current year (trigger). NTF02 "Duplicate service name ''<n>''" also for an email_from clash. Security definer: a user may create services for themselves only.';


--
-- Name: create_template(uuid, text, text, text, text, text, uuid, uuid); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text DEFAULT NULL::text, postage text DEFAULT NULL::text, letter_contact_id uuid DEFAULT NULL::uuid, created_by_id uuid DEFAULT NULL::uuid) RETURNS app_public.templates
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
  if create_template.letter_contact_id is not null and not exists (
    select 1 from app_public.service_letter_contacts c
    where c.id = create_template.letter_contact_id and c.service_id = v_service.id and not c.archived) then
    raise exception 'Letter contact % not found for service %', create_template.letter_contact_id, v_service.id
      using errcode = 'NTF04';
  end if;
  v_by := case when app_hidden.in_user_request() and not app_hidden.is_platform_admin() then app_public.current_user_id()
               else coalesce(create_template.created_by_id, app_public.current_user_id(), v_service.created_by_id) end;
  insert into app_public.templates (name, template_type, content, subject, postage, service_id, created_by_id,
                                    service_letter_contact_id)
  values (btrim(create_template.name), v_type, create_template.content, v_subject, v_postage, v_service.id, v_by,
          create_template.letter_contact_id)
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid) IS 'Create a template at version 1 (history row by trigger). Subject required for email/letter; postage letters only (default second). Needs manage_templates. NTF01 invalid input, NTF04 unknown service or letter contact.';


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
Where a service wants delivery receipts, complaints, returned letters and inbound texts POSTed. One table for all types (REF kept inbound in service_inbound_api; see that view). Set through set_service_callback_api, which encrypts the token. Versioned.';


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

COMMENT ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) IS 'Create or replace a service''s callback of a type (delivery_status, complaint, returned_letter, inbound_sms). https only (http allowed for localhost in development); token >= 10 characters, stored encrypted. Needs manage_settings.';


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
-- Name: update_template(uuid, text, text, text, uuid, boolean); Type: FUNCTION; Schema: app_public; Owner: -
--

CREATE FUNCTION app_public.update_template(template_id uuid, name text DEFAULT NULL::text, content text DEFAULT NULL::text, subject text DEFAULT NULL::text, letter_contact_id uuid DEFAULT NULL::uuid, archived boolean DEFAULT NULL::boolean) RETURNS app_public.templates
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
  update app_public.templates t
  set name = coalesce(btrim(update_template.name), t.name),
      content = coalesce(update_template.content, t.content),
      subject = case when t.template_type = 'sms' then null else coalesce(btrim(update_template.subject), t.subject) end,
      service_letter_contact_id = coalesce(update_template.letter_contact_id, t.service_letter_contact_id),
      archived = coalesce(update_template.archived, t.archived),
      created_by_id = coalesce(app_public.current_user_id(), t.created_by_id),
      version = t.version + 1
  where t.id = v_old.id
  returning * into v_row;
  return v_row;
end
$$;


--
-- Name: FUNCTION update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean); Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean) IS 'Edit a template: every call is a new version and history row (as Notify''s dao_update_template), even when only the name or nothing changes. Null arguments keep the current value. Needs manage_templates; NTF04 if the template is unknown or not visible.';


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

COMMENT ON FUNCTION app_public.update_user_password(user_id uuid, password text, validated_email_access boolean) IS 'Set a user''s password (plain text in, bcrypt hash stored). validated_email_access = true when the reset came through the emailed link while logged out, which proves email access (SPEC §2.2). Self or platform admin.';


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

COMMENT ON FUNCTION app_public.user_verified_email_code(user_id uuid) IS 'Record a sign-in completed with an emailed code/link: new session, failed count reset, and email_access_validated_at = now (SPEC §2.2).';


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

COMMENT ON TABLE app_public.invited_users IS 'Invitations to join a service team; user_id is the inviter, permissions a comma list (Notify wire format). Deleted after 2 days by the worker.';


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
Lifecycle of a CSV job (REF values plus HEAD''s finished all notifications created).';


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

COMMENT ON TABLE app_public.jobs IS 'An uploaded CSV (service-{service_id}-notify/{id}.csv): one notification per row, job_row_number = row index. notifications_sent/delivered/failed are legacy counters; outcomes come from notifications / ft_notification_status.';


--
-- Name: COLUMN jobs.archived; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.jobs.archived IS 'True once the CSV has been deleted from S3 after the retention period.';


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

COMMENT ON TABLE app_public.notification_history IS '@behavior -insert -update -delete
Archived notifications without PII (no to, normalised_to, personalisation, reply_to_text, unsubscribe link); only normal/team keys. Filled by archival in the same transaction that deletes from notifications. created_by_id has no FK so users can go without touching the archive.';


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
The 14 notification statuses of SPEC §3 (failed is deprecated but still readable).';


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
);


--
-- Name: TABLE notifications; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON TABLE app_public.notifications IS '@behavior -insert -update -delete
One message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at.';


--
-- Name: COLUMN notifications.normalised_to; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.normalised_to IS 'Recipient in canonical form: SMS E.164 digits, lowercased email, collapsed address.';


--
-- Name: COLUMN notifications.billable_units; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.billable_units IS 'SMS fragments or letter sheets; 0 for email. Set at provider hand-off.';


--
-- Name: COLUMN notifications.reference; Type: COMMENT; Schema: app_public; Owner: -
--

COMMENT ON COLUMN app_public.notifications.reference IS 'Provider reference (SES message id for email; the notification id for SMS).';


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
Kinds of callback a service can register (inbound_sms replaces REF''s service_inbound_api table).';


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

COMMENT ON TABLE app_public.service_contact_list IS 'Saved recipient CSVs (emergency contact lists); the file is service-{service_id}-notify/{id}.csv in the contact-list bucket. The id is supplied by the client that uploaded it.';


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
REF-compatible view of inbound SMS callbacks (decision SPEC §2.4: one callback table, this view for compatibility).';


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
What a service may do (REF list plus HEAD''s sms_to_uk_landlines).';


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

COMMENT ON TABLE app_public.user_to_service IS 'Team membership: the basis of row level security for everything a service owns.';


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: app_private; Owner: -
--

ALTER TABLE ONLY app_private.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (id);


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
-- Name: notifications uix_notifications_job_row; Type: CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT uix_notifications_job_row UNIQUE (job_id, job_row_number);


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
-- Name: ix_notification_history_api_key_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_api_key_id ON app_public.notification_history USING btree (api_key_id) WHERE (api_key_id IS NOT NULL);


--
-- Name: ix_notification_history_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_created_at ON app_public.notification_history USING btree (created_at);


--
-- Name: ix_notification_history_job_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_job_id ON app_public.notification_history USING btree (job_id) WHERE (job_id IS NOT NULL);


--
-- Name: ix_notification_history_reference; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_reference ON app_public.notification_history USING btree (reference) WHERE (reference IS NOT NULL);


--
-- Name: ix_notification_history_service_id_composite; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_service_id_composite ON app_public.notification_history USING btree (service_id, key_type, notification_type, created_at);


--
-- Name: ix_notification_history_template_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notification_history_template_id ON app_public.notification_history USING btree (template_id, template_version);


--
-- Name: ix_notifications_api_key_id; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_api_key_id ON app_public.notifications USING btree (api_key_id) WHERE (api_key_id IS NOT NULL);


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
-- Name: ix_notifications_notification_type_composite; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_notification_type_composite ON app_public.notifications USING btree (notification_type, notification_status, created_at);


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
-- Name: ix_notifications_service_id_composite; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_service_id_composite ON app_public.notifications USING btree (service_id, notification_type, notification_status, created_at);


--
-- Name: ix_notifications_service_key_type_created_at; Type: INDEX; Schema: app_public; Owner: -
--

CREATE INDEX ix_notifications_service_key_type_created_at ON app_public.notifications USING btree (service_id, key_type, created_at DESC);


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
-- Name: uix_service_to_key_name; Type: INDEX; Schema: app_public; Owner: -
--

CREATE UNIQUE INDEX uix_service_to_key_name ON app_public.api_keys USING btree (service_id, name) WHERE (expiry_date IS NULL);


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
-- Name: notification_history notification_history_api_key_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_history
    ADD CONSTRAINT notification_history_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES app_public.api_keys(id) ON DELETE SET NULL;


--
-- Name: notification_history notification_history_job_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_history
    ADD CONSTRAINT notification_history_job_id_fkey FOREIGN KEY (job_id) REFERENCES app_public.jobs(id) ON DELETE CASCADE;


--
-- Name: notification_history notification_history_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_history
    ADD CONSTRAINT notification_history_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: notification_history notification_history_template_version_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notification_history
    ADD CONSTRAINT notification_history_template_version_fk FOREIGN KEY (template_id, template_version) REFERENCES app_public.templates_history(id, version);


--
-- Name: notifications notifications_api_key_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES app_public.api_keys(id) ON DELETE SET NULL;


--
-- Name: notifications notifications_created_by_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES app_public.users(id) ON DELETE SET NULL;


--
-- Name: notifications notifications_job_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_job_id_fkey FOREIGN KEY (job_id) REFERENCES app_public.jobs(id) ON DELETE CASCADE;


--
-- Name: notifications notifications_service_id_fkey; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_service_id_fkey FOREIGN KEY (service_id) REFERENCES app_public.services(id) ON DELETE CASCADE;


--
-- Name: notifications notifications_template_version_fk; Type: FK CONSTRAINT; Schema: app_public; Owner: -
--

ALTER TABLE ONLY app_public.notifications
    ADD CONSTRAINT notifications_template_version_fk FOREIGN KEY (template_id, template_version) REFERENCES app_public.templates_history(id, version);


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
-- Name: invited_users insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.invited_users FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: jobs insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.jobs FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: permissions insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.permissions FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


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
-- Name: user_to_service insert_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY insert_team ON app_public.user_to_service FOR INSERT TO notify_user WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


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
-- Name: users update_self; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_self ON app_public.users FOR UPDATE TO notify_user USING ((id = ( SELECT app_public.current_user_id() AS current_user_id))) WITH CHECK ((id = ( SELECT app_public.current_user_id() AS current_user_id)));


--
-- Name: api_keys update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.api_keys FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_api_keys'::text));


--
-- Name: invited_users update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.invited_users FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


--
-- Name: jobs update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.jobs FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, NULL::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, NULL::text));


--
-- Name: permissions update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.permissions FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


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
-- Name: user_to_service update_team; Type: POLICY; Schema: app_public; Owner: -
--

CREATE POLICY update_team ON app_public.user_to_service FOR UPDATE TO notify_user USING (app_hidden.user_has_service_permission(service_id, 'manage_users'::text)) WITH CHECK (app_hidden.user_has_service_permission(service_id, 'manage_users'::text));


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


--
-- Name: SCHEMA app_public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA app_public TO notify_user;
GRANT USAGE ON SCHEMA app_public TO notify_anonymous;
GRANT USAGE ON SCHEMA app_public TO notify_authenticator;


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
-- Name: FUNCTION normalise_phone_digits(number text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.normalise_phone_digits(number text) TO notify_authenticator;


--
-- Name: FUNCTION organisation_id_for_email(email_address text); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.organisation_id_for_email(email_address text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.organisation_id_for_email(email_address text) TO notify_user;


--
-- Name: FUNCTION received_text_messages(service uuid, older_than uuid, page_size integer); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) TO notify_user;
GRANT ALL ON FUNCTION app_hidden.received_text_messages(service uuid, older_than uuid, page_size integer) TO notify_authenticator;


--
-- Name: FUNCTION service_api_keys(service_id uuid); Type: ACL; Schema: app_hidden; Owner: -
--

REVOKE ALL ON FUNCTION app_hidden.service_api_keys(service_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_hidden.service_api_keys(service_id uuid) TO notify_authenticator;


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
-- Name: FUNCTION create_default_annual_billing(service_id uuid, financial_year_start integer); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.create_default_annual_billing(service_id uuid, financial_year_start integer) FROM PUBLIC;


--
-- Name: FUNCTION decrypt(ciphertext bytea); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.decrypt(ciphertext bytea) FROM PUBLIC;


--
-- Name: FUNCTION encrypt(plaintext text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.encrypt(plaintext text) FROM PUBLIC;


--
-- Name: FUNCTION tg__history(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__history() FROM PUBLIC;


--
-- Name: FUNCTION tg__timestamps(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__timestamps() FROM PUBLIC;


--
-- Name: FUNCTION tg__version(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg__version() FROM PUBLIC;


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
-- Name: FUNCTION tg_services__protect(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_services__protect() FROM PUBLIC;


--
-- Name: FUNCTION tg_templates__redacted(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_templates__redacted() FROM PUBLIC;


--
-- Name: FUNCTION tg_users__email_access_validated(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_users__email_access_validated() FROM PUBLIC;


--
-- Name: FUNCTION tg_users__protect(); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.tg_users__protect() FROM PUBLIC;


--
-- Name: TABLE templates; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE app_public.templates TO notify_user;


--
-- Name: FUNCTION upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text); Type: ACL; Schema: app_private; Owner: -
--

REVOKE ALL ON FUNCTION app_private.upsert_system_template(id uuid, name text, template_type text, subject text, content text, service_id uuid, created_by_id uuid, hidden boolean, postage text) FROM PUBLIC;


--
-- Name: TABLE service_email_reply_to; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_email_reply_to TO notify_user;


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


--
-- Name: FUNCTION add_letter_contact(service_id uuid, contact_block text, is_default boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean) TO notify_user;


--
-- Name: TABLE service_sms_senders; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_sms_senders TO notify_user;


--
-- Name: FUNCTION add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean, inbound_number text) TO notify_user;


--
-- Name: FUNCTION create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_api_key(service_id uuid, name text, key_type text, OUT id uuid, OUT key text) TO notify_user;


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


--
-- Name: FUNCTION create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_service(name text, user_id uuid, organisation_id uuid, email_from text, permissions text[], restricted boolean) TO notify_user;


--
-- Name: FUNCTION create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.create_template(service_id uuid, template_type text, name text, content text, subject text, postage text, letter_contact_id uuid, created_by_id uuid) TO notify_user;


--
-- Name: TABLE users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE app_public.users TO notify_user;


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
-- Name: FUNCTION set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit integer, financial_year_start integer) TO notify_user;


--
-- Name: TABLE service_callback_api; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,DELETE ON TABLE app_public.service_callback_api TO notify_user;


--
-- Name: COLUMN service_callback_api.url; Type: ACL; Schema: app_public; Owner: -
--

GRANT UPDATE(url) ON TABLE app_public.service_callback_api TO notify_user;


--
-- Name: FUNCTION set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.set_service_callback_api(service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid) TO notify_user;


--
-- Name: TABLE templates_history; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.templates_history TO notify_user;


--
-- Name: FUNCTION template_version(template_id uuid, version integer); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.template_version(template_id uuid, version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.template_version(template_id uuid, version integer) TO notify_user;


--
-- Name: FUNCTION update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean); Type: ACL; Schema: app_public; Owner: -
--

REVOKE ALL ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_public.update_template(template_id uuid, name text, content text, subject text, letter_contact_id uuid, archived boolean) TO notify_user;


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
-- Name: TABLE invited_users; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.invited_users TO notify_user;


--
-- Name: TABLE job_status; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT ON TABLE app_public.job_status TO notify_user;


--
-- Name: TABLE jobs; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.jobs TO notify_user;


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
-- Name: TABLE service_contact_list; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_contact_list TO notify_user;


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


--
-- Name: TABLE service_whitelist; Type: ACL; Schema: app_public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.service_whitelist TO notify_user;


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

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app_public.user_to_service TO notify_user;


--
-- PostgreSQL database dump complete
--


