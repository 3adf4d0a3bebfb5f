import {
  InfrastructureUnavailableError,
  type ActivationMailer,
  type Clock,
  type Keyring,
  type Outbox,
  type PasswordHasher,
  type UserRepository,
} from '@signup/domain';
import { BcryptPasswordHasher } from './bcrypt/bcrypt-password-hasher.js';
import type { DatabaseSettings, MailSettings, SharedConfig } from './config/config.js';
import { DataDirInUseError } from './embedded/data-dir-lock.js';
import { connectLocalSocket } from './embedded/local-socket.js';
import { openPgliteSqlClient } from './embedded/pglite-sql-client.js';
import { silentLogger, type Logger } from './logger.js';
import { ConsoleMailer } from './mail/console-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import { openKeyring } from './secret/signup-secret.js';
import { MigrationStatus } from './postgres/migrations.js';
import { PgOutbox } from './postgres/pg-outbox.js';
import { createPgSqlClient } from './postgres/pg-sql-client.js';
import { PgUserRepository } from './postgres/pg-user-repository.js';
import { InMemoryRateLimiter } from './rate-limit/in-memory-rate-limiter.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { SqlRateLimiter } from './rate-limit/sql-rate-limiter.js';
import type { SqlClient } from './sql/sql-client.js';

/*
 * The one place the adapters are chosen and built, for every app: which
 * database engine, which mail transport, and the outbox dispatcher over them.
 * The apps' containers register what this returns.
 */

/** Every adapter an app needs, built once over one database. */
export interface Infrastructure {
  readonly sql: SqlClient;
  readonly users: UserRepository;
  readonly outbox: Outbox;
  readonly hasher: PasswordHasher;
  readonly mailer: Mailer;
  /** SIGNUP_SECRET's keys: code digests, mailbox keys, sealed outbox codes. */
  readonly keyring: Keyring;
  /**
   * The schema as this process knows it, in memory: nothing pending once
   * `migrate` was asked for; unknown (until `check()`) otherwise.
   */
  readonly migrations: MigrationStatus;
  /** null unless `rateLimitPerMinute` was asked for. Shared by all instances on PostgreSQL. */
  readonly rateLimiter: RateLimiter | null;
  /**
   * The outbox dispatcher over `outbox` and `mailer` (or the `mailer` given),
   * woken by the database's notifications, its lease sized to the code's
   * lifetime. `users` hands it the messages this process queues while it
   * runs (the last one created, if several).
   */
  createDispatcher(options: DispatcherOptions): OutboxDispatcher;
  /** Closes the mailer and the database. */
  close(): Promise<void>;
}

export interface DispatcherOptions {
  readonly clock: Clock;
  /** Default: the infrastructure's logger. */
  readonly logger?: Logger;
  /** Sends through this transport instead of the infrastructure's (tests). */
  readonly mailer?: ActivationMailer;
}

/** What the adapters are built from: the shared settings, each group for its adapter. */
export type InfrastructureSettings = Pick<
  SharedConfig,
  'database' | 'mail' | 'bcrypt' | 'activation' | 'secret'
>;

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
  /** Requests per key per minute for `rateLimiter`; 0 or unset: no limiter. */
  readonly rateLimitPerMinute?: number;
  /** Where the console mail transport writes the email (default `logger`). */
  readonly mailLogger?: Logger;
  /** Replaces the real mailer (tests). */
  readonly mailer?: Mailer;
  /**
   * Open every pooled database connection before returning (the server): the
   * first burst of requests then finds them open instead of waiting while
   * PostgreSQL forks a backend for each. A connection that fails to open is
   * logged and opened later, on demand.
   */
  readonly warmPool?: boolean;
  /** Embedded database: serve it to local processes on a socket in DATA_DIR (the server). */
  readonly serveLocalSocket?: boolean;
  /**
   * Embedded database: when another process holds DATA_DIR, reach its
   * database through the socket it serves (the CLI while the server runs).
   */
  readonly reachRunningServer?: boolean;
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Opens the database, waits for it to answer, applies migrations if asked,
 * and builds every adapter over it.
 */
