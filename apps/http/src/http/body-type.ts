import type { Request, RequestHandler } from 'express';
import { httpProblems } from './http-problems.js';
import { sendProblem } from './problem.js';

/** A body is present when it is chunked or announces a non-zero length. */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** 415 for a body not of `types`; an absent or empty body passes. */
export function requireBodyType(types: string | string[]): RequestHandler {
  return (req, res, next) => {
    if (hasBody(req) && !req.is(types)) {
      sendProblem(res, httpProblems.unsupportedMediaType());
      return;
    }
    next();
  };
}
