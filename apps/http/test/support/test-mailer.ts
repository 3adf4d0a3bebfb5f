import type { Mailer, SmtpStatus } from '@signup/adapters';
import { RecordingMailer } from '@signup/domain/testing';

/** The domain's RecordingMailer with the health probe and close the apps need. */
export class TestMailer extends RecordingMailer implements Mailer {
  status: SmtpStatus = 'up';
  /** When set, probe() never settles: a hanging SMTP server. */
  hang = false;

  probe(): Promise<SmtpStatus> {
    if (this.hang) return new Promise(() => undefined);
    return Promise.resolve(this.status);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
