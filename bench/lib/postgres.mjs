import { createTestDatabase, withClient } from '@signup/testkit';
import { onCleanup } from './cleanup.mjs';

export { withClient };

export function adminDatabaseUrl() {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/** Creates `signup_bench_<random>` next to the admin URL's database; drops it on cleanup. */
export async function createBenchDatabase(adminUrl) {
  const version = await withClient(
    adminUrl,
    async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
  );
  const database = await createTestDatabase(adminUrl, { prefix: 'signup_bench' });
  const unregister = onCleanup(`drop database ${database.name}`, () => database.drop());
  return {
    name: database.name,
    url: database.url,
    version,
    async drop() {
      unregister();
      await database.drop();
    },
  };
}
