// Who may do what: every GraphQL mutation and every app_public function, tried by five people against one service
// (and its organisation), each allowed or refused as the tables below intend. The list of mutations comes from the
// live schema (introspection) and the list of functions from pg_proc, so a new one that is not in the tables fails
// here until someone decides who may use it.
//
// Generated table mutations (create/update/delete on a table) are tried in SQL exactly as PostGraphile runs them:
// as notify_user / notify_anonymous with the person's claims, on a copy of (insert) or on (update, delete) a row of
// the service, in a transaction that is rolled back. Refused means a permission error or, for update and delete,
// no row reached (row-level security hides it); any other outcome (a constraint error after the checks) is allowed.
// Functions are called the same way with arguments naming the service's rows (<name>: a fixture id); plugin
// mutations through /graphql.
import crypto from 'node:crypto';
import pluralize from 'pluralize';
import t from 'tap';
import type pg from 'pg';
import { createTestApp } from '../helpers/app.ts';
import { testConfig, type TestDb } from '../helpers/db.ts';
import { issueAdminToken } from '../../src/auth/admin-auth.ts';

const secret = testConfig().ADMIN_JWT_SECRET;

const ACTORS = ['anonymous', 'stranger', 'member', 'owner', 'admin'] as const;
type Actor = (typeof ACTORS)[number];

/**
 * Intents. admin: platform admins only. nobody: not through a user request at all (the worker, API server or
 * DBA do it). signed-in: anyone signed in, for themselves. self: the person the row is (the owner's own user row).
 * team: anyone on the service's team. team:<permission>: team members holding it (the owner holds every one; the
 * member only view_activity). invitee: only the person an invitation was sent to. organisation: members of the
 * service's organisation (the owner). Platform admins may do everything a team may.
 */
type Intent = 'admin' | 'nobody' | 'signed-in' | 'self' | 'invitee' | 'organisation' | 'team' | `team:${string}`;

function allowed(intent: Intent, actor: Actor): boolean {
  if (intent === 'nobody') return false;
  // The invitation in the fixture is to the stranger's address: only they may accept it, not even an admin.
  if (intent === 'invitee') return actor === 'stranger';
  if (actor === 'admin') return true;
  if (intent === 'admin') return false;
  if (intent === 'signed-in') return actor !== 'anonymous';
  if (intent === 'self' || intent === 'organisation') return actor === 'owner';
  if (intent === 'team') return actor === 'owner' || actor === 'member';
  const permission = intent.slice('team:'.length);
  return actor === 'owner' || (actor === 'member' && permission === 'view_activity');
}

