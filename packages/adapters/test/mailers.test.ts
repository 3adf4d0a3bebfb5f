import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureUnavailableError } from '@signup/domain';
import { SMTPServer } from 'smtp-server';
import { activationMailerContract, FakeClock, type ReceivedEmail } from '@signup/domain/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSharedConfig } from '../src/config/config.js';
import type { Logger } from '../src/logger.js';
import { ConsoleMailer } from '../src/mail/console-mailer.js';
import { createMailer } from '../src/infrastructure.js';
import { renderActivationEmail } from '../src/mail/render-activation-email.js';
import { SmtpMailer } from '../src/mail/smtp-mailer.js';
import { closedPort, plainMessage, SmtpSink } from '@signup/testkit';

const FROM = 'signup <no-reply@example.test>';

/** A logger that keeps what it is given. */
function capturingLogger() {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

activationMailerContract('SmtpMailer against an in-process SMTP server', async () => {
  const sink = await SmtpSink.start();
  const mailer = new SmtpMailer({ url: sink.url, from: FROM });
  return {
    mailer,
    from: 'no-reply@example.test',
    received: () => Promise.resolve(sink.messages.map(plainMessage)),
    async close() {
      await mailer.close();
      await sink.close();
    },
  };
});

activationMailerContract('ConsoleMailer (the email in the log)', () => {
  const { logger, lines } = capturingLogger();
  return Promise.resolve({
    mailer: new ConsoleMailer({ from: FROM, logger }),
    from: 'no-reply@example.test',
    received: () =>
      Promise.resolve(
        lines
          .filter((l) => l.level === 'info')
          .map((l) => (l.obj as { email: ReceivedEmail }).email),
      ),
  });
});

describe('renderActivationEmail', () => {
  it('escapes what it puts into the HTML part', () => {
    const email = renderActivationEmail({
      from: FROM,
      to: 'x@example.test',
      code: '<b>&',
      codeExpiresAt: new Date('2031-01-01T00:00:00Z'),
    });
    expect(email.html).toContain('&lt;b&gt;&amp;');
    expect(email.html).not.toContain('<b>&');
    expect(email.text).toContain('Your activation code is <b>&.');
  });
});

describe('SmtpMailer faults', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    await sink.close();
  });
  const message = { to: 'a@example.test', code: '1234', codeExpiresAt: new Date() };

  it('a refusing server: the send rejects with InfrastructureUnavailableError("smtp")', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: FROM });
    sink.mode = 'defer';
    try {
      const error: unknown = await mailer.send(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfrastructureUnavailableError);
      expect((error as InfrastructureUnavailableError).dependency).toBe('smtp');
    } finally {
      sink.mode = 'accept';
      await mailer.close();
    }
  });

  it('nothing listening: send rejects and probe answers down, within the bounds', async () => {
    const port = await closedPort();
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    const started = performance.now();
    await expect(mailer.send(message)).rejects.toBeInstanceOf(InfrastructureUnavailableError);
    expect(await mailer.probe()).toBe('down');
    expect(performance.now() - started).toBeLessThan(3000);
    await mailer.close();
  });

  it('probe answers up for a live server and caches the answer', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: FROM });
    const first = mailer.probe();
    expect(await first).toBe('up');
    expect(mailer.probe()).toBe(first); // the same answer, the server not asked again
    await mailer.close();
  });

  it('a stale probe answers at once from the last result and refreshes it in the background', async () => {
    // A switchable front for the sink: up, it pipes to the sink; down, it hangs up at once.
    const { createServer, connect } = await import('node:net');
    let up = true;
    let connections = 0;
    const front = createServer((socket) => {
      connections += 1;
      if (!up) return socket.destroy();
      const upstream = connect(sink.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const end = () => (socket.destroy(), upstream.destroy());
      socket.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const port = (front.address() as { port: number }).port;
    const clock = new FakeClock();
    const mailer = new SmtpMailer({
      url: `smtp://127.0.0.1:${port}`,
      from: FROM,
      clock,
      timeoutsMs: { probeCache: 5000 },
    });
    try {
      expect(await mailer.probe()).toBe('up'); // the first probe waits for the server
      clock.advanceMs(4999);
      expect(await mailer.probe()).toBe('up');
      expect(connections).toBe(1); // fresh: not asked again

      up = false;
      clock.advanceMs(1);
      expect(await mailer.probe()).toBe('up'); // stale: answered at once, refresh started
      expect(await mailer.probe()).toBe('up'); // one refresh at a time
      await vi.waitFor(async () => expect(await mailer.probe()).toBe('down'));
      expect(connections).toBe(2);
    } finally {
      await mailer.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  it('a server that accepts the connection but never greets: probe down after ~1 s, send bounded', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined); // holds connections open, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    const started = performance.now();
    expect(await mailer.probe()).toBe('down');
    expect(performance.now() - started).toBeLessThan(1500);
    await mailer.close();
    // and a send gives up after the greeting timeout instead of hanging
    const impatient = new SmtpMailer({
      url: `smtp://127.0.0.1:${port}`,
      from: FROM,
      timeoutsMs: { greeting: 300 },
    });
    const sending = performance.now();
    await expect(impatient.send(message)).rejects.toBeInstanceOf(InfrastructureUnavailableError);
    expect(performance.now() - sending).toBeLessThan(1500);
    await impatient.close();
    silent.close();
  });
});

describe('SmtpMailer connections', () => {
  it('a server that resets every connection: ten sends at once all reject, none is left waiting', async () => {
    const resetting = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const { port } = resetting.address() as AddressInfo;
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    try {
      // more sends than pooled connections: the queued ones must settle too
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          Promise.race([
            mailer.send({ to: `r${i}@example.test`, code: '1234', codeExpiresAt: new Date() }).then(
              () => 'sent',
              (error: unknown) =>
                error instanceof InfrastructureUnavailableError ? 'refused' : String(error),
            ),
            new Promise((resolve) => setTimeout(() => resolve('still waiting'), 8000)),
          ]),
        ),
      );
      expect(outcomes).toEqual(Array.from({ length: 10 }, () => 'refused'));
    } finally {
      await mailer.close();
      await new Promise<void>((resolve) => resetting.close(() => resolve()));
    }
  });

  it('smtps:// by host name: TLS from the first byte, over the connection it opened itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-smtps-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const received: { secure: boolean; to: string }[] = [];
    const server = new SMTPServer({
      secure: true,
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      authOptional: true,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          received.push({ secure: session.secure, to: session.envelope.rcptTo[0]?.address ?? '' });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    // a self-signed certificate: this test checks the wiring, not the chain of trust
    const strict = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const mailer = new SmtpMailer({ url: `smtps://localhost:${port}`, from: FROM });
    try {
      await mailer.send({ to: 'tls@example.test', code: '1234', codeExpiresAt: new Date() });
      expect(received).toEqual([{ secure: true, to: 'tls@example.test' }]);
    } finally {
      if (strict === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = strict;
      await mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createMailer', () => {
  it('chooses SMTP when SMTP_URL is set, the console otherwise', async () => {
    const { logger } = capturingLogger();
    const smtp = createMailer(loadSharedConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).mail, logger);
    expect(smtp).toBeInstanceOf(SmtpMailer);
    await smtp.close();
    const console = createMailer(loadSharedConfig({}).mail, logger);
    expect(console).toBeInstanceOf(ConsoleMailer);
    expect(await console.probe()).toBe('disabled');
  });
});
