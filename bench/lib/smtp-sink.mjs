import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { onCleanup } from './cleanup.mjs';
import { delay } from './stats.mjs';

const CODE = /activation code is (\d{4})/i;

async function extractCode(raw) {
  const unfolded = raw.replace(/=\r?\n/g, '');
  const direct = CODE.exec(unfolded)?.[1];
  if (direct) return direct;
  const parsed = await simpleParser(raw);
  return CODE.exec(parsed.text ?? '')?.[1] ?? null;
}

/**
 * An in-process SMTP server on 127.0.0.1 (no TLS, no auth) that records, per
 * recipient, the activation code and the moment the message was received.
 */
export async function startSmtpSink() {
  const received = new Map();
  let messages = 0;
  let unreadable = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'signup bench sink',
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const at = performance.now();
        messages++;
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        extractCode(Buffer.concat(chunks).toString('utf8'))
          .then((code) => {
            if (!code) unreadable++;
            for (const to of recipients) received.set(to, { code, at });
          })
          .catch(() => unreadable++)
          .finally(() => callback());
      });
    },
  });
  server.on('error', () => {});
  await new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.server.address();
  const close = () => new Promise((resolve) => server.close(resolve));
  const unregister = onCleanup('stop SMTP sink', close);
  return {
    url: `smtp://127.0.0.1:${port}`,
    get messages() {
      return messages;
    },
    get unreadable() {
      return unreadable;
    },
    get(email) {
      return received.get(email);
    },
    /** Waits until every email in `emails` has a message, or `timeoutMs` passes. */
    async waitFor(emails, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (let i = 0; i < Math.ceil(timeoutMs / 50) + 1 && Date.now() < deadline; i++) {
        if (emails.every((e) => received.has(e))) return true;
        await delay(50);
      }
      return emails.every((e) => received.has(e));
    },
    async close() {
      unregister();
      await close();
    },
  };
}
