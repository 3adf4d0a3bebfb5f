/**
 * The server's configuration in every run: rate limits off, a long code TTL
 * (seeded accounts stay activatable), the bench's cost and thread pool.
 */
export function serviceVars(opts, extra) {
  return {
    BCRYPT_COST: opts.cost,
    UV_THREADPOOL_SIZE: opts.threadpool,
    DATABASE_POOL_MAX: opts.poolMax,
    RATE_LIMIT_PER_MINUTE: 0,
    ACTIVATION_CODE_TTL_SECONDS: 3600,
    LOG_LEVEL: opts.logLevel,
    SHUTDOWN_TIMEOUT_SECONDS: 5,
    ...extra,
  };
}
