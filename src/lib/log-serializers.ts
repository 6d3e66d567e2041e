// Request log serializers: Fastify logs every request's URL, and query strings carry secrets (a document
// download's ?key=, tokens), so logs get the path only.
import type { FastifyRequest } from 'fastify';

/** The URL without its query string or fragment. */
export function pathOnly(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

export const requestLogSerializers = {
  req(req: FastifyRequest) {
    return {
      method: req.method,
      url: pathOnly(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket ? req.socket.remotePort : undefined,
    };
  },
};

/** Fastify's logger option with the request serializers added (false stays off; true becomes pino's defaults). */
export function withRequestSerializers(logger: boolean | object | undefined): boolean | object {
  if (!logger) return false;
  const opts = logger === true ? {} : (logger as { serializers?: Record<string, unknown> });
  return { ...opts, serializers: { ...opts.serializers, ...requestLogSerializers } };
}
