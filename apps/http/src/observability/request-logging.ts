import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { REQUEST_ID_HEADER, requestIdFor } from '../http/request-id.js';

/** How a response appears in a log line, on both paths below. */
const responseForLog = (res: { statusCode: number }) => ({ statusCode: res.statusCode });

/**
 * One JSON log line per request, carrying the request id that is also sent
 * back in X-Request-Id. Bodies are never logged; the Authorization and Cookie
 * headers are redacted by the root logger (see logger.ts). The response is
 * logged as its status only: its headers are the same helmet set on every
 * line (about 1.5 KiB each) and say nothing the status does not.
 */
export function requestLogging(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) return errorsOnly(logger);
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: { res: responseForLog },
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdFor(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
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
          req: { method: req.method, url: req.url },
          res: responseForLog(res),
          err,
        },
        `${req.method} ${req.url} ${res.statusCode}`,
      );
    });
    next();
  };
}
