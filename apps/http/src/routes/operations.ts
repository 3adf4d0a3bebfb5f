import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { httpProblems } from '../http/http-problems.js';
import { sendProblem } from '../http/problem.js';
import type { HealthService } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';
import type { Liveness, Readiness } from '../openapi/schemas.js';

/** GET /api/v1/health: 200 ok|degraded, 503 down. */
export function health(service: HealthService): RequestHandler {
  return async (_req, res) => {
    const report = await service.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  };
}

/** GET /livez: the process runs. */
export const livez: RequestHandler = (_req, res) => {
  const body: z.input<typeof Liveness> = { status: 'ok' };
  res.json(body);
};

/** GET /readyz: the database answers, migrations are applied, not shutting down. */
export function readyz(service: HealthService): RequestHandler {
  return async (_req, res) => {
    const readiness = await service.readiness();
    if (readiness.ready) {
      const body: z.input<typeof Readiness> = { status: 'ready' };
      res.json(body);
      return;
    }
    sendProblem(res, { ...httpProblems.serviceUnavailable(), detail: readiness.reason });
  };
}

/** GET /metrics: Prometheus text format. */
export function metrics(source: Metrics): RequestHandler {
  return async (_req, res) => {
    const text = await source.registry.metrics();
    res.type(source.registry.contentType).send(text);
  };
}
