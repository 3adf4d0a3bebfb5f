import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { applyHeaders, strictSecurityHeaders } from './security-headers.js';

const BODY = JSON.stringify({ status: 'ok' });

/**
 * GET /livez ahead of the middleware stack: orchestrators call it every few
 * seconds, so it answers with no request log line, no metrics and no body
 * parsing, but with the same headers as every response (X-Request-Id, the
 * security headers, no-store). Other methods fall through to the router's 405.
 */
export const livenessProbe: RequestHandler = (req, res, next) => {
  if (req.method !== 'GET' || req.path !== '/livez') return next();
  res.setHeader(REQUEST_ID_HEADER, requestIdFor(req));
  applyHeaders(res, strictSecurityHeaders);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(BODY);
};
