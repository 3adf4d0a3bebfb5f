export * from './config/config.js';
export * from './logger.js';
export * from './sql/sql-client.js';
export * from './postgres/pg-sql-client.js';
export * from './embedded/pglite-sql-client.js';
export { DataDirInUseError } from './embedded/data-dir-lock.js';
export { LOCAL_SOCKET_FILE, connectLocalSocket } from './embedded/local-socket.js';
export {
  migrate,
  pendingMigrations,
  MigrationChecksumError,
  MigrationStatus,
} from './postgres/migrations.js';
export * from './postgres/pg-user-repository.js';
export * from './postgres/pg-outbox.js';
export * from './bcrypt/bcrypt-password-hasher.js';
export * from './bcrypt/hashing-overloaded-error.js';
export * from './mail/render-activation-email.js';
export * from './mail/mailer.js';
export * from './mail/smtp-mailer.js';
export * from './mail/console-mailer.js';
export * from './outbox/backoff.js';
export * from './outbox/outbox-dispatcher.js';
export type {
  RateLimiter,
  RateLimitDecision,
  RateLimitOptions,
} from './rate-limit/rate-limiter.js';
export * from './rate-limit/sql-rate-limiter.js';
export * from './rate-limit/in-memory-rate-limiter.js';
export * from './infrastructure.js';
export * from './secret/signup-secret.js';
