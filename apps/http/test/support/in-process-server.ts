import { openInfrastructure, type Infrastructure } from '@signup/adapters';
import { loadConfig } from '../../src/config.js';
import { buildContainer } from '../../src/container.js';
import { createLogger } from '../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { pglite } from '@signup/testkit';
import { TEST_ENV } from './harness.js';
import { TestMailer } from './test-mailer.js';
import type { DependencyContainer } from 'tsyringe';

export interface InProcessServer {
  readonly running: RunningServer;
  readonly container: DependencyContainer;
  readonly infrastructure: Infrastructure;
  readonly mailer: TestMailer;
  /** Shuts down (if not yet) and removes the database. */
  dispose(): Promise<void>;
}

/** The real server (listening on a free port, dispatcher running) over PGlite, real clock. */
export async function startInProcess(
  adapt: (infrastructure: Infrastructure) => Infrastructure = (i) => i,
): Promise<InProcessServer> {
  const database = await pglite.open();
  const config = loadConfig({ ...TEST_ENV, ...database.env, PORT: '0', HOST: '127.0.0.1' });
  const logger = createLogger({ logLevel: 'silent' });
  const mailer = new TestMailer();
  const infrastructure = await openInfrastructure(config, { logger, migrate: true, mailer });
  const container = await buildContainer(config, {
    logger,
    mailer,
    infrastructure: adapt(infrastructure),
  });
  const running = await startServer(container);
  return {
    running,
    container,
    infrastructure,
    mailer,
    async dispose() {
      await running.shutdown().catch(() => undefined);
      await database.dispose();
    },
  };
}
