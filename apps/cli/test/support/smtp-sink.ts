import type { AddressInfo } from 'node:net';

// One in-process SMTP sink for the app tests: the HTTP tests' own.
export { startSmtpSink, type SmtpSink } from '../../../http/test/support/smtp-sink.js';

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
