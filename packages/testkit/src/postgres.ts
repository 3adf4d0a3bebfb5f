import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * How long a test's own helper client may take to connect. The server's 2 s
 * (answer 503 fast) is the behaviour under test elsewhere; a helper that seeds
 * or inspects data should wait out a CI machine busy creating databases.
 */
export const TEST_CONNECTION_TIMEOUT_MS = 15_000;

/** A throwaway database of its own for one test file. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database (terminating its connections first). */
  drop(): Promise<void>;
}

/** Why the PostgreSQL tests cannot run here, in one line. */
export interface NoTestDatabase {
  readonly skip: string;
}

/** Where a test database would come from, decided without I/O. */
export type TestDatabaseSource =
  { readonly kind: 'url'; readonly url: string } | { readonly kind: 'container' } | NoTestDatabase;

const SKIP_REASON =
  'PostgreSQL tests skipped: TEST_DATABASE_URL is not set and no container runtime (Docker/Podman) is reachable';

/** The sockets and variables a container runtime announces itself with. */
function containerRuntimeVisible(env: NodeJS.ProcessEnv): boolean {
  if (env.DOCKER_HOST || env.TESTCONTAINERS_HOST_OVERRIDE) return true;
  const sockets = [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.docker/desktop/docker.sock'),
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podman/podman.sock') : undefined,
  ];
  return sockets.some((socket) => socket !== undefined && existsSync(socket));
}

/**
 * Decides synchronously where PostgreSQL comes from: TEST_DATABASE_URL, else
 * a container runtime (for @testcontainers/postgresql), else a skip reason.
 */
export function testDatabaseSource(env: NodeJS.ProcessEnv = process.env): TestDatabaseSource {
  const url = env.TEST_DATABASE_URL?.trim();
  if (url) return { kind: 'url', url };
  if (containerRuntimeVisible(env)) return { kind: 'container' };
  return { skip: SKIP_REASON };
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with a client of its own on `url` (closed after). */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates `<prefix>_<12 hex digits>` on the server at `serverUrl` (and
 * nothing else): `drop()` removes exactly that database, its connections
 * terminated first.
 */
export async function createTestDatabase(
  serverUrl: string,
  options: { prefix?: string } = {},
): Promise<TestDatabase> {
  const prefix = options.prefix ?? 'signup_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`not a database name prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  try {
    // The name is the prefix checked above and hex digits, never free input.
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    throw new Error(
      `database ${name} could not be created on ${redacted(serverUrl)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let dropped = false;
  return {
    name,
    url: databaseUrl(serverUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(serverUrl, async (c) => {
        await c.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

interface StartedContainer {
  getConnectionUri(): string;
  stop(): Promise<unknown>;
}
interface ContainerModule {
  PostgreSqlContainer: new (image: string) => { start(): Promise<StartedContainer> };
}

async function startContainerDatabase(): Promise<TestDatabase | NoTestDatabase> {
  let module: ContainerModule;
  try {
    const name = '@testcontainers/postgresql';
    module = (await import(name)) as ContainerModule;
  } catch {
    return { skip: `${SKIP_REASON} (@testcontainers/postgresql is not installed)` };
  }
  let container: StartedContainer;
  try {
    container = await new module.PostgreSqlContainer('postgres:16-alpine').start();
  } catch (error) {
    return {
      skip: `PostgreSQL tests skipped: TEST_DATABASE_URL is not set and the container runtime could not start postgres:16-alpine (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const database = await createTestDatabase(container.getConnectionUri());
  return {
    name: database.name,
    url: database.url,
    async drop() {
      await database.drop();
      await container.stop();
    },
  };
}

/**
 * A fresh PostgreSQL database for one test file: on the server of
 * TEST_DATABASE_URL when set (a bad URL is an error, never a silent skip),
 * else in a postgres:16-alpine container, else `{ skip }` with one line why.
 */
export async function provisionTestDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestDatabase | NoTestDatabase> {
  const source = testDatabaseSource(env);
  if ('skip' in source) return source;
  if (source.kind === 'url') return createTestDatabase(source.url);
  return startContainerDatabase();
}
