// POST /unsubscribe/<notification id>/<token>: the one-click unsubscribe endpoint named in the
// List-Unsubscribe header of emails whose template has an unsubscribe link (RFC 8058), as
// notifications-api's one_click_unsubscribe blueprint: no authentication (the token is the
// credential), the address taken from the token, the request recorded for the service.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.ts';
import { checkUnsubscribeToken, InvalidUnsubscribeToken, unsubscribeTokenKey } from '../notifications/unsubscribe.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Messages from notifications-api, one_click_unsubscribe/rest.py.
const notValid = { result: 'error', message: { 'unsubscribe request': 'This is not a valid unsubscribe link.' } };
const expired = { result: 'error', message: { 'unsubscribe request': 'This unsubscribe link is invalid or expired.' } };
const success = { result: 'success', message: 'Unsubscribe successful' };

export async function unsubscribeRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const key = unsubscribeTokenKey(opts.ctx.cfg.ADMIN_JWT_SECRET);
  // Mail clients post `List-Unsubscribe=One-Click` as a form (urlencoded or multipart, RFC 8058);
  // the body says nothing the URL does not, so any body is accepted and ignored.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, _body, done) => {
    done(null, undefined);
  });

  app.post<{ Params: { notificationId: string; token: string } }>(
    '/unsubscribe/:notificationId/:token',
    async (request, reply) => {
      const { notificationId, token } = request.params;
      // Notify's route only matches a UUID (<uuid:notification_id>): anything else is not found.
      if (!UUID.test(notificationId)) return reply.callNotFound();
      let emailAddress: string;
      try {
        emailAddress = checkUnsubscribeToken(token, key);
      } catch (e) {
        if (e instanceof InvalidUnsubscribeToken) return reply.status(404).send(notValid);
        throw e;
      }
      const { rows } = await opts.ctx.ownerPool.query<{ found: boolean }>(
        'select app_hidden.record_unsubscribe_request($1, $2) as found',
        [notificationId, emailAddress],
      );
      if (!rows[0].found) return reply.status(404).send(expired);
      request.log.info({ notificationId }, 'Received unsubscribe request');
      return reply.status(200).send(success);
    },
  );
}
