import type { StoreUnderTest } from '@signup/domain/testing';
import { PgOutbox } from '../../src/postgres/pg-outbox.js';
import { PgUserRepository } from '../../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../../src/sql/sql-client.js';

/** The repository and outbox adapters over one SQL client, as the contract suites want them. */
export function storeOn(sql: SqlClient): StoreUnderTest {
  return { users: new PgUserRepository(sql), outbox: new PgOutbox(sql) };
}
