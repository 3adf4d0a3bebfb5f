import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  readonly recipient: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The 4 digits of "Your activation code is 1234." (null when absent). */
  readonly code: string | null;
  readonly receivedAt: number;
}

/**
 * - `accept`: every message is taken;
 * - `refuse`: the greeting is `421` (service not available);
 * - `defer`: the connection is greeted, the message refused with `451` at DATA;
 * - `hang`: the connection is accepted and never greeted.
 */
export type SmtpMode = 'accept' | 'refuse' | 'defer' | 'hang';

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  mode: SmtpMode;
  readonly messages: readonly ReceivedMail[];
  /** Messages by recipient (lower-cased). */
  byRecipient(recipient: string): ReceivedMail[];
  /** Recipients that received more than one message, with their counts. */
  duplicates(recipients?: Iterable<string>): Map<string, number>;
  /** Resolves once every recipient has at least one message; rejects at the deadline. */
  waitForRecipients(recipients: Iterable<string>, timeoutMs: number): Promise<void>;
  /** Called with every message as it arrives (for the secret ledger). */
  onMessage(listener: (mail: ReceivedMail) => void): void;
  close(): Promise<void>;
}

const CODE = /Your activation code is (\d{4})\./;

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const index = new Map<string, ReceivedMail[]>();
  const listeners: ((mail: ReceivedMail) => void)[] = [];
  const hanging = new Set<() => void>();
  let mode: SmtpMode = 'accept';

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    size: 1024 * 1024,
    onConnect(_session, callback) {
      if (mode === 'refuse') {
        const error = Object.assign(new Error('Service not available, try later'), {
          responseCode: 421,
        });
        callback(error);
        return;
      }
      if (mode === 'hang') {
        hanging.add(() => callback());
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (mode === 'defer') {
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        const receivedAt = Date.now();
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        simpleParser(raw)
          .then((parsed) => {
            const text = parsed.text ?? '';
            const html = typeof parsed.html === 'string' ? parsed.html : '';
            for (const recipient of recipients) {
              const mail: ReceivedMail = {
                recipient,
                from,
                subject: parsed.subject ?? '',
                text,
                html,
                code: CODE.exec(text)?.[1] ?? null,
                receivedAt,
              };
              messages.push(mail);
              const list = index.get(recipient) ?? [];
              list.push(mail);
              index.set(recipient, list);
              for (const listener of listeners) listener(mail);
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP sink has no port');
  const port = address.port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    set mode(next: SmtpMode) {
      mode = next;
    },
    messages,
    byRecipient: (recipient) => index.get(recipient.toLowerCase()) ?? [],
    duplicates(recipients) {
      const result = new Map<string, number>();
      const keys = recipients ? [...recipients].map((r) => r.toLowerCase()) : [...index.keys()];
      for (const key of keys) {
        const count = index.get(key)?.length ?? 0;
        if (count > 1) result.set(key, count);
      }
      return result;
    },
    async waitForRecipients(recipients, timeoutMs) {
      const wanted = [...recipients].map((r) => r.toLowerCase());
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = wanted.filter((r) => !index.has(r));
        if (missing.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(
            `${missing.length} of ${wanted.length} recipients got no mail within ${timeoutMs} ms (e.g. ${missing.slice(0, 3).join(', ')})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    async close() {
      for (const release of hanging) release();
      hanging.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
