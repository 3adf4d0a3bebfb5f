/** The logging the adapters need: a subset of pino's API, so a pino logger fits. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * What every app's pino logger censors (pino's `redact` option): credentials
 * and session material never reach a log line, whichever app writes it.
 */
export const LOG_REDACTION = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["proxy-authorization"]',
    'res.headers["set-cookie"]',
    'headers.authorization',
    'password',
    '*.password',
  ],
  censor: '[redacted]',
};
