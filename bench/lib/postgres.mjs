import { createTestDatabase, withClient } from '@signup/testkit';
import { onCleanup } from './cleanup.mjs';
import { delay } from './stats.mjs';

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

/**
 * Polls the outbox's unsent messages (only those whose recipient starts with
 * `recipientPrefix`, when given) every 250 ms on one connection, until none
 * is left or `seconds` have passed; `onCount` sees every count. Resolves
 * with the last one.
 */
export function waitForOutbox(url, { seconds, recipientPrefix, onCount = () => undefined }) {
  const deadline = performance.now() + seconds * 1000;
  return withClient(url, async (c) => {
    for (;;) {
      const { rows } = await c.query(
        `SELECT count(*)::integer AS n FROM outbox
          WHERE sent_at IS NULL AND dropped_at IS NULL
            AND ($1::text IS NULL OR recipient LIKE $1 || '%')`,
        [recipientPrefix ?? null],
      );
      const pending = rows[0].n;
      onCount(pending);
      if (pending === 0 || performance.now() >= deadline) return pending;
      await delay(250);
    }
  });
}
