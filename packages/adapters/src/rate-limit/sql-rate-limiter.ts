import type { SqlClient } from '../sql/sql-client.js';
import {
  allowed,
  checkOptions,
  refillPerMs,
  refused,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';

/** Every this many allowed hits, one also deletes (a bounded batch of) full buckets. */
const PRUNE_EVERY = 500;
const PRUNE_BATCH = 1000;

/** Tokens at $2 of a row (r) last written at r.updated_at: $3 = limit, $4 = refill per ms. */
const REFILLED = `LEAST($3::double precision, r.tokens + $4::double precision * 1000 *
  GREATEST(0, extract(epoch FROM ($2::timestamptz - r.updated_at)))::double precision)`;

/**
 * One statement per hit. A new key inserts a full bucket less one token. An
 * existing key is refilled and spends a token only if it has one (the row
 * lock of ON CONFLICT serializes concurrent hits, each seeing the last one's
 * result); a refused hit writes nothing, so a flood of refusals adds no
 * write load, and reads the level for its Retry-After instead.
 */
const CONSUME = `
WITH hit AS (
  INSERT INTO rate_limits AS r (key, tokens, updated_at)
  VALUES ($1, $3::double precision - 1, $2::timestamptz)
  ON CONFLICT (key) DO UPDATE
     SET tokens = GREATEST(0, ${REFILLED} - 1),
         updated_at = GREATEST(r.updated_at, $2::timestamptz)
   WHERE ${REFILLED} >= 1 - 1e-9
  RETURNING r.tokens
)
SELECT true AS allowed, tokens FROM hit
UNION ALL
SELECT false, ${REFILLED} FROM rate_limits r
 WHERE r.key = $1 AND NOT EXISTS (SELECT 1 FROM hit)`;

/**
 * Token buckets in the rate_limits table, shared by every instance on the
 * database. Fails closed: an unreachable database rejects, and the HTTP
 * layer answers 503 rather than letting the request through unlimited.
 */
export class SqlRateLimiter implements RateLimiter {
  private hits = 0;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: RateLimitOptions,
  ) {
    checkOptions(options);
  }

  async consume(key: string, now: Date): Promise<RateLimitDecision> {
    const { rows } = await this.sql.query<{ allowed: boolean; tokens: number }>(CONSUME, [
      key,
      now,
      this.options.limit,
      refillPerMs(this.options),
    ]);
    const row = rows[0];
    // No row: refused, and the bucket was inserted by a hit that committed
    // after this statement's snapshot; it was just spent, so one token's wait.
    if (!row) return refused(0, this.options);
    if (!row.allowed) return refused(Number(row.tokens), this.options);
    this.hits += 1;
    if (this.hits % PRUNE_EVERY === 0) {
      // Housekeeping: a failure here does not turn an allowed hit into an error.
      await this.prune(new Date(now.getTime() - this.options.windowSeconds * 1000)).catch(() => 0);
    }
    return allowed(Number(row.tokens));
  }

  /**
   * Deletes up to `limit` buckets untouched since `before`: with `before` a
   * window ago they are full again, the same as no row.
   */
  async prune(before: Date, limit = PRUNE_BATCH): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM rate_limits WHERE key IN (
         SELECT key FROM rate_limits WHERE updated_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
    return rowCount;
  }
}
