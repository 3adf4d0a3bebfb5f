export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Hits left in the current window. */
  readonly remaining: number;
  /** When refused: seconds until the window resets; 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimiter {
  consume(key: string, now: Date): Promise<RateLimitDecision>;
}

export interface RateLimitOptions {
  /** Hits allowed per window. */
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The window `now` falls in: windows start at multiples of the window length since the epoch. */
export function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

export function decide(
  hits: number,
  start: Date,
  now: Date,
  options: RateLimitOptions,
): RateLimitDecision {
  const allowed = hits <= options.limit;
  const resetMs = start.getTime() + options.windowSeconds * 1000 - now.getTime();
  return {
    allowed,
    remaining: Math.max(0, options.limit - hits),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(resetMs / 1000)),
  };
}

export function checkOptions(options: RateLimitOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError('rate limit must be a whole number ≥ 1');
  }
  if (!Number.isInteger(options.windowSeconds) || options.windowSeconds < 1) {
    throw new RangeError('rate limit window must be a whole number of seconds ≥ 1');
  }
}
