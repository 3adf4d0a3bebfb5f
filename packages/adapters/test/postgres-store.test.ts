import { outboxContract, userRepositoryContract } from '@signup/domain/testing';
import { afterAll } from 'vitest';
import { createPgSqlClient } from '../src/postgres/pg-sql-client.js';
import { migrate } from '../src/postgres/migrations.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { TEST_CONNECTION_TIMEOUT_MS } from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';
import { storeOn } from './support/stores.js';

describeWithPostgres('PostgreSQL store', (getUrl) => {
  const clients: SqlClient[] = [];
  const open = async () => {
    const sql = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 10,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(sql);
    await migrate(sql);
    return { ...storeOn(sql), close: () => sql.close() };
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  userRepositoryContract('PgUserRepository on PostgreSQL', open);
  outboxContract('PgOutbox on PostgreSQL', open);
});