// MATRIX_START
const MATRIX: Record<string, Intent> = {
  // annual_billing
  createAnnualBilling: 'admin',
  deleteAnnualBilling: 'admin',
  deleteAnnualBillingByRowId: 'admin',
  deleteAnnualBillingByServiceIdAndFinancialYearStart: 'admin',
  updateAnnualBilling: 'admin',
  updateAnnualBillingByRowId: 'admin',
  updateAnnualBillingByServiceIdAndFinancialYearStart: 'admin',
  // api_keys
  updateApiKey: 'team:manage_api_keys',
  updateApiKeyByRowId: 'team:manage_api_keys',
  // default_annual_allowance
  createDefaultAnnualAllowance: 'admin',
  deleteDefaultAnnualAllowance: 'admin',
  deleteDefaultAnnualAllowanceByOrganisationTypeAndNotificationTypeAndValidFromFinancialYearStart: 'admin',
  deleteDefaultAnnualAllowanceByRowId: 'admin',
  updateDefaultAnnualAllowance: 'admin',
  updateDefaultAnnualAllowanceByOrganisationTypeAndNotificationTypeAndValidFromFinancialYearStart: 'admin',
  updateDefaultAnnualAllowanceByRowId: 'admin',
  // domain
  createDomain: 'admin',
  deleteDomain: 'admin',
  deleteDomainByDomain: 'admin',
  updateDomain: 'admin',
  updateDomainByDomain: 'admin',
  // email_branding
  createEmailBranding: 'admin',
  deleteEmailBranding: 'admin',
  deleteEmailBrandingByName: 'admin',
  deleteEmailBrandingByRowId: 'admin',
  updateEmailBranding: 'admin',
  updateEmailBrandingByName: 'admin',
  updateEmailBrandingByRowId: 'admin',
  // email_branding_to_organisation
  createEmailBrandingToOrganisation: 'admin',
  deleteEmailBrandingToOrganisation: 'admin',
  deleteEmailBrandingToOrganisationByOrganisationIdAndEmailBrandingId: 'admin',
  updateEmailBrandingToOrganisation: 'admin',
  updateEmailBrandingToOrganisationByOrganisationIdAndEmailBrandingId: 'admin',
  // functions (FUNCTIONS below says how each is called)
  acceptInvitation: 'invitee',
  addEmailReplyTo: 'team:manage_settings',
  addInboundNumber: 'admin',
  addLetterContact: 'team:manage_settings',
  addSmsSender: 'team:manage_settings',
  annualBillingForYear: 'team',
  archiveContactList: 'team:send_texts',
  cancelInvitation: 'team:manage_users',
  cancelJob: 'team:send_texts',
  confirmUserChange: 'signed-in',
  createApiKey: 'team:manage_api_keys',
  createContactList: 'team:send_texts',
  createJob: 'team:send_texts',
  createOrganisation: 'admin',
  createService: 'signed-in',
  createTemplate: 'team:manage_templates',
  createUser: 'admin',
  inviteUserToService: 'team:manage_users',
  receiveSms: 'admin',
  revokeApiKey: 'team:manage_api_keys',
  setAnnualBilling: 'admin',
  setServiceCallbackApi: 'team:manage_settings',
  updateTemplate: 'team:manage_templates',
  updateUserPassword: 'self',
  userVerifiedEmailCode: 'self',
  // inbound_numbers
  createInboundNumber: 'admin',
  deleteInboundNumber: 'admin',
  deleteInboundNumberByNumber: 'admin',
  deleteInboundNumberByRowId: 'admin',
  deleteInboundNumberByServiceId: 'admin',
  updateInboundNumber: 'admin',
  updateInboundNumberByNumber: 'admin',
  updateInboundNumberByRowId: 'admin',
  updateInboundNumberByServiceId: 'admin',
  // invited_organisation_users
  createInvitedOrganisationUser: 'admin',
  deleteInvitedOrganisationUser: 'admin',
  deleteInvitedOrganisationUserByRowId: 'admin',
  updateInvitedOrganisationUser: 'admin',
  updateInvitedOrganisationUserByRowId: 'admin',
  // invited_users
  deleteInvitedUser: 'team:manage_users',
  deleteInvitedUserByRowId: 'team:manage_users',
  // letter_branding
  createLetterBranding: 'admin',
  deleteLetterBranding: 'admin',
  deleteLetterBrandingByFilename: 'admin',
  deleteLetterBrandingByName: 'admin',
  deleteLetterBrandingByRowId: 'admin',
  updateLetterBranding: 'admin',
  updateLetterBrandingByFilename: 'admin',
  updateLetterBrandingByName: 'admin',
  updateLetterBrandingByRowId: 'admin',
  // letter_branding_to_organisation
  createLetterBrandingToOrganisation: 'admin',
  deleteLetterBrandingToOrganisation: 'admin',
  deleteLetterBrandingToOrganisationByOrganisationIdAndLetterBrandingId: 'admin',
  updateLetterBrandingToOrganisation: 'admin',
  updateLetterBrandingToOrganisationByOrganisationIdAndLetterBrandingId: 'admin',
  // letter_rates
  createLetterRate: 'admin',
  deleteLetterRate: 'admin',
  deleteLetterRateByRowId: 'admin',
  deleteLetterRateByStartDateAndSheetCountAndCrownAndPostClass: 'admin',
  updateLetterRate: 'admin',
  updateLetterRateByRowId: 'admin',
  updateLetterRateByStartDateAndSheetCountAndCrownAndPostClass: 'admin',
  // organisation
  deleteOrganisation: 'admin',
  deleteOrganisationByName: 'admin',
  deleteOrganisationByRowId: 'admin',
  updateOrganisation: 'admin',
  updateOrganisationByName: 'admin',
  updateOrganisationByRowId: 'admin',
  // permissions
  createPermission: 'team:manage_users',
  deletePermission: 'team:manage_users',
  deletePermissionByRowId: 'team:manage_users',
  deletePermissionByServiceIdAndUserIdAndPermission: 'team:manage_users',
  updatePermission: 'team:manage_users',
  updatePermissionByRowId: 'team:manage_users',
  updatePermissionByServiceIdAndUserIdAndPermission: 'team:manage_users',
  // provider_details
  updateProviderDetail: 'admin',
  updateProviderDetailByIdentifier: 'admin',
  updateProviderDetailByRowId: 'admin',
  // rates
  createRate: 'admin',
  deleteRate: 'admin',
  deleteRateByNotificationTypeAndValidFrom: 'admin',
  deleteRateByRowId: 'admin',
  updateRate: 'admin',
  updateRateByNotificationTypeAndValidFrom: 'admin',
  updateRateByRowId: 'admin',
  // service_callback_api
  deleteServiceCallbackApi: 'team:manage_settings',
  deleteServiceCallbackApiByRowId: 'team:manage_settings',
  deleteServiceCallbackApiByServiceIdAndCallbackType: 'team:manage_settings',
  // no update mutations: the URL and token change only through set_service_callback_api, which checks them
  // service_data_retention
  createServiceDataRetention: 'team:manage_settings',
  deleteServiceDataRetention: 'team:manage_settings',
  deleteServiceDataRetentionByRowId: 'team:manage_settings',
  deleteServiceDataRetentionByServiceIdAndNotificationType: 'team:manage_settings',
  updateServiceDataRetention: 'team:manage_settings',
  updateServiceDataRetentionByRowId: 'team:manage_settings',
  updateServiceDataRetentionByServiceIdAndNotificationType: 'team:manage_settings',
  // service_email_branding
  createServiceEmailBranding: 'admin',
  deleteServiceEmailBranding: 'admin',
  deleteServiceEmailBrandingByServiceId: 'admin',
  updateServiceEmailBranding: 'admin',
  updateServiceEmailBrandingByServiceId: 'admin',
  // service_email_reply_to
  createServiceEmailReplyTo: 'team:manage_settings',
  deleteServiceEmailReplyTo: 'team:manage_settings',
  deleteServiceEmailReplyToByRowId: 'team:manage_settings',
  updateServiceEmailReplyTo: 'team:manage_settings',
  updateServiceEmailReplyToByRowId: 'team:manage_settings',
  // service_letter_branding
  createServiceLetterBranding: 'admin',
  deleteServiceLetterBranding: 'admin',
  deleteServiceLetterBrandingByServiceId: 'admin',
  updateServiceLetterBranding: 'admin',
  updateServiceLetterBrandingByServiceId: 'admin',
  // service_letter_contacts
  createServiceLetterContact: 'team:manage_settings',
  deleteServiceLetterContact: 'team:manage_settings',
  deleteServiceLetterContactByRowId: 'team:manage_settings',
  updateServiceLetterContact: 'team:manage_settings',
  updateServiceLetterContactByRowId: 'team:manage_settings',
  // service_permissions
  createServicePermission: 'admin',
  deleteServicePermission: 'admin',
  deleteServicePermissionByServiceIdAndPermission: 'admin',
  updateServicePermission: 'admin',
  updateServicePermissionByServiceIdAndPermission: 'admin',
  // service_sms_senders
  createServiceSmsSender: 'team:manage_settings',
  deleteServiceSmsSender: 'team:manage_settings',
  deleteServiceSmsSenderByInboundNumberId: 'team:manage_settings',
  deleteServiceSmsSenderByRowId: 'team:manage_settings',
  updateServiceSmsSender: 'team:manage_settings',
  updateServiceSmsSenderByInboundNumberId: 'team:manage_settings',
  updateServiceSmsSenderByRowId: 'team:manage_settings',
  // service_whitelist
  createServiceWhitelist: 'team:manage_settings',
  deleteServiceWhitelist: 'team:manage_settings',
  deleteServiceWhitelistByRowId: 'team:manage_settings',
  updateServiceWhitelist: 'team:manage_settings',
  updateServiceWhitelistByRowId: 'team:manage_settings',
  // services
  updateService: 'team:manage_settings',
  updateServiceByEmailFrom: 'team:manage_settings',
  updateServiceByName: 'team:manage_settings',
  updateServiceByRowId: 'team:manage_settings',
  // template_folder
  createTemplateFolder: 'team:manage_templates',
  deleteTemplateFolder: 'team:manage_templates',
  deleteTemplateFolderByRowId: 'team:manage_templates',
  deleteTemplateFolderByRowIdAndServiceId: 'team:manage_templates',
  updateTemplateFolder: 'team:manage_templates',
  updateTemplateFolderByRowId: 'team:manage_templates',
  updateTemplateFolderByRowIdAndServiceId: 'team:manage_templates',
  // template_folder_map
  createTemplateFolderMap: 'team:manage_templates',
  deleteTemplateFolderMap: 'team:manage_templates',
  deleteTemplateFolderMapByTemplateId: 'team:manage_templates',
  updateTemplateFolderMap: 'team:manage_templates',
  updateTemplateFolderMapByTemplateId: 'team:manage_templates',
  // template_redacted
  updateTemplateRedacted: 'team:manage_templates',
  updateTemplateRedactedByTemplateId: 'team:manage_templates',
  // user_folder_permissions
  createUserFolderPermission: 'team:manage_users',
  deleteUserFolderPermission: 'team:manage_users',
  deleteUserFolderPermissionByUserIdAndTemplateFolderIdAndServiceId: 'team:manage_users',
  updateUserFolderPermission: 'team:manage_users',
  updateUserFolderPermissionByUserIdAndTemplateFolderIdAndServiceId: 'team:manage_users',
  // user_to_organisation
  createUserToOrganisation: 'admin',
  deleteUserToOrganisation: 'admin',
  deleteUserToOrganisationByUserIdAndOrganisationId: 'admin',
  updateUserToOrganisation: 'admin',
  updateUserToOrganisationByUserIdAndOrganisationId: 'admin',
  // user_to_service
  deleteUserToService: 'team:manage_users',
  deleteUserToServiceByUserIdAndServiceId: 'team:manage_users',
  // users
  updateUser: 'self',
  updateUserByEmailAddress: 'self',
  updateUserByRowId: 'self',
};
// MATRIX_END

