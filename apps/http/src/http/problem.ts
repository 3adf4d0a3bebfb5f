import type { Response } from 'express';

/** Every machine-readable problem code the API can answer with (the OpenAPI enum too). */
export const PROBLEM_CODES = [
  'validation_failed',
  'malformed_json',
  'bad_request',
  'invalid_credentials',
  'email_taken',
  'already_active',
  'resend_too_soon',
  'activation_locked',
  'mail_quota_exceeded',
  'activation_code_invalid',
  'activation_code_exhausted',
  'activation_code_expired',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'headers_too_large',
  'unsupported_media_type',
  'rate_limited',
  'service_unavailable',
  'overloaded',
  'internal_error',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** RFC 9457 problem details, plus our stable `code` and a few typed extensions. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly errors?: readonly { path: string; message: string }[];
  readonly attemptsRemaining?: number;
  readonly retryAfterSeconds?: number;
  /** activation_locked: when the mailbox may get a new code again (ISO-8601). */
  readonly lockedUntil?: string;
}

/** Non-resolvable, stable problem type URIs (RFC 9457 section 3.1.1 suggests tag URIs). */
export function problemType(code: ProblemCode): string {
  return `tag:signup,2026:problem:${code}`;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(
  code: ProblemCode,
  status: number,
  title: string,
  detail: string,
  extensions: Pick<
    Problem,
    'errors' | 'attemptsRemaining' | 'retryAfterSeconds' | 'lockedUntil'
  > = {},
): Problem {
  return { type: problemType(code), title, status, detail, code, ...extensions };
}

/** Writes the problem with its status, media type and, when it has one, Retry-After. */
export function sendProblem(
  res: Response,
  body: Problem,
  headers: Record<string, string> = {},
): void {
  if (body.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(body.retryAfterSeconds));
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).json(body);
}
