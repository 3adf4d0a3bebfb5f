import type { ActivationEmail } from '@signup/domain';
import type { Logger } from '../logger.js';
import type { Mailer, SmtpStatus } from './mailer.js';
import { renderActivationEmail } from './render-activation-email.js';

/**
 * Writes the whole activation email to the log instead of sending it: the
 * default without SMTP_URL, for development. The only log line that may
 * carry an activation code.
 */
export class ConsoleMailer implements Mailer {
  private readonly from: string;
  private readonly logger: Logger;

  constructor(options: { from: string; logger: Logger }) {
    this.from = options.from;
    this.logger = options.logger;
  }

  send(message: ActivationEmail): Promise<void> {
    const email = renderActivationEmail({ from: this.from, ...message });
    this.logger.info(
      { email },
      `activation email for ${email.to} (console mail transport)\n${email.text}`,
    );
    return Promise.resolve();
  }

  probe(): Promise<SmtpStatus> {
    return Promise.resolve('disabled');
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
