// GET /v2/received-text-messages: newest first, 250 per page, `older_than` paging.
import type { FastifyPluginAsync } from 'fastify';
import * as schemas from './schemas.ts';
import { queryToObject, validate } from './validate.ts';
import { caller, type V2State } from './state.ts';

const PAGE_SIZE = 250;

export default function receivedTextMessages(state: V2State): FastifyPluginAsync {
  return async (app) => {
    app.get('/received-text-messages', async (request) => {
      const c = caller(request);
      const query = validate<schemas.GetReceivedTextMessagesQuery>(
        schemas.getReceivedTextMessagesQuery,
        queryToObject(schemas.getReceivedTextMessagesQuery, request.query as Record<string, unknown>),
      );
      const { rows } = await state.pool.query(
        `select m.id, m.user_number, m.notify_number, app_hidden.v2_timestamp(m.created_at) as created_at,
                m.service_id, m.content
         from app_hidden.received_text_messages($1, $2, $3) m`,
        [c.service.id, query.older_than ?? null, PAGE_SIZE],
      );
      const base = `${state.baseUrl}/v2/received-text-messages`;
      const links: { current: string; next?: string } = { current: base };
      // As Notify: `next` whenever the page has rows (the client iterators stop at an empty page); `current`
      // never carries older_than.
      if (rows.length > 0) links.next = `${base}?older_than=${rows[rows.length - 1].id}`;
      return { received_text_messages: rows, links };
    });
  };
}
