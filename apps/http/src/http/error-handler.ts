import { HashingOverloadedError } from '@signup/adapters';
import { isRefusal } from '@signup/domain';
import type { ErrorRequestHandler } from 'express';
import { attachErrorForLog } from '../observability/request-logging.js';
import { httpProblems } from './http-problems.js';
import { sendProblem, type Problem } from './problem.js';
import { problemForRefusal, type ProblemResponse } from './problem-mapping.js';
import { isUnavailable } from './unavailable.js';

/** The shape of body-parser's errors (http-errors). */
interface ParserError {
  readonly type?: unknown;
  readonly status?: unknown;
}

function parserProblem(error: ParserError): Problem | null {
  const status = typeof error.status === 'number' ? error.status : 0;
  if (status < 400 || status >= 500) return null;
  switch (error.type) {
    case 'entity.too.large':
      return httpProblems.payloadTooLarge();
    case 'entity.parse.failed':
      return httpProblems.malformedJson();
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return httpProblems.unsupportedMediaType();
    default:
      return httpProblems.badRequest();
  }
}

/** Turns anything thrown while handling a request into a problem response. */
export function problemFor(error: unknown): ProblemResponse {
  if (isRefusal(error)) return problemForRefusal(error);
  if (error instanceof HashingOverloadedError) {
    return { body: httpProblems.overloaded(error.retryAfterSeconds), headers: {} };
  }
  if (isUnavailable(error)) return { body: httpProblems.serviceUnavailable(), headers: {} };
  const parsed = typeof error === 'object' && error !== null ? parserProblem(error) : null;
  return { body: parsed ?? httpProblems.internalError(), headers: {} };
}

/** The last middleware: problem+json for everything, never a stack trace in a body. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error as Error);
    return;
  }
  const { body, headers } = problemFor(error);
  if (body.status >= 500) attachErrorForLog(res, error);
  sendProblem(res, body, headers);
};
