import {
  createSignupService,
  defaultActivationPolicy,
  mailboxOf,
  type ActivationPolicy,
  type CodeGenerator,
  type IdGenerator,
  type Mailbox,
} from '@signup/domain';
import { FakeClock, FakePasswordHasher, testKeyring } from '@signup/domain/testing';
import { TEST_CONNECTION_TIMEOUT_MS, type EngineDatabase } from '@signup/testkit';
import { openPgliteSqlClient } from '../../src/embedded/pglite-sql-client.js';
import { PgOutbox } from '../../src/postgres/pg-outbox.js';
import { createPgSqlClient } from '../../src/postgres/pg-sql-client.js';
import { PgUserRepository } from '../../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../../src/sql/sql-client.js';

/**
 * A client of its own on an engine's database: a pool on PostgreSQL (call it
 * again for another "instance"), the one embedded client on PGlite (only one
 * may hold DATA_DIR at a time). The caller closes it.
 */
export async function connectTo(database: EngineDatabase, poolMax = 10): Promise<SqlClient> {
  if (database.engine === 'pglite') {
    return openPgliteSqlClient({ dataDir: database.env.DATA_DIR as string });
  }
  return createPgSqlClient({
    connectionString: database.env.DATABASE_URL as string,
    poolMax,
    connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
  });
}

export interface SignupOnSqlOptions {
  readonly clock?: FakeClock;
  readonly policy?: Partial<ActivationPolicy>;
  readonly codes?: CodeGenerator;
  readonly ids?: IdGenerator;
}

/**
 * The real use cases over the real repository: one "instance" of the service
 * on `sql`, with a fake clock, the test keyring and a cheap password hasher.
 */
export function signupOnSql(sql: SqlClient, options: SignupOnSqlOptions = {}) {
  const users = new PgUserRepository(sql);
  const outbox = new PgOutbox(sql);
  const clock = options.clock ?? new FakeClock('2050-01-01T00:00:00.000Z');
  const policy: ActivationPolicy = { ...defaultActivationPolicy, ...options.policy };
  const service = createSignupService({
    users,
    hasher: new FakePasswordHasher(),
    clock,
    policy,
    keyring: testKeyring,
    ...(options.codes ? { codes: options.codes } : {}),
    ...(options.ids ? { ids: options.ids } : {}),
  });
  /** The stored mailbox record of `email` (its +tag removed), or null. */
  const mailboxOfEmail = (email: string): Promise<Mailbox | null> =>
    users.findMailbox(testKeyring.digest('mailbox', mailboxOf(email)).value);
  return { sql, users, outbox, clock, policy, service, mailboxOfEmail };
}

/** Settles every promise: how many were fulfilled, and what the others threw. */
export async function tally(
  promises: readonly Promise<unknown>[],
): Promise<{ fulfilled: number; refusals: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    refusals: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}
