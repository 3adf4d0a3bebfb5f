import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteSqlClient } from '../../src/embedded/pglite-sql-client.js';
import { migrate } from '../../src/postgres/migrations.js';
import type { SqlClient } from '../../src/sql/sql-client.js';

/** A migrated PGlite database in a fresh temp directory; `dispose` closes it and removes the directory. */
export async function openTempPglite(): Promise<{
  sql: SqlClient;
  dataDir: string;
  dispose(): Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signup-pglite-'));
  const sql = await openPgliteSqlClient({ dataDir });
  await migrate(sql);
  return {
    sql,
    dataDir,
    async dispose() {
      await sql.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'signup-pglite-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
