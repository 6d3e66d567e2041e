// SMS over HTTP. `style` selects the request format: Notify's MMG and Firetext clients, Reach,
// or the generic JSON one spoken by the local simulated provider (and any compatible gateway).
import { providerPost } from './http.ts';
import { postGenericBatch } from './generic.ts';
import { ProviderError, type BatchResult, type SendResult, type SmsMessage, type SmsProvider } from './types.ts';

export type SmsStyle = 'mmg' | 'firetext' | 'reach' | 'generic';

export interface HttpSmsOptions {
  identifier: string;
  style: SmsStyle;
  url: string;
  apiKey: string;
  timeoutMs: number;
}

const genericMessage = (m: SmsMessage) => ({
  reference: m.id,
  to: m.to,
  content: m.content,
  sender: m.sender,
  international: m.international,
});

export class HttpSmsProvider implements SmsProvider {
  readonly identifier: string;
  private readonly opts: HttpSmsOptions;
  /** The generic format takes many messages in one request; the provider styles one each. */
  readonly sendSmsBatch?: (messages: SmsMessage[]) => Promise<BatchResult[]>;
  constructor(opts: HttpSmsOptions) {
    this.identifier = opts.identifier;
    this.opts = opts;
    if (opts.style === 'generic') this.sendSmsBatch = (messages) => this.batch(messages);
  }

  private async batch(messages: SmsMessage[]): Promise<BatchResult[]> {
    const { identifier, url, apiKey, timeoutMs } = this.opts;
    const results = await postGenericBatch({ identifier, url, token: apiKey, timeoutMs }, messages.map(genericMessage));
    // Texts are tracked by our id (the reference sent), as for single sends.
    return results.map((r, i) => (r instanceof ProviderError ? r : { reference: messages[i].id }));
  }

  private request(m: SmsMessage): { body: string; contentType: string; headers: Record<string, string> } {
    const { style, apiKey } = this.opts;
    switch (style) {
      case 'mmg':
        return {
          body: JSON.stringify({
            reqType: 'BULK',
            MSISDN: m.to,
            msg: m.content,
            sender: m.sender ?? undefined,
            cid: m.id,
            multi: true,
          }),
          contentType: 'application/json',
          headers: { authorization: `Basic ${apiKey}` },
        };
      case 'firetext':
        return {
          body: new URLSearchParams({
            apiKey,
            from: m.sender ?? '',
            to: m.to.replace(/^\+/, ''),
            message: m.content,
            reference: m.id,
          }).toString(),
          contentType: 'application/x-www-form-urlencoded',
          headers: {},
        };
      case 'reach':
        return {
          body: JSON.stringify({ reference: m.id, to: m.to, from: m.sender, body: m.content }),
          contentType: 'application/json',
          headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        };
      default:
        return {
          body: JSON.stringify(genericMessage(m)),
          contentType: 'application/json',
          headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        };
    }
  }

  async sendSms(m: SmsMessage): Promise<SendResult> {
    const { body, contentType, headers } = this.request(m);
    const res = await providerPost(this.identifier, this.opts.url, body, {
      contentType,
      headers,
      timeoutMs: this.opts.timeoutMs,
    });
    if (this.opts.style === 'firetext') {
      // Firetext answers 200 with {code, description}; code 0 = queued.
      let code: unknown = 0;
      try {
        code = (JSON.parse(res.body) as { code?: unknown }).code;
      } catch {
        throw new ProviderError(this.identifier, `invalid response: ${res.body.slice(0, 200)}`);
      }
      if (Number(code) !== 0)
        throw new ProviderError(this.identifier, `error code ${String(code)}: ${res.body.slice(0, 200)}`);
    }
    return { reference: m.id };
  }
}
