// Downloads of email file attachments: GET /d/:serviceId/:documentId?key=… (the link Notify puts in
// the email body). With confirm_email_before_download the recipient first gives the address the
// email was sent to (a form; POST with `email`). Unknown, wrong-key or expired links are all
// "not found" (nothing tells a guesser which part was wrong).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { AppContext } from '../app.ts';
import { lazyS3 } from './v2/state.ts';
import { fromS3Metadata, recipientHash, sameDigest, sha256 } from '../documents/documents.ts';
import { htmlPage } from './html-page.ts';
import { isUuid } from '../lib/uuid.ts';
import { isMissing } from '../lib/s3.ts';

interface Params {
  serviceId: string;
  documentId: string;
}

const notFound = (reply: FastifyReply) =>
  htmlPage(
    reply,
    404,
    'File not found',
    '<p>The link may be wrong, or the file is no longer available. Contact the service that sent it.</p>',
  );

export async function documentRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const s3 = lazyS3(opts.ctx);
  const bucket = opts.ctx.cfg.DOCUMENT_DOWNLOAD_BUCKET;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  const serve = async (params: Params, query: Record<string, unknown>, email: string | null, reply: FastifyReply) => {
    const key = typeof query.key === 'string' ? query.key : '';
    if (!isUuid(params.serviceId) || !isUuid(params.documentId) || !key) return notFound(reply);
    let object: GetObjectCommandOutput;
    try {
      object = await s3().send(
        new GetObjectCommand({ Bucket: bucket, Key: `${params.serviceId}/${params.documentId}` }),
      );
    } catch (e) {
      if (isMissing(e)) return notFound(reply);
      throw e;
    }
    const meta = fromS3Metadata(object.Metadata);
    // Every answer but the file itself: the body is read and dropped so the connection is reused.
    const refuse = (sent: FastifyReply) => {
      object.Body?.transformToByteArray().catch(() => undefined);
      return sent;
    };
    if (!meta || !sameDigest(sha256(key), meta.keyHash) || meta.expiresAt.getTime() <= Date.now())
      return refuse(notFound(reply));
    if (meta.emailHash && (email === null || !sameDigest(recipientHash(email), meta.emailHash))) {
      const message =
        email === null
          ? '<p>To download this file, confirm the email address it was sent to.</p>'
          : '<p role="alert">This is not the email address the file was sent to.</p>';
      return refuse(
        htmlPage(
          reply,
          email === null ? 200 : 403,
          'Confirm your email address',
          [
            message,
            '<form method="post"><label for="email">Email address this file was sent to</label> ',
            '<input id="email" name="email" type="email" autocomplete="email" required> ',
            '<button type="submit">Continue</button></form>',
          ].join(''),
        ),
      );
    }
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    const filename = meta.filename || `${params.documentId}`;
    return reply
      .status(200)
      .type(object.ContentType ?? 'application/octet-stream')
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; ` +
          `filename*=UTF-8''${encodeURIComponent(filename)}`,
      )
      .send(bytes);
  };

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>(
    '/d/:serviceId/:documentId',
    async (request, reply) => serve(request.params, request.query, null, reply),
  );
  app.post<{ Params: Params; Querystring: Record<string, unknown>; Body: Record<string, unknown> | undefined }>(
    '/d/:serviceId/:documentId',
    async (request, reply) => {
      const email = typeof request.body?.email === 'string' ? request.body.email : '';
      return serve(request.params, request.query, email, reply);
    },
  );
}
