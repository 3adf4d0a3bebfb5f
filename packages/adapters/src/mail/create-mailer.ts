import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { ConsoleMailer } from './console-mailer.js';
import type { Mailer } from './mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

/** SmtpMailer when SMTP_URL is set, else the ConsoleMailer. */
export function createMailer(config: Config, logger: Logger): Mailer {
  if (config.smtpUrl) return new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom, logger });
  return new ConsoleMailer({ from: config.mailFrom, logger });
}
