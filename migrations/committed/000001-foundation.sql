--! Previous: -
--! Hash: sha1:c9425cb3a1230b98261803759c6f2f1c5b986d22
--! Message: Foundation schema: the whole data model, RLS, versioning triggers, CLI functions

--------------------------------------------------------------------------------
-- Foundation schema of the Notify-compatible platform (SPEC §2, §3, §4.7, §4.13).
--
-- Schemas by audience:
--   app_public  exposed through PostGraphile; row level security on every table
--   app_hidden  callable by the request roles / the API server, never exposed
--   app_private owner only: secrets (encryption key, password hashes, codes) and
--               trigger functions
-- Roles: notify_authenticator (login, noinherit; the server connects as it and
-- the v2 REST layer calls a few app_hidden functions directly as it),
-- notify_user (admin UI users, platform admins included: claim
-- jwt.claims.platform_admin = 'true'), notify_anonymous (sees nothing).
-- Per-request claims: jwt.claims.user_id (uuid text), jwt.claims.platform_admin.
--
-- Custom SQLSTATEs (the HTTP / GraphQL layer maps them to statuses):
--   NTF01  bad argument / validation failed                     -> 400
--   NTF02  duplicate / conflicts with existing data             -> 400 (409)
--   NTF03  permission denied for the current request user        -> 403
--   NTF04  not found (or not visible to the current user)        -> 404
--
-- Big tables (notifications, notification_history, inbound_sms) use check
-- constraints instead of foreign keys to lookup tables: one FK probe per row on
-- the hottest insert path buys nothing when the values are a fixed enumeration,
-- and it saves an index per column. No foreign key points INTO notifications,
-- so it can later be range-partitioned by created_at.
--
-- This first migration rebuilds its three schemas from scratch, so it can be
-- re-run while iterating (graphile-migrate watch). Never edit it once committed.
--------------------------------------------------------------------------------

create extension if not exists pgcrypto with schema public;
create extension if not exists citext with schema public;

do $$
begin
  if not exists (select from pg_roles where rolname = 'notify_authenticator') then
    create role notify_authenticator with login noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'notify_anonymous') then
    create role notify_anonymous with nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'notify_user') then
    create role notify_user with nologin;
  end if;
end
$$;
grant notify_anonymous, notify_user to notify_authenticator;

drop schema if exists app_public cascade;
drop schema if exists app_hidden cascade;
drop schema if exists app_private cascade;
create schema app_public;
create schema app_hidden;
create schema app_private;
comment on schema app_public is 'Exposed through PostGraphile; every table has row level security.';
comment on schema app_hidden is 'Functions the request roles and the API server may call; not exposed in GraphQL.';
comment on schema app_private is 'Owner only: secrets, internals and trigger functions.';

grant usage on schema app_public, app_hidden to notify_user, notify_anonymous, notify_authenticator;
revoke all on schema app_private from public;

-- Functions are not executable by PUBLIC by default: each grant below is deliberate
-- (security definer functions would otherwise be callable by notify_anonymous).
alter default privileges revoke execute on functions from public;

--------------------------------------------------------------------------------
-- Lookup tables (enumerations; rows are part of the schema, not configuration)
--------------------------------------------------------------------------------

create table app_public.key_types (name text primary key);
comment on table app_public.key_types is E'@behavior -insert -update -delete\nAPI key types: normal (live), team (team + guest list only), test (simulated, never sent or billed).';
insert into app_public.key_types (name) values ('normal'), ('team'), ('test');

create table app_public.auth_type (name text primary key);
comment on table app_public.auth_type is E'@behavior -insert -update -delete\nSecond factor a user signs in with.';
insert into app_public.auth_type (name) values ('sms_auth'), ('email_auth'), ('webauthn_auth');

create table app_public.notification_type (name text primary key);
comment on table app_public.notification_type is E'@behavior -insert -update -delete\nChannels: email, sms, letter.';
insert into app_public.notification_type (name) values ('email'), ('sms'), ('letter');

create table app_public.template_type (name text primary key);
comment on table app_public.template_type is E'@behavior -insert -update -delete\nTemplate kinds; same values as notification_type, kept separate as in Notify.';
insert into app_public.template_type (name) values ('email'), ('sms'), ('letter');

create table app_public.recipient_type (name text primary key);
comment on table app_public.recipient_type is E'@behavior -insert -update -delete\nKinds of guest-list recipient.';
insert into app_public.recipient_type (name) values ('mobile'), ('email');

create table app_public.notification_status_types (name text primary key);
comment on table app_public.notification_status_types is E'@behavior -insert -update -delete\nThe 14 notification statuses of SPEC §3 (failed is deprecated but still readable).';
insert into app_public.notification_status_types (name) values
  ('created'), ('sending'), ('sent'), ('delivered'), ('pending'), ('failed'),
  ('technical-failure'), ('temporary-failure'), ('permanent-failure'),
  ('pending-virus-check'), ('validation-failed'), ('virus-scan-failed'),
  ('returned-letter'), ('cancelled');

create table app_public.job_status (name text primary key);
comment on table app_public.job_status is E'@behavior -insert -update -delete\nLifecycle of a CSV job (REF values plus HEAD''s finished all notifications created).';
insert into app_public.job_status (name) values
  ('pending'), ('in progress'), ('finished'), ('sending limits exceeded'), ('scheduled'),
  ('cancelled'), ('ready to send'), ('sent to dvla'), ('error'), ('finished all notifications created');

create table app_public.service_permission_types (name text primary key);
comment on table app_public.service_permission_types is E'@behavior -insert -update -delete\nWhat a service may do (REF list plus HEAD''s sms_to_uk_landlines).';
insert into app_public.service_permission_types (name) values
  ('email'), ('sms'), ('letter'), ('international_sms'), ('inbound_sms'), ('schedule_notifications'),
  ('email_auth'), ('letters_as_pdf'), ('upload_document'), ('edit_folder_permissions'),
  ('upload_letters'), ('international_letters'), ('sms_to_uk_landlines');

create table app_public.permission_types (name text primary key);
comment on table app_public.permission_types is E'@behavior -insert -update -delete\nPer-service permissions of a team member (platform_admin is never granted per service).';
insert into app_public.permission_types (name) values
  ('manage_users'), ('manage_templates'), ('manage_settings'), ('send_texts'), ('send_emails'),
  ('send_letters'), ('manage_api_keys'), ('platform_admin'), ('view_activity');

create table app_public.organisation_types (
  name text primary key,
  is_crown boolean
);
comment on table app_public.organisation_types is E'@behavior -insert -update -delete\nOrganisation types; is_crown null means the organisation''s own crown flag decides.';
comment on column app_public.organisation_types.is_crown is 'Crown status implied by the type; null for central/other where the organisation decides.';
insert into app_public.organisation_types (name, is_crown) values
  ('central', null), ('local', false), ('nhs_central', true), ('nhs_local', false), ('nhs_gp', false),
  ('emergency_service', false), ('school_or_college', false), ('other', null);

create table app_public.branding_type (name text primary key);
comment on table app_public.branding_type is E'@behavior -insert -update -delete\nHow an email branding is shown.';
insert into app_public.branding_type (name) values ('org'), ('both'), ('org_banner');

create table app_public.service_callback_type (name text primary key);
comment on table app_public.service_callback_type is E'@behavior -insert -update -delete\nKinds of callback a service can register (inbound_sms replaces REF''s service_inbound_api table).';
insert into app_public.service_callback_type (name) values ('delivery_status'), ('complaint'), ('returned_letter'), ('inbound_sms');

create table app_public.invite_status_type (name text primary key);
comment on table app_public.invite_status_type is E'@behavior -insert -update -delete\nStates of an invitation.';
insert into app_public.invite_status_type (name) values ('pending'), ('accepted'), ('cancelled');

--------------------------------------------------------------------------------
-- Encryption of secrets at rest
--------------------------------------------------------------------------------

