import { cp, readdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, MigrationChecksumError, pendingMigrations } from '../src/postgres/migrations.js';
import { createPgSqlClient } from '../src/postgres/pg-sql-client.js';
import {
  provisionTestDatabase,
  TEST_CONNECTION_TIMEOUT_MS,
  tempDir,
  type TestDatabase,
} from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';
import type { SqlClient } from '../src/sql/sql-client.js';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));

describeWithPostgres('migrations on PostgreSQL', (getUrl) => {
  const clients: SqlClient[] = [];
  const open = () => {
    const sql = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 2,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(sql);
    return sql;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('two instances migrating at once apply each migration exactly once', async () => {
    const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
    const [a, b] = [open(), open()];
    expect(await pendingMigrations(a)).toEqual(files);
    const results = await Promise.all([migrate(a), migrate(b)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files);
    const { rows } = await a.query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY name',
    );
    expect(rows.map((r) => r.name)).toEqual(files);
    expect(await pendingMigrations(b)).toEqual([]);
  });
});

// Its own database: this one gets an edited migration.
let edited: TestDatabase | undefined;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await edited?.drop();
  await dir.remove();
});

it.runIf(process.env.TEST_DATABASE_URL)(
  'an edited, already-applied migration is a clear error',
  async () => {
    const db = await provisionTestDatabase();
    if ('skip' in db) throw new Error(db.skip);
    edited = db;
    await cp(MIGRATIONS, dir.path, { recursive: true });
    const sql = createPgSqlClient({
      connectionString: db.url,
      poolMax: 1,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    try {
      await migrate(sql, undefined, dir.path);
      await appendFile(join(dir.path, '0002_outbox.sql'), '\n-- a harmless-looking edit\n');
      const error: unknown = await migrate(sql, undefined, dir.path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationChecksumError);
      expect((error as Error).message).toMatch(/0002_outbox\.sql was changed after it was applied/);
      await expect(pendingMigrations(sql, dir.path)).rejects.toBeInstanceOf(MigrationChecksumError);
      // a new file is fine once the edit is undone
      await cp(join(MIGRATIONS, '0002_outbox.sql'), join(dir.path, '0002_outbox.sql'));
      await writeFile(join(dir.path, '0099_extra.sql'), 'CREATE TABLE extra (id integer);');
      expect(await migrate(sql, undefined, dir.path)).toEqual({ applied: ['0099_extra.sql'] });
    } finally {
      await sql.close();
    }
  },
);
