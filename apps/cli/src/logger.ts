import { pino } from 'pino';
import type { Config, Logger } from '@signup/adapters';
import type { CliIo } from './io.js';

/**
 * Logs go to stderr, never stdout (which carries the result, e.g. --json).
 * A CLI is quieter than the server: it reports failures itself in one line,
 * so only errors are logged unless LOG_LEVEL asks
 * for more.
 */
export function createCliLogger(config: Config, io: CliIo): Logger {
  const level = io.env.LOG_LEVEL ? config.logLevel : 'error';
  return pino({ level, base: { app: 'signup-cli' } }, io.stderr);
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