// FUNCTIONS_START
const FUNCTIONS: Record<string, { intent: Intent; call: string }> = {
  accept_invitation: { intent: 'invitee', call: `select app_public.accept_invitation('<invitation>')` },
  add_email_reply_to: {
    intent: 'team:manage_settings',
    call: `select app_public.add_email_reply_to('<svc>', 'another@matrix.gov.uk')`,
  },
  add_inbound_number: { intent: 'admin', call: `select app_public.add_inbound_number('07700900002', null, 'mmg')` },
  add_letter_contact: { intent: 'team:manage_settings', call: `select app_public.add_letter_contact('<svc>', 'B')` },
  add_sms_sender: { intent: 'team:manage_settings', call: `select app_public.add_sms_sender('<svc>', 'Matrix')` },
  annual_billing_for_year: {
    intent: 'team',
    call: `select * from app_public.annual_billing_for_year('<svc>', app_public.current_financial_year())`,
  },
  // Jobs and contact lists (tables changed only through these functions). Starting or cancelling a job and saving
  // or archiving a contact list need the send permission for the type (Notify's send_messages); the fixture's are
  // text messages. Reading needs team membership.
  archive_contact_list: {
    intent: 'team:send_texts',
    call: `select app_public.archive_contact_list('<svc>', '<contactList>')`,
  },
  cancel_invitation: { intent: 'team:manage_users', call: `select app_public.cancel_invitation('<invitation>')` },
  cancel_job: { intent: 'team:send_texts', call: `select app_public.cancel_job('<scheduledJob>')` },
  contact_list: { intent: 'team', call: `select app_public.contact_list('<svc>', '<contactList>')` },
  create_contact_list: {
    intent: 'team:send_texts',
    call: `select app_public.create_contact_list(gen_random_uuid(), '<svc>', 'new.csv', 1, 'sms')`,
  },
  create_job: {
    intent: 'team:send_texts',
    call: `select app_public.create_job('<svc>', '<template>', '<checkedUpload>', 'checked.csv')`,
  },
  job_statistics: { intent: 'team', call: `select * from app_public.job_statistics('<job>')` },
  // Given a row, which the caller could build by hand for another service's job: built here without reading it.
  jobs_statistics: {
    intent: 'team',
    call: `select app_public.jobs_statistics(jsonb_populate_record(null::app_public.jobs,
           jsonb_build_object('id', '<job>', 'service_id', '<svc>')))`,
  },
  returned_letter_days: { intent: 'team', call: `select * from app_public.returned_letter_days('<svc>')` },
  returned_letters_report: {
    intent: 'team',
    call: `select * from app_public.returned_letters_report('<svc>', current_date)`,
  },
  service_contact_lists: { intent: 'team', call: `select * from app_public.service_contact_lists('<svc>')` },
  service_jobs: { intent: 'team', call: `select * from app_public.service_jobs('<svc>')` },
  service_uploaded_letters: {
    intent: 'team',
    call: `select * from app_public.service_uploaded_letters('<svc>', current_date)`,
  },
  service_uploads: { intent: 'team', call: `select * from app_public.service_uploads('<svc>')` },
  confirm_user_change: { intent: 'signed-in', call: `select app_public.confirm_user_change('00000')` },
  create_api_key: {
    intent: 'team:manage_api_keys',
    call: `select * from app_public.create_api_key('<svc>', 'another', 'normal')`,
  },
  create_organisation: {
    intent: 'admin',
    call: `select app_public.create_organisation('Org ' || gen_random_uuid(), 'central')`,
  },
  create_service: {
    intent: 'signed-in',
    call: `select app_public.create_service('New ' || gen_random_uuid(), app_public.current_user_id())`,
  },
  create_template: {
    intent: 'team:manage_templates',
    call: `select app_public.create_template('<svc>', 'sms', 'New', 'content')`,
  },
  create_user: {
    intent: 'admin',
    call: `select app_public.create_user('someone@matrix.gov.uk', 'Someone', '07700900111')`,
  },
  current_financial_year: { intent: 'signed-in', call: 'select app_public.current_financial_year()' },
  current_user_id: { intent: 'signed-in', call: 'select app_public.current_user_id()' },
  default_free_sms_allowance: {
    intent: 'signed-in',
    call: `select app_public.default_free_sms_allowance('central', 2025)`,
  },
  email_safe: { intent: 'signed-in', call: `select app_public.email_safe('A Name')` },
  financial_year: { intent: 'signed-in', call: 'select app_public.financial_year(current_date)' },
  invite_user_to_service: {
    intent: 'team:manage_users',
    call: `select app_public.invite_user_to_service('<svc>', 'another@x.gov.uk')`,
  },
  london_date: { intent: 'signed-in', call: 'select app_public.london_date(now())' },
  london_midnight: { intent: 'signed-in', call: 'select app_public.london_midnight(current_date)' },
  organisation_sms_usage_for_year: {
    intent: 'organisation',
    call: `select * from app_public.organisation_sms_usage_for_year('<org>', 2025)`,
  },
  // Inbound texts come from providers through the API server; a platform admin may record one by hand.
  receive_sms: {
    intent: 'admin',
    call: `select app_public.receive_sms('07700900001', '07700900123', 'hello', 'mmg', 'ref-1', now())`,
  },
  returned_letter_summary: { intent: 'team', call: `select * from app_public.returned_letter_summary('<svc>')` },
  revoke_api_key: { intent: 'team:manage_api_keys', call: `select app_public.revoke_api_key('<apiKey>')` },
  service_annual_usage_for_year: {
    intent: 'team',
    call: `select * from app_public.service_annual_usage_for_year('<svc>', 2025)`,
  },
  service_usage_for_year: { intent: 'team', call: `select * from app_public.service_usage_for_year('<svc>', 2025)` },
  set_annual_billing: { intent: 'admin', call: `select app_public.set_annual_billing('<svc>', 100, 2025)` },
  set_service_callback_api: {
    intent: 'team:manage_settings',
    call: `select app_public.set_service_callback_api('<svc>', 'complaint', 'https://example.com/c',
           'token-0123456789', app_public.current_user_id())`,
  },
  // Read through row-level security: anyone signed in may call them, and sees only their services' data.
  service_contact_list_created_by_name: {
    intent: 'signed-in',
    call: `select app_public.service_contact_list_created_by_name(jsonb_populate_record(
           null::app_public.service_contact_list, jsonb_build_object('id', '<contactList>', 'service_id', '<svc>',
           'created_by_id', '<owner>')))`,
  },
  service_contact_list_has_jobs: {
    intent: 'signed-in',
    call: `select app_public.service_contact_list_has_jobs(jsonb_populate_record(
           null::app_public.service_contact_list, jsonb_build_object('id', '<contactList>', 'service_id', '<svc>')))`,
  },
  service_contact_list_recent_job_count: {
    intent: 'signed-in',
    call: `select app_public.service_contact_list_recent_job_count(jsonb_populate_record(
           null::app_public.service_contact_list, jsonb_build_object('id', '<contactList>', 'service_id', '<svc>')))`,
  },
  template_last_used: { intent: 'signed-in', call: `select app_public.template_last_used('<template>')` },
  template_usage: { intent: 'signed-in', call: `select * from app_public.template_usage('<svc>', 7)` },
  template_version: { intent: 'team', call: `select * from app_public.template_version('<template>', 1)` },
  update_template: {
    intent: 'team:manage_templates',
    call: `select app_public.update_template('<template>', name => 'Renamed')`,
  },
  update_user_password: {
    intent: 'self',
    call: `select app_public.update_user_password('<owner>', 'a-new-password-123')`,
  },
  user_verified_email_code: { intent: 'self', call: `select app_public.user_verified_email_code('<owner>')` },
};
// FUNCTIONS_END

