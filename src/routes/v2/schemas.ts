// The v2 API's request and response shapes, written once as JSON Schema (draft 2020-12). They
// drive request validation (validate.ts) and the published OpenAPI document (openapi.ts).
//
// Keyword order matters: errors are reported in the order the keywords are written, as
// python-jsonschema does for Notify (properties, then required, then additionalProperties).
// `x-validationMessage` replaces every error message of its schema (Notify's validationMessage);
// `x-notify-format` names a Notify format checked in place of `format`.
import type { JsonSchema } from './validate.ts';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

export const uuid = {
  type: 'string',
  format: 'uuid',
  'x-validationMessage': 'is not a valid UUID',
} as const satisfies JsonSchema;

export const httpsUrl = {
  type: 'string',
  format: 'uri',
  pattern: '^https',
  'x-validationMessage': 'is not a valid https url',
} as const satisfies JsonSchema;

export const personalisation = {
  type: 'object',
  description:
    'Values for the template placeholders, matched ignoring case and spaces. For email, a value ' +
    '{"file": base64, "filename", "confirm_email_before_download", "retention_period", "is_csv"} sends a file.',
} as const satisfies JsonSchema;

export const reference = { type: 'string', maxLength: 1000 } as const satisfies JsonSchema;

export const scheduledFor = {
  type: ['string', 'null'],
  format: 'date-time',
  'x-notify-format': 'datetime_within_next_day',
  description: 'ISO 8601 date-time within the next 24 hours; without a zone it is read as UTC.',
} as const satisfies JsonSchema;

export const TEMPLATE_TYPES = ['sms', 'email', 'letter'] as const;

export const NOTIFICATION_STATUSES = [
  'cancelled',
  'created',
  'sending',
  'sent',
  'delivered',
  'pending',
  'failed',
  'technical-failure',
  'temporary-failure',
  'permanent-failure',
  'pending-virus-check',
  'validation-failed',
  'virus-scan-failed',
  'returned-letter',
] as const;

/** Statuses a GET filter accepts: the internal ones plus the letter statuses shown to clients. */
export const NOTIFICATION_STATUS_FILTERS = [...NOTIFICATION_STATUSES, 'accepted', 'received'] as const;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export const postSmsRequest = {
  $schema: DRAFT,
  title: 'POST v2/notifications/sms',
  type: 'object',
  properties: {
    reference,
    phone_number: { type: 'string', 'x-notify-format': 'phone_number', examples: ['07700900123'] },
    template_id: uuid,
    personalisation,
    scheduled_for: scheduledFor,
    sms_sender_id: uuid,
  },
  required: ['phone_number', 'template_id'],
  additionalProperties: false,
} as const satisfies JsonSchema;

export const postEmailRequest = {
  $schema: DRAFT,
  title: 'POST v2/notifications/email',
  type: 'object',
  properties: {
    reference,
    email_address: { type: 'string', format: 'email', 'x-notify-format': 'email_address' },
    template_id: uuid,
    personalisation,
    scheduled_for: scheduledFor,
    email_reply_to_id: uuid,
    one_click_unsubscribe_url: httpsUrl,
    sanitise_content_for: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description:
        'Personalisation keys whose values have URLs removed (domains broken up) and markdown escaped, ' +
        'so they cannot form links or formatting.',
    },
  },
  required: ['email_address', 'template_id'],
  additionalProperties: false,
} as const satisfies JsonSchema;

/**
 * A file sent by email (a personalisation value with a `file`), checked once the template and
 * recipient are known, from notifications-api app/v2/notifications/notification_schemas.py
 * (send_a_file_validation). Messages are relative to the value: "retention_period …".
 */
export const sendAFile = {
  $schema: DRAFT,
  title: 'A file sent by email',
  type: 'object',
  additionalProperties: false,
  properties: {
    file: { type: 'string', contentEncoding: 'base64' },
    is_csv: { 'x-notify-format': 'send_a_file_is_csv' },
    confirm_email_before_download: { 'x-notify-format': 'send_a_file_confirm_email_before_download' },
    retention_period: { 'x-notify-format': 'send_a_file_retention_period' },
    filename: { 'x-notify-format': 'send_a_file_filename' },
  },
  allOf: [
    {
      anyOf: [{ not: { required: ['is_csv'] } }, { not: { required: ['filename'] } }],
      'x-validationMessage': 'Do not set a value for `is_csv` if `filename` is set.',
    },
  ],
} as const satisfies JsonSchema;

