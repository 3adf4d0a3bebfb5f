/**
 * Not a refusal and not an outage: every hashing slot is taken (the jobs
 * running on libuv's thread pool plus `maxPending` waiting), so this request
 * is shed at once instead of queueing behind them. Nothing was hashed or
 * compared. The HTTP app answers 503 `overloaded` with Retry-After.
 */
export class HashingOverloadedError extends Error {
  /** The bcrypt jobs in flight when this one was refused (running and waiting). */
  readonly inFlight: number;
  /** A hint for the caller: a queue this long drains within about this many seconds. */
  readonly retryAfterSeconds: number;

  constructor(inFlight: number, retryAfterSeconds = 1) {
    // Expected under load, thrown for every shed request, logged with it: no
    // stack trace to capture and format (it would say nothing anyway).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`Password hashing is at capacity (${inFlight} jobs in flight); retry shortly.`);
    Error.stackTraceLimit = limit;
    this.name = 'HashingOverloadedError';
    this.inFlight = inFlight;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): 'overloaded' {
    return 'overloaded';
  }
}
