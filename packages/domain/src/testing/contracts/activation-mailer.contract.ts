import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationMailer } from '../../ports/activation-mailer.js';

/** One email as the far side received it. */
export interface ReceivedEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailerUnderTest {
  readonly mailer: ActivationMailer;
  /** The expected sender address, as configured. */
  readonly from: string;
  /** Everything received so far, in order. */
  received(): Promise<ReceivedEmail[]>;
  close?(): Promise<void>;
}

/** The ActivationMailer port contract: the email exactly as the contract words it. */
export function activationMailerContract(
  name: string,
  factory: () => Promise<MailerUnderTest>,
): void {
  describe(`ActivationMailer contract: ${name}`, () => {
    let subject: MailerUnderTest;
    beforeAll(async () => {
      subject = await factory();
    });
    afterAll(async () => {
      await subject?.close?.();
    });

    it('sends the activation email: from, to, subject, text and html with the code and expiry', async () => {
      const codeExpiresAt = new Date('2031-05-06T07:08:09.000Z');
      await subject.mailer.send({ to: 'reader@example.test', code: '0042', codeExpiresAt });
      const mails = (await subject.received()).filter((m) => m.to === 'reader@example.test');
      expect(mails).toHaveLength(1);
      const mail = mails[0] as ReceivedEmail;
      expect(mail.from).toContain(subject.from);
      expect(mail.subject).toBe('Your activation code');
      expect(mail.text).toContain('Your activation code is 0042.');
      expect(mail.text).toContain('2031-05-06T07:08:09.000Z');
      expect(mail.html).toContain('Your activation code is');
      expect(mail.html).toContain('0042');
      expect(mail.html).toContain('2031-05-06T07:08:09.000Z');
    });
  });
}
