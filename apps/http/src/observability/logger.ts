import { LOG_REDACTION, type LogFormat, type LogLevel } from '@signup/adapters';
import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyDestination } from './pretty-log.js';

/** LOG_FORMAT, or `pretty` when stdout is a terminal and `json` when it is not. */
export function logFormatOf(config: { readonly logFormat?: LogFormat | undefined }): LogFormat {
  return config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
}

/** The root pino logger: JSON or readable lines on stdout (or `destination`, for tests). */
export function createLogger(
  config: { readonly logLevel: LogLevel; readonly logFormat?: LogFormat | undefined },
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'signup-http' },
    // Credentials never reach a log line: the same paths as the CLI's logger.
    redact: LOG_REDACTION,
  };
  // Synchronous writes to stdout: nothing is lost on a crash, and process.exit
  // never waits on a flush. (pino's asynchronous default flushes at exit; with
  // a reader that went away, that flush waited forever and a SIGTERM'd server
  // never exited.) A broken pipe turns logging off instead (pino's EPIPE filter).
  if (destination) return pino(options, destination);
  return pino(
    options,
    logFormatOf(config) === 'pretty'
      ? prettyDestination(1)
      : pino.destination({ dest: 1, sync: true }),
  );
}