/** Mutations added by plugins (src/graphql), tried through /graphql. */
const PLUGIN_MUTATIONS: Record<string, { intent: Intent; query: string }> = {
  sendNotification: {
    intent: 'team:send_texts',
    query: `mutation { sendNotification(input: { serviceId: "<svc>", templateId: "<template>",
      to: "07700900123" }) { notificationId } }`,
  },
  requestEmailAddressChange: {
    intent: 'signed-in',
    query: 'mutation { requestEmailAddressChange(input: { emailAddress: "fresh@x.gov.uk" }) { sent } }',
  },
  requestMobileNumberChange: {
    intent: 'signed-in',
    query: 'mutation { requestMobileNumberChange(input: { mobileNumber: "07700900777" }) { sent } }',
  },
};

interface Fixture {
  [name: string]: string;
}

async function setUp(db: TestDb): Promise<Fixture> {
  const id = async (sql: string, params: unknown[] = []) => (await db.one<{ id: string }>(sql, params)).id;
  const user = (email: string, admin = false) =>
    id(
      `select id from app_public.create_user(email_address => $1, name => $1, mobile_number => '07700900123',
       platform_admin => $2)`,
      [email, admin],
    );
  const f: Fixture = {};
  f.owner = await user('owner@matrix.gov.uk');
  f.member = await user('member@matrix.gov.uk');
  f.stranger = await user('stranger@elsewhere.gov.uk');
  f.admin = await user('admin@notify.gov.uk', true);
  f.org = await id(`insert into app_public.organisation (name) values ('Matrix org') returning id`);
  await db.query(`insert into app_public.domain (domain, organisation_id) values ('matrix.gov.uk', $1)`, [f.org]);
  await db.query('insert into app_public.user_to_organisation (user_id, organisation_id) values ($1, $2)', [
    f.owner,
    f.org,
  ]);
  f.emailBranding = await id('select id from app_public.email_branding limit 1');
  f.letterBranding = await id('select id from app_public.letter_branding limit 1');
  await db.query(
    'insert into app_public.email_branding_to_organisation (organisation_id, email_branding_id) values ($1, $2)',
    [f.org, f.emailBranding],
  );
  await db.query(
    'insert into app_public.letter_branding_to_organisation (organisation_id, letter_branding_id) values ($1, $2)',
    [f.org, f.letterBranding],
  );
  await db.query(
    `insert into app_public.invited_organisation_users (email_address, invited_by_id, organisation_id)
     values ('new@matrix.gov.uk', $1, $2)`,
    [f.owner, f.org],
  );
  f.svc = await id(`select id from app_public.create_service(name => 'Matrix', user_id => $1, organisation_id => $2)`, [
    f.owner,
    f.org,
  ]);
  f.otherSvc = await id(`select id from app_public.create_service(name => 'Other', user_id => $1)`, [f.stranger]);
  await db.query('insert into app_public.user_to_service (user_id, service_id) values ($1, $2)', [f.member, f.svc]);
  await db.query(
    `insert into app_public.permissions (service_id, user_id, permission) values ($1, $2, 'view_activity')`,
    [f.svc, f.member],
  );
  f.template = await id(
    `select id from app_public.create_template(service_id => $1, template_type => 'sms', name => 'T', content => 'x')`,
    [f.svc],
  );
  f.folder = await id(`insert into app_public.template_folder (service_id, name) values ($1, 'F') returning id`, [
    f.svc,
  ]);
  await db.query('insert into app_public.template_folder_map (template_id, template_folder_id) values ($1, $2)', [
    f.template,
    f.folder,
  ]);
  await db.query(
    'insert into app_public.user_folder_permissions (user_id, template_folder_id, service_id) values ($1, $2, $3)',
    [f.owner, f.folder, f.svc],
  );
  f.apiKey = await id(`select id from app_public.create_api_key($1, 'k', 'normal')`, [f.svc]);
  f.replyTo = await id(`select id from app_public.add_email_reply_to($1, 'reply@matrix.gov.uk')`, [f.svc]);
  f.letterContact = await id(`select id from app_public.add_letter_contact($1, 'A place')`, [f.svc]);
  f.inbound = await id(`select id from app_public.add_inbound_number('07700900001', $1, 'mmg')`, [f.svc]);
  await db.query(
    `select app_public.set_service_callback_api($1, 'delivery_status', 'https://example.com/cb',
     'token-0123456789', $2)`,
    [f.svc, f.owner],
  );
  await db.query(
    `insert into app_public.service_data_retention (service_id, notification_type, days_of_retention)
     values ($1, 'sms', 7)`,
    [f.svc],
  );
  await db.query(
    `insert into app_public.service_whitelist (service_id, recipient_type, recipient)
     values ($1, 'email', 'w@x.gov.uk')`,
    [f.svc],
  );
  f.contactList = await id(
    `insert into app_public.service_contact_list (original_file_name, row_count, template_type, service_id,
     created_by_id) values ('list.csv', 1, 'sms', $1, $2) returning id`,
    [f.svc, f.owner],
  );
  f.job = await id(
    `insert into app_public.jobs (original_file_name, service_id, template_id, template_version, notification_count)
     values ('job.csv', $1, $2, 1, 1) returning id`,
    [f.svc, f.template],
  );
  f.scheduledJob = await id(
    `insert into app_public.jobs (original_file_name, service_id, template_id, template_version, notification_count,
     job_status, scheduled_for) values ('later.csv', $1, $2, 1, 1, 'scheduled', now() + interval '1 day')
     returning id`,
    [f.svc, f.template],
  );
  // A file checked without errors against the template (what the upload route records), for create_job.
  f.checkedUpload = crypto.randomUUID();
  await db.query(
    `insert into app_private.csv_uploads (id, service_id, template_id, template_version, row_count, has_errors,
     checked_by_id) values ($1, $2, $3, 1, 1, false, $4)`,
    [f.checkedUpload, f.svc, f.template, f.owner],
  );
  await db.query(
    `insert into app_public.notification_history (id, service_id, template_id, template_version, key_type,
     notification_type, created_at) values (gen_random_uuid(), $1, $2, 1, 'normal', 'sms', now())`,
    [f.svc, f.template],
  );
  await db.query('insert into app_public.service_email_branding (service_id, email_branding_id) values ($1, $2)', [
    f.svc,
    f.emailBranding,
  ]);
  await db.query('insert into app_public.service_letter_branding (service_id, letter_branding_id) values ($1, $2)', [
    f.svc,
    f.letterBranding,
  ]);
  await db.query(`insert into app_public.daily_sorted_letter (billing_day) values (current_date)`);
  await db.query(
    `insert into app_public.ft_processing_time (bst_date, messages_total, messages_within_10_secs)
     values (current_date, 1, 1)`,
  );
  f.invitation = await id(`select id from app_public.invite_user_to_service($1, $3, from_user_id => $2)`, [
    f.svc,
    f.owner,
    'stranger@elsewhere.gov.uk',
  ]);
  return f;
}

