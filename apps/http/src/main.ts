import 'reflect-metadata';
import './threadpool.js';
import { ConfigError, DataDirInUseError, describeConfig } from '@signup/adapters';
import { loadConfig, type Config } from './config.js';
import { buildContainer } from './container.js';
import { createLogger } from './observability/logger.js';
import { startServer } from './server.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config);

  let container;
  try {
    container = await buildContainer(config, { logger });
  } catch (error) {
    const reason =
      error instanceof DataDirInUseError
        ? `the data directory ${error.dataDir} is used by another process${error.pid ? ` (pid ${error.pid})` : ''}`
        : (error as Error).message;
    logger.fatal({ err: error }, `could not start: ${reason}`);
    process.exit(1);
  }

  const running = await startServer(container).catch((error: unknown) => {
    logger.fatal(
      { err: error },
      `could not listen on ${config.host}:${config.port}: ${(error as Error).message}`,
    );
    process.exit(1);
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error(
        { timeoutSeconds: config.shutdownTimeoutSeconds },
        'graceful shutdown timed out',
      );
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    deadline.unref();
    running.shutdown().then(
      () => {
        logger.info({}, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Announced only once the handlers are in place: whoever waits for this line
  // to send SIGTERM gets a graceful stop, never the default action (killed).
  logger.info({ url: running.url, config: describeConfig(config) }, `listening on ${running.url}`);
}

await main();
