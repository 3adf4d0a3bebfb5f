import { FakeClock } from '@signup/domain/testing';
import { SmtpSink } from '@signup/testkit';
import { simpleParser, type AddressObject } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMime, mimeSender, type MimeMessage, type MimeSender } from '../src/mail/mime.js';
import { renderActivationEmail, type RenderedEmail } from '../src/mail/render-activation-email.js';
import { SmtpMailer } from '../src/mail/smtp-mailer.js';

const FROM = 'signup <no-reply@example.test>';
const DATE = new Date('2031-05-06T07:08:09.000Z');

function activation(from = FROM, code = '0042'): RenderedEmail {
  return renderActivationEmail({
    from,
    to: 'reader@example.test',
    code,
    codeExpiresAt: new Date('2031-05-06T07:09:09.000Z'),
  });
}

function sender(from: string): MimeSender {
  const prepared = mimeSender(from);
  if (!prepared) throw new Error(`no fast path for ${from}`);
  return prepared;
}

function compose(email: RenderedEmail, from = email.from): MimeMessage {
  const message = composeMime(email, sender(from), DATE);
  if (!message) throw new Error('composeMime left the message to nodemailer');
  return message;
}

const single = (address: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(address) ? address[0] : address)?.value[0];

/** Every line of `raw` with its ending: [text, ending]. */
function lines(raw: string): [string, string][] {
  return [...raw.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)]
    .filter((m) => m.index < raw.length)
    .map((m) => [m[1] ?? '', m[2] ?? '']);
}

