import {
  ActivationLockedError,
  MailQuotaExceededError,
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
  EmailTakenError,
  ResendTooSoonError,
  ValidationError,
} from '@signup/domain';
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { BASIC_CHALLENGE } from '../http/basic-auth.js';
import { httpProblems } from '../http/http-problems.js';
import type { Problem } from '../http/problem.js';
import { INVALID_CREDENTIALS, problemForRefusal } from '../http/problem-mapping.js';
import { ProblemDetails } from './schemas.js';

type HeaderSpec = Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;

export const REQUEST_ID_HEADER_SPEC: HeaderSpec = {
  'X-Request-Id': {
    description:
      "The caller's X-Request-Id when it matches ^[A-Za-z0-9._-]{1,128}$, otherwise a generated UUID; also in every log line of the request",
    schema: { type: 'string' },
  },
};

export const RETRY_AFTER: HeaderSpec = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The examples are produced by the same code that answers, so they cannot drift. */
const example = (body: Problem) => ({ summary: body.title, value: body });
const refusal = (error: Parameters<typeof problemForRefusal>[0]) => problemForRefusal(error).body;

export const EXAMPLES = {
  validation_failed: refusal(
    new ValidationError([{ path: 'email', message: 'must be a valid email address' }]),
  ),
  malformed_json: httpProblems.malformedJson(),
  invalid_credentials: INVALID_CREDENTIALS.body,
  email_taken: refusal(new EmailTakenError()),
  already_active: refusal(new AlreadyActiveError()),
  resend_too_soon: refusal(new ResendTooSoonError(17)),
  activation_locked: refusal(new ActivationLockedError(120, new Date('2026-01-01T12:02:00.000Z'))),
  mail_quota_exceeded: refusal(new MailQuotaExceededError(3600)),
  activation_code_invalid: refusal(new ActivationCodeInvalidError(4)),
  activation_code_exhausted: refusal(new ActivationCodeExhaustedError()),
  activation_code_expired: refusal(new ActivationCodeExpiredError()),
  payload_too_large: httpProblems.payloadTooLarge(),
  headers_too_large: httpProblems.headersTooLarge(),
  unsupported_media_type: httpProblems.unsupportedMediaType(),
  method_not_allowed: httpProblems.methodNotAllowed('GET', ['POST']),
  not_found: httpProblems.notFound(),
  rate_limited: httpProblems.rateLimited(42),
  service_unavailable: httpProblems.serviceUnavailable(),
  overloaded: httpProblems.overloaded(1),
  internal_error: httpProblems.internalError(),
} satisfies Partial<Record<Problem['code'], Problem>>;

type ExampleCode = keyof typeof EXAMPLES;

/** A problem+json response documented with one example per code it can carry. */
export function problemResponse(
  description: string,
  codes: readonly ExampleCode[],
  headers: HeaderSpec = {},
): ResponseConfig {
  return {
    description,
    headers: { ...REQUEST_ID_HEADER_SPEC, ...headers },
    content: {
      'application/problem+json': {
        schema: ProblemDetails,
        examples: Object.fromEntries(codes.map((code) => [code, example(EXAMPLES[code])])),
      },
    },
  };
}

/** The problems every POST endpoint can produce besides its own refusals. */
export const COMMON_POST_PROBLEMS: Record<string, ResponseConfig> = {
  '405': problemResponse('Known path, wrong method', ['method_not_allowed'], {
    Allow: { description: 'The methods this path supports', schema: { type: 'string' } },
  }),
  '413': problemResponse('Request body over 16 KiB', ['payload_too_large']),
  '431': problemResponse(
    'Request headers over 16 KiB: answered before routing, with a fresh X-Request-Id; the connection is closed',
    ['headers_too_large'],
  ),
  '415': problemResponse('A request body that is not application/json', ['unsupported_media_type']),
  '500': problemResponse('Unexpected failure; no stack trace is ever returned', ['internal_error']),
  '503': problemResponse(
    'service_unavailable: the database is unreachable; overloaded: more than MAX_PENDING_HASHES ' +
      'password hashes are waiting, so the request was refused at once without being processed',
    ['service_unavailable', 'overloaded'],
    RETRY_AFTER,
  ),
};

export const UNAUTHORIZED = problemResponse(
  'Missing or malformed Authorization header, unknown email or wrong password: always this same answer',
  ['invalid_credentials'],
  {
    'WWW-Authenticate': { description: BASIC_CHALLENGE, schema: { type: 'string' } },
  },
);

const TOO_MANY_REASONS: Partial<Record<ExampleCode, string>> = {
  rate_limited:
    'rate_limited: more than RATE_LIMIT_PER_MINUTE POST requests from this client IP in the last minute, ' +
    'or (with Basic Auth) more than PASSWORD_FAILURES_PER_15_MINUTES wrong passwords for this address ' +
    'in the last 15 minutes from any IP, whether or not the address exists',
  resend_too_soon:
    'resend_too_soon: the last code was issued less than ACTIVATION_RESEND_COOLDOWN_SECONDS ago',
  activation_locked:
    'activation_locked: the address burned a code; no new code until lockedUntil ' +
    '(ACTIVATION_LOCKOUT_SECONDS x 2^(n-1) after the n-th burned code)',
  mail_quota_exceeded:
    'mail_quota_exceeded: the mailbox (the address without its +tag) had MAIL_PER_ADDRESS_PER_DAY ' +
    'activation emails in the last 24 hours; nothing was queued',
};

export const TOO_MANY = (codes: readonly ExampleCode[]) =>
  problemResponse(
    codes.map((code) => TOO_MANY_REASONS[code] ?? code).join('; '),
    codes,
    RETRY_AFTER,
  );