export const letterPersonalisation = {
  ...personalisation,
  description:
    'Placeholder values, including the address: any 3 to 7 of address_line_1 … address_line_7 (none is ' +
    'required by name; the last a UK postcode or a country). Without address_line_7, the legacy key ' +
    '`postcode` is read as the last line.',
  properties: Object.fromEntries(
    [1, 2, 3, 4, 5, 6, 7].map((n) => [`address_line_${n}`, { type: ['string', 'number', 'null'] }]),
  ),
  // As Notify: no line is required by name; the address check counts the lines given.
} as const satisfies JsonSchema;

export const postLetterRequest = {
  $schema: DRAFT,
  title: 'POST v2/notifications/letter',
  type: 'object',
  properties: {
    reference,
    template_id: uuid,
    personalisation: letterPersonalisation,
  },
  required: ['template_id', 'personalisation'],
  additionalProperties: false,
} as const satisfies JsonSchema;

export const POSTAGE_CLASSES = ['first', 'second', 'economy'] as const;

export const postage = {
  type: 'string',
  enum: POSTAGE_CLASSES,
  'x-validationMessage': 'invalid. It must be either first, second or economy.',
} as const satisfies JsonSchema;

export const postPrecompiledLetterRequest = {
  $schema: DRAFT,
  title: 'POST v2/notifications/letter (precompiled)',
  type: 'object',
  properties: {
    reference: { type: 'string' },
    content: { type: 'string', contentEncoding: 'base64', contentMediaType: 'application/pdf' },
    postage,
  },
  required: ['reference', 'content'],
  additionalProperties: false,
} as const satisfies JsonSchema;

export const postTemplatePreviewRequest = {
  $schema: DRAFT,
  title: 'POST v2/template/{id}/preview',
  type: 'object',
  properties: { personalisation },
} as const satisfies JsonSchema;

