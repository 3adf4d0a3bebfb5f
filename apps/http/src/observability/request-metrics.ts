import type { RequestHandler, Response } from 'express';
import type { Metrics } from './metrics.js';

const ROUTE_KEY = 'metricsRoute';

/** Names the route template for the duration histogram (bounded label values). */
export function recordRoute(template: string): RequestHandler {
  return (_req, res, next) => {
    res.locals[ROUTE_KEY] = template;
    next();
  };
}

/** The route template `recordRoute` named, `unmatched` before (or without) one. */
export function routeOf(res: Response): string {
  const route: unknown = res.locals[ROUTE_KEY];
  return typeof route === 'string' ? route : 'unmatched';
}

/** Observes every request's duration by route template, method and status. */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.requestDuration.startTimer();
    res.once('finish', () => {
      stop({ route: routeOf(res), method: req.method, status_code: String(res.statusCode) });
    });
    next();
  };
}
