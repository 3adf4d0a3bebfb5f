import { afterAll } from 'vitest';
import { migrate } from '../src/postgres/migrations.js';
import { createPgSqlClient } from '../src/postgres/pg-sql-client.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { TEST_CONNECTION_TIMEOUT_MS } from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';
import { dispatcherSuite } from './support/dispatcher-suite.js';

describeWithPostgres('PostgreSQL', (getUrl) => {
  const clients: SqlClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  dispatcherSuite('PostgreSQL', async () => {
    const sql = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 5,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(sql);
    await migrate(sql);
    return sql;
  });
});
