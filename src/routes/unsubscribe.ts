// POST /unsubscribe/<notification id>/<token>: the one-click unsubscribe endpoint named in the
// List-Unsubscribe header of emails whose template has an unsubscribe link (RFC 8058), as
// notifications-api's one_click_unsubscribe blueprint: no authentication (the token is the
// credential), the address taken from the token, the request recorded for the service.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.ts';
import { htmlPage } from './html-page.ts';
import { checkUnsubscribeToken, InvalidUnsubscribeToken, unsubscribeTokenKey } from '../notifications/unsubscribe.ts';

// Notify's route only matches a UUID (<uuid:notification_id>): for anything else there is no route at
// all, so the answer is the API's 404 whatever the method.
const PATH =
  '/unsubscribe/:notificationId([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/:token';

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

  type Params = { notificationId: string; token: string };
  /** The address in a valid token, or null. */
  const addressIn = (p: Params): string | null => {
    try {
      return checkUnsubscribeToken(p.token, key);
    } catch (e) {
      if (e instanceof InvalidUnsubscribeToken) return null;
      throw e;
    }
  };
  const invalidPage = '<p>This unsubscribe link is not valid, or has expired.</p>';

  // The link in an email's footer. Notify's admin site has this page; here, with no admin site, the
  // API serves it: a person confirms, and the form posts to the one-click endpoint below.
  app.get<{ Params: Params }>(PATH, async (request, reply) => {
    const address = addressIn(request.params);
    if (address === null) return htmlPage(reply, 404, 'Unsubscribe', invalidPage);
    return htmlPage(
      reply,
      200,
      'Unsubscribe from these emails',
      '<p>You will no longer get these emails from this service.</p>' +
        '<form method="post" action="?confirmed=page"><button type="submit">Unsubscribe</button></form>',
    );
  });

  app.post<{ Params: Params; Querystring: { confirmed?: string } }>(PATH, async (request, reply) => {
    const { notificationId } = request.params;
    const fromPage = request.query.confirmed === 'page';
    const emailAddress = addressIn(request.params);
    if (emailAddress === null) {
      return fromPage ? htmlPage(reply, 404, 'Unsubscribe', invalidPage) : reply.status(404).send(notValid);
    }
    const { rows } = await opts.ctx.ownerPool.query<{ found: boolean }>(
      'select app_hidden.record_unsubscribe_request($1, $2) as found',
      [notificationId, emailAddress],
    );
    if (!rows[0].found) {
      return fromPage ? htmlPage(reply, 404, 'Unsubscribe', invalidPage) : reply.status(404).send(expired);
    }
    request.log.info({ notificationId }, 'Received unsubscribe request');
    if (fromPage)
      return htmlPage(reply, 200, 'You have been unsubscribed', '<p>You will not get these emails again.</p>');
    return reply.status(200).send(success);
  });
}
