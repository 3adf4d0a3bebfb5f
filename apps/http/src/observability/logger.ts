import { LOG_REDACTION, type LogLevel } from '@signup/adapters';
import { pino, type DestinationStream, type Logger } from 'pino';

/** The root pino logger: JSON lines on stdout (or `destination`, for tests). */
export function createLogger(
  config: { readonly logLevel: LogLevel },
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
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
