import type { RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { methodNotAllowed } from '../http/method-not-allowed.js';
import { buildOpenApiDocument } from '../openapi/document.js';

/** GET /openapi.json: generated on the first request, then served from memory. */
export function openApiJson(version: string): RequestHandler {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return (_req, res) => {
    document ??= buildOpenApiDocument(version);
    res.json(document);
  };
}

const onlyGet = methodNotAllowed(['GET']);

/**
 * /docs: Swagger UI over /openapi.json. `/docs` redirects to `/docs/` so the
 * page's relative asset URLs resolve under /docs/.
 */
export function docs(): RequestHandler[] {
  const options = { swaggerOptions: { url: '/openapi.json', tryItOutEnabled: false } };
  const gate: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      onlyGet(req, res, next);
      return;
    }
    if (req.originalUrl === '/docs' || req.originalUrl.startsWith('/docs?')) {
      res.redirect(301, `/docs/${req.originalUrl.slice('/docs'.length)}`);
      return;
    }
    next();
  };
  return [gate, ...swaggerUi.serveFiles(undefined, options), swaggerUi.setup(undefined, options)];
}
