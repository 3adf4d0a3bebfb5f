import { problem, type Problem } from './problem.js';

/** Seconds a client should wait before retrying when a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The problems of the HTTP layer itself (domain refusals are in problem-mapping.ts). */
export const httpProblems = {
  malformedJson: (): Problem =>
    problem('malformed_json', 400, 'Malformed JSON', 'The request body is not valid JSON.'),
  badRequest: (): Problem =>
    problem('bad_request', 400, 'Bad request', 'The request body could not be read.'),
  payloadTooLarge: (): Problem =>
    problem('payload_too_large', 413, 'Payload too large', 'The request body exceeds 16 KiB.'),
  headersTooLarge: (): Problem =>
    problem(
      'headers_too_large',
      431,
      'Request header fields too large',
      'The request headers exceed 16 KiB.',
    ),
  unsupportedMediaType: (): Problem =>
    problem(
      'unsupported_media_type',
      415,
      'Unsupported media type',
      'Send the request body as UTF-8 JSON with Content-Type: application/json.',
    ),
  notFound: (): Problem => problem('not_found', 404, 'Not found', 'There is nothing at this path.'),
  methodNotAllowed: (method: string, allowed: readonly string[]): Problem =>
    problem(
      'method_not_allowed',
      405,
      'Method not allowed',
      `${method} is not supported here; use ${allowed.join(' or ')}.`,
    ),
  rateLimited: (retryAfterSeconds: number): Problem =>
    problem(
      'rate_limited',
      429,
      'Too many requests',
      'Too many requests from this address; retry after the number of seconds in Retry-After.',
      { retryAfterSeconds },
    ),
  serviceUnavailable: (): Problem =>
    problem(
      'service_unavailable',
      503,
      'Service unavailable',
      'A dependency of the service is unreachable. Retry later.',
      { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS },
    ),
  overloaded: (retryAfterSeconds: number): Problem =>
    problem(
      'overloaded',
      503,
      'Overloaded',
      'Too many password checks are waiting; this request was not processed. Retry after the number of seconds in Retry-After.',
      { retryAfterSeconds },
    ),
  internalError: (): Problem =>
    problem(
      'internal_error',
      500,
      'Internal server error',
      'Something went wrong on our side. The X-Request-Id identifies it in our logs.',
    ),
};
