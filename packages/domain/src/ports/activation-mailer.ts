import type { ActivationMessage } from './outbox.js';

/** What a transport needs to render and send one activation email. */
export type ActivationEmail = Pick<ActivationMessage, 'to' | 'codeExpiresAt'> & {
  /** The plain code, opened from the outbox just before sending. */
  readonly code: string;
};

/** Hands one activation email to a transport (SMTP, console). */
export interface ActivationMailer {
  send(message: ActivationEmail): Promise<void>;
}
