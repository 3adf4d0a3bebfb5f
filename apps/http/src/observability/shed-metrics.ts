import { HashingOverloadedError } from '@signup/adapters';
import type { ErrorRequestHandler } from 'express';
import type { Metrics } from './metrics.js';
import { routeOf } from './request-metrics.js';

/**
 * Counts requests shed because password hashing is at capacity
 * (`signup_requests_shed_total{route}`), then hands the error on to the
 * error handler, which answers 503 `overloaded`.
 */
export function shedMetrics(metrics: Metrics): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (error instanceof HashingOverloadedError) metrics.shed.inc({ route: routeOf(res) });
    next(error);
  };
}
