import net from 'node:net';

export type ProxyMode = 'forward' | 'cut' | 'hang';

/**
 * A TCP proxy the test controls, put between a server process and one of its
 * dependencies (PostgreSQL, SMTP):
 * - `cut()`: every open connection is destroyed and new ones are reset at once
 *   (the dependency is unreachable);
 * - `hang()`: open connections stop forwarding, new ones are accepted and
 *   never forwarded (the dependency hangs);
 * - `restore()`: new connections are forwarded again; connections that hung
 *   stay silent until their own timeouts give up on them, as after a real
 *   network partition.
 */
export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections accepted since the proxy started. */
  readonly accepted: number;
  cut(): void;
  hang(): void;
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  hung: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  let accepted = 0;
  const pairs = new Set<Pair>();

  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  const server = net.createServer((client) => {
    accepted += 1;
    client.on('error', () => undefined);
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: null, hung: mode === 'hang' };
    pairs.add(pair);
    client.on('close', () => destroy(pair));
    if (pair.hung) {
      client.pause(); // accept, read nothing, answer nothing
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => destroy(pair));
    upstream.on('close', () => destroy(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');

  return {
    port: address.port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        destroy(pair);
      }
    },
    hang() {
      mode = 'hang';
      for (const pair of pairs) {
        pair.hung = true;
        pair.client.unpipe();
        pair.upstream?.unpipe();
        pair.client.pause();
        pair.upstream?.pause();
      }
    },
    restore() {
      mode = 'forward';
    },
    async close() {
      for (const pair of [...pairs]) destroy(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
