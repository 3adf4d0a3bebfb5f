import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/postgres/migrations.js';
import { createPgSqlClient } from '../src/postgres/pg-sql-client.js';
import { InMemoryRateLimiter } from '../src/rate-limit/in-memory-rate-limiter.js';
import type { RateLimiter, RateLimitOptions } from '../src/rate-limit/rate-limiter.js';
import { SqlRateLimiter } from '../src/rate-limit/sql-rate-limiter.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { TEST_CONNECTION_TIMEOUT_MS } from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';

const T0 = new Date('2030-03-03T10:00:00.000Z'); // a window boundary for 60 s windows
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** The behaviour both limiters share. */
function rateLimiterSuite(name: string, make: (options: RateLimitOptions) => RateLimiter): void {
  describe(name, () => {
    it('allows `limit` hits per window, then refuses with the seconds to the reset', async () => {
      const limiter = make({ limit: 3, windowSeconds: 60 });
      const key = randomUUID();
      expect(await limiter.consume(key, at(1))).toEqual({
        allowed: true,
        remaining: 2,
        retryAfterSeconds: 0,
      });
      await limiter.consume(key, at(2));
      expect(await limiter.consume(key, at(3))).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.consume(key, at(20))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterSeconds: 40,
      });
    });

    it('starts counting again in the next window', async () => {
      const limiter = make({ limit: 1, windowSeconds: 60 });
      const key = randomUUID();
      await limiter.consume(key, at(1));
      expect((await limiter.consume(key, at(59))).allowed).toBe(false);
      expect((await limiter.consume(key, at(60))).allowed).toBe(true);
    });

    it('counts keys apart', async () => {
      const limiter = make({ limit: 1, windowSeconds: 60 });
      await limiter.consume('a-' + randomUUID(), at(1));
      expect((await limiter.consume('b-' + randomUUID(), at(1))).allowed).toBe(true);
    });

    it('50 concurrent hits: exactly `limit` allowed (no lost update)', async () => {
      const limiter = make({ limit: 10, windowSeconds: 60 });
      const key = randomUUID();
      const decisions = await Promise.all(
        Array.from({ length: 50 }, () => limiter.consume(key, at(5))),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });
  });
}

rateLimiterSuite('InMemoryRateLimiter', (options) => new InMemoryRateLimiter(options));

describeWithPostgres('SqlRateLimiter on PostgreSQL', (getUrl) => {
  let sql: SqlClient;
  const clients: SqlClient[] = [];
  beforeAll(async () => {
    sql = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 10,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(sql);
    await migrate(sql);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  rateLimiterSuite('SqlRateLimiter', (options) => new SqlRateLimiter(sql, options));

  it('two instances share one count, and finished windows can be pruned', async () => {
    const other = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 2,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(other);
    const a = new SqlRateLimiter(sql, { limit: 2, windowSeconds: 60 });
    const b = new SqlRateLimiter(other, { limit: 2, windowSeconds: 60 });
    const key = randomUUID();
    await a.consume(key, at(1));
    await b.consume(key, at(2));
    expect((await a.consume(key, at(3))).allowed).toBe(false);
    expect(await a.prune(at(3600))).toBeGreaterThanOrEqual(1);
    expect((await b.consume(key, at(3601))).remaining).toBe(1);
  });

  it('refuses bad options', () => {
    expect(() => new SqlRateLimiter(sql, { limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => new InMemoryRateLimiter({ limit: 1, windowSeconds: 0 })).toThrow(RangeError);
  });
});