/** The row of each table the probes use: the service's, the owner's, or any (reference data). */
function rowFilter(table: string, cols: Set<string>, f: Fixture): string {
  if (table === 'users') return `id = '${f.owner}'`;
  if (table === 'services') return `id = '${f.svc}'`;
  if (table === 'services_history') return `id = '${f.svc}'`;
  if (table === 'organisation') return `id = '${f.org}'`;
  if (cols.has('service_id')) return `service_id = '${f.svc}'`;
  if (cols.has('organisation_id')) return `organisation_id = '${f.org}'`;
  if (cols.has('template_id')) return `template_id = '${f.template}'`;
  return 'true';
}

async function asActor(
  client: pg.PoolClient,
  f: Fixture,
  actor: Actor,
  sql: string,
  params: unknown[] = [],
): Promise<{ rowCount: number; error: pg.DatabaseError | null }> {
  await client.query('begin');
  try {
    if (actor === 'anonymous') {
      await client.query(`select set_config('role', 'notify_anonymous', true)`);
    } else {
      await client.query(
        `select set_config('role', 'notify_user', true), set_config('jwt.claims.user_id', $1, true),
                set_config('jwt.claims.platform_admin', $2, true)`,
        [f[actor], actor === 'admin' ? 'true' : 'false'],
      );
    }
    const res = await client.query(sql, params);
    return { rowCount: res.rowCount ?? 0, error: null };
  } catch (e) {
    return { rowCount: 0, error: e as pg.DatabaseError };
  } finally {
    await client.query('rollback');
  }
}