export async function openInfrastructure(
  settings: InfrastructureSettings,
  options: OpenInfrastructureOptions,
): Promise<Infrastructure> {
  const { logger } = options;
  const keyring = await openKeyring(settings.secret, settings.database);
  const sql = await openSqlClient(settings.database, logger, options);
  const migrations = new MigrationStatus(sql);
  try {
    await waitForDatabase(sql, options.connectRetryMs ?? 0, logger);
    if (options.migrate) await migrations.migrate(logger);
    if (options.warmPool && sql.warmUp) {
      const open = await sql.warmUp();
      if (open < settings.database.poolMax) {
        logger.warn(
          { open, poolMax: settings.database.poolMax },
          'not every pooled database connection opened; the rest open on demand',
        );
      }
    }
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }

  const mailer = options.mailer ?? createMailer(settings.mail, options.mailLogger ?? logger);
  const outbox = new PgOutbox(sql);
  const leaseSeconds = dispatcherLeaseSeconds(settings.activation.codeTtlSeconds);
  const users = new PgUserRepository(sql);

  return {
    sql,
    users,
    outbox,
    migrations,
    hasher: new BcryptPasswordHasher({
      cost: settings.bcrypt.cost,
      threads: settings.bcrypt.threads,
      maxPending: settings.bcrypt.maxPendingHashes,
    }),
    mailer,
    keyring,
    rateLimiter: createRateLimiter(sql, options.rateLimitPerMinute ?? 0),
    createDispatcher: (options) => {
      const dispatcher = new OutboxDispatcher({
        outbox,
        mailer: options.mailer ?? mailer,
        clock: options.clock,
        keyring,
        logger: options.logger ?? logger,
        wake: (listener) => outbox.onMessageQueued(listener),
        leaseSeconds,
        // Sent and dropped messages are deleted after 7 days, by the dispatcher.
        retention: outbox,
      });
      // While it runs, it sends the messages this process queues itself,
      // straight from their commit (no NOTIFY, no claim).
      users.handOffQueuedMessagesTo(dispatcher);
      return dispatcher;
    },
    async close() {
      await mailer.close().catch(() => undefined);
      await sql.close();
    },
  };
}

/** PostgreSQL when `databaseUrl` is set, else the embedded PGlite in `dataDir`. */
export async function openSqlClient(
  settings: DatabaseSettings,
  logger: Logger = silentLogger,
  embedded: Pick<OpenInfrastructureOptions, 'serveLocalSocket' | 'reachRunningServer'> = {},
): Promise<SqlClient> {
  if (settings.databaseUrl) {
    return createPgSqlClient({
      connectionString: settings.databaseUrl,
      poolMax: settings.poolMax,
      logger,
    });
  }
  try {
    return await openPgliteSqlClient({
      dataDir: settings.dataDir,
      logger,
      serveLocalSocket: embedded.serveLocalSocket ?? false,
    });
  } catch (error) {
    if (!(error instanceof DataDirInUseError) || !embedded.reachRunningServer) throw error;
    // Held by a live process: its socket, if it serves one; else the refusal.
    try {
      return await connectLocalSocket(settings.dataDir, logger);
    } catch {
      throw error;
    }
  }
}

/** SmtpMailer when `smtpUrl` is set, else the ConsoleMailer writing to `logger`. */
export function createMailer(settings: MailSettings, logger: Logger): Mailer {
  if (settings.smtpUrl)
    return new SmtpMailer({ url: settings.smtpUrl, from: settings.from, logger });
  return new ConsoleMailer({ from: settings.from, logger });
}

/** Shared through the database on PostgreSQL; per process on the embedded one. */
function createRateLimiter(sql: SqlClient, perMinute: number): RateLimiter | null {
  if (perMinute === 0) return null;
  const window = { limit: perMinute, windowSeconds: 60 };
  return sql.engine === 'postgres'
    ? new SqlRateLimiter(sql, window)
    : new InMemoryRateLimiter(window);
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