create table app_private.settings (
  id boolean primary key default true check (id),
  encryption_key bytea not null default gen_random_bytes(32) check (length(encryption_key) = 32),
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
comment on table app_private.settings is 'Single row of instance secrets. The AES-256 key is generated at migration time and never leaves the database; losing it makes every encrypted column unreadable.';
insert into app_private.settings default values;
revoke all on app_private.settings from public;

create function app_private.encrypt(plaintext text) returns bytea
language sql volatile strict security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select s.iv || encrypt_iv(convert_to(plaintext, 'UTF8'), k.encryption_key, s.iv, 'aes-cbc/pad:pkcs')
  from (select gen_random_bytes(16) as iv) s, app_private.settings k
$$;
comment on function app_private.encrypt(text) is 'AES-256-CBC with a random 16-byte IV prepended. Used for API key secrets, callback bearer tokens, notification personalisation and inbound SMS content. encrypt_iv is ~100x faster than pgp_sym_encrypt, which matters on the notification insert path.';

create function app_private.decrypt(ciphertext bytea) returns text
language sql stable strict security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select convert_from(decrypt_iv(substr(ciphertext, 17), k.encryption_key, substr(ciphertext, 1, 16), 'aes-cbc/pad:pkcs'), 'UTF8')
  from app_private.settings k
$$;
comment on function app_private.decrypt(bytea) is 'Inverse of app_private.encrypt: the first 16 bytes are the IV.';
--------------------------------------------------------------------------------
-- Branding, users, organisations (SPEC §2.2)
--------------------------------------------------------------------------------

create table app_public.email_branding (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null unique,
  colour varchar(7) check (colour ~ '^#[0-9A-Fa-f]{6}$'),
  logo varchar(255),
  text varchar(255),
  brand_type text not null default 'org' references app_public.branding_type on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index email_branding_brand_type_idx on app_public.email_branding (brand_type);
comment on table app_public.email_branding is 'Logos and colours shown in emails; chosen per organisation (default) or per service.';

create table app_public.letter_branding (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null unique,
  filename varchar(255) not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
comment on table app_public.letter_branding is 'Logo printed on letters; filename names the artwork the letter renderer uses.';

create table app_public.users (
  id uuid primary key default gen_random_uuid(),
  name text not null check (btrim(name) <> ''),
  email_address citext not null unique check (char_length(email_address) <= 255 and email_address like '%_@_%'),
  mobile_number text,
  password_changed_at timestamptz not null default now(),
  logged_in_at timestamptz,
  failed_login_count int not null default 0 check (failed_login_count >= 0),
  state text not null default 'pending' check (state in ('pending', 'active', 'inactive')),
  platform_admin boolean not null default false,
  current_session_id uuid,
  auth_type text not null default 'sms_auth' references app_public.auth_type on delete restrict,
  email_access_validated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint ck_user_has_mobile_or_other_auth check (auth_type in ('email_auth', 'webauthn_auth') or mobile_number is not null)
);
create index users_auth_type_idx on app_public.users (auth_type);
comment on table app_public.users is E'@behavior -insert\nAdmin-UI people (team members, platform admins). Created through create_user; the password hash lives in app_private.user_secrets so it can never be selected through GraphQL.';
comment on column app_public.users.email_access_validated_at is 'Last time the user proved they can read their email (created, email login code verified, password reset by email link). The admin app asks email_auth users to re-validate when it is old.';
comment on column app_public.users.failed_login_count is 'Consecutive failed password checks; 10 or more locks the account.';

create table app_private.user_secrets (
  user_id uuid primary key references app_public.users on delete cascade,
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
comment on table app_private.user_secrets is 'bcrypt password hashes, kept out of app_public so no grant or GraphQL field can expose them.';

create table app_private.verify_codes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_public.users on delete cascade,
  code_hash text not null,
  code_type text not null check (code_type in ('email', 'sms')),
  expiry_datetime timestamptz not null,
  code_used boolean not null default false,
  created_at timestamptz not null default now()
);
create index verify_codes_user_id_idx on app_private.verify_codes (user_id, created_at desc);
create index verify_codes_created_at_idx on app_private.verify_codes (created_at);
comment on table app_private.verify_codes is 'Hashed one-time sign-in codes (sms / email); deleted a day after creation by the worker.';

create table app_public.organisation (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null unique check (btrim(name) <> ''),
  active boolean not null default true,
  crown boolean,
  organisation_type text references app_public.organisation_types on delete restrict,
  email_branding_id uuid references app_public.email_branding on delete set null,
  letter_branding_id uuid references app_public.letter_branding on delete set null,
  agreement_signed boolean,
  agreement_signed_at timestamptz,
  agreement_signed_by_id uuid references app_public.users on delete set null,
  agreement_signed_on_behalf_of_name varchar(255),
  agreement_signed_on_behalf_of_email_address varchar(255),
  agreement_signed_version float,
  request_to_go_live_notes text,
  notes text,
  purchase_order_number varchar(255),
  billing_contact_names text,
  billing_contact_email_addresses text,
  billing_reference varchar(255),
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index organisation_organisation_type_idx on app_public.organisation (organisation_type);
create index organisation_email_branding_id_idx on app_public.organisation (email_branding_id);
create index organisation_letter_branding_id_idx on app_public.organisation (letter_branding_id);
create index organisation_agreement_signed_by_id_idx on app_public.organisation (agreement_signed_by_id);
comment on table app_public.organisation is E'@behavior -insert\nPublic body owning services. Its type and crown flag are copied to its services (billing allowance and letter rates depend on them); its default branding is given to its services that have none. Created through create_organisation.';

create table app_public.domain (
  domain varchar(255) primary key check (domain = lower(domain) and domain !~ '^[.@]'),
  organisation_id uuid not null references app_public.organisation on delete cascade
);
create index domain_organisation_id_idx on app_public.domain (organisation_id);
comment on table app_public.domain is 'Email domains of an organisation: a new service is put in the organisation of its creator''s email domain (longest match).';

create table app_public.user_to_organisation (
  user_id uuid not null references app_public.users on delete cascade,
  organisation_id uuid not null references app_public.organisation on delete cascade,
  primary key (user_id, organisation_id)
);
create index user_to_organisation_organisation_id_idx on app_public.user_to_organisation (organisation_id);
comment on table app_public.user_to_organisation is 'Team members of an organisation.';

create table app_public.email_branding_to_organisation (
  organisation_id uuid not null references app_public.organisation on delete cascade,
  email_branding_id uuid not null references app_public.email_branding on delete cascade,
  primary key (organisation_id, email_branding_id)
);
create index email_branding_to_organisation_branding_idx on app_public.email_branding_to_organisation (email_branding_id);
comment on table app_public.email_branding_to_organisation is 'Pool of email brandings an organisation''s services may choose from.';

create table app_public.letter_branding_to_organisation (
  organisation_id uuid not null references app_public.organisation on delete cascade,
  letter_branding_id uuid not null references app_public.letter_branding on delete cascade,
  primary key (organisation_id, letter_branding_id)
);
create index letter_branding_to_organisation_branding_idx on app_public.letter_branding_to_organisation (letter_branding_id);
comment on table app_public.letter_branding_to_organisation is 'Pool of letter brandings an organisation''s services may choose from.';

create table app_public.invited_organisation_users (
  id uuid primary key default gen_random_uuid(),
  email_address citext not null check (char_length(email_address) <= 255),
  invited_by_id uuid not null references app_public.users on delete cascade,
  organisation_id uuid not null references app_public.organisation on delete cascade,
  status text not null default 'pending' references app_public.invite_status_type on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index invited_organisation_users_invited_by_id_idx on app_public.invited_organisation_users (invited_by_id);
create index invited_organisation_users_organisation_id_idx on app_public.invited_organisation_users (organisation_id);
create index invited_organisation_users_status_idx on app_public.invited_organisation_users (status);
create index invited_organisation_users_created_at_idx on app_public.invited_organisation_users (created_at);
comment on table app_public.invited_organisation_users is 'Pending invitations to join an organisation team; expired ones are deleted by the worker.';
--------------------------------------------------------------------------------
-- Services and their team (SPEC §2.2)
--------------------------------------------------------------------------------

create table app_public.services (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null unique check (btrim(name) <> ''),
  active boolean not null default true,
  restricted boolean not null default true,
  research_mode boolean not null default false,
  created_by_id uuid not null references app_public.users on delete restrict,
  prefix_sms boolean not null default true,
  organisation_id uuid references app_public.organisation on delete set null,
  organisation_type text references app_public.organisation_types on delete restrict,
  crown boolean,
  rate_limit int not null default 3000 check (rate_limit >= 0),
  email_message_limit bigint not null default 999999999 check (email_message_limit >= 0),
  sms_message_limit bigint not null default 999999999 check (sms_message_limit >= 0),
  letter_message_limit bigint not null default 999999999 check (letter_message_limit >= 0),
  international_sms_message_limit bigint not null default 250000 check (international_sms_message_limit >= 0),
  email_from text not null unique check (email_from ~ '^[a-z0-9]+([._-][a-z0-9]+)*$'),
  contact_link varchar(255),
  volume_sms int,
  volume_email int,
  volume_letter int,
  consent_to_research boolean,
  count_as_live boolean not null default true,
  go_live_user_id uuid references app_public.users on delete set null,
  go_live_at timestamptz,
  purchase_order_number varchar(255),
  billing_contact_names text,
  billing_contact_email_addresses text,
  billing_reference varchar(255),
  notes text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index services_created_by_id_idx on app_public.services (created_by_id);
create index services_organisation_id_idx on app_public.services (organisation_id);
create index services_organisation_type_idx on app_public.services (organisation_type);
create index services_go_live_user_id_idx on app_public.services (go_live_user_id);
comment on table app_public.services is E'@behavior -insert\nThe sending unit. Starts restricted (trial mode). Versioned into services_history. Created through create_service, which also adds the creator, default permissions, the default SMS sender and the annual billing row.';
comment on column app_public.services.rate_limit is 'Requests allowed per 60 seconds per key type.';
comment on column app_public.services.count_as_live is 'False for services made by platform admins (tests, demos): excluded from live-service statistics.';
comment on column app_public.services.email_from is 'Local part of the from address (<email_from>@<NOTIFY_EMAIL_DOMAIN>), derived from the name by default.';
comment on column app_public.services.version is 'Bumped on every change by trigger; each version is copied to services_history.';

create table app_public.services_history (like app_public.services including defaults including constraints);
alter table app_public.services_history add primary key (id, version);
comment on table app_public.services_history is E'@behavior -insert -update -delete\nEvery version of every service (pk id, version), written by the _500_history trigger; a service''s settings at any past time can be read back.';

create table app_public.service_permissions (
  service_id uuid not null references app_public.services on delete cascade,
  permission text not null references app_public.service_permission_types on delete restrict,
  created_at timestamptz not null default now(),
  primary key (service_id, permission)
);
create index service_permissions_permission_idx on app_public.service_permissions (permission);
comment on table app_public.service_permissions is 'Capabilities switched on for a service (channels, international, inbound, ...).';

create table app_public.user_to_service (
  user_id uuid not null references app_public.users on delete cascade,
  service_id uuid not null references app_public.services on delete cascade,
  primary key (user_id, service_id)
);
create index user_to_service_service_id_idx on app_public.user_to_service (service_id);
comment on table app_public.user_to_service is 'Team membership: the basis of row level security for everything a service owns.';

create table app_public.permissions (
  id uuid primary key default gen_random_uuid(),
  service_id uuid references app_public.services on delete cascade,
  user_id uuid not null references app_public.users on delete cascade,
  permission text not null references app_public.permission_types on delete restrict,
  created_at timestamptz not null default now(),
  constraint uix_service_user_permission unique nulls not distinct (service_id, user_id, permission)
);
create index permissions_user_id_idx on app_public.permissions (user_id);
create index permissions_permission_idx on app_public.permissions (permission);
comment on table app_public.permissions is 'What a team member may do on a service (service_id null only for legacy platform-wide rows).';

create table app_public.service_whitelist (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  recipient_type text not null references app_public.recipient_type on delete restrict,
  recipient varchar(255) not null check (btrim(recipient) <> ''),
  created_at timestamptz not null default now()
);
create index service_whitelist_service_id_idx on app_public.service_whitelist (service_id);
create index service_whitelist_recipient_type_idx on app_public.service_whitelist (recipient_type);
comment on table app_public.service_whitelist is 'Guest list: extra recipients a restricted service or a team key may send to.';

create table app_public.service_email_branding (
  service_id uuid primary key references app_public.services on delete cascade,
  email_branding_id uuid not null references app_public.email_branding on delete cascade
);
create index service_email_branding_branding_idx on app_public.service_email_branding (email_branding_id);
comment on table app_public.service_email_branding is 'Email branding chosen for a service (none = GOV.UK branding).';

create table app_public.service_letter_branding (
  service_id uuid primary key references app_public.services on delete cascade,
  letter_branding_id uuid not null references app_public.letter_branding on delete cascade
);
create index service_letter_branding_branding_idx on app_public.service_letter_branding (letter_branding_id);
comment on table app_public.service_letter_branding is 'Letter branding chosen for a service (none = no logo).';

create table app_public.invited_users (
  id uuid primary key default gen_random_uuid(),
  email_address citext not null check (char_length(email_address) <= 255),
  user_id uuid not null references app_public.users on delete cascade,
  service_id uuid not null references app_public.services on delete cascade,
  status text not null default 'pending' references app_public.invite_status_type on delete restrict,
  permissions text not null default '',
  auth_type text not null default 'sms_auth' references app_public.auth_type on delete restrict,
  folder_permissions jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index invited_users_user_id_idx on app_public.invited_users (user_id);
create index invited_users_service_id_idx on app_public.invited_users (service_id);
create index invited_users_status_idx on app_public.invited_users (status);
create index invited_users_auth_type_idx on app_public.invited_users (auth_type);
create index invited_users_created_at_idx on app_public.invited_users (created_at);
comment on table app_public.invited_users is 'Invitations to join a service team; user_id is the inviter, permissions a comma list (Notify wire format). Deleted after 2 days by the worker.';

--------------------------------------------------------------------------------
-- Senders, reply-to addresses, contact blocks, callbacks, retention (SPEC §2.4)
--------------------------------------------------------------------------------

create table app_public.inbound_numbers (
  id uuid primary key default gen_random_uuid(),
  number text not null unique check (number ~ '^\+?[0-9]{3,15}$'),
  provider text not null,
  service_id uuid unique references app_public.services on delete set null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
comment on table app_public.inbound_numbers is 'Numbers texts are received on; at most one per service. Unassigned numbers (service_id null) form the pool. The unique constraint on service_id doubles as its index.';

create table app_public.service_sms_senders (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  sms_sender text not null check (char_length(sms_sender) between 3 and 16),
  is_default boolean not null default false,
  archived boolean not null default false,
  inbound_number_id uuid unique references app_public.inbound_numbers on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint ck_default_sender_not_archived check (not (is_default and archived))
);
create index service_sms_senders_service_id_idx on app_public.service_sms_senders (service_id);
create unique index service_sms_senders_one_default on app_public.service_sms_senders (service_id) where is_default and not archived;
comment on table app_public.service_sms_senders is 'Text message senders of a service: 3-11 character alphanumeric ids or phone numbers (an inbound number lets recipients reply). Exactly one live default.';

create table app_public.service_email_reply_to (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  email_address text not null check (email_address ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  is_default boolean not null default true,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint ck_default_reply_to_not_archived check (not (is_default and archived))
);
create index service_email_reply_to_service_id_idx on app_public.service_email_reply_to (service_id);
create unique index service_email_reply_to_one_default on app_public.service_email_reply_to (service_id) where is_default and not archived;
comment on table app_public.service_email_reply_to is 'Reply-to addresses of a service''s emails; at most one live default.';

create table app_public.service_letter_contacts (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  contact_block text not null check (btrim(contact_block) <> ''),
  is_default boolean not null default true,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint ck_default_contact_not_archived check (not (is_default and archived))
);
create index service_letter_contacts_service_id_idx on app_public.service_letter_contacts (service_id);
create unique index service_letter_contacts_one_default on app_public.service_letter_contacts (service_id) where is_default and not archived;
comment on table app_public.service_letter_contacts is 'Contact blocks printed at the top right of a service''s letters; at most one live default.';

create table app_public.service_callback_api (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  url text not null check (url ~ '^https?://'),
  bearer_token bytea not null,
  callback_type text not null references app_public.service_callback_type on delete restrict,
  updated_by_id uuid not null references app_public.users on delete restrict,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_service_callback_type unique (service_id, callback_type)
);
create index service_callback_api_callback_type_idx on app_public.service_callback_api (callback_type);
create index service_callback_api_updated_by_id_idx on app_public.service_callback_api (updated_by_id);
comment on table app_public.service_callback_api is E'@behavior -insert\nWhere a service wants delivery receipts, complaints, returned letters and inbound texts POSTed. One table for all types (REF kept inbound in service_inbound_api; see that view). Set through set_service_callback_api, which encrypts the token. Versioned.';
comment on column app_public.service_callback_api.bearer_token is E'@behavior -*\nAES-encrypted (app_private.encrypt); decrypted only by app_hidden.service_callback for the worker.';

create table app_public.service_callback_api_history (like app_public.service_callback_api including defaults);
alter table app_public.service_callback_api_history drop column bearer_token;
alter table app_public.service_callback_api_history add primary key (id, version);
create index service_callback_api_history_service_id_idx on app_public.service_callback_api_history (service_id);
alter table app_public.service_callback_api_history add foreign key (service_id) references app_public.services on delete cascade;
comment on table app_public.service_callback_api_history is E'@behavior -insert -update -delete\nEvery version of a service callback (without the token) for audit.';

create view app_public.service_inbound_api with (security_invoker = true) as
  select id, service_id, url, updated_by_id, version, created_at, updated_at
  from app_public.service_callback_api
  where callback_type = 'inbound_sms';
comment on view app_public.service_inbound_api is E'@behavior -insert -update -delete\nREF-compatible view of inbound SMS callbacks (decision SPEC §2.4: one callback table, this view for compatibility).';

create table app_public.service_data_retention (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  notification_type text not null references app_public.notification_type on delete restrict,
  days_of_retention int not null check (days_of_retention between 1 and 90),
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_service_data_retention unique (service_id, notification_type)
);
create index service_data_retention_notification_type_idx on app_public.service_data_retention (notification_type);
comment on table app_public.service_data_retention is 'Days a service keeps notifications of a type before archival (none = 7).';
--------------------------------------------------------------------------------
-- Templates (SPEC §2.3)
--------------------------------------------------------------------------------

create table app_public.templates (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null check (btrim(name) <> ''),
  template_type text not null references app_public.template_type on delete restrict,
  content text not null,
  subject text,
  archived boolean not null default false,
  hidden boolean not null default false,
  postage text,
  service_id uuid not null references app_public.services on delete cascade,
  created_by_id uuid not null references app_public.users on delete restrict,
  service_letter_contact_id uuid references app_public.service_letter_contacts on delete set null,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint ck_templates_postage check (
    (template_type = 'letter' and postage in ('first', 'second', 'economy', 'europe', 'rest-of-world'))
    or (template_type <> 'letter' and postage is null)),
  constraint ck_templates_subject check (template_type = 'sms' or subject is not null)
);
create index templates_service_id_idx on app_public.templates (service_id);
create index templates_template_type_idx on app_public.templates (template_type);
create index templates_created_by_id_idx on app_public.templates (created_by_id);
create index templates_service_letter_contact_id_idx on app_public.templates (service_letter_contact_id);
comment on table app_public.templates is E'@behavior -insert -update\nCurrent version of each template. Every insert and every content change (or explicit version bump) writes templates_history; notifications pin (template_id, template_version). Created and edited through create_template / update_template.';
comment on column app_public.templates.hidden is 'System-only templates (e.g. the per-service Pre-compiled PDF letter template): never listed to users.';
comment on column app_public.templates.postage is 'Letters only: first, second (default), economy, europe, rest-of-world.';

create table app_public.templates_history (like app_public.templates including defaults including constraints);
alter table app_public.templates_history add primary key (id, version);
alter table app_public.templates_history add foreign key (service_id) references app_public.services on delete cascade;
create index templates_history_service_id_idx on app_public.templates_history (service_id);
comment on table app_public.templates_history is E'@behavior -insert -update -delete\nEvery version of every template, all columns, pk (id, version). Written only by the _500_history trigger; notifications and jobs reference (id, version) so the exact text sent can be read back.';

create table app_public.template_redacted (
  template_id uuid primary key references app_public.templates on delete cascade,
  redact_personalisation boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by_id uuid not null references app_public.users on delete restrict
);
create index template_redacted_updated_by_id_idx on app_public.template_redacted (updated_by_id);
comment on table app_public.template_redacted is 'Whether personalisation of a template is hidden in the admin UI after sending (e.g. codes). A row exists for every template.';

create table app_public.template_folder (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  name text not null check (btrim(name) <> ''),
  parent_id uuid,
  created_at timestamptz not null default now(),
  constraint ix_id_service_id unique (id, service_id),
  constraint template_folder_parent_fk foreign key (parent_id, service_id)
    references app_public.template_folder (id, service_id) on delete cascade
);
create index template_folder_service_id_idx on app_public.template_folder (service_id);
create index template_folder_parent_idx on app_public.template_folder (parent_id, service_id);
comment on table app_public.template_folder is 'Folders of templates; a parent must belong to the same service (composite FK).';

create table app_public.template_folder_map (
  template_id uuid primary key references app_public.templates on delete cascade,
  template_folder_id uuid not null references app_public.template_folder on delete cascade
);
create index template_folder_map_folder_idx on app_public.template_folder_map (template_folder_id);
comment on table app_public.template_folder_map is 'Which folder a template is in (none = top level).';

create table app_public.user_folder_permissions (
  user_id uuid not null,
  template_folder_id uuid not null,
  service_id uuid not null,
  primary key (user_id, template_folder_id, service_id),
  constraint user_folder_permissions_user_fk foreign key (user_id, service_id)
    references app_public.user_to_service (user_id, service_id) on delete cascade,
  constraint user_folder_permissions_folder_fk foreign key (template_folder_id, service_id)
    references app_public.template_folder (id, service_id) on delete cascade
);
create index user_folder_permissions_user_service_idx on app_public.user_folder_permissions (user_id, service_id);
create index user_folder_permissions_folder_service_idx on app_public.user_folder_permissions (template_folder_id, service_id);
comment on table app_public.user_folder_permissions is 'Folders a team member may see when the service uses folder permissions.';

--------------------------------------------------------------------------------
-- API keys (SPEC §2.4)
--------------------------------------------------------------------------------

create table app_public.api_keys (
  id uuid primary key default gen_random_uuid(),
  name varchar(255) not null check (btrim(name) <> ''),
  secret bytea not null,
  service_id uuid not null references app_public.services on delete cascade,
  key_type text not null references app_public.key_types on delete restrict,
  expiry_date timestamptz,
  created_by_id uuid not null references app_public.users on delete restrict,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create unique index uix_service_to_key_name on app_public.api_keys (service_id, name) where expiry_date is null;
create index api_keys_service_id_idx on app_public.api_keys (service_id);
create index api_keys_key_type_idx on app_public.api_keys (key_type);
create index api_keys_created_by_id_idx on app_public.api_keys (created_by_id);
comment on table app_public.api_keys is E'@behavior -insert\nAPI keys of a service. The secret is shown once by create_api_key and stored AES-encrypted; an expiry_date means revoked. Versioned into api_keys_history.';
comment on column app_public.api_keys.secret is E'@behavior -*\nAES-encrypted uuid4 text (app_private.encrypt); only app_hidden.service_api_keys decrypts it, for JWT verification.';

create table app_public.api_keys_history (like app_public.api_keys including defaults);
alter table app_public.api_keys_history drop column secret;
alter table app_public.api_keys_history add primary key (id, version);
alter table app_public.api_keys_history add foreign key (service_id) references app_public.services on delete cascade;
create index api_keys_history_service_id_idx on app_public.api_keys_history (service_id);
comment on table app_public.api_keys_history is E'@behavior -insert -update -delete\nEvery version of an API key (creation, rename, revocation) without the secret.';

--------------------------------------------------------------------------------
-- Contact lists and jobs (SPEC §2.5)
--------------------------------------------------------------------------------

create table app_public.service_contact_list (
  id uuid primary key default gen_random_uuid(),
  original_file_name text not null,
  row_count int not null check (row_count >= 0),
  template_type text not null references app_public.template_type on delete restrict check (template_type in ('email', 'sms')),
  service_id uuid not null references app_public.services on delete cascade,
  created_by_id uuid not null references app_public.users on delete restrict,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index service_contact_list_service_id_idx on app_public.service_contact_list (service_id, created_at desc);
create index service_contact_list_template_type_idx on app_public.service_contact_list (template_type);
create index service_contact_list_created_by_id_idx on app_public.service_contact_list (created_by_id);
comment on table app_public.service_contact_list is 'Saved recipient CSVs (emergency contact lists); the file is service-{service_id}-notify/{id}.csv in the contact-list bucket. The id is supplied by the client that uploaded it.';

create table app_public.jobs (
  id uuid primary key default gen_random_uuid(),
  original_file_name text not null,
  service_id uuid not null references app_public.services on delete cascade,
  template_id uuid not null,
  template_version int not null,
  notification_count int not null check (notification_count >= 0),
  notifications_sent int not null default 0,
  notifications_delivered int not null default 0,
  notifications_failed int not null default 0,
  processing_started timestamptz,
  processing_finished timestamptz,
  created_by_id uuid references app_public.users on delete set null,
  api_key_id uuid references app_public.api_keys on delete set null,
  scheduled_for timestamptz,
  job_status text not null default 'pending' references app_public.job_status on delete restrict,
  archived boolean not null default false,
  contact_list_id uuid references app_public.service_contact_list on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint jobs_template_version_fk foreign key (template_id, template_version)
    references app_public.templates_history (id, version) on delete no action
);
create index jobs_service_id_created_at_idx on app_public.jobs (service_id, created_at desc);
create index jobs_template_idx on app_public.jobs (template_id, template_version);
create index jobs_created_by_id_idx on app_public.jobs (created_by_id) where created_by_id is not null;
create index jobs_api_key_id_idx on app_public.jobs (api_key_id) where api_key_id is not null;
create index jobs_scheduled_for_idx on app_public.jobs (scheduled_for) where scheduled_for is not null;
create index jobs_job_status_idx on app_public.jobs (job_status);
create index jobs_contact_list_id_idx on app_public.jobs (contact_list_id) where contact_list_id is not null;
create index jobs_processing_started_idx on app_public.jobs (processing_started) where processing_started is not null;
comment on table app_public.jobs is 'An uploaded CSV (service-{service_id}-notify/{id}.csv): one notification per row, job_row_number = row index. notifications_sent/delivered/failed are legacy counters; outcomes come from notifications / ft_notification_status.';
comment on column app_public.jobs.archived is 'True once the CSV has been deleted from S3 after the retention period.';
--------------------------------------------------------------------------------
-- Notifications, history and the all-time view (SPEC §2.6)
--------------------------------------------------------------------------------

create table app_public.notifications (
  id uuid primary key default gen_random_uuid(),
  "to" text not null,
  normalised_to text,
  job_id uuid references app_public.jobs on delete cascade,
  job_row_number int check (job_row_number >= 0),
  service_id uuid not null references app_public.services on delete cascade,
  template_id uuid not null,
  template_version int not null,
  api_key_id uuid references app_public.api_keys on delete set null,
  key_type text not null check (key_type in ('normal', 'team', 'test')),
  billable_units int not null default 0 check (billable_units >= 0),
  notification_type text not null check (notification_type in ('email', 'sms', 'letter')),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  sent_by text,
  updated_at timestamptz,
  notification_status text not null default 'created' check (notification_status in (
    'created', 'sending', 'sent', 'delivered', 'pending', 'failed', 'technical-failure',
    'temporary-failure', 'permanent-failure', 'pending-virus-check', 'validation-failed',
    'virus-scan-failed', 'returned-letter', 'cancelled')),
  reference text,
  client_reference text,
  _personalisation bytea,
  international boolean not null default false,
  phone_prefix text,
  rate_multiplier numeric,
  created_by_id uuid references app_public.users on delete set null,
  reply_to_text text,
  document_download_count int,
  postage text check (postage in ('first', 'second', 'economy', 'europe', 'rest-of-world')),
  scheduled_for timestamptz,
  one_click_unsubscribe_url text,
  constraint notifications_template_version_fk foreign key (template_id, template_version)
    references app_public.templates_history (id, version) on delete no action,
  constraint uix_notifications_job_row unique (job_id, job_row_number),
  constraint ck_notifications_postage check (postage is null or notification_type = 'letter')
);
-- SPEC §2.6 indexes, plus the v2 listing (service, key type, newest first) and archival
-- (created_at, key_type: also serves plain created_at ranges). job_id is covered by the
-- unique (job_id, job_row_number). Partial indexes where most rows are null.
create index ix_notifications_notification_type_composite on app_public.notifications (notification_type, notification_status, created_at);
create index ix_notifications_service_created_at on app_public.notifications (service_id, created_at);
create index ix_notifications_service_id_composite on app_public.notifications (service_id, notification_type, notification_status, created_at);
create index ix_notifications_service_key_type_created_at on app_public.notifications (service_id, key_type, created_at desc);
create index ix_notifications_template_id on app_public.notifications (template_id, created_at);
create index ix_notifications_created_at_key_type on app_public.notifications (created_at, key_type);
create index ix_notifications_reference on app_public.notifications (reference) where reference is not null;
create index ix_notifications_client_reference on app_public.notifications (client_reference) where client_reference is not null;
create index ix_notifications_api_key_id on app_public.notifications (api_key_id) where api_key_id is not null;
create index ix_notifications_created_by_id on app_public.notifications (created_by_id) where created_by_id is not null;
create index ix_notifications_scheduled_for on app_public.notifications (scheduled_for) where scheduled_for is not null;
comment on table app_public.notifications is E'@behavior -insert -update -delete\nOne message to one recipient, kept here (with PII) until the service''s retention ends, then moved without PII to notification_history (test-key rows are deleted instead). Nothing references it by foreign key so it can be range-partitioned by created_at.';
comment on column app_public.notifications._personalisation is E'@behavior -*\nAES-encrypted JSON of the personalisation (PII).';
comment on column app_public.notifications.normalised_to is 'Recipient in canonical form: SMS E.164 digits, lowercased email, collapsed address.';
comment on column app_public.notifications.billable_units is 'SMS fragments or letter sheets; 0 for email. Set at provider hand-off.';
comment on column app_public.notifications.reference is 'Provider reference (SES message id for email; the notification id for SMS).';

create table app_public.notification_history (
  id uuid primary key,
  job_id uuid references app_public.jobs on delete cascade,
  job_row_number int,
  service_id uuid not null references app_public.services on delete cascade,
  template_id uuid not null,
  template_version int not null,
  api_key_id uuid references app_public.api_keys on delete set null,
  key_type text not null check (key_type in ('normal', 'team', 'test')),
  billable_units int not null default 0 check (billable_units >= 0),
  notification_type text not null check (notification_type in ('email', 'sms', 'letter')),
  created_at timestamptz not null,
  sent_at timestamptz,
  sent_by text,
  updated_at timestamptz,
  notification_status text not null default 'created' check (notification_status in (
    'created', 'sending', 'sent', 'delivered', 'pending', 'failed', 'technical-failure',
    'temporary-failure', 'permanent-failure', 'pending-virus-check', 'validation-failed',
    'virus-scan-failed', 'returned-letter', 'cancelled')),
  reference text,
  client_reference text,
  international boolean,
  phone_prefix text,
  rate_multiplier numeric,
  created_by_id uuid,
  document_download_count int,
  postage text check (postage in ('first', 'second', 'economy', 'europe', 'rest-of-world')),
  scheduled_for timestamptz,
  constraint notification_history_template_version_fk foreign key (template_id, template_version)
    references app_public.templates_history (id, version) on delete no action
);
create index ix_notification_history_service_id_composite on app_public.notification_history (service_id, key_type, notification_type, created_at);
create index ix_notification_history_job_id on app_public.notification_history (job_id) where job_id is not null;
create index ix_notification_history_reference on app_public.notification_history (reference) where reference is not null;
create index ix_notification_history_created_at on app_public.notification_history (created_at);
create index ix_notification_history_template_id on app_public.notification_history (template_id, template_version);
create index ix_notification_history_api_key_id on app_public.notification_history (api_key_id) where api_key_id is not null;
comment on table app_public.notification_history is E'@behavior -insert -update -delete\nArchived notifications without PII (no to, normalised_to, personalisation, reply_to_text, unsubscribe link); only normal/team keys. Filled by archival in the same transaction that deletes from notifications. created_by_id has no FK so users can go without touching the archive.';

create view app_public.notifications_all_time_view with (security_invoker = true) as
  select id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type,
         billable_units, notification_type, created_at, sent_at, sent_by, updated_at, notification_status,
         reference, client_reference, international, phone_prefix, rate_multiplier, created_by_id,
         postage, document_download_count
  from app_public.notifications
  union all
  select id, job_id, job_row_number, service_id, template_id, template_version, api_key_id, key_type,
         billable_units, notification_type, created_at, sent_at, sent_by, updated_at, notification_status,
         reference, client_reference, international, phone_prefix, rate_multiplier, created_by_id,
         postage, document_download_count
  from app_public.notification_history;
comment on view app_public.notifications_all_time_view is E'@behavior -insert -update -delete\nThe 23 shared columns of notifications and notification_history. UNION ALL: archival moves rows in one transaction (insert + delete), so a row is never in both in one snapshot; predicates still use each table''s indexes. Used by the ft_billing / ft_notification_status builders so late-arriving letter statuses are counted whether archived or not. security_invoker: row level security of both tables applies.';

--------------------------------------------------------------------------------
-- Inbound SMS (SPEC §2.7)
--------------------------------------------------------------------------------

create table app_public.inbound_sms (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  service_id uuid not null references app_public.services on delete cascade,
  notify_number text not null,
  user_number text not null,
  provider_date timestamptz,
  provider_reference text,
  provider text not null,
  content bytea not null
);
create index ix_inbound_sms_service_id_created_at on app_public.inbound_sms (service_id, created_at desc);
create index ix_inbound_sms_user_number on app_public.inbound_sms (user_number);
create index ix_inbound_sms_created_at on app_public.inbound_sms (created_at);
comment on table app_public.inbound_sms is E'@behavior -insert -update -delete\nTexts received on a service''s inbound number; insert-only. Moved to inbound_sms_history (without number and content) after retention.';
comment on column app_public.inbound_sms.content is E'@behavior -*\nAES-encrypted message text; read it with app_hidden.inbound_sms_content or app_hidden.received_text_messages.';

create table app_public.inbound_sms_history (
  id uuid primary key,
  created_at timestamptz not null,
  service_id uuid not null references app_public.services on delete cascade,
  notify_number text not null,
  provider_date timestamptz,
  provider_reference text,
  provider text not null
);
create index ix_inbound_sms_history_service_id_created_at on app_public.inbound_sms_history (service_id, created_at);
create index ix_inbound_sms_history_created_at on app_public.inbound_sms_history (created_at);
comment on table app_public.inbound_sms_history is E'@behavior -insert -update -delete\nArchived inbound texts without the sender''s number or content, kept for statistics.';

--------------------------------------------------------------------------------
-- Providers and rates (SPEC §2.8)
--------------------------------------------------------------------------------

create table app_public.provider_details (
  id uuid primary key default gen_random_uuid(),
  display_name text not null,
  identifier text not null unique,
  priority int not null check (priority between 0 and 100),
  notification_type text not null references app_public.notification_type on delete restrict,
  active boolean not null default false,
  version int not null default 1,
  created_by_id uuid references app_public.users on delete set null,
  supports_international boolean not null default false,
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index provider_details_notification_type_idx on app_public.provider_details (notification_type);
create index provider_details_created_by_id_idx on app_public.provider_details (created_by_id);
comment on table app_public.provider_details is 'Delivery providers by identifier (mmg, firetext, reach, ses, dvla, local stubs). priority is a 0-100 weight for random selection among active providers of a type; failover and tend-back change it. Every change bumps version and is copied to provider_details_history.';
comment on column app_public.provider_details.reason is 'Why the last change was made (e.g. slow delivery); copied into history.';

create table app_public.provider_details_history (like app_public.provider_details including defaults including constraints);
alter table app_public.provider_details_history add primary key (id, version);
alter table app_public.provider_details_history add foreign key (id) references app_public.provider_details on delete cascade;
comment on table app_public.provider_details_history is E'@behavior -insert -update -delete\nEvery version of every provider (pk id, version): the audit trail of priority switches.';

create table app_public.rates (
  id uuid primary key default gen_random_uuid(),
  valid_from timestamptz not null check ((valid_from at time zone 'Europe/London')::time = '00:00'),
  rate numeric not null check (rate >= 0),
  notification_type text not null references app_public.notification_type on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_rates unique (notification_type, valid_from)
);
comment on table app_public.rates is 'Price per SMS fragment from valid_from (a London midnight, so a day never has two rates) until the next row.';

create table app_public.letter_rates (
  id uuid primary key default gen_random_uuid(),
  start_date timestamptz not null,
  end_date timestamptz,
  sheet_count int not null check (sheet_count > 0),
  rate numeric not null check (rate >= 0),
  crown boolean not null,
  post_class text not null check (post_class in ('first', 'second', 'economy', 'europe', 'rest-of-world')),
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_letter_rates unique (start_date, sheet_count, crown, post_class),
  constraint ck_letter_rates_dates check (end_date is null or end_date > start_date)
);
comment on table app_public.letter_rates is 'Price of one letter by sheets, postage and crown status from start_date (latest start first wins).';

--------------------------------------------------------------------------------
-- Billing facts (SPEC §2.9)
--------------------------------------------------------------------------------

create table app_public.annual_billing (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references app_public.services on delete cascade,
  financial_year_start int not null check (financial_year_start >= 2016),
  free_sms_fragment_limit int not null check (free_sms_fragment_limit >= 0),
  high_volume_service_last_year boolean not null default false,
  has_custom_allowance boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_service_id_financial_year_start unique (service_id, financial_year_start)
);
comment on table app_public.annual_billing is 'Free SMS fragments of a service per financial year (1 April London). A row for the current year is made with the service; billing queries assume it exists.';

create table app_public.default_annual_allowance (
  id uuid primary key default gen_random_uuid(),
  valid_from_financial_year_start int not null check (valid_from_financial_year_start >= 2016),
  organisation_type text not null references app_public.organisation_types on delete restrict,
  allowance int not null check (allowance >= 0),
  notification_type text not null default 'sms' references app_public.notification_type on delete restrict,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_default_annual_allowance unique (organisation_type, notification_type, valid_from_financial_year_start)
);
create index default_annual_allowance_notification_type_idx on app_public.default_annual_allowance (notification_type);
comment on table app_public.default_annual_allowance is 'Default free allowance by organisation type from a financial year on (greatest valid_from <= year wins). Configuration: loaded from sql/default-data.sql.';

create table app_public.ft_billing (
  bst_date date not null,
  template_id uuid not null,
  service_id uuid not null,
  notification_type text not null check (notification_type in ('email', 'sms', 'letter')),
  provider text not null,
  rate_multiplier int not null,
  international boolean not null,
  rate numeric not null,
  postage text not null,
  billable_units int not null default 0,
  notifications_sent int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  primary key (bst_date, template_id, service_id, notification_type, provider, rate_multiplier, international, rate, postage)
);
create index ix_ft_billing_template_id on app_public.ft_billing (template_id);
create index ix_ft_billing_service_id_bst_date on app_public.ft_billing (service_id, bst_date);
comment on table app_public.ft_billing is E'@behavior -insert -update -delete\nDaily billing facts per (London day, template, service, type, provider, multiplier, international, rate, postage), rebuilt nightly from notifications_all_time_view. No FKs: facts outlive their dimensions. postage is none for sms/email; provider is unknown when sent_by is null.';

create table app_public.ft_notification_status (
  bst_date date not null,
  template_id uuid not null,
  service_id uuid not null,
  job_id uuid not null,
  notification_type text not null check (notification_type in ('email', 'sms', 'letter')),
  key_type text not null check (key_type in ('normal', 'team', 'test')),
  notification_status text not null,
  notification_count int not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  primary key (bst_date, template_id, service_id, job_id, notification_type, key_type, notification_status)
);
create index ix_ft_notification_status_template_id_bst_date on app_public.ft_notification_status (template_id, bst_date);
create index ix_ft_notification_status_service_id_bst_date on app_public.ft_notification_status (service_id, bst_date);
create index ix_ft_notification_status_job_id on app_public.ft_notification_status (job_id);
comment on table app_public.ft_notification_status is E'@behavior -insert -update -delete\nDaily status counts per (London day, template, service, job, type, key type, status); job_id is the nil uuid when there is no job. Rebuilt by delete + insert per (day, type, service).';

create table app_public.ft_processing_time (
  bst_date date primary key,
  messages_total int not null,
  messages_within_10_secs int not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
comment on table app_public.ft_processing_time is 'Daily share of API (non-test, non-letter) notifications sent within 10 seconds: the platform''s performance figure.';

--------------------------------------------------------------------------------
-- Other (SPEC §2.10)
--------------------------------------------------------------------------------

create table app_public.returned_letters (
  id uuid primary key default gen_random_uuid(),
  reported_at date not null,
  service_id uuid not null references app_public.services on delete cascade,
  notification_id uuid not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index returned_letters_service_id_reported_at_idx on app_public.returned_letters (service_id, reported_at);
comment on table app_public.returned_letters is E'@behavior -insert -update -delete\nLetters the printer reported as returned. notification_id has no FK: the notification may be live or archived.';

create table app_public.complaints (
  id uuid primary key default gen_random_uuid(),
  notification_id uuid not null,
  service_id uuid not null references app_public.services on delete cascade,
  ses_feedback_id text,
  complaint_type text,
  complaint_date timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index complaints_service_id_idx on app_public.complaints (service_id, created_at desc);
create index complaints_notification_id_idx on app_public.complaints (notification_id);
create index complaints_created_at_idx on app_public.complaints (created_at);
comment on table app_public.complaints is E'@behavior -insert -update -delete\nEmail complaints (SES feedback). notification_id has no FK: the notification may be live or archived.';

create table app_public.daily_sorted_letter (
  id uuid primary key default gen_random_uuid(),
  billing_day date not null,
  file_name text,
  unsorted_count int not null default 0,
  sorted_count int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz,
  constraint uix_file_name_billing_day unique (file_name, billing_day)
);
create index daily_sorted_letter_billing_day_idx on app_public.daily_sorted_letter (billing_day);
comment on table app_public.daily_sorted_letter is 'Sorted / unsorted letter counts per printer response file and day (platform reporting).';
--------------------------------------------------------------------------------
-- Request context and permission helpers
--------------------------------------------------------------------------------

create function app_public.current_user_id() returns uuid
language sql stable
as $$
  select nullif(current_setting('jwt.claims.user_id', true), '')::uuid
$$;
comment on function app_public.current_user_id() is 'The signed-in admin user of this request (claim jwt.claims.user_id set per transaction by the server); null for anonymous, the worker and DBAs.';

create function app_hidden.is_platform_admin() returns boolean
language sql stable
as $$
  select coalesce(nullif(current_setting('jwt.claims.platform_admin', true), ''), 'false') = 'true'
$$;
comment on function app_hidden.is_platform_admin() is 'Whether the request''s signed claims say platform admin; platform admins see and change everything through RLS.';

create function app_hidden.in_user_request() returns boolean
language sql stable
as $$
  select coalesce(current_setting('role', true), 'none') in ('notify_user', 'notify_anonymous')
$$;
comment on function app_hidden.in_user_request() is 'True when the statement runs for a GraphQL/admin request (SET ROLE notify_user / notify_anonymous). Reads the role setting rather than current_user so it still answers correctly inside security definer functions; owner/DBA sessions, the worker and the API server''s own connection (notify_authenticator without SET ROLE) are trusted callers and get false.';

create function app_hidden.user_has_service_permission(service_id uuid, permission text default null) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.user_has_service_permission(uuid, text) is 'Whether the request user is on the service''s team and (if given) holds that per-service permission; true for platform admins. Security definer so RLS policies can call it without recursing through user_to_service/permissions policies.';

create function app_hidden.current_user_service_ids() returns setof uuid
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select uts.service_id from app_public.user_to_service uts where uts.user_id = app_public.current_user_id()
$$;
comment on function app_hidden.current_user_service_ids() is 'Services the request user belongs to; the building block of every service-scoped RLS policy (security definer to avoid policy recursion).';

create function app_hidden.assert_service_permission(service_id uuid, permission text default null) returns void
language plpgsql stable
as $$
begin
  if app_hidden.in_user_request() and not app_hidden.user_has_service_permission(service_id, permission) then
    raise exception 'Permission denied: % needed on service %', coalesce(permission, 'team membership'), service_id
      using errcode = 'NTF03';
  end if;
end
$$;
comment on function app_hidden.assert_service_permission(uuid, text) is 'Raise NTF03 unless the caller is trusted (not a user request) or the request user has the permission: gives functions a clear error before RLS would give a generic one.';

create function app_hidden.assert_platform_admin(action text) returns void
language plpgsql stable
as $$
begin
  if app_hidden.in_user_request() and not app_hidden.is_platform_admin() then
    raise exception 'Permission denied: only platform admins can %', action using errcode = 'NTF03';
  end if;
end
$$;
comment on function app_hidden.assert_platform_admin(text) is 'Raise NTF03 when a non-admin request user attempts a platform-level action (DBA, worker and API server pass).';

--------------------------------------------------------------------------------
-- Time and naming helpers
--------------------------------------------------------------------------------

create function app_public.london_date(ts timestamptz) returns date
language sql immutable strict parallel safe
as $$
  select (ts at time zone 'Europe/London')::date
$$;
comment on function app_public.london_date(timestamptz) is 'The London calendar day (bst_date) of an instant: billing and statistics days are London days.';

create function app_public.london_midnight(d date) returns timestamptz
language sql immutable strict parallel safe
as $$
  select d::timestamp at time zone 'Europe/London'
$$;
comment on function app_public.london_midnight(date) is 'The UTC instant a London day starts (23:00Z the day before during BST): day boundaries for created_at ranges.';

create function app_public.financial_year(d date) returns int
language sql immutable strict parallel safe
as $$
  select extract(year from d)::int - case when extract(month from d) < 4 then 1 else 0 end
$$;
comment on function app_public.financial_year(date) is 'Financial year (1 April to 31 March) a London date falls in, named by its starting year.';

create function app_public.current_financial_year() returns int
language sql stable
as $$
  select app_public.financial_year(app_public.london_date(now()))
$$;
comment on function app_public.current_financial_year() is 'The financial year of today in London.';

create function app_public.email_safe(name text) returns text
language sql immutable strict parallel safe
as $$
  select btrim(regexp_replace(regexp_replace(regexp_replace(lower(btrim(name)), '\s+', '.', 'g'), '[^a-z0-9.]', '', 'g'), '\.{2,}', '.', 'g'), '.')
$$;
comment on function app_public.email_safe(text) is 'Notify''s email_safe: a service name as an email local part (lowercase, whitespace to dots, other symbols dropped, no repeated or edge dots). Default email_from of a new service.';

create function app_hidden.normalise_phone_digits(number text) returns text
language sql immutable strict parallel safe
as $$
  select case
    when d like '00%' then substr(d, 3)
    when d like '0%' then '44' || substr(d, 2)
    else d end
  from (select regexp_replace(number, '[^0-9]', '', 'g') as d) s
$$;
comment on function app_hidden.normalise_phone_digits(text) is 'Digits of a phone number in international form (07.. -> 447.., 00 prefix dropped) so inbound numbers match whatever format a provider or operator uses.';

create unique index inbound_numbers_normalised_number_idx on app_public.inbound_numbers (app_hidden.normalise_phone_digits(number));
comment on index app_public.inbound_numbers_normalised_number_idx is 'Finds the number a text arrived on whatever format the provider uses, and stops the same number being added twice in two formats.';

create function app_hidden.organisation_id_for_email(email_address text) returns uuid
language sql stable
as $$
  with e as (
    select regexp_replace(lower(split_part(email_address, '@', 2)), '\.gsi\.gov\.uk$', '.gov.uk') as d
  )
  select d.organisation_id
  from app_public.domain d, e
  where e.d = d.domain or right(e.d, char_length(d.domain) + 1) = '.' || d.domain
  order by char_length(d.domain) desc
  limit 1
$$;
comment on function app_hidden.organisation_id_for_email(text) is 'Organisation owning an email address: longest domain matching @domain or .domain (.gsi.gov.uk read as .gov.uk). Puts a new service in its creator''s organisation.';

create function app_public.default_free_sms_allowance(organisation_type text, financial_year_start int) returns int
language plpgsql stable
as $$
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
comment on function app_public.default_free_sms_allowance(text, int) is 'Default free SMS fragments for an organisation type (other when null or missing) in a financial year: the row with the greatest valid_from_financial_year_start <= year. Raises NTF04 when the allowance data is missing, because billing must never silently assume 0.';
--------------------------------------------------------------------------------
-- Trigger functions (app_private) and triggers
--------------------------------------------------------------------------------

create function app_private.tg__timestamps() returns trigger
language plpgsql
as $$
begin
  -- Keep an updated_at the statement sets itself (receipts, tests replaying history);
  -- otherwise stamp the update.
  if new.updated_at is not distinct from old.updated_at then
    new.updated_at := now();
  end if;
  return new;
end
$$;
comment on function app_private.tg__timestamps() is 'BEFORE UPDATE trigger _100_timestamps: maintains updated_at. Inserts leave it null (Notify semantics: null = never updated, which v2 responses and the letter replay rule rely on).';

create function app_private.tg__version() returns trigger
language plpgsql
as $$
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
comment on function app_private.tg__version() is 'BEFORE trigger _400_version of versioned tables: version 1 on insert, +1 on any real change or when the statement bumps version itself (update_template bumps on every call). No-op updates keep the version, so idempotent upserts of default data never create versions.';

create function app_private.tg__history() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if tg_op = 'UPDATE' and new.version = old.version then
    return null;
  end if;
  -- By column name, so a history table may omit columns (secrets) and column order never matters.
  execute format('insert into %s select * from jsonb_populate_record(null::%s, $1)', tg_argv[0], tg_argv[0])
    using to_jsonb(new);
  return null;
end
$$;
comment on function app_private.tg__history() is 'AFTER INSERT/UPDATE trigger _500_history: copies each new version into the history table named by the trigger argument. AFTER (not BEFORE) so an INSERT ... ON CONFLICT DO UPDATE that ends as an update writes only the update''s version. Security definer: request users never get write access to history.';

-- Users --------------------------------------------------------------------

create function app_private.tg_users__email_access_validated() returns trigger
language plpgsql
as $$
begin
  new.email_access_validated_at := now();
  return new;
end
$$;
comment on function app_private.tg_users__email_access_validated() is 'BEFORE INSERT on users: a new user has just proved access to their email (invitation link / creation), whatever the caller passed (SPEC §2.2).';

create function app_private.tg_users__protect() returns trigger
language plpgsql
as $$
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
comment on function app_private.tg_users__protect() is 'BEFORE UPDATE on users: a user may edit their own profile through GraphQL but not escalate (platform_admin), unlock or fake sign-in state. Checks current_user, so trusted security definer functions (sign-in, password reset) are not blocked.';

create trigger _200_email_access_validated before insert on app_public.users
  for each row execute function app_private.tg_users__email_access_validated();
create trigger _300_protect before update on app_public.users
  for each row execute function app_private.tg_users__protect();

-- Organisations ------------------------------------------------------------

create function app_private.tg_organisation__nhs_branding() returns trigger
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
comment on function app_private.tg_organisation__nhs_branding() is 'BEFORE INSERT / UPDATE OF organisation_type on organisation: NHS organisations get the NHS email and letter branding at creation, and when they become NHS only if they have none (SPEC §2.2). Skipped when the branding rows are not loaded.';

create function app_private.tg_organisation__propagate() returns trigger
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
comment on function app_private.tg_organisation__propagate() is 'AFTER UPDATE on organisation: type and crown changes are copied to all its services (allowance and letter rates depend on them); a new default branding goes to services that have none (SPEC §2.2).';

create trigger _200_nhs_branding before insert or update of organisation_type on app_public.organisation
  for each row execute function app_private.tg_organisation__nhs_branding();
create trigger _600_propagate_to_services after update on app_public.organisation
  for each row execute function app_private.tg_organisation__propagate();

-- Services -----------------------------------------------------------------

create function app_private.tg_services__protect() returns trigger
language plpgsql
as $$
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
comment on function app_private.tg_services__protect() is 'BEFORE UPDATE on services: team members with manage_settings edit their service, but going live, limits and organisation are platform-admin decisions (as in Notify''s admin app).';

create function app_private.create_default_annual_billing(service_id uuid, financial_year_start int)
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
comment on function app_private.create_default_annual_billing(uuid, int) is 'SPEC §4.7 default row for a service and financial year, if missing: 0 when the service sent >= 300 000 chargeable SMS fragments last year, last year''s value when it was custom, else the default for its organisation type. No permission check: used by the new-service trigger and by app_hidden.ensure_annual_billing.';

create function app_private.tg_services__defaults() returns trigger
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
comment on function app_private.tg_services__defaults() is 'AFTER INSERT trigger _500_service_defaults on services: default service permissions (REF set incl. upload_letters) and the annual_billing row for the current financial year, which billing assumes exists. In a trigger so services inserted by any path (default data, tests) get them.';

create trigger _300_protect before update on app_public.services
  for each row execute function app_private.tg_services__protect();
create trigger _400_version before insert or update on app_public.services
  for each row execute function app_private.tg__version();
create trigger _500_history after insert or update on app_public.services
  for each row execute function app_private.tg__history('app_public.services_history');
create trigger _500_service_defaults after insert on app_public.services
  for each row execute function app_private.tg_services__defaults();

-- Templates ----------------------------------------------------------------

create function app_private.tg_templates__redacted() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.template_redacted (template_id, redact_personalisation, updated_by_id)
  values (new.id, false, new.created_by_id)
  on conflict (template_id) do nothing;
  return null;
end
$$;
comment on function app_private.tg_templates__redacted() is 'AFTER INSERT on templates: every template has its template_redacted row (as Notify creates it with the template), so readers can join without outer joins.';

create trigger _400_version before insert or update on app_public.templates
  for each row execute function app_private.tg__version();
create trigger _500_history after insert or update on app_public.templates
  for each row execute function app_private.tg__history('app_public.templates_history');
create trigger _600_template_redacted after insert on app_public.templates
  for each row execute function app_private.tg_templates__redacted();

-- API keys, callbacks, providers --------------------------------------------

create trigger _400_version before insert or update on app_public.api_keys
  for each row execute function app_private.tg__version();
create trigger _500_history after insert or update on app_public.api_keys
  for each row execute function app_private.tg__history('app_public.api_keys_history');

create trigger _400_version before insert or update on app_public.service_callback_api
  for each row execute function app_private.tg__version();
create trigger _500_history after insert or update on app_public.service_callback_api
  for each row execute function app_private.tg__history('app_public.service_callback_api_history');

create trigger _400_version before insert or update on app_public.provider_details
  for each row execute function app_private.tg__version();
create trigger _500_history after insert or update on app_public.provider_details
  for each row execute function app_private.tg__history('app_public.provider_details_history');
--------------------------------------------------------------------------------
-- Annual billing (SPEC §4.7)
--------------------------------------------------------------------------------

create function app_hidden.ensure_annual_billing(service_id uuid, financial_year_start int default null)
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
comment on function app_hidden.ensure_annual_billing(uuid, int) is 'The annual_billing row of a service for a financial year (default: current), creating the SPEC §4.7 default when missing: GET free-sms-fragment-limit and the 1 April task call it. Years before 2016 or in the future are rejected (NTF01 No valid year provided) unless a row already exists.';

create function app_public.set_annual_billing(service_id uuid, free_sms_fragment_limit int, financial_year_start int default null)
returns app_public.annual_billing
language plpgsql volatile
as $$
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
comment on function app_public.set_annual_billing(uuid, int, int) is 'POST free-sms-fragment-limit: upsert the allowance for a year (default current) and, for the current or a future year, every later year already present. Marks it custom so the 1 April roll-over keeps it. Platform admins only.';

--------------------------------------------------------------------------------
-- Organisations and users
--------------------------------------------------------------------------------

create function app_public.create_organisation(name text, organisation_type text, crown boolean default null)
returns app_public.organisation
language plpgsql volatile
as $$
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
comment on function app_public.create_organisation(text, text, boolean) is 'Create an organisation (platform admins and DBAs). crown defaults to what the type implies; NHS types get NHS branding by trigger. NTF01 unknown type, NTF02 duplicate name (case-insensitive).';

create function app_public.create_user(
  email_address text, name text, mobile_number text default null, platform_admin boolean default false,
  auth_type text default 'sms_auth', password text default null
) returns app_public.users
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.create_user(text, text, text, boolean, text, text) is 'Create an active user (platform admins and DBAs only). The password, if any, is stored as a bcrypt hash in app_private.user_secrets. NTF01 invalid input (sms_auth needs a mobile), NTF02 email already used (case-insensitive).';

create function app_public.update_user_password(user_id uuid, password text, validated_email_access boolean default false)
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
comment on function app_public.update_user_password(uuid, text, boolean) is 'Set a user''s password (plain text in, bcrypt hash stored). validated_email_access = true when the reset came through the emailed link while logged out, which proves email access (SPEC §2.2). Self or platform admin.';

create function app_public.user_verified_email_code(user_id uuid) returns app_public.users
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
comment on function app_public.user_verified_email_code(uuid) is 'Record a sign-in completed with an emailed code/link: new session, failed count reset, and email_access_validated_at = now (SPEC §2.2).';

create function app_hidden.check_user_password(user_id uuid, password text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.check_user_password(uuid, text) is 'Verify a user''s password for the sign-in flow (API server only): success resets the failed count, failure increments it; 10 failures lock the account (always false).';

create function app_hidden.create_verify_code(user_id uuid, code_type text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.create_verify_code(uuid, text) is 'Make a 5-digit sign-in code (sms: valid 15 minutes, email: 1 hour), store only its hash, return it once for sending. API server only.';

create function app_hidden.check_verify_code(user_id uuid, code text, code_type text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.check_verify_code(uuid, text, text) is 'Check and consume a sign-in code (unused, unexpired, matching type); a wrong code counts as a failed login. API server only.';
--------------------------------------------------------------------------------
-- Services
--------------------------------------------------------------------------------

create function app_public.create_service(
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
comment on function app_public.create_service(text, uuid, uuid, text, text[], boolean) is 'Create a service in one transaction (SPEC §2.2): creator on the team with every permission but platform_admin; organisation explicit or by the creator''s email domain (type and crown copied, default or NHS branding); count_as_live = not creator.platform_admin; default SMS sender GOVUK; default service permissions or exactly the given list; annual billing for the current year (trigger). NTF02 "Duplicate service name ''<n>''" also for an email_from clash. Security definer: a user may create services for themselves only.';

--------------------------------------------------------------------------------
-- Templates
--------------------------------------------------------------------------------

create function app_public.create_template(
  service_id uuid, template_type text, name text, content text, subject text default null,
  postage text default null, letter_contact_id uuid default null, created_by_id uuid default null
) returns app_public.templates
language plpgsql volatile
as $$
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
comment on function app_public.create_template(uuid, text, text, text, text, text, uuid, uuid) is 'Create a template at version 1 (history row by trigger). Subject required for email/letter; postage letters only (default second). Needs manage_templates. NTF01 invalid input, NTF04 unknown service or letter contact.';

create function app_public.update_template(
  template_id uuid, name text default null, content text default null, subject text default null,
  letter_contact_id uuid default null, archived boolean default null
) returns app_public.templates
language plpgsql volatile
as $$
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
comment on function app_public.update_template(uuid, text, text, text, uuid, boolean) is 'Edit a template: every call is a new version and history row (as Notify''s dao_update_template), even when only the name or nothing changes. Null arguments keep the current value. Needs manage_templates; NTF04 if the template is unknown or not visible.';

create function app_public.template_version(template_id uuid, version int) returns app_public.templates_history
language plpgsql stable
as $$
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
comment on function app_public.template_version(uuid, int) is 'A template exactly as it was at a version (GET /v2/template/{id}/version/{n}, rendering an old notification). NTF04 when missing or not visible.';

create function app_private.upsert_system_template(
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
comment on function app_private.upsert_system_template(uuid, text, text, text, text, uuid, uuid, boolean, text) is 'Apply a system template from sql/default-data.sql (SPEC §4.13): insert when missing, update only when wording or settings differ, so the version and a history row are added only for a real change and reruns write nothing.';

--------------------------------------------------------------------------------
-- API keys
--------------------------------------------------------------------------------

create function app_public.create_api_key(service_id uuid, name text, key_type text, out id uuid, out key text)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_public.create_api_key(uuid, text, text) is 'Create an API key and return, this once, the full key {name}-{service_id}-{secret} the Notify clients take (secret = last 36 characters, a uuid4 as in Notify; stored AES-encrypted). Needs manage_api_keys. NTF02 if a live key already has the name.';

create function app_public.revoke_api_key(id uuid) returns app_public.api_keys
language plpgsql volatile
as $$
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
comment on function app_public.revoke_api_key(uuid) is 'Revoke an API key (expiry_date = now); idempotent. Revoked keys still authenticate far enough to report "API key revoked". Needs manage_api_keys.';

create function app_hidden.service_api_keys(service_id uuid)
returns table (id uuid, key_type text, secret text, expiry_date timestamptz)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.service_api_keys(uuid) is 'Decrypted keys of a service for v2 JWT verification (try each secret in turn; expiry_date set = revoked). Refused inside admin/GraphQL requests.';
--------------------------------------------------------------------------------
-- Senders, reply-to addresses, letter contacts
--------------------------------------------------------------------------------

create function app_public.add_sms_sender(service_id uuid, sms_sender text, is_default boolean default false, inbound_number text default null)
returns app_public.service_sms_senders
language plpgsql volatile
as $$
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
$$;
comment on function app_public.add_sms_sender(uuid, text, boolean, text) is 'Add a text message sender: 3-11 character alphanumeric id or a phone number, optionally linked to an inbound number (assigned to the service if still in the pool; platform admins only). Becomes the default when asked or when the service has none; the previous default is unset. Needs manage_settings.';

create function app_public.add_email_reply_to(service_id uuid, email_address text, is_default boolean default false)
returns app_public.service_email_reply_to
language plpgsql volatile
as $$
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
$$;
comment on function app_public.add_email_reply_to(uuid, text, boolean) is 'Add a reply-to address; the first one, or one marked default, becomes the default (previous default unset). Needs manage_settings.';

create function app_public.add_letter_contact(service_id uuid, contact_block text, is_default boolean default false)
returns app_public.service_letter_contacts
language plpgsql volatile
as $$
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
comment on function app_public.add_letter_contact(uuid, text, boolean) is 'Add a letter contact block (at most 10 lines). Unlike senders a service may have no default (letters then print no contact block), so only an explicit default replaces the previous one. Needs manage_settings.';

--------------------------------------------------------------------------------
-- Inbound numbers and received texts
--------------------------------------------------------------------------------

create function app_public.add_inbound_number(number text, service_id uuid, provider text default 'sms-stub')
returns app_public.inbound_numbers
language plpgsql volatile
as $$
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
$$;
comment on function app_public.add_inbound_number(text, uuid, text) is 'Add a number to the pool (service_id null) or assign it to a service: creates it if new, assigns it if unassigned, no-op if already the service''s; NTF02 when it belongs to another service or the service already has one. Platform admins and DBAs.';

create function app_public.receive_sms(
  notify_number text, user_number text, content text, provider text default 'sms-stub',
  provider_reference text default null, provider_date timestamptz default null
) returns app_public.inbound_sms
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_public.receive_sms(text, text, text, text, text, timestamptz) is 'Record a text received on an inbound number for the service that owns it (content encrypted). Called by provider webhooks (API server), the CLI and platform admins. NTF04 "Inbound number <n> not found" when unknown, inactive or unassigned.';

create function app_hidden.inbound_sms_content(id uuid) returns text
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.inbound_sms_content(uuid) is 'Decrypted text of one received message, for the API server, the callback task and team members of the service.';

create function app_hidden.received_text_messages(service uuid, older_than uuid default null, page_size int default 250)
returns table (id uuid, user_number text, notify_number text, created_at timestamptz, service_id uuid, content text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.received_text_messages(uuid, uuid, int) is 'One page of GET /v2/received-text-messages, newest first, decrypted: rows older than the older_than message (none if it is unknown, as Notify).';

--------------------------------------------------------------------------------
-- Callbacks
--------------------------------------------------------------------------------

create function app_public.set_service_callback_api(
  service_id uuid, callback_type text, url text, bearer_token text, updated_by_id uuid default null
) returns app_public.service_callback_api
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
$$;
comment on function app_public.set_service_callback_api(uuid, text, text, text, uuid) is 'Create or replace a service''s callback of a type (delivery_status, complaint, returned_letter, inbound_sms). https only (http allowed for localhost in development); token >= 10 characters, stored encrypted. Needs manage_settings.';

create function app_hidden.service_callback(service_id uuid, callback_type text)
returns table (id uuid, url text, bearer_token text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
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
comment on function app_hidden.service_callback(uuid, text) is 'URL and decrypted bearer token of a service''s callback for the worker that POSTs it; no row when the service has none.';
--------------------------------------------------------------------------------
-- Row level security, timestamps triggers and grants
--------------------------------------------------------------------------------

-- updated_at maintenance on every table that has the column.
do $$
declare
  r record;
begin
  for r in
    select c.oid::regclass as tbl
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'updated_at' and not a.attisdropped
    where n.nspname in ('app_public', 'app_private') and c.relkind = 'r'
  loop
    execute format('create trigger _100_timestamps before update on %s for each row execute function app_private.tg__timestamps()', r.tbl);
  end loop;
end
$$;

-- Row level security on every app_public table, without exception.
do $$
declare
  r record;
begin
  for r in
    select c.oid::regclass as tbl
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'app_public' and c.relkind in ('r', 'p')
  loop
    execute format('alter table %s enable row level security', r.tbl);
  end loop;
end
$$;

-- Policy builders used only while this migration runs (pg_temp: nothing left behind).
create function pg_temp.policy_lookup(tbl text) returns void language plpgsql as $$
begin
  execute format('create policy select_all on %s for select to notify_user using (true)', tbl);
end
$$;

create function pg_temp.policy_admin(tbl text) returns void language plpgsql as $$
begin
  execute format('create policy admin_all on %s for all to notify_user using ((select app_hidden.is_platform_admin())) with check ((select app_hidden.is_platform_admin()))', tbl);
end
$$;

create function pg_temp.policy_reference(tbl text) returns void language plpgsql as $$
begin
  perform pg_temp.policy_lookup(tbl);
  perform pg_temp.policy_admin(tbl);
end
$$;

-- Team members read; writes need write_permission on the row's service ('*' = any team member,
-- null = platform admins only). Platform admins do everything.
create function pg_temp.policy_service(tbl text, write_permission text, service_column text default 'service_id') returns void
language plpgsql as $$
begin
  execute format('create policy select_team on %s for select to notify_user using (%I in (select app_hidden.current_user_service_ids()) or (select app_hidden.is_platform_admin()))', tbl, service_column);
  perform pg_temp.policy_admin(tbl);
  if write_permission is not null then
    execute format('create policy insert_team on %s for insert to notify_user with check (app_hidden.user_has_service_permission(%I, %L))', tbl, service_column, nullif(write_permission, '*'));
    execute format('create policy update_team on %s for update to notify_user using (app_hidden.user_has_service_permission(%I, %L)) with check (app_hidden.user_has_service_permission(%I, %L))', tbl, service_column, nullif(write_permission, '*'), service_column, nullif(write_permission, '*'));
    execute format('create policy delete_team on %s for delete to notify_user using (app_hidden.user_has_service_permission(%I, %L))', tbl, service_column, nullif(write_permission, '*'));
  end if;
end
$$;

do $$ begin perform pg_temp.policy_lookup(t) from unnest(array[
  'app_public.key_types', 'app_public.auth_type', 'app_public.notification_type', 'app_public.template_type',
  'app_public.recipient_type', 'app_public.notification_status_types', 'app_public.job_status',
  'app_public.service_permission_types', 'app_public.permission_types', 'app_public.organisation_types',
  'app_public.branding_type', 'app_public.service_callback_type', 'app_public.invite_status_type']) t; end $$;

do $$ begin perform pg_temp.policy_reference(t) from unnest(array[
  'app_public.email_branding', 'app_public.letter_branding', 'app_public.domain',
  'app_public.email_branding_to_organisation', 'app_public.letter_branding_to_organisation',
  'app_public.provider_details', 'app_public.provider_details_history', 'app_public.rates',
  'app_public.letter_rates', 'app_public.default_annual_allowance']) t; end $$;

do $$ begin perform pg_temp.policy_admin(t) from unnest(array['app_public.ft_processing_time', 'app_public.daily_sorted_letter']) t; end $$;

-- Service-owned data: (table, permission needed to write).
do $$ begin perform pg_temp.policy_service(t, p) from (values
  ('app_public.service_permissions', null),
  ('app_public.user_to_service', 'manage_users'),
  ('app_public.service_whitelist', 'manage_settings'),
  ('app_public.service_email_branding', null),
  ('app_public.service_letter_branding', null),
  ('app_public.invited_users', 'manage_users'),
  ('app_public.inbound_numbers', null),
  ('app_public.service_sms_senders', 'manage_settings'),
  ('app_public.service_email_reply_to', 'manage_settings'),
  ('app_public.service_letter_contacts', 'manage_settings'),
  ('app_public.service_callback_api', 'manage_settings'),
  ('app_public.service_callback_api_history', null),
  ('app_public.service_data_retention', 'manage_settings'),
  ('app_public.templates', 'manage_templates'),
  ('app_public.templates_history', null),
  ('app_public.template_folder', 'manage_templates'),
  ('app_public.user_folder_permissions', 'manage_users'),
  ('app_public.api_keys', 'manage_api_keys'),
  ('app_public.api_keys_history', null),
  ('app_public.service_contact_list', '*'),
  ('app_public.jobs', '*'),
  ('app_public.notifications', null),
  ('app_public.notification_history', null),
  ('app_public.inbound_sms', null),
  ('app_public.inbound_sms_history', null),
  ('app_public.annual_billing', null),
  ('app_public.ft_billing', null),
  ('app_public.ft_notification_status', null),
  ('app_public.returned_letters', null),
  ('app_public.complaints', null)
) v(t, p); end $$;

-- services: keyed by id; settings need manage_settings (admin-only columns guarded by trigger).
do $$ begin perform pg_temp.policy_service('app_public.services', null, 'id'); end $$;
do $$ begin perform pg_temp.policy_service('app_public.services_history', null, 'id'); end $$;
create policy update_team on app_public.services for update to notify_user
  using (app_hidden.user_has_service_permission(id, 'manage_settings'))
  with check (app_hidden.user_has_service_permission(id, 'manage_settings'));

-- users: yourself and the people you share a service with; edit yourself (trigger guards admin fields).
do $$ begin perform pg_temp.policy_admin('app_public.users'); end $$;
create policy select_self_or_team on app_public.users for select to notify_user using (
  id = (select app_public.current_user_id())
  or exists (select 1 from app_public.user_to_service uts
             where uts.user_id = users.id and uts.service_id in (select app_hidden.current_user_service_ids())));
create policy update_self on app_public.users for update to notify_user
  using (id = (select app_public.current_user_id()))
  with check (id = (select app_public.current_user_id()));

-- organisations: members, and the organisation of any of your services.
do $$ begin perform pg_temp.policy_admin('app_public.organisation'); end $$;
create policy select_member on app_public.organisation for select to notify_user using (
  exists (select 1 from app_public.user_to_organisation uo
          where uo.organisation_id = organisation.id and uo.user_id = (select app_public.current_user_id()))
  or id in (select s.organisation_id from app_public.services s
            where s.id in (select app_hidden.current_user_service_ids())));

do $$ begin perform pg_temp.policy_admin('app_public.user_to_organisation'); end $$;
create policy select_own on app_public.user_to_organisation for select to notify_user
  using (user_id = (select app_public.current_user_id()));

do $$ begin perform pg_temp.policy_admin('app_public.invited_organisation_users'); end $$;
create policy select_own on app_public.invited_organisation_users for select to notify_user
  using (invited_by_id = (select app_public.current_user_id()));

-- user permissions: your own rows and your services' rows; manage_users to change.
do $$ begin perform pg_temp.policy_service('app_public.permissions', 'manage_users'); end $$;
create policy select_own on app_public.permissions for select to notify_user
  using (user_id = (select app_public.current_user_id()));

-- Tables keyed by template: follow the template's service.
do $$ begin perform pg_temp.policy_admin(t) from unnest(array['app_public.template_redacted', 'app_public.template_folder_map']) t; end $$;
create policy select_team on app_public.template_redacted for select to notify_user
  using (exists (select 1 from app_public.templates t where t.id = template_id));
create policy update_team on app_public.template_redacted for update to notify_user
  using (exists (select 1 from app_public.templates t where t.id = template_id
                 and app_hidden.user_has_service_permission(t.service_id, 'manage_templates')))
  with check (exists (select 1 from app_public.templates t where t.id = template_id
                      and app_hidden.user_has_service_permission(t.service_id, 'manage_templates')));
create policy select_team on app_public.template_folder_map for select to notify_user
  using (exists (select 1 from app_public.templates t where t.id = template_id));
create policy write_team on app_public.template_folder_map for all to notify_user
  using (exists (select 1 from app_public.templates t where t.id = template_id
                 and app_hidden.user_has_service_permission(t.service_id, 'manage_templates')))
  with check (exists (select 1 from app_public.templates t join app_public.template_folder f on f.service_id = t.service_id
                      where t.id = template_id and f.id = template_folder_id
                        and app_hidden.user_has_service_permission(t.service_id, 'manage_templates')));

drop function pg_temp.policy_service(text, text, text);
drop function pg_temp.policy_reference(text);
drop function pg_temp.policy_admin(text);
drop function pg_temp.policy_lookup(text);

-- Table privileges: notify_user reads everything (RLS filters rows); writes only where the admin UI
-- edits rows directly. Secrets (api_keys.secret, bearer_token, _personalisation, inbound content)
-- are AES ciphertext whose key is in app_private, and are hidden from GraphQL by smart tags.
grant select on all tables in schema app_public to notify_user;
grant insert, update, delete on
  app_public.organisation, app_public.domain, app_public.user_to_organisation,
  app_public.email_branding, app_public.letter_branding,
  app_public.email_branding_to_organisation, app_public.letter_branding_to_organisation,
  app_public.invited_organisation_users, app_public.service_permissions, app_public.user_to_service,
  app_public.permissions, app_public.service_whitelist, app_public.service_email_branding,
  app_public.service_letter_branding, app_public.invited_users, app_public.inbound_numbers,
  app_public.service_sms_senders, app_public.service_email_reply_to, app_public.service_letter_contacts,
  app_public.service_data_retention, app_public.template_folder, app_public.template_folder_map,
  app_public.user_folder_permissions, app_public.service_contact_list, app_public.jobs,
  app_public.annual_billing, app_public.rates, app_public.letter_rates, app_public.default_annual_allowance
to notify_user;
grant update on app_public.users, app_public.services, app_public.provider_details, app_public.template_redacted to notify_user;
grant insert, update on app_public.templates to notify_user;
grant update (name, expiry_date) on app_public.api_keys to notify_user;
grant update (url) on app_public.service_callback_api to notify_user;
grant delete on app_public.service_callback_api to notify_user;

-- Function privileges (PUBLIC has none: see alter default privileges at the top).
revoke execute on all functions in schema app_public, app_hidden, app_private from public;
grant execute on all functions in schema app_public to notify_user;
grant execute on function
  app_hidden.is_platform_admin(), app_hidden.in_user_request(),
  app_hidden.user_has_service_permission(uuid, text), app_hidden.current_user_service_ids(),
  app_hidden.assert_service_permission(uuid, text), app_hidden.assert_platform_admin(text),
  app_hidden.normalise_phone_digits(text), app_hidden.organisation_id_for_email(text),
  app_hidden.ensure_annual_billing(uuid, int), app_hidden.inbound_sms_content(uuid),
  app_hidden.received_text_messages(uuid, uuid, int)
to notify_user;
-- The API server's own connection (no SET ROLE): key lookup, sign-in, inbound texts, callbacks.
grant execute on function
  app_public.current_user_id(), app_public.london_date(timestamptz), app_public.london_midnight(date),
  app_public.financial_year(date), app_public.current_financial_year(),
  app_public.receive_sms(text, text, text, text, text, timestamptz),
  app_hidden.is_platform_admin(), app_hidden.in_user_request(), app_hidden.normalise_phone_digits(text),
  app_hidden.assert_platform_admin(text), app_hidden.user_has_service_permission(uuid, text),
  app_hidden.service_api_keys(uuid), app_hidden.check_user_password(uuid, text),
  app_hidden.create_verify_code(uuid, text), app_hidden.check_verify_code(uuid, text, text),
  app_hidden.inbound_sms_content(uuid), app_hidden.received_text_messages(uuid, uuid, int),
  app_hidden.service_callback(uuid, text), app_hidden.ensure_annual_billing(uuid, int)
to notify_authenticator;
