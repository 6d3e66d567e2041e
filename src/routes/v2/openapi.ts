// The OpenAPI 3.1 document for the v2 API, built from the same JSON Schemas that validate requests.
import * as s from './schemas.ts';
import type { JsonSchema } from './validate.ts';

type Json = Record<string, unknown>;

/** Component copy of a schema: `$schema` dropped (the document's dialect applies). */
function component(schema: JsonSchema): Json {
  const { $schema: _ignored, ...rest } = schema as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function json(schemaName: string, description: string): Json {
  return { description, content: { 'application/json': { schema: ref(schemaName) } } };
}

function errors(...codes: number[]): Json {
  const text: Record<number, string> = {
    400: 'ValidationError, BadRequestError or PDFNotReadyError',
    403: 'AuthError (invalid token)',
    404: 'NoResultFound',
    429: 'RateLimitError or TooManyRequestsError',
    500: 'Internal server error',
  };
  const out: Json = {
    401: json('Error', 'AuthError: missing token or not a Bearer token'),
  };
  for (const code of [...codes, 403, 429, 500]) out[code] = json('Error', text[code]);
  return out;
}

function pathParam(name: string, description: string, schema: Json = { type: 'string', format: 'uuid' }): Json {
  return { name, in: 'path', required: true, description, schema };
}

/** One query parameter per property of a query schema; arrays are repeated keys (`status=a&status=b`). */
function queryParams(schema: JsonSchema): Json[] {
  return Object.entries(schema.properties ?? {}).map(([name, sub]) => {
    const param: Json = { name, in: 'query', required: (schema.required ?? []).includes(name), schema: sub };
    if (sub.type === 'array') Object.assign(param, { style: 'form', explode: true });
    return param;
  });
}

export function openApiDocument(baseUrl: string): Json {
  const security = [{ bearerJwt: [] }];
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Notify v2 API',
      version: '2.0.0',
      description:
        'A GOV.UK Notify-compatible API: send text messages, emails and letters and read their statuses. ' +
        'Every error has the shape {"status_code": N, "errors": [{"error": class, "message": text}]}.',
    },
    servers: [{ url: baseUrl.replace(/\/+$/, '') }],
    security,
    tags: [{ name: 'notifications' }, { name: 'templates' }, { name: 'received text messages' }],
    paths: {
      '/v2/notifications/sms': {
        post: {
          tags: ['notifications'],
          operationId: 'sendSms',
          summary: 'Send a text message',
          requestBody: { required: true, content: { 'application/json': { schema: ref('PostSmsRequest') } } },
          responses: { 201: json('PostSmsResponse', 'Created'), ...errors(400) },
        },
      },
      '/v2/notifications/email': {
        post: {
          tags: ['notifications'],
          operationId: 'sendEmail',
          summary: 'Send an email',
          requestBody: { required: true, content: { 'application/json': { schema: ref('PostEmailRequest') } } },
          responses: { 201: json('PostEmailResponse', 'Created'), ...errors(400) },
        },
      },
      '/v2/notifications/letter': {
        post: {
          tags: ['notifications'],
          operationId: 'sendLetter',
          summary: 'Send a letter from a template, or a precompiled PDF letter',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [ref('PostLetterRequest'), ref('PostPrecompiledLetterRequest')] },
              },
            },
          },
          responses: {
            201: {
              description: 'Created',
              content: {
                'application/json': {
                  schema: { oneOf: [ref('PostLetterResponse'), ref('PostPrecompiledLetterResponse')] },
                },
              },
            },
            ...errors(400),
          },
        },
      },
      '/v2/notifications': {
        get: {
          tags: ['notifications'],
          operationId: 'getNotifications',
          summary: 'List notifications sent with keys of the calling key type, newest first, 250 a page',
          parameters: queryParams(s.getNotificationsQuery),
          responses: { 200: json('NotificationsPage', 'A page of notifications'), ...errors(400) },
        },
      },
      '/v2/notifications/{notification_id}': {
        get: {
          tags: ['notifications'],
          operationId: 'getNotificationById',
          summary: 'Get one notification',
          parameters: [pathParam('notification_id', 'Notification id')],
          responses: { 200: json('Notification', 'The notification'), ...errors(400, 404) },
        },
      },
      '/v2/notifications/{notification_id}/pdf': {
        get: {
          tags: ['notifications'],
          operationId: 'getPdfForLetter',
          summary: "A letter's PDF",
          parameters: [pathParam('notification_id', 'Notification id of a letter')],
          responses: {
            200: {
              description: 'The PDF',
              content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
            },
            ...errors(400, 404),
          },
        },
      },
      '/v2/template/{template_id}': {
        get: {
          tags: ['templates'],
          operationId: 'getTemplateById',
          summary: 'Latest version of a template',
          parameters: [pathParam('template_id', 'Template id')],
          responses: { 200: json('Template', 'The template'), ...errors(400, 404) },
        },
      },
      '/v2/template/{template_id}/version/{version}': {
        get: {
          tags: ['templates'],
          operationId: 'getTemplateVersion',
          summary: 'One version of a template',
          parameters: [
            pathParam('template_id', 'Template id'),
            pathParam('version', 'Version number', { type: 'integer', minimum: 1 }),
          ],
          responses: { 200: json('Template', 'The template version'), ...errors(400, 404) },
        },
      },
      '/v2/templates': {
        get: {
          tags: ['templates'],
          operationId: 'getAllTemplates',
          summary: 'Latest versions of all templates not archived, optionally of one type',
          parameters: queryParams(s.getTemplatesQuery),
          responses: { 200: json('TemplatesList', 'Templates'), ...errors(400) },
        },
      },
      '/v2/template/{template_id}/preview': {
        post: {
          tags: ['templates'],
          operationId: 'previewTemplate',
          summary: 'Render a template with personalisation',
          parameters: [pathParam('template_id', 'Template id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('PostTemplatePreviewRequest') } },
          },
          responses: { 200: json('TemplatePreview', 'The rendered template'), ...errors(400, 404) },
        },
      },
      '/v2/received-text-messages': {
        get: {
          tags: ['received text messages'],
          operationId: 'getReceivedTexts',
          summary: 'Text messages received by the service, newest first, 250 a page',
          parameters: queryParams(s.getReceivedTextMessagesQuery),
          responses: { 200: json('ReceivedTextMessagesPage', 'A page of received text messages'), ...errors(400) },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT signed HS256 with the API key secret (the last 36 characters of the key), claims ' +
            '{"iss": service id, "iat": unix seconds}; iat must be within 30 seconds of the server clock.',
        },
      },
      schemas: {
        PostSmsRequest: component(s.postSmsRequest),
        PostEmailRequest: component(s.postEmailRequest),
        PostLetterRequest: component(s.postLetterRequest),
        PostPrecompiledLetterRequest: component(s.postPrecompiledLetterRequest),
        PostTemplatePreviewRequest: component(s.postTemplatePreviewRequest),
        PostSmsResponse: component(s.postSmsResponse),
        PostEmailResponse: component(s.postEmailResponse),
        PostLetterResponse: component(s.postLetterResponse),
        PostPrecompiledLetterResponse: component(s.postPrecompiledLetterResponse),
        Notification: component(s.notification),
        NotificationsPage: component(s.notificationsPage),
        Template: component(s.template),
        TemplatesList: component(s.templatesList),
        TemplatePreview: component(s.templatePreview),
        ReceivedTextMessage: component(s.receivedTextMessage),
        ReceivedTextMessagesPage: component(s.receivedTextMessagesPage),
        Error: component(s.errorResponse),
      },
    },
  };
}
