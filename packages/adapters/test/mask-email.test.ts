import { describe, expect, it } from 'vitest';
import { maskEmail, maskEmailsIn } from '../src/mail/mask-email.js';

describe('masking email addresses for logs and outbox.last_error', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('b@example.com')).toBe('b***@example.com');
    expect(maskEmail('élodie+shop@exämple.fr')).toBe('é***@exämple.fr');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('masks every address inside an SMTP server answer, whatever surrounds it', () => {
    expect(
      maskEmailsIn(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <alice.smith+x@example.com>: Recipient address rejected",
      ),
    ).toBe(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <a***@example.com>: Recipient address rejected",
    );
    expect(maskEmailsIn('rcpt bob@mail.example.org, from "carol@example.net"')).toBe(
      'rcpt b***@mail.example.org, from "c***@example.net"',
    );
    // `=` may be part of a local part: in doubt, more is masked, never less
    expect(maskEmailsIn('to=bob@example.org')).toBe('t***@example.org');
    expect(maskEmailsIn('Connection timeout')).toBe('Connection timeout');
  });
});
