import type { ActivationEmail, ActivationMailer } from '../ports/activation-mailer.js';

type Sent = ActivationEmail;

/** Records what it sends; can be told to fail, to test retries. */
export class RecordingMailer implements ActivationMailer {
  readonly sent: Sent[] = [];
  failWith: Error | null = null;

  send(message: Sent): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push({ ...message });
    return Promise.resolve();
  }

  codesFor(to: string): string[] {
    return this.sent.filter((m) => m.to === to).map((m) => m.code);
  }
}
