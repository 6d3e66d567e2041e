// One interface for every delivery provider: SMS over HTTP (MMG, Firetext, Reach
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

/**
 * A failed hand-off. retryable=false goes straight to technical-failure. ofMessage: the provider
 * answered and refused just this message (one result of a batch), so it is not deprioritised.
 */
export class ProviderError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  readonly ofMessage: boolean;
  constructor(provider: string, message: string, retryable = true, ofMessage = false) {
    super(`${provider}: ${message}`);
    this.provider = provider;
    this.retryable = retryable;
    this.ofMessage = ofMessage;
  }
}

/** One result per message of a batch, in order: accepted, or why not. */
export type BatchResult = SendResult | ProviderError;

export interface SmsProvider {
  identifier: string;
  sendSms(message: SmsMessage): Promise<SendResult>;
  /**
   * Providers that take many messages in one request (the generic HTTP format). Never throws for one message's
   * error.
   */
  sendSmsBatch?(messages: SmsMessage[]): Promise<BatchResult[]>;
}

export interface EmailProvider {
  identifier: string;
  sendEmail(message: EmailMessage): Promise<SendResult>;
  sendEmailBatch?(messages: EmailMessage[]): Promise<BatchResult[]>;
}
