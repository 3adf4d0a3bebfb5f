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
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { migrate, openPgliteSqlClient } from '@signup/adapters';
import { provisionTestDatabase, testDatabaseSource } from '@signup/adapters/testing';

/** Where a test file's database lives: the env variables that select it, and its disposal. */
export interface EngineDatabase {
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface Engine {
  readonly name: 'pglite' | 'postgres';
  /** One line saying why this engine cannot run here, or null. */
  readonly skip: string | null;
  open(): Promise<EngineDatabase>;
}

/**
 * A migrated PGlite data directory to copy: opening a copy takes about a
 * second, creating one from scratch (initdb) many. Keyed by the migrations
 * and the PGlite version; built by whichever test file needs it first
 * (concurrent builders race harmlessly: one rename wins).
 */
async function pgliteTemplate(): Promise<string> {
  const adapters = dirname(require.resolve('@signup/adapters/package.json'));
  const manifest = JSON.parse(readFileSync(join(adapters, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const pgliteVersion = manifest.dependencies['@electric-sql/pglite'] ?? 'unknown';
  const hash = createHash('sha256').update(pgliteVersion);
  const migrations = join(adapters, 'migrations');
  for (const file of readdirSync(migrations).sort())
    hash.update(file).update(readFileSync(join(migrations, file)));
  const template = join(tmpdir(), `signup-http-pglite-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(template, READY))) return template;

  const building = mkdtempSync(join(tmpdir(), 'signup-http-pglite-build-'));
  const sql = await openPgliteSqlClient({ dataDir: building });
  await migrate(sql);
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

const READY = '.template-ready';

export const pglite: Engine = {
  name: 'pglite',
  skip: null,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'signup-http-'));
    cpSync(await pgliteTemplate(), dir, { recursive: true });
    rmSync(join(dir, READY));
    return {
      env: { DATA_DIR: dir },
      dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  },
};

const require = createRequire(import.meta.url);
const source = testDatabaseSource();

export const postgres: Engine = {
  name: 'postgres',
  skip: 'skip' in source ? source.skip : null,
  async open() {
    const database = await provisionTestDatabase();
    if ('skip' in database) throw new Error(database.skip);
    return { env: { DATABASE_URL: database.url }, dispose: () => database.drop() };
  },
};

export const ENGINES: readonly Engine[] = [pglite, postgres];
