import type { Request, RequestHandler, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../http/problem.js';
import type { Html } from './html.js';

/** The page that tells `problem` on the route that met it (usually its form again, with messages). */
export type ProblemPage = (req: Request, problem: Problem) => Html;

const PAGE = 'webProblemPage';

function isProblemAnswer(res: Response, body: unknown): body is Problem {
  const type = res.getHeader('Content-Type');
  return (
    typeof type === 'string' &&
    type.startsWith(PROBLEM_CONTENT_TYPE) &&
    typeof body === 'object' &&
    body !== null &&
    'code' in body &&
    'status' in body
  );
}

/**
 * Makes `page` the answer to any problem this request ends with. The shared
 * middlewares of the API (the per-IP rate limit and its fail-closed 503, the
 * error handler with the one refusal table, overload shedding, body-parser
 * errors, 405) all answer through `sendProblem`, that is `res.json(problem)`
 * with the problem+json type; on a page route that call renders `page`
 * instead: the same status and Retry-After, an HTML body. So the pages run
 * those middlewares unchanged, by reference, and a change to one of them
 * reaches the pages too. A later call replaces `page` (the route-wide notice,
 * then the form's own page). The Basic challenge of a 401 is dropped: it
 * would open the browser's login dialog over a page that has its own form.
 */
export function answerProblemsWith(page: ProblemPage): RequestHandler {
  return (req, res, next) => {
    if (!(PAGE in res.locals)) {
      const json = res.json.bind(res);
      res.json = ((body: unknown) => {
        const render = res.locals[PAGE] as ProblemPage | undefined;
        if (!render || !isProblemAnswer(res, body)) return json(body);
        res.removeHeader('WWW-Authenticate');
        return res.status(body.status).type('html').send(render(req, body).text);
      }) as Response['json'];
    }
    res.locals[PAGE] = page;
    next();
  };
}
