import { CommanderError } from 'commander';
import { ConfigError, DataDirInUseError } from '@signup/adapters';
import { InfrastructureUnavailableError, isRefusal } from '@signup/domain';
import { MailNotDeliveredError, SchemaOutdatedError, UsageError } from './errors.js';
import type { FailureReason } from './exit-codes.js';

/** A failure as the CLI reports it: one line for people, plain data for --json. */
export interface Failure {
  readonly reason: FailureReason;
  readonly message: string;
  /** Extra machine-readable facts (attemptsRemaining, retryAfterSeconds, errors...). */
  readonly details: Record<string, unknown>;
}

/** Sorts any thrown value into a failure reason; nothing here prints a stack. */
export function toFailure(error: unknown): Failure {
  if (isRefusal(error)) {
    const details: Record<string, unknown> = { ...error.toJSON() };
    delete details.code;
    delete details.message;
    return { reason: error.code, message: error.message, details };
  }
  if (error instanceof CommanderError) {
    return { reason: 'usage_error', message: error.message.replace(/^error: /, ''), details: {} };
  }
  if (error instanceof UsageError)
    return { reason: 'usage_error', message: error.message, details: {} };
  if (error instanceof ConfigError) {
    return { reason: 'config_invalid', message: error.message, details: { issues: error.issues } };
  }
  if (error instanceof DataDirInUseError) {
    return {
      reason: 'data_dir_in_use',
      message: error.message,
      details: { dataDir: error.dataDir, ...(error.pid === undefined ? {} : { pid: error.pid }) },
    };
  }
  if (error instanceof InfrastructureUnavailableError) {
    const reason = error.dependency === 'smtp' ? 'smtp_unavailable' : 'database_unavailable';
    return { reason, message: `${error.dependency} unavailable: ${error.message}`, details: {} };
  }
  if (error instanceof MailNotDeliveredError) {
    return { reason: 'mail_queued', message: error.message, details: { email: error.email } };
  }
  if (error instanceof SchemaOutdatedError) {
    return {
      reason: 'schema_outdated',
      message: error.message,
      details: { pending: error.pending },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { reason: 'internal_error', message: `unexpected error: ${message}`, details: {} };
}
