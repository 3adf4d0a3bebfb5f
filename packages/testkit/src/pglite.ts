import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { migrate, openPgliteSqlClient, type SqlClient } from '@signup/adapters';

const require = createRequire(import.meta.url);
const READY = '.template-ready';

/** A fresh directory under the system temp folder; `remove()` deletes it and all in it. */
export async function tempDir(
  prefix = 'signup-test-',
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A PGlite data directory to copy: opening a copy takes about a second,
 * creating one (initdb, then the migrations) many. Keyed by the PGlite version
 * and, when migrated, the migrations; built by whichever test file needs it
 * first (concurrent builders race harmlessly: one rename wins).
 */
async function pgliteTemplate(migrated: boolean): Promise<string> {
  const adapters = dirname(require.resolve('@signup/adapters/package.json'));
  const manifest = JSON.parse(readFileSync(join(adapters, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const hash = createHash('sha256').update(manifest.dependencies['@electric-sql/pglite'] ?? '?');
  if (migrated) {
    const migrations = join(adapters, 'migrations');
    for (const file of readdirSync(migrations).sort())
      hash.update(file).update(readFileSync(join(migrations, file)));
  }
  const kind = migrated ? 'migrated' : 'empty';
  const template = join(tmpdir(), `signup-pglite-${kind}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(template, READY))) return template;

  const building = mkdtempSync(join(tmpdir(), 'signup-pglite-build-'));
  const sql = await openPgliteSqlClient({ dataDir: building });
  if (migrated) await migrate(sql);
  await sql.close();
  rmSync(join(building, 'signup.lock'), { force: true }); // released on close; never copy a stale one
  writeFileSync(join(building, READY), '');
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another file won the race
  }
  return template;
}

export interface PgliteDirectory {
  readonly dataDir: string;
  /** Removes the directory. */
  readonly dispose: () => Promise<void>;
}

/**
 * A PGlite data directory of its own in a fresh temp directory: migrated (the
 * default) or an empty cluster (`migrated: false`, for a test that migrates).
 */
export async function pgliteDirectory(
  options: { migrated?: boolean } = {},
): Promise<PgliteDirectory> {
  const template = await pgliteTemplate(options.migrated ?? true);
  const dir = await tempDir('signup-pglite-');
  cpSync(template, dir.path, { recursive: true });
  rmSync(join(dir.path, READY));
  return { dataDir: dir.path, dispose: () => dir.remove() };
}

/** A migrated PGlite database open in a fresh temp directory; `dispose` closes it and removes the directory. */
export async function openTempPglite(): Promise<{
  sql: SqlClient;
  dataDir: string;
  dispose(): Promise<void>;
}> {
  const directory = await pgliteDirectory();
  const sql = await openPgliteSqlClient({ dataDir: directory.dataDir });
  return {
    sql,
    dataDir: directory.dataDir,
    async dispose() {
      await sql.close();
      await directory.dispose();
    },
  };
}
