import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { provisionTestDatabase } from '../src/postgres.js';

describe('provisionTestDatabase', () => {
  it('skips with one line when neither TEST_DATABASE_URL nor a container runtime is there', async () => {
    const result = await provisionTestDatabase({ HOME: '/nonexistent' });
    expect(result).toEqual({ skip: expect.stringMatching(/^PostgreSQL tests skipped: [^\n]+$/) });
  });

  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    'creates a database of its own and drops it',
    async () => {
      const db = await provisionTestDatabase();
      if ('skip' in db) throw new Error(db.skip);
      const name = new URL(db.url).pathname.slice(1);
      expect(name).toMatch(/^signup_test_[0-9a-f]{12}$/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect(); // left open: drop() must terminate it
      client.on('error', () => undefined);
      await db.drop();
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      await admin.end();
      expect(rowCount).toBe(0);
    },
  );
});
