import { InfrastructureUnavailableError, type Clock, type PasswordHasher } from '@signup/domain';
import { BcryptPasswordHasher } from './bcrypt/bcrypt-password-hasher.js';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import { createMailer } from './mail/create-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import { migrate } from './postgres/migrations.js';
import { PgOutbox } from './postgres/pg-outbox.js';
import { PgUserRepository } from './postgres/pg-user-repository.js';
import { InMemoryRateLimiter } from './rate-limit/in-memory-rate-limiter.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { SqlRateLimiter } from './rate-limit/sql-rate-limiter.js';
import { openSqlClient } from './sql/open-sql-client.js';
import type { SqlClient } from './sql/sql-client.js';

/** Every adapter the apps need, built once from the configuration. */
export interface Infrastructure {
  readonly config: Config;
  readonly sql: SqlClient;
  readonly users: PgUserRepository;
  readonly outbox: PgOutbox;
  readonly hasher: PasswordHasher;
  readonly mailer: Mailer;
  /** null when RATE_LIMIT_PER_MINUTE is 0. Shared by all instances on PostgreSQL. */
  readonly rateLimiter: RateLimiter | null;
  createDispatcher(clock: Clock): OutboxDispatcher;
  /** Closes the mailer and the database. */
  close(): Promise<void>;
}

export interface OpenInfrastructureOptions {
  readonly logger: Logger;
  /** Apply pending migrations (advisory-locked) once connected. */
  readonly migrate: boolean;
  /**
   * Keep retrying an unreachable database (with backoff, logging each try)
   * for this long before giving up; 0 tries once. Compose starts the
   * database and the API together, so the server waits; the CLI does not.
   */
  readonly connectRetryMs?: number;
  /** Replaces the real mailer (tests). */
  readonly mailer?: Mailer;
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Opens the database (PostgreSQL or the embedded PGlite), waits for it to
 * answer, applies migrations if asked, and builds every adapter over it.
 */
export async function openInfrastructure(
  config: Config,
  options: OpenInfrastructureOptions,
): Promise<Infrastructure> {
  const { logger } = options;
  const sql = await openSqlClient(config, logger);
  try {
    await waitForDatabase(sql, options.connectRetryMs ?? 0, logger);
    if (options.migrate) await migrate(sql, logger);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }

  const mailer = options.mailer ?? createMailer(config, logger);
  const outbox = new PgOutbox(sql);
  const window = { limit: config.rateLimitPerMinute, windowSeconds: 60 };
  const rateLimiter =
    config.rateLimitPerMinute === 0
      ? null
      : sql.engine === 'postgres'
        ? new SqlRateLimiter(sql, window)
        : new InMemoryRateLimiter(window);

  return {
    config,
    sql,
    users: new PgUserRepository(sql),
    outbox,
    hasher: new BcryptPasswordHasher({ cost: config.bcryptCost }),
    mailer,
    rateLimiter,
    createDispatcher: (clock) =>
      new OutboxDispatcher({
        outbox,
        mailer,
        clock,
        logger,
        wake: (l) => sql.onMessageQueued(l),
        leaseSeconds: dispatcherLeaseSeconds(config.activation.codeTtlSeconds),
      }),
    async close() {
      await mailer.close().catch(() => undefined);
      await sql.close();
    },
  };
}

/**
 * How long a claimed message stays invisible to other dispatchers: longer than
 * one bounded SMTP send (the mailer's connect, greeting and socket timeouts
 * are 5 s each), and at most half the code's lifetime, so a message claimed
 * by a process that died (or whose "sent" mark did not land) is claimed again
 * and delivered before its code expires. A lease as long as the lifetime
 * (the dispatcher's 60 s default against the 60 s TTL) drops such messages.
 */
export function dispatcherLeaseSeconds(codeTtlSeconds: number): number {
  return Math.max(15, Math.min(60, Math.floor(codeTtlSeconds / 2)));
}

/** Pings until the database answers or `retryMs` has passed; each failed try is logged. */
async function waitForDatabase(sql: SqlClient, retryMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + retryMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql.ping(2_000);
      return;
    } catch (error) {
      const waitMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
      if (!(error instanceof InfrastructureUnavailableError) || Date.now() + waitMs > deadline) {
        throw error;
      }
      logger.warn(
        { attempt, retryInMs: waitMs, err: { message: error.message } },
        'database not reachable yet; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
