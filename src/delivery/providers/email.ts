// Email providers: SMTP (nodemailer), SES (AWS SDK v2 API) and HTTP (the simulated provider).
import nodemailer, { type Transporter } from 'nodemailer';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { providerPost } from './http.ts';
import { postGenericBatch } from './generic.ts';
import { ProviderError, type BatchResult, type EmailMessage, type EmailProvider, type SendResult } from './types.ts';

const genericMessage = (m: EmailMessage) => ({
  reference: m.id,
  to: m.to,
  from: m.from,
  subject: m.subject,
  text: m.text,
  html: m.html,
  reply_to: m.replyTo,
  headers: m.headers,
});
/** 5xx and 429 may pass on retry; other refusals will not. */
const retryableStatus = (status: number) => status >= 500 || status === 429;

export class SmtpEmailProvider implements EmailProvider {
  readonly identifier = 'smtp';
  private readonly transport: Transporter;
  constructor(url: string, timeoutMs: number) {
    this.transport = nodemailer.createTransport(url, {
      connectionTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      pool: true,
    } as object);
  }
  async sendEmail(m: EmailMessage): Promise<SendResult> {
    try {
      const info = await this.transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        replyTo: m.replyTo ?? undefined,
        headers: m.headers,
      });
      // SMTP gives no delivery receipts: acceptance by the relay is as far as we can see.
      return { reference: String(info.messageId ?? m.id), status: 'sent' };
    } catch (e) {
      const err = e as { responseCode?: number; message: string };
      // 5xx SMTP replies are permanent (bad address, policy); anything else may pass on retry.
      throw new ProviderError(this.identifier, err.message, !(err.responseCode && err.responseCode >= 500));
    }
  }
}

export class SesEmailProvider implements EmailProvider {
  readonly identifier = 'ses';
  private readonly client: SESv2Client;
  private readonly configurationSet?: string;
  constructor(opts: {
    region: string;
    endpoint?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    configurationSet?: string;
  }) {
    this.client = new SESv2Client({
      region: opts.region,
      endpoint: opts.endpoint,
      credentials:
        opts.accessKeyId && opts.secretAccessKey
          ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
          : undefined,
    });
    this.configurationSet = opts.configurationSet;
  }
  async sendEmail(m: EmailMessage): Promise<SendResult> {
    try {
      const out = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: m.from,
          Destination: { ToAddresses: [m.to] },
          ReplyToAddresses: m.replyTo ? [m.replyTo] : undefined,
          ConfigurationSetName: this.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: m.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: m.text, Charset: 'UTF-8' }, Html: { Data: m.html, Charset: 'UTF-8' } },
              Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })),
            },
          },
        }),
      );
      return { reference: out.MessageId ?? m.id };
    } catch (e) {
      const err = e as { name?: string; message: string; $metadata?: { httpStatusCode?: number } };
      // Throttling and server errors are retried; a rejected message never will be accepted.
      const permanent = [
        'MessageRejected',
        'BadRequestException',
        'MailFromDomainNotVerifiedException',
        'AccountSuspendedException',
      ].includes(err.name ?? '');
      throw new ProviderError(this.identifier, `${err.name ?? 'Error'}: ${err.message}`, !permanent);
    }
  }
}

export class HttpEmailProvider implements EmailProvider {
  readonly identifier: string;
  private readonly url: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  constructor(identifier: string, url: string, token: string, timeoutMs: number) {
    this.identifier = identifier;
    this.url = url;
    this.token = token;
    this.timeoutMs = timeoutMs;
  }
  async sendEmail(m: EmailMessage): Promise<SendResult> {
    const res = await providerPost(this.identifier, this.url, JSON.stringify(genericMessage(m)), {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      timeoutMs: this.timeoutMs,
      retryableStatus,
    });
    let id: unknown;
    try {
      id = (JSON.parse(res.body) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string' || !id)
      throw new ProviderError(this.identifier, `no message id in response: ${res.body.slice(0, 200)}`);
    return { reference: id };
  }
  async sendEmailBatch(messages: EmailMessage[]): Promise<BatchResult[]> {
    const results = await postGenericBatch(
      { identifier: this.identifier, url: this.url, token: this.token, timeoutMs: this.timeoutMs, retryableStatus },
      messages.map(genericMessage),
    );
    return results.map((r) => (r instanceof ProviderError ? r : { reference: r.id }));
  }
}
