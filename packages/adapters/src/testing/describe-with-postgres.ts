import { afterAll, beforeAll, describe } from 'vitest';
import { provisionTestDatabase, testDatabaseSource, type TestDatabase } from './test-database.js';

let skipReasonPrinted = false;

/**
 * A describe block that runs against a fresh PostgreSQL database of its own
 * (created in beforeAll, dropped in afterAll). Without TEST_DATABASE_URL or a
 * container runtime it prints the reason once and skips the block.
 */
export function describeWithPostgres(name: string, fn: (getUrl: () => string) => void): void {
  const source = testDatabaseSource();
  if ('skip' in source) {
    if (!skipReasonPrinted) {
      skipReasonPrinted = true;
      console.warn(source.skip);
    }
    describe.skip(name, () => fn(() => '')); // lists the skipped tests
    return;
  }
  describe(name, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      const provisioned = await provisionTestDatabase();
      if ('skip' in provisioned) throw new Error(provisioned.skip);
      database = provisioned;
    });
    afterAll(async () => {
      await database?.drop();
    });
    fn(() => {
      if (!database)
        throw new Error('the test database is not provisioned yet (use it inside hooks or tests)');
      return database.url;
    });
  });
}
