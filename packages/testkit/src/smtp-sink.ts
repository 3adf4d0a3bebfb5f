import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * What the sink does with the next connection or message (switchable at any time):
 * - `accept`: takes every message;
 * - `refuse`: greets every connection with `554` and hangs up (a permanent 5xx);
 * - `defer`: greets, then answers `451` to MAIL FROM (a transient 4xx, try later);
 * - `hang`: accepts the connection and never says a word.
 */
export type SmtpMode = 'accept' | 'refuse' | 'defer' | 'hang';

/** One message as one envelope recipient received it: mailparser's full parse, and more. */
export interface ReceivedMail extends ParsedMail {
  /** The envelope recipient (RCPT TO), lower-cased. */
  readonly recipient: string;
  /** The 4 digits of "Your activation code is 1234." in the text part (null when absent). */
  readonly code: string | null;
  /** Date.now() when the DATA was complete. */
  readonly receivedAt: number;
  /** performance.now() at the same moment, for latencies measured in-process. */
  readonly at: number;
}

const CODE = /Your activation code is (\d{4})\./;

/** The activation code in a message's text (throws when there is none). */
export function activationCodeIn(text: string): string {
  const code = CODE.exec(text)?.[1];
  if (!code) throw new Error(`no activation code in:\n${text}`);
  return code;
}

/** A message as plain strings: the addresses as their header text, an absent part as ''. */
export function plainMessage(mail: ParsedMail): {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
} {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return {
    from: mail.from?.text ?? '',
    to: to.map((a) => a.text).join(', '),
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
  };
}

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

interface Waiter {
  readonly ready: () => boolean;
  readonly wake: () => void;
}

/**
 * An SMTP server in this process on 127.0.0.1 (ephemeral port, no TLS, no
 * auth) that parses every message (mailparser) and keeps it, per recipient.
 */
export class SmtpSink {
  mode: SmtpMode;
  readonly messages: ReceivedMail[] = [];
  private readonly index = new Map<string, ReceivedMail[]>();
  /** How many of each recipient's messages next() has handed out. */
  private readonly taken = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(mail: ReceivedMail) => void>();
  private readonly hanging = new Set<() => void>();
  private server!: SMTPServer;
  private port_ = 0;

  private constructor(mode: SmtpMode) {
    this.mode = mode;
  }

  static async start(options: { mode?: SmtpMode } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options.mode ?? 'accept');
    await sink.listen();
    return sink;
  }

  get port(): number {
    return this.port_;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port_}`;
  }

  /** Every message to `recipient` so far, oldest first. */
  byRecipient(recipient: string): ReceivedMail[] {
    return this.index.get(recipient.toLowerCase()) ?? [];
  }

  /**
   * The next message to `to`: the oldest one this method has not handed out
   * yet (already received or still to come); rejects after `timeoutMs`.
   */
  async next(to: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const key = to.toLowerCase();
    const position = this.taken.get(key) ?? 0;
    this.taken.set(key, position + 1);
    await this.until(
      () => this.byRecipient(key).length > position,
      timeoutMs,
      () => `no mail to ${to} within ${timeoutMs} ms`,
    );
    return this.byRecipient(key)[position]!;
  }

  /** The activation code of the next message to `to` (see next()). */
  async codeFor(to: string, timeoutMs = 10_000): Promise<string> {
    const mail = await this.next(to, timeoutMs);
    return activationCodeIn(mail.text ?? '');
  }

  /** Resolves once every recipient has at least one message; rejects at the deadline. */
  waitForRecipients(recipients: Iterable<string>, timeoutMs: number): Promise<void> {
    const wanted = [...recipients].map((r) => r.toLowerCase());
    const missing = () => wanted.filter((r) => !this.index.has(r));
    return this.until(
      () => missing().length === 0,
      timeoutMs,
      () =>
        `${missing().length} of ${wanted.length} recipients got no mail within ${timeoutMs} ms (e.g. ${missing().slice(0, 3).join(', ')})`,
    );
  }

  /** Recipients that received more than one message, with their counts. */
  duplicates(recipients?: Iterable<string>): Map<string, number> {
    const result = new Map<string, number>();
    const keys = recipients ? [...recipients].map((r) => r.toLowerCase()) : [...this.index.keys()];
    for (const key of keys) {
      const count = this.index.get(key)?.length ?? 0;
      if (count > 1) result.set(key, count);
    }
    return result;
  }

  /** Calls `listener` with every message as it arrives; returns the unsubscribe. */
  onMessage(listener: (mail: ReceivedMail) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    this.hanging.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private until(ready: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(why()));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private record(parsed: ParsedMail, recipients: string[], receivedAt: number, at: number): void {
    const code = CODE.exec(parsed.text ?? '')?.[1] ?? null;
    for (const recipient of recipients) {
      const mail: ReceivedMail = { ...parsed, recipient, code, receivedAt, at };
      this.messages.push(mail);
      const list = this.index.get(recipient) ?? [];
      list.push(mail);
      this.index.set(recipient, list);
      for (const listener of this.listeners) listener(mail);
    }
    for (const waiter of [...this.waiters]) if (waiter.ready()) waiter.wake();
  }

  private async listen(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 1000,
      size: 1024 * 1024,
      onConnect: (_session, callback) => {
        if (this.mode === 'refuse')
          return callback(smtpError(554, 'No SMTP service here, transaction failed'));
        if (this.mode === 'hang') return void this.hanging.add(() => callback());
        callback();
      },
      onMailFrom: (_address, _session, callback) => {
        if (this.mode === 'defer') return callback(smtpError(451, 'Try again later'));
        callback();
      },
      onData: (stream, session, callback) => {
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        // Stamped when the last byte arrived, not after the parse: under load the
        // parse waits for this process's event loop, which is not the sender's time.
        let receivedAt = 0;
        let at = 0;
        stream.once('end', () => {
          receivedAt = Date.now();
          at = performance.now();
        });
        simpleParser(stream)
          .then((parsed) => {
            this.record(parsed, recipients, receivedAt || Date.now(), at || performance.now());
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port_ = (this.server.server.address() as AddressInfo).port;
  }
}

/** Starts an SmtpSink (see SmtpSink.start). */
export const startSmtpSink = (options: { mode?: SmtpMode } = {}): Promise<SmtpSink> =>
  SmtpSink.start(options);
