import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../src/smtp-sink.js';

describe('SmtpSink', () => {
  let sink: SmtpSink;
  const send = (to: string, text = 'Your activation code is 1234.') =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: sink.port, greetingTimeout: 500 })
      .sendMail({ from: 'a <a@example.test>', to, subject: 'hi', text, html: `<p>${text}</p>` });

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('accept: keeps the parsed message, hands it out once per next(), with its code', async () => {
    expect(sink.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const next = sink.next('One@Example.test');
    await send('one@example.test');
    await send('one@example.test', 'Your activation code is 5678.');
    const first = await next;
    expect(first.subject).toBe('hi');
    expect(first.from?.text).toContain('a@example.test');
    expect(first.html).toContain('1234');
    expect(first.headers.get('subject')).toBe('hi');
    expect(first.recipient).toBe('one@example.test');
    expect(await sink.codeFor('one@example.test')).toBe('5678');
    await expect(sink.next('one@example.test', 200)).rejects.toThrow(/no mail/);
    expect(sink.duplicates()).toEqual(new Map([['one@example.test', 2]]));
  });

  it('refuse (5xx at the greeting), defer (4xx at MAIL FROM), switchable at runtime', async () => {
    sink.mode = 'refuse';
    await expect(send('two@example.test')).rejects.toMatchObject({ responseCode: 554 });
    sink.mode = 'defer';
    await expect(send('two@example.test')).rejects.toMatchObject({ responseCode: 451 });
    sink.mode = 'accept';
    await send('two@example.test');
    expect(sink.byRecipient('two@example.test')).toHaveLength(1);
  });

  it('hang: accepts the connection and never greets', async () => {
    sink.mode = 'hang';
    await expect(send('three@example.test')).rejects.toThrow(/Greeting never received/i);
    sink.mode = 'accept';
    expect(sink.byRecipient('three@example.test')).toHaveLength(0);
  });
});