/** Query of GET /v2/notifications; use queryToObject() first so repeated keys become arrays. */
export const getNotificationsQuery = {
  $schema: DRAFT,
  title: 'GET v2/notifications',
  type: 'object',
  properties: {
    template_type: { type: 'array', items: { enum: TEMPLATE_TYPES } },
    status: { type: 'array', items: { enum: NOTIFICATION_STATUS_FILTERS } },
    reference: { type: 'string' },
    older_than: uuid,
    include_jobs: { enum: ['true', 'True'] },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const getTemplatesQuery = {
  $schema: DRAFT,
  title: 'GET v2/templates',
  type: 'object',
  properties: { type: { enum: TEMPLATE_TYPES } },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const getReceivedTextMessagesQuery = {
  $schema: DRAFT,
  title: 'GET v2/received-text-messages',
  type: 'object',
  properties: { older_than: uuid },
  additionalProperties: false,
} as const satisfies JsonSchema;

// ---------------------------------------------------------------------------------------------
// Responses (documentation only)
// ---------------------------------------------------------------------------------------------

const uuidOut = { type: 'string', format: 'uuid' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const timestamp = {
  type: 'string',
  format: 'date-time',
  description: 'UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ',
  examples: ['2024-05-01T10:15:30.123456Z'],
} as const;
const nullableTimestamp = { ...timestamp, type: ['string', 'null'] } as const;

export const templateRef = {
  type: 'object',
  properties: { id: uuidOut, version: { type: 'integer' }, uri: { type: 'string', format: 'uri' } },
  required: ['id', 'version', 'uri'],
} as const satisfies JsonSchema;

function notificationCreated(content: JsonSchema, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    properties: {
      id: uuidOut,
      reference: nullableString,
      content,
      uri: { type: 'string', format: 'uri' },
      template: templateRef,
      scheduled_for: nullableTimestamp,
      ...extra,
    },
    required: ['id', 'reference', 'content', 'uri', 'template', 'scheduled_for', ...Object.keys(extra)],
  };
}

export const postSmsResponse = notificationCreated({
  type: 'object',
  properties: { body: { type: 'string' }, from_number: { type: 'string' } },
  required: ['body', 'from_number'],
});

export const postEmailResponse = notificationCreated(
  {
    type: 'object',
    properties: {
      from_email: { type: 'string' },
      body: { type: 'string' },
      subject: { type: 'string' },
      one_click_unsubscribe_url: nullableString,
    },
    required: ['from_email', 'body', 'subject', 'one_click_unsubscribe_url'],
  },
  {
    sanitised_content: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { sanitised: { type: 'string' }, unsanitised: { type: 'string' } },
        required: ['sanitised', 'unsanitised'],
      },
    },
  },
);

export const postLetterResponse = notificationCreated({
  type: 'object',
  properties: { body: { type: 'string' }, subject: { type: 'string' } },
  required: ['body', 'subject'],
});

export const postPrecompiledLetterResponse = {
  type: 'object',
  properties: { id: uuidOut, reference: { type: 'string' }, postage: { enum: POSTAGE_CLASSES } },
  required: ['id', 'reference', 'postage'],
} as const satisfies JsonSchema;

const nullableInteger = { type: ['integer', 'null'] } as const;

export const notification = {
  type: 'object',
  properties: {
    id: uuidOut,
    reference: nullableString,
    email_address: nullableString,
    phone_number: nullableString,
    line_1: nullableString,
    line_2: nullableString,
    line_3: nullableString,
    line_4: nullableString,
    line_5: nullableString,
    line_6: nullableString,
    postcode: nullableString,
    postage: { type: ['string', 'null'], enum: ['first', 'second', 'economy', 'europe', 'rest-of-world', null] },
    type: { enum: TEMPLATE_TYPES },
    status: { type: 'string', examples: ['delivered', 'accepted', 'received'] },
    template: templateRef,
    body: { type: 'string' },
    subject: nullableString,
    created_at: timestamp,
    created_by_name: nullableString,
    sent_at: nullableTimestamp,
    completed_at: nullableTimestamp,
    scheduled_for: nullableTimestamp,
    estimated_delivery: nullableTimestamp,
    one_click_unsubscribe_url: nullableString,
    cost_in_pounds: { type: ['number', 'null'] },
    is_cost_data_ready: { type: 'boolean' },
    cost_details: {
      type: 'object',
      properties: {
        billable_sms_fragments: nullableInteger,
        international_rate_multiplier: { type: ['number', 'null'] },
        sms_rate: { type: ['number', 'null'] },
        billable_sheets_of_paper: nullableInteger,
        postage: nullableString,
      },
    },
  },
  required: [
    'id',
    'reference',
    'email_address',
    'phone_number',
    'line_1',
    'line_2',
    'line_3',
    'line_4',
    'line_5',
    'line_6',
    'postcode',
    'postage',
    'type',
    'status',
    'template',
    'body',
    'subject',
    'created_at',
    'created_by_name',
    'sent_at',
    'completed_at',
    'scheduled_for',
    'estimated_delivery',
    'one_click_unsubscribe_url',
    'cost_in_pounds',
    'is_cost_data_ready',
    'cost_details',
  ],
} as const satisfies JsonSchema;

const pageLinks = {
  type: 'object',
  properties: {
    current: { type: 'string', format: 'uri' },
    next: {
      type: 'string',
      format: 'uri',
      description: 'The next (older) page: present whenever this page has rows; the page after the last is empty.',
    },
  },
  required: ['current'],
} as const satisfies JsonSchema;

export const notificationsPage = {
  type: 'object',
  properties: { notifications: { type: 'array', items: notification }, links: pageLinks },
  required: ['notifications', 'links'],
} as const satisfies JsonSchema;

export const template = {
  type: 'object',
  properties: {
    id: uuidOut,
    type: { enum: TEMPLATE_TYPES },
    created_at: timestamp,
    updated_at: nullableTimestamp,
    created_by: { type: 'string', format: 'email' },
    version: { type: 'integer' },
    body: { type: 'string' },
    subject: nullableString,
    name: { type: 'string' },
    personalisation: {
      type: 'object',
      description:
        'Every placeholder the template needs (for a letter those of its contact block too), each {"required": true}.',
      additionalProperties: {
        type: 'object',
        properties: { required: { type: 'boolean', const: true } },
        required: ['required'],
      },
    },
    postage: nullableString,
    letter_contact_block: nullableString,
  },
  required: [
    'id',
    'type',
    'created_at',
    'updated_at',
    'created_by',
    'version',
    'body',
    'subject',
    'name',
    'personalisation',
    'postage',
    'letter_contact_block',
  ],
} as const satisfies JsonSchema;

export const templatesList = {
  type: 'object',
  properties: { templates: { type: 'array', items: template } },
  required: ['templates'],
} as const satisfies JsonSchema;

export const templatePreview = {
  type: 'object',
  properties: {
    id: uuidOut,
    type: { enum: TEMPLATE_TYPES },
    version: { type: 'integer' },
    body: { type: 'string' },
    subject: nullableString,
    html: nullableString,
    postage: nullableString,
  },
  required: ['id', 'type', 'version', 'body', 'subject', 'html', 'postage'],
} as const satisfies JsonSchema;

export const receivedTextMessage = {
  type: 'object',
  properties: {
    id: uuidOut,
    user_number: { type: 'string' },
    notify_number: { type: 'string' },
    created_at: timestamp,
    service_id: uuidOut,
    content: { type: 'string' },
  },
  required: ['id', 'user_number', 'notify_number', 'created_at', 'service_id', 'content'],
} as const satisfies JsonSchema;

export const receivedTextMessagesPage = {
  type: 'object',
  properties: { received_text_messages: { type: 'array', items: receivedTextMessage }, links: pageLinks },
  required: ['received_text_messages', 'links'],
} as const satisfies JsonSchema;

export const errorResponse = {
  type: 'object',
  properties: {
    status_code: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          error: {
            type: 'string',
            examples: [
              'ValidationError',
              'BadRequestError',
              'AuthError',
              'RateLimitError',
              'TooManyRequestsError',
              'PDFNotReadyError',
              'NoResultFound',
            ],
          },
          message: { type: 'string' },
        },
        required: ['error', 'message'],
      },
    },
  },
  required: ['status_code', 'errors'],
} as const satisfies JsonSchema;