function refusedError(e: pg.DatabaseError | null): boolean {
  if (!e) return false;
  return e.code === '42501' || e.code === 'NTF03' || e.code === 'NTF04' || /permission denied/i.test(e.message);
}

t.test('permission matrix', async (t) => {
  const { app, db } = await createTestApp(t, { graphql: true });
  const f = await setUp(db);
  const client = await db.pool.connect();
  t.teardown(() => client.release());

  // Every mutation in the schema, and what its payload names.
  const intro = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${issueAdminToken(secret, f.admin, true)}` },
    payload: { query: '{ __schema { mutationType { fields { name type { name } } } } }' },
  });
  const mutations = (intro.json() as any).data.__schema.mutationType.fields as Array<{
    name: string;
    type: { name: string };
  }>;

  // Tables and functions from the catalogue.
  const tables = await db.query<{ name: string; pk: string[]; cols: string[]; upd: string | null }>(
    `select c.relname as name,
       (select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        and has_column_privilege('notify_user', c.oid, a.attnum, 'UPDATE') order by a.attnum limit 1) as upd,
       array(select a.attname::text from pg_index i join pg_attribute a on a.attrelid = i.indrelid
             and a.attnum = any (i.indkey) where i.indrelid = c.oid and i.indisprimary) as pk,
       array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0
             and not a.attisdropped) as cols
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'app_public' and c.relkind in ('r', 'p')`,
  );
  const tableOfType = new Map<string, (typeof tables)[number]>();
  for (const tb of tables) {
    const typeName = pluralize
      .singular(tb.name)
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
    tableOfType.set(typeName, tb);
  }
  const functions = (
    await db.query<{ name: string }>(
      `select distinct p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'app_public' order by 1`,
    )
  ).map((r) => r.name);
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const functionOfMutation = new Map(functions.map((fn) => [camel(fn), fn]));

  const observed: Record<string, Record<Actor, boolean>> = {};
  const via: Record<string, string> = {};
  const observedFns: Record<string, Record<Actor, boolean>> = {};
  const probeCache = new Map<string, Record<Actor, boolean>>();

  const tableProbe = async (op: 'create' | 'update' | 'delete', tb: (typeof tables)[number]) => {
    const key = `${op}:${tb.name}`;
    const cached = probeCache.get(key);
    if (cached) return cached;
    const cols = new Set(tb.cols);
    const row = (
      await db.query<{ r: Record<string, unknown> }>(
        `select to_jsonb(t) as r from app_public.${tb.name} t where ${rowFilter(tb.name, cols, f)} limit 1`,
      )
    )[0]?.r;
    if (!row) throw new Error(`no ${tb.name} row to try ${op} on: add one to the fixture`);
    const copy = { ...row };
    if (tb.pk.length === 1 && tb.pk[0] === 'id') copy.id = crypto.randomUUID();
    const match = tb.pk.map((c) => `t.${c} = r.${c}`).join(' and ');
    // A column request users may update (tables may grant only some), set to itself: a real update that the
    // row-level security, grants and triggers see, and that changes nothing.
    const setCol = tb.upd ?? tb.pk[0];
    const sql =
      op === 'create'
        ? `insert into app_public.${tb.name} select * from jsonb_populate_record(null::app_public.${tb.name}, $1)`
        : op === 'update'
          ? `update app_public.${tb.name} t set ${setCol} = t.${setCol}
             from jsonb_populate_record(null::app_public.${tb.name}, $1) r where ${match}`
          : `delete from app_public.${tb.name} t using jsonb_populate_record(null::app_public.${tb.name}, $1) r
             where ${match}`;
    const result = {} as Record<Actor, boolean>;
    for (const actor of ACTORS) {
      const { rowCount, error } = await asActor(client, f, actor, sql, [op === 'create' ? copy : row]);
      result[actor] = op === 'create' ? !refusedError(error) : !error && rowCount > 0;
      if (error && !refusedError(error) && op !== 'create') result[actor] = true;
    }
    probeCache.set(key, result);
    return result;
  };

  const functionProbe = async (fn: string) => {
    const cached = probeCache.get(`fn:${fn}`);
    if (cached) return cached;
    const entry = FUNCTIONS[fn];
    const sql = entry.call.replace(/<(\w+)>/g, (_, k: string) => {
      if (!(k in f)) throw new Error(`unknown fixture ${k} in ${fn}`);
      return f[k];
    });
    const result = {} as Record<Actor, boolean>;
    for (const actor of ACTORS) {
      const { error } = await asActor(client, f, actor, sql);
      result[actor] = !refusedError(error);
    }
    probeCache.set(`fn:${fn}`, result);
    observedFns[fn] = result;
    return result;
  };

  const missing: string[] = [];
  for (const m of mutations) {
    let result: Record<Actor, boolean> | null = null;
    const fn = functionOfMutation.get(m.name);
    if (fn && FUNCTIONS[fn]) {
      result = await functionProbe(fn);
      via[m.name] = `fn:${fn}`;
    } else if (PLUGIN_MUTATIONS[m.name]) continue;
    else {
      const parsed = /^(Create|Update|Delete)(\w+)Payload$/.exec(m.type.name);
      const tb = parsed ? tableOfType.get(parsed[2]) : undefined;
      if (!parsed || !tb) {
        missing.push(m.name);
        continue;
      }
      result = await tableProbe(parsed[1].toLowerCase() as 'create' | 'update' | 'delete', tb);
      via[m.name] = tb.name;
    }
    observed[m.name] = result;
  }
  for (const fn of functions) if (FUNCTIONS[fn]) await functionProbe(fn);

  if (process.env.MATRIX_DUMP) {
    const fs = await import('node:fs');
    fs.writeFileSync(process.env.MATRIX_DUMP, JSON.stringify({ observed, observedFns, missing, via }, null, 1));
  }

  t.same(missing, [], 'every mutation is a table mutation, a function or a plugin mutation');
  for (const m of mutations) {
    const intent = MATRIX[m.name] ?? PLUGIN_MUTATIONS[m.name]?.intent;
    if (!intent) {
      t.fail(`mutation ${m.name} is not in the permission matrix: add it to MATRIX with who may use it`);
      continue;
    }
    const got = observed[m.name];
    if (!got) continue;
    const wanted = Object.fromEntries(ACTORS.map((a) => [a, allowed(intent, a)]));
    t.same(got, wanted, `${m.name} (${intent})`);
  }
  for (const fn of functions) {
    if (!FUNCTIONS[fn]) {
      t.fail(`function app_public.${fn} is not in the permission matrix: add it to FUNCTIONS with a call`);
      continue;
    }
    const wanted = Object.fromEntries(ACTORS.map((a) => [a, allowed(FUNCTIONS[fn].intent, a)]));
    t.same(observedFns[fn], wanted, `app_public.${fn} (${FUNCTIONS[fn].intent})`);
  }
  for (const name of Object.keys(MATRIX)) {
    if (!mutations.some((m) => m.name === name)) t.fail(`MATRIX names ${name}, which is no longer a mutation`);
  }

  // Plugin mutations, through /graphql as each person.
  for (const [name, { intent, query }] of Object.entries(PLUGIN_MUTATIONS)) {
    const got = {} as Record<Actor, boolean>;
    for (const actor of ACTORS) {
      const token = actor === 'anonymous' ? null : issueAdminToken(secret, f[actor], actor === 'admin');
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        payload: { query: query.replace(/<(\w+)>/g, (_, k: string) => f[k]) },
      });
      const body = res.json() as { errors?: Array<{ message: string }> };
      got[actor] = !body.errors?.some((e) => /permission|sign in|not found/i.test(e.message));
    }
    const wanted = Object.fromEntries(ACTORS.map((a) => [a, allowed(intent, a)]));
    t.same(got, wanted, `${name} (${intent})`);
  }
});
