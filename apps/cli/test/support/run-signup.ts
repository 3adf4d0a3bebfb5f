import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary, exactly as `npx signup` runs it. */
export const SIGNUP_BIN = fileURLToPath(new URL('../../bin/signup.js', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the whole process, start-up included. */
  readonly ms: number;
}

export interface RunOptions {
  /** The whole environment of the child (nothing is inherited but PATH). */
  readonly env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** Test defaults: a cheap bcrypt cost, nothing else set. */
export const BASE_ENV: Record<string, string> = { BCRYPT_COST: '4' };

/** Runs `node bin/signup.js ...args` as a child process and collects everything. */
export function runSignup(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = execFile(
      process.execPath,
      [SIGNUP_BIN, ...args],
      {
        env: { PATH: process.env.PATH ?? '', ...BASE_ENV, ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (_error, stdout, stderr) => {
        resolve({ code: child.exitCode, stdout, stderr, ms: performance.now() - started });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Parses stdout as the one JSON document --json promises. */
export function json<T = Record<string, unknown>>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** A fresh address per test, so no test depends on another's data. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}

/** The code in an activation email's plain text (console log or SMTP). */
export { activationCodeIn } from '@signup/testkit';
