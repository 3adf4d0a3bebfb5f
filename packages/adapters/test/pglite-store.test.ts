import { outboxContract, userRepositoryContract } from '@signup/domain/testing';
import { afterAll } from 'vitest';
import type { SqlClient } from '../src/sql/sql-client.js';
import { storeOn } from './support/stores.js';
import { openTempPglite } from '@signup/testkit';

// One embedded database for both suites: opening a fresh PGlite costs seconds.
let opened: ReturnType<typeof openTempPglite> | undefined;
const shared = (): Promise<SqlClient> => (opened ??= openTempPglite()).then((o) => o.sql);
afterAll(async () => {
  await (await opened)?.dispose();
});

userRepositoryContract('PgUserRepository on PGlite', async () => storeOn(await shared()));
outboxContract('PgOutbox on PGlite', async () => storeOn(await shared()));
