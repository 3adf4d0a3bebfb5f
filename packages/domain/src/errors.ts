/**
 * Every refusal the domain can produce: one class each, with a stable
 * machine-readable `code`. No transport concept (HTTP status, exit code)
 * lives here: the apps map codes to their own vocabulary in one table each.
 */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `email`. */
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;

  /** The refusal as plain data, safe to show to the caller. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

export class EmailTakenError extends DomainError {
  readonly code = 'email_taken';
  constructor() {
    super('An active account already uses this email address.');
  }
}

/** A refusal that ends by itself: the caller may try again after `retryAfterSeconds`. */
export abstract class RetryLaterError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterSeconds: this.retryAfterSeconds };
  }
}

export class ResendTooSoonError extends RetryLaterError {
  readonly code = 'resend_too_soon';
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `A code was issued moments ago; try again in ${retryAfterSeconds} s.`);
  }
}

export class ActivationLockedError extends RetryLaterError {
  readonly code = 'activation_locked';
  constructor(
    retryAfterSeconds: number,
    readonly lockedUntil: Date,
  ) {
    super(
      retryAfterSeconds,
      `Too many wrong codes for this address: no new code until ${lockedUntil.toISOString()}.`,
    );
  }
  override toJSON() {
    return { ...super.toJSON(), lockedUntil: this.lockedUntil.toISOString() };
  }
}

export class MailQuotaExceededError extends RetryLaterError {
  readonly code = 'mail_quota_exceeded';
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      `This mailbox has had its activation emails for today; try again in ${retryAfterSeconds} s.`,
    );
  }
}

/** Too many wrong passwords for one address, from any mix of IPs (also for unknown addresses). */
export class PasswordAttemptsExceededError extends RetryLaterError {
  readonly code = 'rate_limited';
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      `Too many wrong passwords for this address; try again in ${retryAfterSeconds} s.`,
    );
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = 'invalid_credentials';
  constructor() {
    super('The email or password is not correct.');
  }
}

export class AlreadyActiveError extends DomainError {
  readonly code = 'already_active';
  constructor() {
    super('This account is already active.');
  }
}

export class ActivationCodeInvalidError extends DomainError {
  readonly code = 'activation_code_invalid';
  constructor(readonly attemptsRemaining: number) {
    super(`The activation code is not correct; ${attemptsRemaining} attempt(s) remaining.`);
  }
  override toJSON() {
    return { ...super.toJSON(), attemptsRemaining: this.attemptsRemaining };
  }
}

export class ActivationCodeExhaustedError extends DomainError {
  readonly code = 'activation_code_exhausted';
  constructor() {
    super('Too many wrong codes: this code is burned. Request a new one.');
  }
}

export class ActivationCodeExpiredError extends DomainError {
  readonly code = 'activation_code_expired';
  constructor() {
    super('The activation code has expired. Request a new one.');
  }
}

/** Operator paths (CLI) name an account directly; the HTTP API never reveals this. */
export class UserNotFoundError extends DomainError {
  readonly code = 'user_not_found';
  constructor() {
    super('No account exists for this email address.');
  }
}

export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  constructor(readonly errors: readonly FieldError[]) {
    super(
      `Invalid input: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`,
    );
  }
  override toJSON() {
    return { ...super.toJSON(), errors: this.errors };
  }
}

/**
 * Not a refusal: a dependency (database, SMTP) cannot be reached right now.
 * Adapters throw it; the apps answer 503 / exit 3.
 */
export class InfrastructureUnavailableError extends Error {
  readonly code = 'service_unavailable';
  constructor(
    readonly dependency: 'database' | 'smtp',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Every refusal class: the one list the `Refusal` and `RefusalCode` types derive from. */
export const REFUSALS = [
  EmailTakenError,
  ResendTooSoonError,
  ActivationLockedError,
  MailQuotaExceededError,
  PasswordAttemptsExceededError,
  InvalidCredentialsError,
  AlreadyActiveError,
  ActivationCodeInvalidError,
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  UserNotFoundError,
  ValidationError,
] as const;

export type Refusal = InstanceType<(typeof REFUSALS)[number]>;

/** Every refusal code, for exhaustive mapping tables in the apps. */
export type RefusalCode = Refusal['code'];

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof DomainError;
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
