import { runCliOk } from '../cli.mjs';
import { serviceEnv, startServer } from '../server.mjs';

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
    // a bench-only secret (required with DATABASE_URL; keys the stored codes)
    SIGNUP_SECRET: 'bench-only-secret-not-for-production-0123456789',
    // the bench registers and resends many times per mailbox and never guesses:
    // the per-mailbox limits would refuse it, so they are opened up here
    MAIL_PER_ADDRESS_PER_DAY: 10000,
    PASSWORD_FAILURES_PER_15_MINUTES: 10000,
    ...extra,
  };
}

/**
 * Starts the server on `vars` with the run's node flags and CPU profile
 * directory, and its probe unless `probe: false`.
 */
export function startRunServer({ name, vars, opts, workDir, cpuProfDir, probe = opts.probe }) {
  return startServer({ name, vars, workDir, probe, nodeFlags: opts.nodeFlags, cpuProfDir });
}

/**
 * Migrates the database `vars` name with the CLI, then starts the server on it
 * with the run's probe and node flags.
 */
export async function startMigratedServer({
  name,
  vars,
  opts,
  workDir,
  cpuProfDir,
  migrateTimeoutMs,
}) {
  await runCliOk(['migrate'], { env: serviceEnv(vars), timeoutMs: migrateTimeoutMs });
  return startRunServer({ name, vars, opts, workDir, cpuProfDir });
}
