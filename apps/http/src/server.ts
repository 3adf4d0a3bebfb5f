import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DependencyContainer } from 'tsyringe';
import { createApp } from './app.js';
import { closeContainer } from './container.js';
import { answerClientErrors, MAX_HEADER_BYTES } from './http/client-error.js';
import { TOKENS } from './tokens.js';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /**
   * Graceful stop: readyz turns 503, no new connections, in-flight requests
   * finish, due messages are flushed, the dispatcher stops, the pool closes.
   */
  shutdown(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting and resolves once every open request has finished. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive connections that fall idle after their last response are closed as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close((error) => {
      clearInterval(sweep);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** Kept free at the end of the shutdown budget for closing the pool and exiting. */
const CLOSE_MARGIN_MS = 500;

/** Listens on HOST:PORT and starts the outbox dispatcher. */
export async function startServer(container: DependencyContainer): Promise<RunningServer> {
  const config = container.resolve(TOKENS.Config);
  const logger = container.resolve(TOKENS.Logger);
  const lifecycle = container.resolve(TOKENS.Lifecycle);
  const dispatcher = container.resolve(TOKENS.Dispatcher);

  // Stated, not inherited from node's default (or a --max-http-header-size flag).
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, createApp(container));
  answerClientErrors(server, logger);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const address = await listen(server, config.port, config.host);
  dispatcher.start();

  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | null = null;

  async function stop(): Promise<void> {
    // Everything below ends inside SHUTDOWN_TIMEOUT_SECONDS, with room to close the pool.
    const deadline = performance.now() + config.shutdownTimeoutSeconds * 1000 - CLOSE_MARGIN_MS;
    const left = () => Math.max(0, deadline - performance.now());
    lifecycle.beginShutdown();
    await closeServer(server);
    logger.info({}, 'http server closed; flushing the outbox');
    await dispatcher.stop(Math.min(config.shutdownTimeoutSeconds * 500, left()));
    // What the flush has no time for stays in the outbox for the next process.
    const flushed = await dispatcher.deliverDue({}, { until: deadline });
    logger.info({ flushed }, 'outbox flushed; closing connections');
    await closeContainer(container);
  }

  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    shutdown: () => (stopping ??= stop()),
  };
}
