import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../logger.js';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';

/** An applied migration file was edited afterwards: the schema no longer matches the files. */
export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration} was changed after it was applied (checksum mismatch). ` +
        'Applied migrations are immutable: restore the file and add a new migration instead.',
    );
  }
}

interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** packages/adapters/migrations: the same depth from src/postgres and dist/postgres. */
const DEFAULT_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any fixed 64-bit number, the same in every instance: "signup migrations". */
const LOCK_KEY = 7_460_113_501;

const TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name       text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}_[\w-]+\.sql$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => {
      // CRLF and LF checkouts of one file get the same checksum.
      const sql = (await readFile(join(dir, name), 'utf8')).replace(/\r\n/g, '\n');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

async function appliedChecksums(db: SqlExecutor): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; checksum: string }>(
    'SELECT name, checksum FROM schema_migrations',
  );
  return new Map(rows.map((r) => [r.name, r.checksum]));
}

/** Throws MigrationChecksumError for the first applied file whose content changed. */
function verify(files: readonly MigrationFile[], applied: ReadonlyMap<string, string>): void {
  for (const file of files) {
    const checksum = applied.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum)
      throw new MigrationChecksumError(file.name);
  }
}

/**
 * Applies the pending migrations in name order, all in one transaction, under
 * a transaction-scoped advisory lock on PostgreSQL: instances starting
 * together queue up, and the later ones find nothing left to do. PGlite has
 * a single connection and a data-dir lock, so it needs no advisory lock.
 */
export async function migrate(
  sql: SqlClient,
  logger: Logger = silentLogger,
  dir: string = DEFAULT_DIR,
): Promise<{ applied: string[] }> {
  const files = await readMigrations(dir);
  const applied = await sql.transaction(async (tx) => {
    if (sql.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(TABLE);
    const done = await appliedChecksums(tx);
    verify(files, done);
    const names: string[] = [];
    for (const file of files.filter((f) => !done.has(f.name))) {
      await tx.query(file.sql);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [
        file.name,
        file.checksum,
      ]);
      names.push(file.name);
    }
    return names;
  });
  if (applied.length) logger.info({ applied }, 'database migrations applied');
  return { applied };
}

/** Names of the migrations not yet applied, [] when up to date; throws MigrationChecksumError. */
export async function pendingMigrations(
  sql: SqlClient,
  dir: string = DEFAULT_DIR,
): Promise<string[]> {
  const files = await readMigrations(dir);
  const { rows } = await sql.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  if (!rows[0]?.exists) return files.map((f) => f.name);
  const done = await appliedChecksums(sql);
  verify(files, done);
  return files.filter((f) => !done.has(f.name)).map((f) => f.name);
}

/**
 * What this process knows of the schema, kept in memory so a readiness probe
 * reads no file and runs no query for it (file reads queue on libuv's thread
 * pool, behind bcrypt under load). Set by `migrate` (nothing pending after
 * it), or read once with `check`.
 */
export class MigrationStatus {
  private known: readonly string[] | undefined;

  constructor(
    private readonly sql: SqlClient,
    private readonly dir: string = DEFAULT_DIR,
  ) {}

  /** The pending migrations as last seen; undefined before the first `migrate` or `check`. No I/O. */
  get pending(): readonly string[] | undefined {
    return this.known;
  }

  /** Applies what is pending (see `migrate`); nothing is pending afterwards. */
  async migrate(logger: Logger = silentLogger): Promise<{ applied: string[] }> {
    const result = await migrate(this.sql, logger, this.dir);
    this.known = [];
    return result;
  }

  /** Reads the files and the database once and keeps the answer; throws MigrationChecksumError. */
  async check(): Promise<readonly string[]> {
    this.known = await pendingMigrations(this.sql, this.dir);
    return this.known;
  }
}
