import type { RequestHandler } from 'express';
import { httpProblems } from './http-problems.js';
import { sendProblem } from './problem.js';

/**
 * For a known path: OPTIONS answers 204 with `Allow`; any other unsupported
 * method gets 405 `method_not_allowed` with `Allow`.
 */
export function methodNotAllowed(methods: readonly string[]): RequestHandler {
  const allowed = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  return (req, res) => {
    res.setHeader('Allow', allowed);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendProblem(res, httpProblems.methodNotAllowed(req.method, methods));
  };
}

/** Unknown path. */
export const notFound: RequestHandler = (_req, res) => {
  sendProblem(res, httpProblems.notFound());
};
