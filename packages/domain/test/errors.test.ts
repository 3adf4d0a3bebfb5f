import { describe, expect, it } from 'vitest';
import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  ActivationLockedError,
  AlreadyActiveError,
  assertNever,
  DomainError,
  EmailTakenError,
  InfrastructureUnavailableError,
  InvalidCredentialsError,
  isRefusal,
  MailQuotaExceededError,
  PasswordAttemptsExceededError,
  REFUSALS,
  ResendTooSoonError,
  UserNotFoundError,
  ValidationError,
  type Refusal,
  type RefusalCode,
} from '../src/index.js';

const LOCKED_UNTIL = new Date('2026-03-01T12:01:00.000Z');

/** One instance of every refusal the domain can produce. */
const refusals: Refusal[] = [
  new EmailTakenError(),
  new ResendTooSoonError(17),
  new ActivationLockedError(60, LOCKED_UNTIL),
  new MailQuotaExceededError(3600),
  new PasswordAttemptsExceededError(900),
  new InvalidCredentialsError(),
  new AlreadyActiveError(),
  new ActivationCodeInvalidError(3),
  new ActivationCodeExhaustedError(),
  new ActivationCodeExpiredError(),
  new UserNotFoundError(),
  new ValidationError([{ path: 'email', message: 'must be a valid email address' }]),
];

/** Fails to compile when a refusal code is added or removed without updating this map. */
const everyCode: Record<RefusalCode, true> = {
  email_taken: true,
  resend_too_soon: true,
  activation_locked: true,
  mail_quota_exceeded: true,
  rate_limited: true,
  invalid_credentials: true,
  already_active: true,
  activation_code_invalid: true,
  activation_code_exhausted: true,
  activation_code_expired: true,
  user_not_found: true,
  validation_failed: true,
};

describe('refusals', () => {
  it('have stable codes', () => {
    expect(refusals.map((r) => r.code)).toMatchInlineSnapshot(`
      [
        "email_taken",
        "resend_too_soon",
        "activation_locked",
        "mail_quota_exceeded",
        "rate_limited",
        "invalid_credentials",
        "already_active",
        "activation_code_invalid",
        "activation_code_exhausted",
        "activation_code_expired",
        "user_not_found",
        "validation_failed",
      ]
    `);
    expect(refusals.map((r) => r.code).sort()).toEqual(Object.keys(everyCode).sort());
    // The list the Refusal type derives from holds exactly these classes.
    expect(refusals.map((r) => r.constructor)).toEqual([...REFUSALS]);
  });

  it('are domain errors and real Errors with a message', () => {
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toBeInstanceOf(Error);
      expect(isRefusal(refusal)).toBe(true);
      expect(refusal.message.length).toBeGreaterThan(10);
      expect(refusal.toJSON()).toMatchObject({ code: refusal.code, message: refusal.message });
    }
  });

  it('carry their extra fields in toJSON', () => {
    expect(new ResendTooSoonError(17).toJSON()).toEqual({
      code: 'resend_too_soon',
      message: 'A code was issued moments ago; try again in 17 s.',
      retryAfterSeconds: 17,
    });
    expect(new ActivationLockedError(60, LOCKED_UNTIL).toJSON()).toEqual({
      code: 'activation_locked',
      message: 'Too many wrong codes for this address: no new code until 2026-03-01T12:01:00.000Z.',
      retryAfterSeconds: 60,
      lockedUntil: '2026-03-01T12:01:00.000Z',
    });
    expect(new MailQuotaExceededError(3600).toJSON()).toEqual({
      code: 'mail_quota_exceeded',
      message: 'This mailbox has had its activation emails for today; try again in 3600 s.',
      retryAfterSeconds: 3600,
    });
    expect(new PasswordAttemptsExceededError(900).toJSON()).toEqual({
      code: 'rate_limited',
      message: 'Too many wrong passwords for this address; try again in 900 s.',
      retryAfterSeconds: 900,
    });
    expect(new ActivationCodeInvalidError(3).toJSON()).toEqual({
      code: 'activation_code_invalid',
      message: 'The activation code is not correct; 3 attempt(s) remaining.',
      attemptsRemaining: 3,
    });
    expect(
      new ValidationError([{ path: 'code', message: 'must be exactly 4 digits' }]).toJSON(),
    ).toEqual({
      code: 'validation_failed',
      message: 'Invalid input: code: must be exactly 4 digits',
      errors: [{ path: 'code', message: 'must be exactly 4 digits' }],
    });
    expect(new EmailTakenError().toJSON()).toEqual({
      code: 'email_taken',
      message: 'An active account already uses this email address.',
    });
  });

  it('survive JSON.stringify as their plain data', () => {
    expect(JSON.parse(JSON.stringify(new ActivationCodeInvalidError(0)))).toEqual({
      code: 'activation_code_invalid',
      message: 'The activation code is not correct; 0 attempt(s) remaining.',
      attemptsRemaining: 0,
    });
  });

  it('never tell a wrong password from an unknown email', () => {
    expect(new InvalidCredentialsError().message).toBe('The email or password is not correct.');
  });
});

describe('InfrastructureUnavailableError', () => {
  it('is not a refusal, names its dependency and keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new InfrastructureUnavailableError('database', 'database unreachable', { cause });
    expect(error.code).toBe('service_unavailable');
    expect(error.dependency).toBe('database');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('database unreachable');
    expect(isRefusal(error)).toBe(false);
    expect(new InfrastructureUnavailableError('smtp', 'smtp down').cause).toBeUndefined();
  });

  it('isRefusal refuses anything else', () => {
    for (const value of [new Error('x'), 'email_taken', { code: 'email_taken' }, null, undefined]) {
      expect(isRefusal(value)).toBe(false);
    }
  });
});

describe('assertNever', () => {
  it('throws for a value the types said could not exist', () => {
    expect(() => assertNever('surprise' as never)).toThrow('Unexpected value: surprise');
  });
});
