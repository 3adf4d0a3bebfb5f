/** The CLI tests' one import: the engines, `signup` runs and their helpers. */
import type { Engine } from './engines.js';
import { runSignup, type RunOptions, type RunResult } from './run-signup.js';

export * from './engines.js';
export * from './run-signup.js';

/** `signup <args>` against `engine`'s database: its variables, then `env`, then the run's own. */
export function runOn(
  engine: () => Engine,
  env: Record<string, string> = {},
): (args: string[], options?: RunOptions) => Promise<RunResult> {
  return (args, options = {}) =>
    runSignup(args, { ...options, env: { ...engine().env(), ...env, ...options.env } });
}
