// Recipients files for bulk sending, for signed-in users (admin JWT, as GraphQL):
//   POST /services/:serviceId/uploads/csv?template_id=…  — the file as multipart/form-data (field `file`)
//     or as the raw body (name from ?file_name=), &sender_id= for the texts' SMS sender or the emails'
//     reply-to address; streamed to the CSV bucket, checked, and the check
//     report returned (the upload_id is the id to give create_job). A file that is not a readable
//     spreadsheet is refused with a 400 and not kept.
//   GET /services/:serviceId/uploads/:uploadId/check?template_id=…  — the report again.
// The user needs the service's send permission for the template's type, as sendNotification does.
// The work is in src/jobs/jobs.ts.
import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.ts';
import { type AdminClaims, AdminAuthError, resolveAdminUser, verifyAdminHeader } from '../auth/admin-auth.ts';
import { userHasServicePermission } from '../graphql/send-notification.ts';
import { type JobActor, type JobDeps, recheck, uploadAndCheck } from '../jobs/jobs.ts';
import { CsvFileError, MAX_FILE_BYTES } from '../jobs/recipient-csv.ts';
import { ApiError, AuthError } from '../lib/errors.ts';
import { V2Cache } from '../notifications/cache.ts';
import { lazyS3 } from './v2/state.ts';

interface Params {
  serviceId: string;
  uploadId?: string;
}
interface Query {
  template_id?: string;
  file_name?: string;
  sender_id?: string;
}

export async function uploadRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const deps: JobDeps = {
    // Read fresh (no TTL): uploads are few, and a user may have just changed the template.
    cache: new V2Cache({ pool: ctx.ownerPool, listenUrl: null, ttlMs: 0 }),
    pool: ctx.ownerPool,
    s3: lazyS3(ctx),
    cfg: ctx.cfg,
  };
  // The upload's own guard refuses a file over MAX_FILE_BYTES with our message; multipart's limit is
  // only a backstop above it.
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES + 65536, files: 1 } });
  // Any other body is the file itself, passed on as a stream (never buffered); text/plain too, which
  // Fastify would otherwise read whole as a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const actorFor = async (request: FastifyRequest): Promise<JobActor> => {
    let claims: AdminClaims;
    try {
      const token = verifyAdminHeader(ctx.cfg.ADMIN_JWT_SECRET, request.headers.authorization);
      if (!token) throw new AuthError(401, 'Sign in to upload files');
      claims = await resolveAdminUser(ctx.ownerPool, token);
    } catch (e) {
      if (e instanceof AdminAuthError) throw new AuthError(401, e.message);
      throw e;
    }
    return {
      userId: claims.sub,
      async assertMaySend(serviceId, permission) {
        if (await userHasServicePermission(deps, claims, serviceId, permission)) return;
        if (permission === null) throw new ApiError(404, 'BadRequestError', `Service ${serviceId} not found`);
        throw new ApiError(403, 'BadRequestError', `Permission denied: ${permission} needed on service ${serviceId}`);
      },
    };
  };

  app.post<{ Params: Params; Querystring: Query }>('/services/:serviceId/uploads/csv', async (request, reply) => {
    const actor = await actorFor(request);
    let body: Readable;
    let fileName = request.query.file_name || 'upload.csv';
    if (request.isMultipart()) {
      const part = await request.file();
      if (!part) throw new CsvFileError('No file was uploaded: send it in a form field called ‘file’');
      body = part.file;
      fileName = part.filename || fileName;
    } else {
      body = request.body as Readable;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new CsvFileError('No file was uploaded: send it as the request body or a multipart form');
      }
    }
    const report = await uploadAndCheck(deps, actor, {
      serviceId: request.params.serviceId,
      templateId: request.query.template_id,
      fileName,
      body,
      senderId: request.query.sender_id,
    });
    return reply.status(201).send(report);
  });

  app.get<{ Params: Params; Querystring: Query }>(
    '/services/:serviceId/uploads/:uploadId/check',
    async (request, reply) => {
      const actor = await actorFor(request);
      const report = await recheck(
        deps,
        actor,
        request.params.serviceId,
        request.params.uploadId ?? '',
        request.query.template_id,
      );
      return reply.send(report);
    },
  );
}
