// The small HTML pages the API serves to people rather than programs (file downloads, unsubscribing):
// never cached, since each carries a one-off link's answer.
import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../templates/template.ts';

export function htmlPage(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}
