import type { ActivationMailer } from '@signup/domain';

/** What the health check says about mail delivery. */
export type SmtpStatus = 'up' | 'down' | 'disabled';

/** An ActivationMailer the apps can probe and close. */
export interface Mailer extends ActivationMailer {
  /** Health probe: 1 s timeout, result cached ~5 s; the console mailer answers 'disabled'. */
  probe(): Promise<SmtpStatus>;
  close(): Promise<void>;
}
