import type { RateLimiter } from '@signup/adapters';
import type { Clock } from '@signup/domain';
import type { RequestHandler } from 'express';
import { attachErrorForLog } from '../observability/request-logging.js';
import { clientKey } from './client-key.js';
import { httpProblems } from './http-problems.js';
import { sendProblem } from './problem.js';

/**
 * RATE_LIMIT_PER_MINUTE per client (an IPv4 address, an IPv6 /64), counted
 * over all POST endpoints together. `req.ip` honours TRUST_PROXY. No limiter
 * (0): every request passes. Fails closed: when the limiter's store cannot
 * answer, the request gets 503 service_unavailable with Retry-After, never a
 * free pass.
 */
export function rateLimit(limiter: RateLimiter | null, clock: Clock): RequestHandler {
  if (!limiter) return (_req, _res, next) => next();
  return async (req, res, next) => {
    let verdict;
    try {
      verdict = await limiter.consume(clientKey(req.ip), clock.now());
    } catch (error) {
      attachErrorForLog(res, error);
      sendProblem(res, httpProblems.serviceUnavailable());
      return;
    }
    if (verdict.allowed) {
      next();
      return;
    }
    sendProblem(res, httpProblems.rateLimited(Math.max(1, Math.ceil(verdict.retryAfterSeconds))));
  };
}
