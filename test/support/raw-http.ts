import net from 'node:net';

export interface RawResponse {
  /** The status of the first response line, 0 when the server closed without answering. */
  readonly status: number;
  readonly raw: string;
  /** True when the server closed the connection (after or instead of answering). */
  readonly closed: boolean;
}

/**
 * Writes `chunks` to a fresh TCP connection (waiting `gapMs` between them, or
 * awaiting a chunk given as a function) and collects what comes back until
 * the server closes, a full response arrives, or `timeoutMs` passes.
 */
export function rawRequest(
  port: number,
  chunks: (string | Buffer | (() => Promise<void>))[],
  options: { timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(received).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      resolve({ status: match ? Number(match[1]) : 0, raw, closed });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (complete(Buffer.concat(received).toString('latin1'))) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          if (settled) return;
          if (typeof chunk === 'function') await chunk();
          else socket.write(chunk);
        }
      })();
    });
  });
}

/** A response whose headers and Content-Length body have fully arrived. */
function complete(raw: string): boolean {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, end));
  if (!length)
    return /\r\ntransfer-encoding:\s*chunked/i.test(raw.slice(0, end))
      ? raw.endsWith('0\r\n\r\n')
      : true;
  return Buffer.byteLength(raw.slice(end + 4), 'latin1') >= Number(length[1]);
}
