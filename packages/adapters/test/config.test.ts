import { defaultActivationPolicy } from '@signup/domain';
import { TEST_SECRET } from '@signup/domain/testing';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeConfig,
  loadSharedConfig,
  parseEnv,
  sharedVariables,
  SIGNUP_SECRET_MIN_BYTES,
} from '../src/config/config.js';

const DATABASE_URL = 'postgres://signup:db-password@127.0.0.1:5432/signup';

/** What loading `env` refused: the ConfigError, or a failure when it was accepted. */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadSharedConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

const variablesOf = (error: ConfigError) => error.issues.map((i) => i.variable);

describe('SIGNUP_SECRET', () => {
  it('is required with DATABASE_URL: the error names it and how to make one', () => {
    for (const secret of [undefined, '']) {
      const error = refusal({ DATABASE_URL, SIGNUP_SECRET: secret });
      expect(variablesOf(error)).toEqual(['SIGNUP_SECRET']);
      expect(error.message).toContain('SIGNUP_SECRET');
      expect(error.message).toContain('openssl rand -hex 32');
    }
  });

  it('is optional on the embedded database (generated into DATA_DIR instead)', () => {
    const config = loadSharedConfig({ DATA_DIR: '/tmp/somewhere' });
    expect(config.secret).toEqual({ current: undefined, previous: undefined });
  });

  it('is at least 32 bytes: 31 refused, 32 accepted (bytes, not characters)', () => {
    expect(SIGNUP_SECRET_MIN_BYTES).toBe(32);
    const error = refusal({ DATABASE_URL, SIGNUP_SECRET: 'x'.repeat(31) });
    expect(variablesOf(error)).toEqual(['SIGNUP_SECRET']);
    expect(error.message).toMatch(/at least 32 bytes/);
    expect(error.message).toContain('openssl rand -hex 32');
    expect(error.message).not.toContain('x'.repeat(31)); // the rejected secret is not echoed

    const exact = 'y'.repeat(32);
    expect(loadSharedConfig({ DATABASE_URL, SIGNUP_SECRET: exact }).secret.current).toBe(exact);

    // 'é' is two bytes in UTF-8: 16 of them are 32 bytes, 15 and an ASCII letter 31
    expect(loadSharedConfig({ SIGNUP_SECRET: 'é'.repeat(16) }).secret.current).toBe('é'.repeat(16));
    expect(variablesOf(refusal({ SIGNUP_SECRET: `${'é'.repeat(15)}a` }))).toEqual([
      'SIGNUP_SECRET',
    ]);
  });

  it('SIGNUP_SECRET_PREVIOUS is read for rotation and held to the same length', () => {
    const previous = 'p'.repeat(40);
    const config = loadSharedConfig({
      DATABASE_URL,
      SIGNUP_SECRET: TEST_SECRET,
      SIGNUP_SECRET_PREVIOUS: previous,
    });
    expect(config.secret).toEqual({ current: TEST_SECRET, previous });
    const error = refusal({
      DATABASE_URL,
      SIGNUP_SECRET: TEST_SECRET,
      SIGNUP_SECRET_PREVIOUS: 'p'.repeat(31),
    });
    expect(variablesOf(error)).toEqual(['SIGNUP_SECRET_PREVIOUS']);
  });
});

describe('the limits of proof of email control', () => {
  it('default to 60 s lockout, no cap, 10 emails a day, 10 wrong passwords per 15 minutes', () => {
    const { activation } = loadSharedConfig({});
    expect(activation.lockoutSeconds).toBe(60);
    expect(activation.lockoutMaxSeconds).toBeNull();
    expect(activation.mailPerMailboxPerDay).toBe(10);
    expect(activation.passwordFailuresPer15Minutes).toBe(10);
    expect(activation).toEqual(defaultActivationPolicy);
  });

  it('parse the values given', () => {
    const { activation } = loadSharedConfig({
      ACTIVATION_LOCKOUT_SECONDS: '1',
      ACTIVATION_LOCKOUT_MAX_SECONDS: '3600',
      MAIL_PER_ADDRESS_PER_DAY: ' 1000000 ',
      PASSWORD_FAILURES_PER_15_MINUTES: '3',
    });
    expect(activation).toMatchObject({
      lockoutSeconds: 1,
      lockoutMaxSeconds: 3600,
      mailPerMailboxPerDay: 1_000_000, // the edge: the largest allowed
      passwordFailuresPer15Minutes: 3,
    });
  });

  it.each([
    ['ACTIVATION_LOCKOUT_SECONDS', ['0', '-1', '1.5', 'sixty', '31536001']],
    ['ACTIVATION_LOCKOUT_MAX_SECONDS', ['0', '-5', '1e3', 'none']],
    ['MAIL_PER_ADDRESS_PER_DAY', ['0', '1000001', '2.5', 'ten']],
    ['PASSWORD_FAILURES_PER_15_MINUTES', ['0', '1000001', '-1', 'x']],
  ])('%s refuses bad values', (variable, values) => {
    for (const value of values) {
      const error = refusal({ [variable]: value });
      expect(variablesOf(error), `${variable}=${value}`).toEqual([variable]);
      expect(error.message).toMatch(/must be/);
    }
  });

  it('one ConfigError names every bad variable, the missing secret included', () => {
    const error = refusal({
      DATABASE_URL,
      ACTIVATION_LOCKOUT_SECONDS: '0',
      MAIL_PER_ADDRESS_PER_DAY: 'many',
    });
    expect(variablesOf(error).sort()).toEqual(
      ['ACTIVATION_LOCKOUT_SECONDS', 'MAIL_PER_ADDRESS_PER_DAY', 'SIGNUP_SECRET'].sort(),
    );
  });

  it('parseEnv over sharedVariables and an app variable of its own applies the same rules', () => {
    const variables = { ...sharedVariables };
    expect(() => parseEnv(variables, { DATABASE_URL })).toThrow(ConfigError);
    const parsed = parseEnv(variables, { DATABASE_URL, SIGNUP_SECRET: TEST_SECRET });
    expect(parsed.SIGNUP_SECRET).toBe(TEST_SECRET);
    expect(parsed.ACTIVATION_LOCKOUT_MAX_SECONDS ?? null).toBeNull();
    // A host without SIGNUP_SECRET among its variables is not asked for it.
    const withoutSecret = { DATABASE_URL: sharedVariables.DATABASE_URL };
    expect(parseEnv(withoutSecret, { DATABASE_URL }).DATABASE_URL).toBe(DATABASE_URL);
  });
});

describe('describeConfig', () => {
  it('masks both secrets and the database password, never printing their text', () => {
    const previous = 'previous-secret-rotated-out-0123456789abcdef';
    const config = loadSharedConfig({
      DATABASE_URL,
      SIGNUP_SECRET: TEST_SECRET,
      SIGNUP_SECRET_PREVIOUS: previous,
      SMTP_URL: 'smtp://mailer:smtp-password@127.0.0.1:2525',
    });
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    expect(described.secret).toEqual({ current: '***', previous: '***' });
    for (const secret of [TEST_SECRET, previous, 'db-password', 'smtp-password']) {
      expect(text).not.toContain(secret);
    }
    expect(described.database.databaseUrl).toBe('postgres://signup:***@127.0.0.1:5432/signup');
    expect(described.activation).toEqual(config.activation);
    // the config itself is untouched
    expect(config.secret.current).toBe(TEST_SECRET);
  });

  it('leaves an unset secret unset (nothing to mask)', () => {
    expect(describeConfig(loadSharedConfig({})).secret).toEqual({
      current: undefined,
      previous: undefined,
    });
  });
});
