import { createServer, type AddressInfo } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port on 127.0.0.1 that nothing listens on: a dependency that is down. */
export const closedPort = freePort;

/**
 * Polls `url` until it answers 200 (rejects once `isGone()` says the process
 * serving it exited, or after `timeoutMs`; at most one try per 100 ms).
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; isGone?: () => string | null },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer';
  for (;;) {
    const gone = options.isGone?.();
    if (gone) throw new Error(`${gone} before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause;
      last = cause?.code ?? (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
