import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '@signup/domain/testing';
import { json, runSignup } from './support/run-signup.js';

const COMMANDS = ['migrate', 'register', 'activate', 'resend', 'unlock', 'purge-expired', 'users'];
// SIGNUP_SECRET is required with DATABASE_URL: without it every run stops at the configuration.
const UNREACHABLE = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x',
  SIGNUP_SECRET: TEST_SECRET,
};

function expectOneErrorLine(stderr: string) {
  expect(stderr).toMatch(/^signup: \S.*\n$/);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe.concurrent('signup without a database: help, version, usage errors (exit 2)', () => {
  it('--help lists every command and the exit codes', async () => {
    const result = await runSignup(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(command);
    expect(result.stdout).toContain('--json');
    expect(result.stdout).toMatch(/Exit codes: 0 done, 1 refused/);
  });

  it('--version prints the package version', async () => {
    const result = await runSignup(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it.each([...COMMANDS, 'users list', 'users show'])(
    '%s --help has an example',
    async (command) => {
      const result = await runSignup([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Examples?:\n {2}\$ signup /);
    },
  );

  it('an unknown command is a usage error with a suggestion', async () => {
    const result = await runSignup(['regster', 'a@example.com']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^signup: unknown command 'regster'/);
    expect(result.stderr).toContain('register');
  });

  it('a missing argument is a usage error', async () => {
    const result = await runSignup(['activate', 'a@example.com']);
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr);
  });

  it.each([
    ['--password', 'hunter2hunter2'],
    ['--password=hunter2hunter2'],
    ['-p', 'hunter2hunter2'],
  ])(
    'refuses a password on the command line (%s) and says why, without repeating it',
    async (...flag) => {
      const result = await runSignup(['register', 'a@example.com', ...flag], { env: UNREACHABLE });
      expect(result.code).toBe(2);
      expectOneErrorLine(result.stderr);
      expect(result.stderr).toContain('process list');
      expect(result.stderr).toContain('--password-stdin');
      expect(result.stderr + result.stdout).not.toContain('hunter2hunter2');
    },
  );

  it('register without --password-stdin and without a terminal says how to give the password', async () => {
    const result = await runSignup(['register', 'a@example.com'], { env: UNREACHABLE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^signup: no password: pipe it with --password-stdin/);
  });

  it('--password-stdin with an empty stdin is a usage error', async () => {
    const result = await runSignup(['register', 'a@example.com', '--password-stdin'], {
      env: UNREACHABLE,
      input: '',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin is empty');
  });

  it.each(['10x', '24', '1.5h', '-1d', '7 days'])(
    'purge-expired --older-than %j is refused with what it expects',
    async (duration) => {
      const result = await runSignup(['purge-expired', '--older-than', duration], {
        env: UNREACHABLE,
      });
      expect(result.code).toBe(2);
      expectOneErrorLine(result.stderr);
      expect(result.stderr).toContain('expected a duration like 90s, 15m, 24h or 7d');
    },
  );

  it.each([
    ['purge-expired', '--batch-size', '0'],
    ['purge-expired', '--batch-size', 'lots'],
    ['users', 'list', '--limit', '-3'],
    ['users', 'list', '--status', 'deleted'],
  ])('bad option values are usage errors: %s %s %s', async (...args) => {
    const result = await runSignup(args, { env: UNREACHABLE });
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr);
  });

  it('a malformed email is a validation error (exit 2) before any connection', async () => {
    const result = await runSignup(['users', 'show', 'not-an-email', '--json'], {
      env: UNREACHABLE,
    });
    expect(result.code).toBe(2);
    expect(json(result)).toEqual({
      error: expect.objectContaining({
        code: 'validation_failed',
        errors: [expect.objectContaining({ path: 'email' })],
      }),
    });
  });

  it('bad configuration names every bad variable (exit 2)', async () => {
    const result = await runSignup(['users', 'list'], {
      env: { ...UNREACHABLE, BCRYPT_COST: '99', ACTIVATION_MAX_ATTEMPTS: 'many' },
    });
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr);
    expect(result.stderr).toContain('BCRYPT_COST');
    expect(result.stderr).toContain('ACTIVATION_MAX_ATTEMPTS');
  });

  it.each(['users list', 'migrate', 'unlock a@example.com', 'resend a@example.com'])(
    'DATABASE_URL without SIGNUP_SECRET: %s refuses to start with one line saying how to make one (exit 2)',
    async (command) => {
      const result = await runSignup(command.split(' '), {
        env: { DATABASE_URL: UNREACHABLE.DATABASE_URL },
      });
      expect(result.code).toBe(2);
      expectOneErrorLine(result.stderr);
      expect(result.stderr).toContain('SIGNUP_SECRET');
      expect(result.stderr).toContain('openssl rand -hex 32');
      expect(result.stdout).toBe('');
    },
  );

  it('a SIGNUP_SECRET shorter than 32 bytes is refused by name (exit 2)', async () => {
    const result = await runSignup(['users', 'list'], {
      env: { ...UNREACHABLE, SIGNUP_SECRET: 'too-short' },
    });
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr);
    expect(result.stderr).toContain('SIGNUP_SECRET');
    expect(result.stderr).not.toContain('too-short');
  });

  it('--json turns a usage error into one JSON document on stdout too', async () => {
    const result = await runSignup(['purge-expired', '--older-than', 'soon', '--json'], {
      env: UNREACHABLE,
    });
    expect(result.code).toBe(2);
    expect(json(result)).toEqual({ error: expect.objectContaining({ code: 'usage_error' }) });
  });
});

describe('signup with a database that cannot be reached (exit 3 within 5 s)', () => {
  let blackhole: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never says a word: a hung database.
    blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  it.each([
    'migrate',
    'users list',
    'purge-expired',
    'resend a@example.com',
    'activate a@example.com 1234',
  ])('connection refused: %s', async (command) => {
    const result = await runSignup(command.split(' '), { env: UNREACHABLE });
    expect(result.code).toBe(3);
    expectOneErrorLine(result.stderr);
    expect(result.stderr).toMatch(/database/i);
    expect(result.ms).toBeLessThan(5000);
  });

  it('register with the password on stdin: connection refused', async () => {
    const result = await runSignup(['register', 'a@example.com', '--password-stdin', '--json'], {
      env: UNREACHABLE,
      input: 'correct horse battery\n',
    });
    expect(result.code).toBe(3);
    expect(json(result)).toEqual({
      error: expect.objectContaining({ code: 'database_unavailable' }),
    });
    expect(result.ms).toBeLessThan(5000);
  });

  it('a database that accepts but never answers', async () => {
    const address = blackhole.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const result = await runSignup(['users', 'list'], {
      env: {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${address.port}/x`,
        SIGNUP_SECRET: TEST_SECRET,
      },
    });
    expect(result.code).toBe(3);
    expectOneErrorLine(result.stderr);
    expect(result.ms).toBeLessThan(5000);
  });
});
