export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole hits the key could still make at once, after this one. */
  readonly remaining: number;
  /** When refused: seconds until the next hit would be allowed (at least 1); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * A token bucket per key: `limit` tokens, refilled continuously at `limit`
 * per `windowSeconds`; each allowed hit takes one. A full bucket allows a
 * burst of `limit`, after which hits are allowed only as fast as the bucket
 * refills, so a burst at a window edge (the fixed window's weakness: `limit`
 * at 0:59 and `limit` again at 1:00) cannot get twice the limit. A refused
 * hit takes nothing, so a client that waits the Retry-After it was given is
 * allowed. (This is GCRA, stated as a bucket.)
 */
export interface RateLimiter {
  /** Spends one token of `key` at `now`, if it has one. Rejects when its store is unreachable. */
  consume(key: string, now: Date): Promise<RateLimitDecision>;
}

export interface RateLimitOptions {
  /** The bucket size: hits allowed at once, and per window. */
  readonly limit: number;
  /** How long an empty bucket takes to fill again. */
  readonly windowSeconds: number;
}

/** The bucket of one key: its tokens as of `at` (ms since the epoch). */
export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

/**
 * Refill errors of floating point never turn a whole token into "not quite
 * one": the bucket's level is compared with this much slack (a billionth of a token).
 */
const EPSILON = 1e-9;

/** Tokens added per millisecond. */
export const refillPerMs = (options: RateLimitOptions) =>
  options.limit / (options.windowSeconds * 1000);

/** The bucket's tokens at `now`: refilled since `bucket.at`, never above `limit`. */
export function tokensAt(bucket: Bucket | undefined, now: number, options: RateLimitOptions) {
  if (!bucket) return options.limit;
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(options.limit, bucket.tokens + elapsed * refillPerMs(options));
}

/** Whether a bucket holding `tokens` has one to spend. */
export const hasToken = (tokens: number) => tokens >= 1 - EPSILON;

/** An allowed hit: `tokensLeft` after spending its token. */
export function allowed(tokensLeft: number): RateLimitDecision {
  return {
    allowed: true,
    remaining: Math.max(0, Math.floor(tokensLeft + EPSILON)),
    retryAfterSeconds: 0,
  };
}

/** A refused hit at a bucket holding `tokens` (< 1): how long until it holds one. */
export function refused(tokens: number, options: RateLimitOptions): RateLimitDecision {
  const waitSeconds = (1 - tokens) / refillPerMs(options) / 1000;
  // Rounded up, so the hit is allowed once the client has waited that long.
  const retryAfterSeconds = Math.max(1, Math.ceil(waitSeconds - EPSILON));
  return { allowed: false, remaining: 0, retryAfterSeconds };
}

export function checkOptions(options: RateLimitOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError('rate limit must be a whole number ≥ 1');
  }
  if (!Number.isInteger(options.windowSeconds) || options.windowSeconds < 1) {
    throw new RangeError('rate limit window must be a whole number of seconds ≥ 1');
  }
}
