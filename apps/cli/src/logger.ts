import { pino } from 'pino';
import { LOG_REDACTION, type Logger } from '@signup/adapters';
import type { Config } from './config.js';
import type { CliIo } from './io.js';

/**
 * Logs go to stderr, never stdout (which carries the result, e.g. --json), at
 * the configured level (the CLI's default: errors only). Credentials are
 * censored on the same paths as the server's log.
 */
export function createCliLogger(config: Pick<Config, 'logLevel'>, io: CliIo): Logger {
  return pino(
    { level: config.logLevel, base: { app: 'signup-cli' }, redact: LOG_REDACTION },
    io.stderr,
  );
}

/**
 * For the console mail transport: its one info line is the email itself, so
 * a person at the terminal gets it as plain text on stderr. Anything worse
 * than info goes to the regular log.
 */
export function createConsoleMailLogger(io: CliIo, logger: Logger): Logger {
  return {
    debug: () => undefined,
    info: (_obj, msg) => {
      if (msg) io.stderr.write(`${msg}\n`);
    },
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}
