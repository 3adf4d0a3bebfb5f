import {
  allowed,
  checkOptions,
  hasToken,
  refused,
  tokensAt,
  type Bucket,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';

/** Keys kept at most; beyond it full buckets are forgotten, then the least recently used. */
const MAX_KEYS = 100_000;

/** Token buckets in this process only (the embedded database: one instance). */
export class InMemoryRateLimiter implements RateLimiter {
  /** In least-recently-used order: a hit moves its key to the end. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly maxKeys = MAX_KEYS,
  ) {
    checkOptions(options);
  }

  consume(key: string, now: Date): Promise<RateLimitDecision> {
    const at = now.getTime();
    const bucket = this.buckets.get(key);
    const tokens = tokensAt(bucket, at, this.options);
    if (!hasToken(tokens)) return Promise.resolve(refused(tokens, this.options));
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.prune(at);
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), at: Math.max(at, bucket?.at ?? at) });
    return Promise.resolve(allowed(tokens - 1));
  }

  /**
   * Forgets the buckets that are full again (as good as none), then the least
   * recently used down to 90 % of the cap, so the next prune is far off.
   */
  private prune(now: number): void {
    const fullAfterMs = this.options.windowSeconds * 1000;
    for (const [key, bucket] of this.buckets)
      if (now - bucket.at >= fullAfterMs) this.buckets.delete(key);
    const keep = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= keep) break;
      this.buckets.delete(key);
    }
  }
}
