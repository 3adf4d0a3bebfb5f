import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPgSqlClient, openPgliteSqlClient, type SqlClient } from '@signup/adapters';
import { describeWithPostgres, TEST_CONNECTION_TIMEOUT_MS } from '@signup/adapters/testing';

/** Where a suite's database lives, as the CLI sees it (env) and as the test reaches it (SQL). */
export interface Engine {
  readonly name: 'postgres' | 'pglite';
  /** The variables that point the CLI at this database. */
  env(): Record<string, string>;
  /**
   * Runs `fn` with a SQL client on the same database. On PGlite the client
   * holds DATA_DIR, so it is closed again before the CLI runs.
   */
  withSql<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
}

/** Runs `suite` on a fresh PostgreSQL database of its own (skipped with one line without one). */
export function describeOnPostgres(name: string, suite: (engine: () => Engine) => void): void {
  describeWithPostgres(`${name} (PostgreSQL)`, (getUrl) => {
    suite(() => ({
      name: 'postgres',
      env: () => ({ DATABASE_URL: getUrl() }),
      async withSql(fn) {
        const sql = createPgSqlClient({
          connectionString: getUrl(),
          poolMax: 4,
          statementTimeoutMs: 60_000,
          connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
        });
        try {
          return await fn(sql);
        } finally {
          await sql.close();
        }
      },
    }));
  });
}

/**
 * Runs `suite` on a fresh embedded DATA_DIR of its own. Every CLI run on
 * PGlite starts the embedded engine (about 2 s), so PGlite suites stay short.
 */
export function describeOnPglite(name: string, suite: (engine: () => Engine) => void): void {
  describe(`${name} (PGlite)`, () => {
    let dataDir = '';
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'signup-cli-'));
      // Creating the cluster (initdb) is the slow part of a first open: do it here, once.
      await (await openPgliteSqlClient({ dataDir })).close();
    });
    afterAll(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });
    suite(() => ({
      name: 'pglite',
      env: () => ({ DATA_DIR: dataDir }),
      async withSql(fn) {
        const sql = await openPgliteSqlClient({ dataDir });
        try {
          return await fn(sql);
        } finally {
          await sql.close();
        }
      },
    }));
  });
}

/** Runs `suite` once on PostgreSQL and once on PGlite. */
export function describeOnBothEngines(name: string, suite: (engine: () => Engine) => void): void {
  describeOnPostgres(name, suite);
  describeOnPglite(name, suite);
}
