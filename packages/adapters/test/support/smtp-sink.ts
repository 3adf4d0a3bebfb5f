import type { AddressInfo } from 'node:net';
import type { ReceivedEmail } from '@signup/domain/testing';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedAt extends ReceivedEmail {
  /** performance.now() when the DATA was complete. */
  readonly at: number;
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

/**
 * An SMTP server in this process that parses (mailparser) and keeps every
 * message. `refusing = true` answers 451 to MAIL FROM, like a server in trouble.
 */
export class SmtpSink {
  readonly messages: ReceivedAt[] = [];
  refusing = false;
  private readonly waiters = new Set<() => void>();
  private readonly server: SMTPServer;

  private constructor(
    readonly port: number,
    server: SMTPServer,
  ) {
    this.server = server;
  }

  static async start(): Promise<SmtpSink> {
    const box: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom(_address, _session, callback) {
        if (box.sink?.refusing) {
          const error = new Error('Try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            box.sink?.record({
              from: addresses(mail.from),
              to: addresses(mail.to),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              at: performance.now(),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    box.sink = new SmtpSink((server.server.address() as AddressInfo).port, server);
    return box.sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private record(mail: ReceivedAt): void {
    this.messages.push(mail);
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedAt[]> {
    if (this.messages.length >= count) return this.messages;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`expected ${count} messages, got ${this.messages.length}`));
      }, timeoutMs);
      const check = () => {
        if (this.messages.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
    return this.messages;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
