import express, { type Express, type RequestHandler, type Router } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { errorHandler } from './http/error-handler.js';
import { livenessProbe } from './http/liveness-probe.js';
import { parseJsonBody, requireJsonBody } from './http/json-body.js';
import { methodNotAllowed, notFound } from './http/method-not-allowed.js';
import { rateLimit } from './http/rate-limit.js';
import { securityHeaders } from './http/security-headers.js';
import { requestLogging } from './observability/request-logging.js';
import { recordRoute, requestMetrics } from './observability/request-metrics.js';
import { shedMetrics } from './observability/shed-metrics.js';
import { activate, register, resend } from './routes/accounts.js';
import { docs, openApiJson } from './routes/docs.js';
import { health, livez, metrics, readyz } from './routes/operations.js';
import { TOKENS } from './tokens.js';
import { webPages } from './web/pages.js';

type Method = 'get' | 'post';

/** One path, its handlers by method; every other method gets 405 with Allow. */
function route(
  router: Router,
  path: string,
  methods: Partial<Record<Method, RequestHandler[]>>,
): void {
  const chain = router.route(path).all(recordRoute(path));
  for (const [method, handlers] of Object.entries(methods) as [Method, RequestHandler[]][]) {
    chain[method](...handlers);
  }
  chain.all(methodNotAllowed(Object.keys(methods).map((m) => m.toUpperCase())));
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** The Express application over the services of `container`. */
export function createApp(container: DependencyContainer): Express {
  const config = container.resolve(TOKENS.Config);
  const logger = container.resolve(TOKENS.Logger);
  const clock = container.resolve(TOKENS.Clock);
  const service = container.resolve(TOKENS.SignupService);
  const hasher = container.resolve(TOKENS.PasswordHasher);
  const { limiter } = container.resolve(TOKENS.RateLimit);
  const metricsRegistry = container.resolve(TOKENS.Metrics);
  const healthService = container.resolve(TOKENS.Health);
  const lifecycle = container.resolve(TOKENS.Lifecycle);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);

  app.set('etag', false);
  app.use(livenessProbe);
  app.use(requestLogging(logger));
  app.use(requestMetrics(metricsRegistry));
  app.use(securityHeaders());
  app.use((_req, res, next) => {
    if (lifecycle.shuttingDown) res.setHeader('Connection', 'close');
    next();
  });

  const deps = { service, hasher, metrics: metricsRegistry };
  // What every POST runs before reading its body: the API's and the web pages' (one budget).
  const guards: RequestHandler[] = [noStore, rateLimit(limiter, clock)];
  const post = (handler: RequestHandler) => [...guards, requireJsonBody, parseJsonBody, handler];
  const router = express.Router();
  route(router, '/api/v1/register', { post: post(register(deps)) });
  route(router, '/api/v1/activate', { post: post(activate(deps)) });
  route(router, '/api/v1/activation-code', { post: post(resend(deps)) });
  route(router, '/api/v1/health', { get: [noStore, health(healthService)] });
  route(router, '/livez', { get: [noStore, livez] });
  route(router, '/readyz', { get: [noStore, readyz(healthService)] });
  route(router, '/metrics', { get: [noStore, metrics(metricsRegistry)] });
  route(router, '/openapi.json', { get: [openApiJson(healthService.version)] });
  app.use(router);
  app.use(
    webPages({ service, metrics: metricsRegistry, clock, policy: config.activation, guards }),
  );
  app.use('/docs', recordRoute('/docs'), ...docs());

  app.use(notFound);
  app.use(shedMetrics(metricsRegistry));
  app.use(errorHandler);
  return app;
}
