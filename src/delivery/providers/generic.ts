// Many messages in one request, in the generic JSON format (the local simulated provider and any
// compatible gateway): POST {"messages": [message, ...]} where each message is what a single send
// POSTs, answered 2xx {"results": [{"id": "..."} | {"error": "...", "permanent": bool}, ...]} in
// the same order. A text then costs its share of one HTTP exchange instead of one of its own.
import { providerPost } from './http.ts';
import { ProviderError } from './types.ts';

export interface GenericBatchOptions {
  identifier: string;
  url: string;
  token: string;
  timeoutMs: number;
  /** Whether a whole-request HTTP error status may pass on retry (default: all). */
  retryableStatus?: (status: number) => boolean;
}

type ItemResult = { id?: unknown; error?: unknown; permanent?: unknown };

/**
 * One result per message: the provider's id for it (`id`), or a ProviderError (whole-request failures repeat it
 * for each).
 */
export async function postGenericBatch(
  opts: GenericBatchOptions,
  messages: object[],
): Promise<Array<{ id: string } | ProviderError>> {
  const all = (err: ProviderError) => messages.map(() => err);
  let res: Awaited<ReturnType<typeof providerPost>>;
  try {
    res = await providerPost(opts.identifier, opts.url, JSON.stringify({ messages }), {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      timeoutMs: opts.timeoutMs,
      retryableStatus: opts.retryableStatus,
    });
  } catch (e) {
    if (e instanceof ProviderError) return all(e);
    throw e;
  }
  let results: unknown;
  try {
    results = (JSON.parse(res.body) as { results?: unknown }).results;
  } catch {
    results = undefined;
  }
  if (!Array.isArray(results) || results.length !== messages.length) {
    // Some may have been accepted: a retry sends them again with the same reference, which the provider drops.
    return all(
      new ProviderError(opts.identifier, `expected ${messages.length} results, got: ${res.body.slice(0, 200)}`),
    );
  }
  return (results as ItemResult[]).map((r) => {
    if (r && typeof r.id === 'string' && r.id) return { id: r.id };
    const why = r && typeof r.error === 'string' ? r.error : `invalid result ${JSON.stringify(r).slice(0, 100)}`;
    return new ProviderError(opts.identifier, why, !(r && r.permanent === true), true);
  });
}
