import { assertNever, type Refusal, type RetryLaterError } from '@signup/domain';
import { BASIC_CHALLENGE } from './basic-auth.js';
import { problem, type Problem } from './problem.js';

export interface ProblemResponse {
  readonly body: Problem;
  readonly headers: Record<string, string>;
}

/**
 * The one answer to every credential failure (missing or malformed header,
 * unknown email, wrong password): the same status, headers and body, so the
 * endpoint does not tell which emails exist.
 */
export const INVALID_CREDENTIALS: ProblemResponse = Object.freeze({
  body: problem(
    'invalid_credentials',
    401,
    'Invalid credentials',
    'Send the email and password of the account with HTTP Basic authentication.',
  ),
  headers: { 'WWW-Authenticate': BASIC_CHALLENGE },
});

const plain = (body: Problem): ProblemResponse => ({ body, headers: {} });

/** 429 for a refusal that ends by itself, with its Retry-After. */
const retryLater = (
  refusal: Extract<Refusal, RetryLaterError>,
  title: string,
  extensions: Pick<Problem, 'lockedUntil'> = {},
): ProblemResponse =>
  plain(
    problem(refusal.code, 429, title, refusal.message, {
      retryAfterSeconds: refusal.retryAfterSeconds,
      ...extensions,
    }),
  );

/**
 * Domain refusal -> HTTP answer: the only place where refusals meet status
 * codes. Exhaustive: a new refusal in the domain fails to compile here.
 */
export function problemForRefusal(refusal: Refusal): ProblemResponse {
  switch (refusal.code) {
    case 'validation_failed':
      return plain(
        problem('validation_failed', 422, 'Validation failed', refusal.message, {
          errors: refusal.errors,
        }),
      );
    case 'invalid_credentials':
    case 'user_not_found': // operator-only; over HTTP it must not reveal that the email is unknown
      return INVALID_CREDENTIALS;
    case 'email_taken':
      return plain(problem('email_taken', 409, 'Email already registered', refusal.message));
    case 'already_active':
      return plain(problem('already_active', 409, 'Account already active', refusal.message));
    case 'resend_too_soon':
      return retryLater(refusal, 'Too soon for a new code');
    case 'activation_locked':
      return retryLater(refusal, 'Address locked after wrong codes', {
        lockedUntil: refusal.lockedUntil.toISOString(),
      });
    case 'mail_quota_exceeded':
      return retryLater(refusal, 'Mailbox has had its emails for today');
    case 'rate_limited': // wrong passwords for this address, from any IP: the per-IP limit's answer
      return retryLater(refusal, 'Too many requests');
    case 'activation_code_invalid':
      return plain(
        problem('activation_code_invalid', 400, 'Wrong activation code', refusal.message, {
          attemptsRemaining: refusal.attemptsRemaining,
        }),
      );
    case 'activation_code_exhausted':
      return plain(
        problem('activation_code_exhausted', 410, 'Activation code burned', refusal.message),
      );
    case 'activation_code_expired':
      return plain(
        problem('activation_code_expired', 410, 'Activation code expired', refusal.message),
      );
    default:
      return assertNever(refusal);
  }
}
