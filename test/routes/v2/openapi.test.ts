import t from 'tap';
import { openApiDocument } from '../../../src/routes/v2/openapi.ts';
import { postSmsRequest } from '../../../src/routes/v2/schemas.ts';

t.test('the OpenAPI document covers every v2 endpoint', async (t) => {
  const doc = openApiDocument('https://api.example.com/') as any;
  t.equal(doc.openapi, '3.1.0');
  t.same(doc.servers, [{ url: 'https://api.example.com' }]);
  t.same(Object.keys(doc.paths).sort(), [
    '/v2/notifications',
    '/v2/notifications/email',
    '/v2/notifications/letter',
    '/v2/notifications/sms',
    '/v2/notifications/{notification_id}',
    '/v2/notifications/{notification_id}/pdf',
    '/v2/received-text-messages',
    '/v2/template/{template_id}',
    '/v2/template/{template_id}/preview',
    '/v2/template/{template_id}/version/{version}',
    '/v2/templates',
  ]);
  t.same(doc.components.securitySchemes.bearerJwt, {
    ...doc.components.securitySchemes.bearerJwt,
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  t.same(doc.security, [{ bearerJwt: [] }]);
  t.same(
    doc.components.schemas.PostSmsRequest.properties,
    postSmsRequest.properties,
    'request schema is the validation schema',
  );
  t.notOk('$schema' in doc.components.schemas.PostSmsRequest);
  const params = doc.paths['/v2/notifications'].get.parameters.map((p: any) => p.name);
  t.same(params, ['template_type', 'status', 'reference', 'older_than', 'include_jobs']);
  const status = doc.paths['/v2/notifications'].get.parameters.find((p: any) => p.name === 'status');
  t.same({ style: status.style, explode: status.explode }, { style: 'form', explode: true });
  // Every $ref resolves.
  const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
  for (const r of new Set(refs)) t.ok(doc.components.schemas[r.slice(22, -1)], r);
  // JSON round trip (no functions or cycles).
  t.same(JSON.parse(JSON.stringify(doc)), doc);
});
