import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

const ROUTE_KEY = 'metricsRoute';

/** Names the route template for the duration histogram (bounded label values). */
export function recordRoute(template: string): RequestHandler {
  return (_req, res, next) => {
    res.locals[ROUTE_KEY] = template;
    next();
  };
}

/** Observes every request's duration by route template, method and status. */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.requestDuration.startTimer();
    res.once('finish', () => {
      const route = typeof res.locals[ROUTE_KEY] === 'string' ? res.locals[ROUTE_KEY] : 'unmatched';
      stop({ route, method: req.method, status_code: String(res.statusCode) });
    });
    next();
  };
}
