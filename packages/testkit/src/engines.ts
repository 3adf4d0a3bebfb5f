import { createPgSqlClient, migrate, openPgliteSqlClient, type SqlClient } from '@signup/adapters';
import { pgliteDirectory } from './pglite.js';
import {
  provisionTestDatabase,
  TEST_CONNECTION_TIMEOUT_MS,
  testDatabaseSource,
} from './postgres.js';

export type EngineName = 'pglite' | 'postgres';

/** One test's database on one engine: how the service finds it, and its disposal. */
export interface EngineDatabase {
  readonly engine: EngineName;
  /** The variables that point the server or the CLI at it: DATA_DIR or DATABASE_URL. */
  readonly env: Record<string, string>;
  /**
   * Runs `fn` with a SQL client of its own on the database, closed after (on
   * PGlite it holds DATA_DIR meanwhile: nothing else may have it open).
   */
  withSql<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Drops the database (PostgreSQL) or removes its directory (PGlite). */
  dispose(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** One line saying why this engine cannot run here, or null. */
  readonly skip: string | null;
  /**
   * A database of its own. `migrated` by default on PGlite (a copy of a
   * migrated template: initdb and the migrations take seconds), not on
   * PostgreSQL (the service migrates at start); say it to have it either way.
   */
  open(options?: { migrated?: boolean }): Promise<EngineDatabase>;
}

async function withClient<T>(open: () => Promise<SqlClient>, fn: (sql: SqlClient) => Promise<T>) {
  const sql = await open();
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

/** PGlite in a temp directory of its own, removed afterwards. */
export const pglite: Engine = {
  name: 'pglite',
  skip: null,
  async open(options) {
    const { dataDir, dispose } = await pgliteDirectory(options);
    return {
      engine: 'pglite',
      env: { DATA_DIR: dataDir },
      withSql: (fn) => withClient(() => openPgliteSqlClient({ dataDir }), fn),
      dispose,
    };
  },
};

const source = testDatabaseSource();

/**
 * PostgreSQL: a database of its own on TEST_DATABASE_URL's server, else in a
 * container (@testcontainers/postgresql), else skipped (`skip` says why).
 */
export const postgres: Engine = {
  name: 'postgres',
  skip: 'skip' in source ? source.skip : null,
  async open(options) {
    const database = await provisionTestDatabase();
    if ('skip' in database) throw new Error(database.skip);
    const connect = () =>
      Promise.resolve(
        createPgSqlClient({
          connectionString: database.url,
          poolMax: 4,
          statementTimeoutMs: 60_000,
          connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
        }),
      );
    if (options?.migrated) await withClient(connect, (sql) => migrate(sql));
    return {
      engine: 'postgres',
      env: { DATABASE_URL: database.url },
      withSql: (fn) => withClient(connect, fn),
      dispose: () => database.drop(),
    };
  },
};

/** The engine matrix: every test over it runs once per engine. */
export const ENGINES: readonly Engine[] = [pglite, postgres];
