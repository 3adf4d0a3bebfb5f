/**
 * Not a refusal and not an outage: every hashing slot is taken (the jobs
 * running on libuv's thread pool plus `maxPending` waiting), so this request
 * is shed at once instead of queueing behind them. Nothing was hashed or
 * compared. The HTTP app answers 503 `overloaded` with Retry-After.
 */
export class HashingOverloadedError extends Error {
  readonly code = 'overloaded';
  constructor(
    /** The bcrypt jobs in flight when this one was refused (running and waiting). */
    readonly inFlight: number,
    /** A hint for the caller: a queue this long drains within about this many seconds. */
    readonly retryAfterSeconds = 1,
  ) {
    super(`Password hashing is at capacity (${inFlight} jobs in flight); retry shortly.`);
    this.name = 'HashingOverloadedError';
  }
}
