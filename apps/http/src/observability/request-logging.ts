import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
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

/** Lets the request's log line carry `error` (pino-http, and errorsOnly below, read `res.err`). */
export function attachErrorForLog(res: Response, error: unknown): void {
  (res as unknown as { err?: unknown }).err = error;
}

interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

/** How a request and a response appear in a log line, on both paths below. */
const requestForLog = (req: SerializedRequest) => ({
  id: req.id,
  method: req.method,
  url: pathForLog(req.url),
  headers: headersForLog(req.headers),
  remoteAddress: req.remoteAddress,
  remotePort: req.remotePort,
});
const responseForLog = (res: { statusCode: number }) => ({ statusCode: res.statusCode });
const messageFor = (req: { method?: string; url?: string }, res: { statusCode: number }) =>
  `${req.method} ${pathForLog(req.url)} ${res.statusCode}`;

/**
 * One JSON log line per request, carrying the request id that is also sent
 * back in X-Request-Id. Bodies are never logged; request headers only from
 * LOGGED_REQUEST_HEADERS (the root logger's redaction, see logger.ts, is a
 * second guard). The response is logged as its status only: its headers are
 * the same helmet set on every line (about 1.5 KiB each) and say nothing the
 * status does not.
 */
export function requestLogging(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) return errorsOnly(logger);
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: { req: requestForLog, res: responseForLog },
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdFor(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    customSuccessMessage: messageFor,
    customErrorMessage: messageFor,
  }) as RequestHandler;
}

/**
 * Above `info` (LOG_LEVEL=warn or error) only failed requests are logged, so
 * pino-http's per-request child logger and serializers would be pure cost:
 * set the request id and log a 5xx at `error`, as pino-http would.
 */
function errorsOnly(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFor(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      const { err } = res as unknown as { err?: unknown };
      logger.error(
        {
          requestId,
          req: { method: req.method, url: pathForLog(req.url) },
          res: responseForLog(res),
          err,
        },
        messageFor(req, res),
      );
    });
    next();
  };
}
