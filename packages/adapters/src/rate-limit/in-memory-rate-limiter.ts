import {
  checkOptions,
  decide,
  windowStart,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';

/** Fixed-window counts in this process only (one instance, or tests). */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number }>();

  constructor(private readonly options: RateLimitOptions) {
    checkOptions(options);
  }

  consume(key: string, now: Date): Promise<RateLimitDecision> {
    const start = windowStart(now, this.options.windowSeconds);
    let entry = this.windows.get(key);
    if (!entry || entry.start < start.getTime()) {
      if (this.windows.size >= 10_000) this.prune(start.getTime());
      entry = { start: start.getTime(), hits: 0 };
      this.windows.set(key, entry);
    }
    entry.hits += 1;
    return Promise.resolve(decide(entry.hits, new Date(entry.start), now, this.options));
  }

  /** Forgets finished windows so the map stays bounded. */
  private prune(current: number): void {
    for (const [key, entry] of this.windows) if (entry.start < current) this.windows.delete(key);
  }
}
