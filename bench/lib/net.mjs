import net from 'node:net';
import { delay } from './stats.mjs';

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until it answers 200, the child exits, or `timeoutMs` passes
 * (at most one try per 100 ms).
 */
export async function waitForHttp(url, { child, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  const maxTries = Math.ceil(timeoutMs / 100) + 1;
  let last = 'no answer';
  for (let i = 0; i < maxTries && Date.now() < deadline; i++) {
    if (child?.exited)
      throw new Error(`exited (${child.exitDescription()}) before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await delay(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}
