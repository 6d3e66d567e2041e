// One interface for every delivery provider (SPEC §6.1): SMS over HTTP (MMG, Firetext, Reach
// styles and the generic/simulated one), email over SMTP, SES or HTTP (simulated).

export interface SmsMessage {
  /** Our notification id: sent as the provider reference, so receipts come back by id. */
  id: string;
  to: string;
  content: string;
  /** Sender id or number; null = the provider account's default. */
  sender: string | null;
  international: boolean;
}

export interface EmailMessage {
  id: string;
  to: string;
  /** Full From header: "Service name" <local@domain>. */
  from: string;
  subject: string;
  text: string;
  html: string;
  replyTo: string | null;
  headers: Record<string, string>;
}

export interface SendResult {
  /** The provider's reference to store (SMS: our id; SES/stub email: their message id). */
  reference: string;
  /** Status to record on acceptance when the provider sends no receipts (SMTP: sent). */
  status?: 'sent';
}

/** A failed hand-off. retryable=false goes straight to technical-failure. */
export class ProviderError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  constructor(provider: string, message: string, retryable = true) {
    super(`${provider}: ${message}`);
    this.provider = provider;
    this.retryable = retryable;
  }
}

export interface SmsProvider {
  identifier: string;
  sendSms(message: SmsMessage): Promise<SendResult>;
}

export interface EmailProvider {
  identifier: string;
  sendEmail(message: EmailMessage): Promise<SendResult>;
}
