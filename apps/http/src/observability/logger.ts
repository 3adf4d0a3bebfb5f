import type { Config } from '@signup/adapters';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Never written to a log line: credentials and session material. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'password',
  '*.password',
];

/** The root pino logger: JSON lines on stdout (or `destination`, for tests). */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'signup-http' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  // Synchronous writes to stdout: nothing is lost on a crash, and process.exit
  // never waits on a flush. (pino's asynchronous default flushes at exit; with
  // a reader that went away, that flush waited forever and a SIGTERM'd server
  // never exited.) A broken pipe turns logging off instead (pino's EPIPE filter).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
