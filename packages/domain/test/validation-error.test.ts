import { describe, expect, it } from 'vitest';
import {
  activationCodeSchema,
  emailSchema,
  parseField,
  parseOrRefuse,
  registrationSchema,
  ValidationError,
} from '../src/index.js';

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('ValidationError from the schemas', () => {
  it('parses valid input into its normalized form', () => {
    expect(
      parseOrRefuse(registrationSchema, { email: ' A@Example.com', password: 'e\u0301tait-12' }),
    ).toEqual({
      email: 'a@example.com',
      password: '\u00e9tait-12',
    });
  });

  it('names every offending field with its path', () => {
    const error = refusal(() =>
      parseOrRefuse(registrationSchema, { email: 'nope', password: 'short' }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { path: 'email', message: 'must be a valid email address' },
      { path: 'password', message: 'must be at least 8 characters' },
    ]);
    expect(error.message).toBe(
      'Invalid input: email: must be a valid email address; password: must be at least 8 characters',
    );
  });

  it('reports missing fields', () => {
    const error = refusal(() => parseOrRefuse(registrationSchema, {}));
    expect(error.errors.map((e) => e.path)).toEqual(['email', 'password']);
  });

  it('gives an empty path when the whole body is wrong', () => {
    const error = refusal(() => parseOrRefuse(registrationSchema, null));
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]?.path).toBe('');
    expect(error.message).toBe(`Invalid input: ${error.errors[0]?.message}`);
  });

  it('parseField puts a single value under its field name', () => {
    expect(parseField('code', activationCodeSchema, '0042')).toBe('0042');
    expect(parseField('email', emailSchema, ' X@Y.io ')).toBe('x@y.io');
    const error = refusal(() => parseField('code', activationCodeSchema, 1234));
    expect(error.errors).toEqual([{ path: 'code', message: 'must be a string' }]);
  });

  it('carries the field errors in toJSON', () => {
    const error = refusal(() => parseField('code', activationCodeSchema, '123'));
    expect(error.toJSON()).toEqual({
      code: 'validation_failed',
      message: 'Invalid input: code: must be exactly 4 digits',
      errors: [{ path: 'code', message: 'must be exactly 4 digits' }],
    });
  });
});
