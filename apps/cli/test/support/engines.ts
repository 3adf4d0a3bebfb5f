import type { SqlClient } from '@signup/adapters';
import { pglite, postgres, type Engine as TestkitEngine } from '@signup/testkit';
import { describeOnEngines } from '@signup/testkit/vitest';
import { TEST_SECRET } from '@signup/domain/testing';

/** Where a suite's database lives, as the CLI sees it (env) and as the test reaches it (SQL). */
export interface Engine {
  readonly name: 'postgres' | 'pglite';
  /**
   * The variables that point the CLI at this database. With DATABASE_URL
   * they include SIGNUP_SECRET (required then); on PGlite the CLI generates
   * its own into DATA_DIR/signup-secret.
   */
  env(): Record<string, string>;
  /**
   * Runs `fn` with a SQL client on the same database. On PGlite the client
   * holds DATA_DIR, so it is closed again before the CLI runs.
   */
  withSql<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
}

/** `env` plus SIGNUP_SECRET when it names a DATABASE_URL (without one the CLI refuses to start). */
export function withSecret(env: Record<string, string>): Record<string, string> {
  return env.DATABASE_URL ? { SIGNUP_SECRET: TEST_SECRET, ...env } : env;
}

const LABEL = { postgres: 'PostgreSQL', pglite: 'PGlite' } as const;

/** Runs `suite` on each engine, over a fresh database of its own that the CLI migrates itself. */
function describeOn(
  engines: readonly TestkitEngine[],
  name: string,
  suite: (engine: () => Engine) => void,
): void {
  describeOnEngines(
    (engine) => `${name} (${LABEL[engine.name]})`,
    (database, engine) =>
      suite(() => ({
        name: engine.name,
        env: () => withSecret(database().env),
        withSql: (fn) => database().withSql(fn),
      })),
    { engines, migrated: false },
  );
}

/** Runs `suite` on a fresh PostgreSQL database of its own (skipped with one line without one). */
export const describeOnPostgres = (name: string, suite: (engine: () => Engine) => void) =>
  describeOn([postgres], name, suite);

/**
 * Runs `suite` on a fresh embedded DATA_DIR of its own. Every CLI run on
 * PGlite starts the embedded engine (about 2 s), so PGlite suites stay short.
 */
export const describeOnPglite = (name: string, suite: (engine: () => Engine) => void) =>
  describeOn([pglite], name, suite);

/** Runs `suite` once on PostgreSQL and once on PGlite. */
export const describeOnBothEngines = (name: string, suite: (engine: () => Engine) => void) =>
  describeOn([postgres, pglite], name, suite);
