import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { aRegistration } from '@signup/domain/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSharedConfig } from '../src/config/config.js';
import { DataDirInUseError, LOCK_FILE } from '../src/embedded/data-dir-lock.js';
import { openPgliteSqlClient } from '../src/embedded/pglite-sql-client.js';
import { migrate, pendingMigrations } from '../src/postgres/migrations.js';
import { PgUserRepository } from '../src/postgres/pg-user-repository.js';
import { openSqlClient } from '../src/infrastructure.js';
import { PgOutbox } from '../src/postgres/pg-outbox.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { measureCreates } from './support/register-cost.js';
import { tempDir } from '@signup/testkit';

/** These tests share one data directory in order: opening a fresh PGlite costs seconds. */
describe('embedded PGlite store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sql: SqlClient;
  const registration = aRegistration({ email: `o'brien+"x";--@example.test` });

  beforeAll(async () => {
    dir = await tempDir();
    sql = await openSqlClient(loadSharedConfig({ DATA_DIR: dir.path }).database);
  });
  afterAll(async () => {
    await sql?.close();
    await dir?.remove();
  });

  it('openSqlClient without DATABASE_URL opens PGlite in DATA_DIR and migrates it', async () => {
    expect(sql.engine).toBe('pglite');
    expect((await pendingMigrations(sql)).length).toBeGreaterThan(0);
    expect((await migrate(sql)).applied.length).toBeGreaterThan(0);
    expect(await pendingMigrations(sql)).toEqual([]);
    expect((await migrate(sql)).applied).toEqual([]);
  });

  it('a second open of the same data directory is refused with DataDirInUseError', async () => {
    const error: unknown = await openPgliteSqlClient({ dataDir: dir.path }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as DataDirInUseError).pid).toBe(process.pid);
    expect((error as Error).message).toContain(dir.path);
  });

  it('another process opening the same data directory is refused too', () => {
    // The built lock module (npm test builds first), run in a separate node process.
    const lockModule = new URL('../dist/embedded/data-dir-lock.js', import.meta.url).href;
    const script = `import { acquireDataDirLock } from ${JSON.stringify(lockModule)};
      try { acquireDataDirLock(${JSON.stringify(dir.path)}); console.log('acquired'); }
      catch (e) { console.log(e.constructor.name, e.pid); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.stdout.trim()).toBe(`DataDirInUseError ${process.pid}`);
  });

  it('signals a queued message in-process after the commit', async () => {
    let signals = 0;
    const unsubscribe = new PgOutbox(sql).onMessageQueued(() => (signals += 1));
    expect(
      await new PgUserRepository(sql).commit({
        user: registration.user,
        message: registration.activation,
      }),
    ).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    unsubscribe();
    expect(signals).toBe(1);
  });

  it('keeps the data across close and reopen (SQL metacharacters verbatim)', async () => {
    await sql.close();
    expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);
    sql = await openPgliteSqlClient({ dataDir: dir.path });
    const found = await new PgUserRepository(sql).findByEmail(registration.user.email);
    // stored at version 1: the commit bumps the new account's version 0
    expect(found?.toPrimitives()).toEqual({ ...registration.user.toPrimitives(), version: 1 });
  });

  it('register-path database cost (commit of a new account), for the record', async () => {
    const { mean, p99 } = await measureCreates(sql);
    console.info(
      `[PGlite] commit (account + code + message, one transaction): mean ${mean.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over 200`,
    );
    expect(mean).toBeLessThan(100);
  });

  it('takes over a lock left by a process that is gone', async () => {
    await sql.close();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dir.path, LOCK_FILE), `${dead}\n`);
    sql = await openPgliteSqlClient({ dataDir: dir.path });
    expect(await new PgUserRepository(sql).findById(registration.user.id)).not.toBeNull();
  });

  it('takes over a lock with its own pid from an earlier run (a restarted container is pid 1 again)', async () => {
    await sql.close();
    await writeFile(join(dir.path, LOCK_FILE), `${process.pid}\n${hostname()}\n`);
    sql = await openPgliteSqlClient({ dataDir: dir.path });
    expect(sql.engine).toBe('pglite');
  });

  it('refuses a lock held from another host (a shared volume): liveness cannot be checked', async () => {
    await sql.close();
    await writeFile(join(dir.path, LOCK_FILE), `${process.pid}\nanother-host\n`);
    await expect(openPgliteSqlClient({ dataDir: dir.path })).rejects.toBeInstanceOf(
      DataDirInUseError,
    );
    await rm(join(dir.path, LOCK_FILE));
    sql = await openPgliteSqlClient({ dataDir: dir.path });
  });
});
