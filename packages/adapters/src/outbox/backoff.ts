export interface BackoffPolicy {
  /** The first retry waits about this long. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 for the first retry): doubling from
 * `baseMs`, capped at `maxMs`, then "equal jitter" (half fixed, half random)
 * so dispatchers that failed together do not retry in lockstep.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(capped / 2 + random() * (capped / 2));
}
