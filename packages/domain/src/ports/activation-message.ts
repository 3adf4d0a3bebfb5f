/** The activation email waiting in the outbox: what the mailer renders and sends. */
export interface ActivationMessage {
  readonly id: string;
  readonly userId: string;
  /** Recipient, the account's normalized email. */
  readonly to: string;
  /** The plain code: kept only until the message is sent. */
  readonly code: string;
  readonly codeExpiresAt: Date;
  /** Delivery attempts made so far. */
  readonly attempts: number;
}

/** Hands one activation email to a transport (SMTP, console). */
export interface ActivationMailer {
  send(message: Pick<ActivationMessage, 'to' | 'code' | 'codeExpiresAt'>): Promise<void>;
}