describe('composeMime', () => {
  it('parses back to exactly what renderActivationEmail rendered', async () => {
    const email = activation();
    const message = compose(email);
    const parsed = await simpleParser(message.raw);
    expect(parsed.subject).toBe(email.subject);
    expect(single(parsed.from)).toEqual({ name: 'signup', address: 'no-reply@example.test' });
    expect(single(parsed.to)?.address).toBe(email.to);
    expect(parsed.text).toBe(email.text);
    expect(parsed.html).toBe(email.html);
    expect(parsed.date).toEqual(DATE);
    expect(parsed.messageId).toBe(message.messageId);
    expect(message.messageId).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    expect(parsed.headers.get('mime-version')).toBe('1.0');
    expect(message.raw).toContain('\r\nDate: Tue, 06 May 2031 07:08:09 +0000\r\n');
    expect(message.envelope).toEqual({ from: 'no-reply@example.test', to: [email.to] });
  });

  it('CRLF after every line, none longer than 78 octets, ASCII only', () => {
    const { raw } = compose(activation());
    expect(raw.endsWith('\r\n')).toBe(true);
    for (const [text, ending] of lines(raw)) {
      expect(ending, JSON.stringify(text)).toBe('\r\n');
      expect(Buffer.byteLength(text), text).toBeLessThanOrEqual(78);
    }
    expect(raw).toMatch(/^[\x20-\x7e\r\n]*$/);
  });

  it('quoted-printable for parts with long lines (the activation email has them), 7bit for short ASCII ones', async () => {
    const long = compose(activation());
    expect(long.raw.match(/Content-Transfer-Encoding: quoted-printable\r\n/g)).toHaveLength(2);
    const short = compose({
      ...activation(),
      text: 'Hi,\ncode 1234.\n',
      html: '<p>code 1234</p>\n',
    });
    expect(short.raw.match(/Content-Transfer-Encoding: 7bit\r\n/g)).toHaveLength(2);
    expect((await simpleParser(short.raw)).text).toBe('Hi,\ncode 1234.\n');
  });

  it('any text survives: non-ASCII, trailing spaces, a 2,000-character line, leading dots, `=` and `--`', async () => {
    const text = `Grüße, ☃ 😀\ntrailing spaces   \n${'x'.repeat(2000)}\n.\n..two\n=3D --=_ -- \n`;
    const email = { ...activation(), text, html: `<p>${text}</p>` };
    const { raw } = compose(email);
    for (const [line] of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(`<p>${text}</p>`);
  });

  it('a fresh Message-ID and boundary for every message', () => {
    const messages = Array.from({ length: 50 }, () => compose(activation()));
    const boundaries = messages.map((m) => /boundary="([^"]+)"/.exec(m.raw)?.[1]);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(50);
    expect(new Set(boundaries).size).toBe(50);
  });

  it('a non-ASCII display name in MAIL_FROM: RFC 2047 words that parse back to the name', async () => {
    for (const name of [
      'Équipe signup',
      'Ελληνική ομάδα',
      `Équipe ${'très longue '.repeat(8)}`.trim(),
    ]) {
      const from = `"${name}" <no-reply@example.test>`;
      const { raw } = compose(activation(from));
      const header = /^From: (.*(?:\r\n .*)*)\r\n/m.exec(raw)?.[1] ?? '';
      expect(header).toMatch(/^[\x20-\x7e\r\n]*$/);
      expect(header).toContain('=?UTF-8?');
      for (const [line] of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
      const parsed = await simpleParser(raw);
      expect(single(parsed.from)).toEqual({ name, address: 'no-reply@example.test' });
    }
  });

  it('ASCII display names are written as nodemailer writes them, quoted when they must be', async () => {
    expect(sender('signup <no-reply@Example.TEST>').header).toBe('signup <no-reply@example.test>');
    expect(sender('no-reply@localhost')).toEqual({
      header: 'no-reply@localhost',
      address: 'no-reply@localhost',
      domain: 'localhost',
    });
    const quoted = sender('"Sign-up \\"team\\"" <a@example.test>');
    expect(quoted.header).toBe('"Sign-up \\"team\\"" <a@example.test>');
    const parsed = await simpleParser(
      compose(activation(), '"Sign-up \\"team\\"" <a@example.test>').raw,
    );
    expect(single(parsed.from)).toEqual({ name: 'Sign-up "team"', address: 'a@example.test' });
  });

  it('leaves to nodemailer a sender it would not write verbatim, and never lets CR or LF into a header', () => {
    for (const from of [
      'a@example.test, b@example.test', // two addresses
      'signup <no-reply@bücher.test>', // punycode: nodemailer's job
      'signüp@example.test',
      'signup <no-reply@example.test>\r\nBcc: evil@example.test',
      'signup\n <no-reply@example.test>',
      'no address',
      `${'a'.repeat(250)}@example.test`,
    ]) {
      expect(mimeSender(from), from).toBeNull();
    }
    const ok = sender(FROM);
    for (const to of [
      'reader@example.test\r\nBcc: evil@example.test',
      'reader@example.test\n',
      'a@example.test, b@example.test',
      'Reader <reader@example.test>',
      '"quoted local"@example.test',
      'ü@example.test',
      'reader@bücher.test',
      `${'a'.repeat(250)}@example.test`,
    ]) {
      expect(composeMime({ ...activation(), to }, ok, DATE), JSON.stringify(to)).toBeNull();
    }
    expect(
      composeMime({ ...activation(), subject: 'Hi\r\nBcc: evil@example.test' }, ok, DATE),
    ).toBeNull();
    expect(
      composeMime({ ...activation(), subject: 'Votre code d’activation' }, ok, DATE),
    ).toBeNull();
  });
});

describe('composeMime over SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('nodemailer dot-stuffs a raw message once: lines of dots arrive intact, the message whole', async () => {
    const text = 'before\n.\n..\n.leading\nafter\n'; // 7bit
    const html = `<p>${'long '.repeat(20)}</p>\n.\n..\n`; // quoted-printable
    const email = { ...activation(), to: 'dots@example.test', text, html };
    const transport = nodemailer.createTransport({ url: sink.url });
    try {
      await transport.sendMail(compose(email));
      const mail = await sink.next('dots@example.test');
      expect(mail.text).toBe(text);
      expect(mail.html).toBe(html);
    } finally {
      transport.close();
    }
  });

  /** Sends `code` to `to` through `mailer`; what the sink received and what was rendered. */
  async function sendThrough(mailer: SmtpMailer, from: string, to: string, code: string) {
    const codeExpiresAt = new Date('2031-05-06T07:09:09.000Z');
    await mailer.send({ to, code, codeExpiresAt });
    const mail = await sink.next(to);
    return { mail, email: renderActivationEmail({ from, to, code, codeExpiresAt }) };
  }

  it('SmtpMailer sends the message it composed itself, dated by its clock, the code in it', async () => {
    const from = '"Équipe signup" <no-reply@example.test>';
    const clock = new FakeClock('2031-05-06T07:08:09.000Z');
    const mailer = new SmtpMailer({ url: sink.url, from, clock });
    try {
      const { mail, email } = await sendThrough(mailer, from, 'fast@example.test', '0042');
      expect(mail.code).toBe('0042');
      expect([mail.subject, mail.text, mail.html]).toEqual([email.subject, email.text, email.html]);
      expect(single(mail.from)).toEqual({
        name: 'Équipe signup',
        address: 'no-reply@example.test',
      });
      expect(mail.date).toEqual(clock.now());
      // composeMime's boundary, not nodemailer's (`--_NmP-…`)
      expect(mail.headers.get('content-type')).toMatchObject({
        params: { boundary: expect.stringMatching(/^=_/) },
      });
    } finally {
      await mailer.close();
    }
  });

  it('a sender composeMime leaves alone: nodemailer composes, the email is the same', async () => {
    const from = 'signup <no-reply@bücher.test>';
    const mailer = new SmtpMailer({ url: sink.url, from });
    try {
      const { mail, email } = await sendThrough(mailer, from, 'slow@example.test', '0043');
      expect([mail.subject, mail.text, mail.html]).toEqual([email.subject, email.text, email.html]);
      // nodemailer sent the domain as punycode; mailparser shows it decoded
      expect(single(mail.from)?.address).toBe('no-reply@bücher.test');
      expect(mail.headers.get('content-type')).toMatchObject({
        params: { boundary: expect.stringMatching(/^--_NmP-/) },
      });
    } finally {
      await mailer.close();
    }
  });
});
