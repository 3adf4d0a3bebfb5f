import { assertNever, type RefusalCode } from '@signup/domain';

/** The contract's exit codes. */
export const ExitCode = {
  Done: 0,
  Refused: 1,
  Usage: 2,
  Infrastructure: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Why a command did not finish with 0: a domain refusal or one of the CLI's own reasons. */
export type FailureReason =
  | RefusalCode
  | 'usage_error'
  | 'config_invalid'
  | 'database_unavailable'
  | 'smtp_unavailable'
  | 'mail_queued'
  | 'data_dir_in_use'
  | 'schema_outdated'
  | 'internal_error';

/** THE table: every failure reason to its exit code. */
export function exitCodeFor(reason: FailureReason): ExitCode {
  switch (reason) {
    case 'email_taken':
    case 'resend_too_soon':
    case 'activation_locked':
    case 'mail_quota_exceeded':
    case 'rate_limited':
    case 'invalid_credentials':
    case 'already_active':
    case 'activation_code_invalid':
    case 'activation_code_exhausted':
    case 'activation_code_expired':
    case 'user_not_found':
      return ExitCode.Refused;
    case 'validation_failed':
    case 'usage_error':
    case 'config_invalid':
      return ExitCode.Usage;
    case 'database_unavailable':
    case 'smtp_unavailable':
    case 'mail_queued':
    case 'data_dir_in_use':
    case 'schema_outdated':
    case 'internal_error': // a bug or an unforeseen dependency failure: not the caller's, not a refusal
      return ExitCode.Infrastructure;
    default:
      return assertNever(reason);
  }
}
