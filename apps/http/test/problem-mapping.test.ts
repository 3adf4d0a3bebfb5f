import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
  EmailTakenError,
  InfrastructureUnavailableError,
  InvalidCredentialsError,
  ResendTooSoonError,
  UserNotFoundError,
  ValidationError,
  type Refusal,
} from '@signup/domain';
import { describe, expect, it } from 'vitest';
import { problemFor } from '../src/http/error-handler.js';
import { problemForRefusal, INVALID_CREDENTIALS } from '../src/http/problem-mapping.js';

describe('problemForRefusal: the one refusal -> status table', () => {
  it.each<[Refusal, number]>([
    [new ValidationError([{ path: 'email', message: 'bad' }]), 422],
    [new InvalidCredentialsError(), 401],
    [new UserNotFoundError(), 401],
    [new EmailTakenError(), 409],
    [new AlreadyActiveError(), 409],
    [new ResendTooSoonError(12), 429],
    [new ActivationCodeInvalidError(3), 400],
    [new ActivationCodeExhaustedError(), 410],
    [new ActivationCodeExpiredError(), 410],
  ])('%s -> %i', (refusal, status) => {
    const { body } = problemForRefusal(refusal);
    expect(body.status).toBe(status);
    expect(body.type).toMatch(/^tag:signup,2026:problem:/);
    expect(body.title).not.toBe('');
    expect(body.detail).not.toBe('');
  });

  it('keeps the code of the refusal, except user_not_found which must not be revealed', () => {
    expect(problemForRefusal(new EmailTakenError()).body.code).toBe('email_taken');
    expect(problemForRefusal(new UserNotFoundError())).toBe(INVALID_CREDENTIALS);
  });

  it('adds the typed extensions', () => {
    expect(problemForRefusal(new ActivationCodeInvalidError(3)).body.attemptsRemaining).toBe(3);
    expect(problemForRefusal(new ResendTooSoonError(12)).body.retryAfterSeconds).toBe(12);
    expect(
      problemForRefusal(new ValidationError([{ path: 'code', message: 'x' }])).body.errors,
    ).toEqual([{ path: 'code', message: 'x' }]);
  });

  it('challenges for Basic credentials on 401', () => {
    expect(problemForRefusal(new InvalidCredentialsError()).headers).toEqual({
      'WWW-Authenticate': 'Basic realm="signup", charset="UTF-8"',
    });
  });
});

describe('problemFor: everything else', () => {
  it('maps an unreachable dependency to 503 with a retry hint', () => {
    const { body } = problemFor(new InfrastructureUnavailableError('database', 'down'));
    expect(body).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(body.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    new Error('Connection terminated unexpectedly'),
  ])('maps a raw connection failure to 503: %s', (error) => {
    expect(problemFor(error).body.status).toBe(503);
  });

  it('maps anything unknown to a 500 that leaks nothing', () => {
    const { body } = problemFor(new TypeError('secret internals at line 42'));
    expect(body).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(problemFor('a string').body.status).toBe(500);
    expect(problemFor(null).body.status).toBe(500);
  });
});
