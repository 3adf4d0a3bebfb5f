import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER, requestIdFor } from '../http/request-id.js';

/**
 * The path without its query string. The API takes no query parameters, so a
 * query only ever carries what a client put there by mistake (a code, a
 * password): it never reaches a log line.
 */
const pathForLog = (url: string | undefined = '') => url.split('?', 1)[0];

/**
 * The request headers a log line may carry: what helps to trace a request
 * and carries no credential. Everything else (Authorization, Cookie,
 * Proxy-Authorization, and any header not named here, whose content is
 * unknown) stays out of the logs.
 */
export const LOGGED_REQUEST_HEADERS = [
  'host',
  'user-agent',
  'accept',
  'content-type',
  'content-length',
  'origin',
  'referer',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
] as const;

/** The allowlisted headers; the Referer without its query or fragment (as the request path). */
function headersForLog(headers: Record<string, unknown>): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    logged[name] =
      name === 'referer' && typeof value === 'string' ? value.split(/[?#]/, 1)[0] : value;
  }
  return logged;
}

/** Lets the request's log line carry `err` (requestLogging reads `res.err`). */
export function attachErrorForLog(res: Response, error: unknown): void {
  (res as unknown as { err?: unknown }).err = error;
}

/**
 * One JSON log line per request, written when the response is done (or the
 * connection closed before it was): the request id that is also sent back
 * in X-Request-Id, the method, the path without its query, the headers of
 * LOGGED_REQUEST_HEADERS, the client's address, the status, the time taken
 * (`responseTime`, ms) and `err` when the request failed. Bodies are never
 * logged; the root logger's redaction (logger.ts) is a second guard. The
 * response is logged as its status only: its headers are the same helmet
 * set on every line. A 5xx is logged at `error`, a request the client left
 * before its answer at `warn`, the rest at `info`; with LOG_LEVEL above
 * `info` only those that are logged cost anything.
 *
 * Written here rather than with pino-http: its child logger and serializers
 * per request allocated about a third of the server's garbage under a flood
 * (sampling heap profile: 52 of 160 MB in 8 s), and the young-generation
 * collections that garbage costs were what the probes waited for.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = requestIdFor(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.once('close', () => {
      const { err } = res as unknown as { err?: unknown };
      const finished = res.writableFinished;
      const level =
        err !== undefined || res.statusCode >= 500 ? 'error' : finished ? 'info' : 'warn';
      if (!logger.isLevelEnabled(level)) return;
      const path = pathForLog(req.originalUrl ?? req.url);
      logger[level](
        {
          requestId,
          req: {
            id: requestId,
            method: req.method,
            url: path,
            headers: headersForLog(req.headers),
            remoteAddress: req.socket.remoteAddress,
            remotePort: req.socket.remotePort,
          },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(err === undefined ? {} : { err }),
          ...(finished ? {} : { aborted: true }),
        },
        finished
          ? `${req.method} ${path} ${res.statusCode}`
          : `${req.method} ${path}: the client left before the answer`,
      );
    });
    next();
  };
}
