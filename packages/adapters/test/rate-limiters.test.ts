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

const T0 = new Date('2030-03-03T10:00:00.000Z'); // a fixed-window boundary for 60 s windows
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** The token bucket both limiters implement: `limit` at once, then `limit` per window. */
function rateLimiterSuite(name: string, make: (options: RateLimitOptions) => RateLimiter): void {
  describe(name, () => {
    it('the limit-th hit is the last allowed, the next the first refused, with an honest Retry-After', async () => {
      const limiter = make({ limit: 3, windowSeconds: 60 });
      const key = randomUUID();
      expect(await limiter.consume(key, at(1))).toEqual({
        allowed: true,
        remaining: 2,
        retryAfterSeconds: 0,
      });
      expect(await limiter.consume(key, at(1))).toMatchObject({ allowed: true, remaining: 1 });
      expect(await limiter.consume(key, at(1))).toMatchObject({ allowed: true, remaining: 0 });
      // one token comes back every 20 s (3 per minute)
      expect(await limiter.consume(key, at(1))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterSeconds: 20,
      });
      expect(await limiter.consume(key, at(11))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterSeconds: 10,
      });
      // refused hits took nothing: waiting the Retry-After is enough
      expect((await limiter.consume(key, at(20.999))).allowed).toBe(false);
      expect(await limiter.consume(key, at(21))).toMatchObject({ allowed: true, remaining: 0 });
      expect((await limiter.consume(key, at(21))).allowed).toBe(false);
    });

    it('a burst at a window boundary cannot get twice the limit', async () => {
      const limit = 10;
      const limiter = make({ limit, windowSeconds: 60 });
      const key = randomUUID();
      let allowed = 0;
      // the whole limit just before the boundary and as much again just after it
      for (let i = 0; i < limit * 2; i += 1)
        if ((await limiter.consume(key, at(-0.5))).allowed) allowed += 1;
      for (let i = 0; i < limit * 2; i += 1)
        if ((await limiter.consume(key, at(0.5))).allowed) allowed += 1;
      expect(allowed).toBe(limit); // 1 s refills 1/6 of a token: nothing more
      // and a whole minute later, the bucket is full again: `limit`, not more
      let later = 0;
      for (let i = 0; i < limit * 2; i += 1)
        if ((await limiter.consume(key, at(60))).allowed) later += 1;
      expect(later).toBe(limit);
    });

    it('a steady client at the limit rate is never refused', async () => {
      const limiter = make({ limit: 60, windowSeconds: 60 });
      const key = randomUUID();
      for (let s = 0; s < 180; s += 1)
        expect((await limiter.consume(key, at(s))).allowed).toBe(true);
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

    it('a large limit spends exactly `limit` (no rounding drift)', async () => {
      const limiter = make({ limit: 7, windowSeconds: 60 });
      const key = randomUUID();
      const decisions = [];
      for (let i = 0; i < 8; i += 1) decisions.push(await limiter.consume(key, at(2)));
      expect(decisions.map((d) => d.allowed)).toEqual([...Array(7).fill(true), false]);
      expect(decisions[7]?.retryAfterSeconds).toBe(9); // 60/7 = 8.57 s, rounded up
    });
  });
}

rateLimiterSuite('InMemoryRateLimiter', (options) => new InMemoryRateLimiter(options));

describe('InMemoryRateLimiter memory', () => {
  it('stays bounded: full buckets go first, then the least recently used', async () => {
    const limiter = new InMemoryRateLimiter({ limit: 1, windowSeconds: 60 }, 10);
    await limiter.consume('kept', at(0));
    for (let i = 0; i < 9; i += 1) await limiter.consume(`old-${i}`, at(0));
    // a window later every bucket is full again: forgetting them loses nothing
    for (let i = 0; i < 20; i += 1) await limiter.consume(`new-${i}`, at(61));
    const buckets = (limiter as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBeLessThanOrEqual(10);
    expect((await limiter.consume('new-19', at(61))).allowed).toBe(false);
  });

  it('refuses bad options', () => {
    expect(() => new InMemoryRateLimiter({ limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => new InMemoryRateLimiter({ limit: 1, windowSeconds: 0 })).toThrow(RangeError);
  });
});

describeWithPostgres('SqlRateLimiter on PostgreSQL', (getUrl) => {
  let sql: SqlClient;
  const clients: SqlClient[] = [];
  const connect = (poolMax = 10) => {
    const client = createPgSqlClient({
      connectionString: getUrl(),
      poolMax,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    sql = connect();
    await migrate(sql);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  });
  rateLimiterSuite('SqlRateLimiter', (options) => new SqlRateLimiter(sql, options));

  it('two limiter instances (two pools, as two servers) share one bucket', async () => {
    const a = new SqlRateLimiter(sql, { limit: 4, windowSeconds: 60 });
    const b = new SqlRateLimiter(connect(2), { limit: 4, windowSeconds: 60 });
    const key = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).consume(key, at(1))),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
    expect((await a.consume(key, at(2))).allowed).toBe(false);
    expect((await b.consume(key, at(2))).allowed).toBe(false);
    // 15 s refill one token, whichever instance spends it
    expect((await b.consume(key, at(16))).allowed).toBe(true);
    expect((await a.consume(key, at(16))).allowed).toBe(false);
  });

  it('a refused hit writes nothing, and buckets full again can be pruned', async () => {
    const limiter = new SqlRateLimiter(sql, { limit: 1, windowSeconds: 60 });
    const key = randomUUID();
    await limiter.consume(key, at(1));
    const row = () =>
      sql.query<{ tokens: number; updated_at: Date }>(
        'SELECT tokens, updated_at FROM rate_limits WHERE key = $1',
        [key],
      );
    const before = (await row()).rows[0];
    expect((await limiter.consume(key, at(2))).allowed).toBe(false);
    expect((await row()).rows[0]).toEqual(before);
    expect(await limiter.prune(at(1 + 60 + 1))).toBeGreaterThanOrEqual(1);
    expect((await row()).rows).toHaveLength(0);
    expect(await limiter.consume(key, at(62))).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('fails closed: an unreachable store rejects instead of allowing', async () => {
    const gone = connect(1);
    await gone.close();
    const limiter = new SqlRateLimiter(gone, { limit: 100, windowSeconds: 60 });
    await expect(limiter.consume(randomUUID(), at(1))).rejects.toThrow();
  });

  it('refuses bad options', () => {
    expect(() => new SqlRateLimiter(sql, { limit: 0, windowSeconds: 60 })).toThrow(RangeError);
  });
});
