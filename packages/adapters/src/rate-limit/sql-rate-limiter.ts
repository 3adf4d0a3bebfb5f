import type { SqlClient } from '../sql/sql-client.js';
import {
  checkOptions,
  decide,
  windowStart,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';

/** Every this many hits, one hit also deletes finished windows. */
const PRUNE_EVERY = 500;

/**
 * Fixed-window counts in the rate_limits table, shared by every instance on
 * the database: one atomic upsert per hit (a new window resets the count).
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
    const start = windowStart(now, this.options.windowSeconds);
    const { rows } = await this.sql.query<{ hits: number; window_start: Date }>(
      `INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_start < EXCLUDED.window_start THEN 1 ELSE r.hits + 1 END,
         window_start = GREATEST(r.window_start, EXCLUDED.window_start)
       RETURNING hits, window_start`,
      [key, start],
    );
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    this.hits += 1;
    if (this.hits % PRUNE_EVERY === 0) await this.prune(start);
    return decide(row.hits, row.window_start, now, this.options);
  }

  /** Deletes the counters of finished windows. */
  async prune(before: Date): Promise<number> {
    const { rowCount } = await this.sql.query('DELETE FROM rate_limits WHERE window_start < $1', [
      before,
    ]);
    return rowCount;
  }
}
