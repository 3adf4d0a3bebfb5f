import type { RateLimiter } from '@signup/adapters';
import type { Clock } from '@signup/domain';
import type { RequestHandler } from 'express';
import { httpProblems } from './http-problems.js';
import { sendProblem } from './problem.js';

/**
 * RATE_LIMIT_PER_MINUTE per client IP, counted over all POST endpoints
 * together. `req.ip` honours TRUST_PROXY. No limiter (0): every request passes.
 */
export function rateLimit(limiter: RateLimiter | null, clock: Clock): RequestHandler {
  if (!limiter) return (_req, _res, next) => next();
  return async (req, res, next) => {
    const verdict = await limiter.consume(`ip:${req.ip ?? 'unknown'}`, clock.now());
    if (verdict.allowed) {
      next();
      return;
    }
    sendProblem(res, httpProblems.rateLimited(Math.max(1, Math.ceil(verdict.retryAfterSeconds))));
  };
}
