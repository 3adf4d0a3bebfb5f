import 'reflect-metadata';
import './threadpool.js';
import { ConfigError, DataDirInUseError, describeConfig } from '@signup/adapters';
import { loadConfig, type Config } from './config.js';
import { buildContainer } from './container.js';
import { createLogger, logFormatOf } from './observability/logger.js';
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

/**
 * A start that cannot go on: one readable line on stderr (no stack trace) and
 * exit 1; the JSON log gets the same reason as one record.
 */
function fatal(logger: ReturnType<typeof createLogger>, reason: string): never {
  logger.fatal({ reason }, `could not start: ${reason}`);
  process.stderr.write(`signup: could not start: ${reason}\n`);
  process.exit(1);
}

function startFailure(error: unknown, config: Config): string {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof DataDirInUseError) {
    return `the data directory ${error.dataDir} is used by another process${error.pid ? ` (pid ${error.pid})` : ''}`;
  }
  if (e.code === 'EADDRINUSE') {
    return `${config.host}:${config.port} is already in use by another process (set PORT to a free port)`;
  }
  if (e.code === 'EACCES') return `not allowed to listen on ${config.host}:${config.port}`;
  return (e.message ?? String(error)).split('\n')[0] ?? 'unknown error';
}

/** Where everything is, for a person at a terminal. */
function banner(config: Config, url: string): string {
  const database = config.database.databaseUrl
    ? (() => {
        const u = new URL(config.database.databaseUrl);
        return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
      })()
    : `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`;
  const mail = config.mail.smtpUrl
    ? `SMTP at ${new URL(config.mail.smtpUrl).host}`
    : 'console: each activation email is printed here';
  return [
    '',
    `  signup is running at ${url}`,
    '',
    `  web page   ${url}/`,
    `  API        ${url}/api/v1  (OpenAPI: ${url}/openapi.json)`,
    `  docs       ${url}/docs`,
    `  database   ${database}`,
    `  mail       ${mail}`,
    '',
    '  Ctrl+C stops it.',
    '',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config);

  let container;
  try {
    container = await buildContainer(config, { logger });
  } catch (error) {
    fatal(logger, startFailure(error, config));
  }

  const running = await startServer(container).catch((error: unknown) =>
    fatal(logger, startFailure(error, config)),
  );
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
  if (logFormatOf(config) === 'pretty') process.stdout.write(banner(config, running.url));
}

await main();