// ---------------------------------------------------------------------------------------------
// Types of valid requests
// ---------------------------------------------------------------------------------------------

export interface PostSmsRequest {
  phone_number: string;
  template_id: string;
  personalisation?: Record<string, unknown>;
  reference?: string;
  scheduled_for?: string | null;
  sms_sender_id?: string;
}
export interface PostEmailRequest {
  email_address: string;
  template_id: string;
  personalisation?: Record<string, unknown>;
  reference?: string;
  scheduled_for?: string | null;
  email_reply_to_id?: string;
  one_click_unsubscribe_url?: string;
  sanitise_content_for?: string[] | null;
}
export interface PostLetterRequest {
  template_id: string;
  personalisation: Record<string, unknown>;
  reference?: string;
}
export interface PostPrecompiledLetterRequest {
  reference: string;
  content: string;
  postage?: (typeof POSTAGE_CLASSES)[number];
}
export interface PostTemplatePreviewRequest {
  personalisation?: Record<string, unknown>;
}
export interface GetNotificationsQuery {
  template_type?: Array<(typeof TEMPLATE_TYPES)[number]>;
  status?: Array<(typeof NOTIFICATION_STATUS_FILTERS)[number]>;
  reference?: string;
  older_than?: string;
  include_jobs?: 'true' | 'True';
}
export interface GetReceivedTextMessagesQuery {
  older_than?: string;
}

/** A letter request is precompiled when it carries `content` (a PDF) rather than a template. */
export function isPrecompiledLetterRequest(body: unknown): boolean {
  return body !== null && typeof body === 'object' && 'content' in body && !('template_id' in body);
}
