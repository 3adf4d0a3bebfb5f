/**
 * The tunable rules of activation, from configuration. `defaultActivationPolicy`
 * is the one source of every default: the apps' configuration derives from it.
 */
export interface ActivationPolicy {
  /** Lifetime of a code in seconds. */
  readonly codeTtlSeconds: number;
  /** Wrong codes before the code is burned. */
  readonly maxAttempts: number;
  /** Minimum seconds between two codes for one account. */
  readonly resendCooldownSeconds: number;
  /** Lockout after the first burned code; doubles with each further one. */
  readonly lockoutSeconds: number;
  /** Upper bound of one lockout; null: no cap. */
  readonly lockoutMaxSeconds: number | null;
  /** Activation emails per mailbox in any 24 hours. */
  readonly mailPerMailboxPerDay: number;
  /** Wrong passwords per mailbox in any 15 minutes before 429. */
  readonly passwordFailuresPer15Minutes: number;
  /** Strikes are forgotten this long after the last one. */
  readonly strikeMemoryDays: number;
}

export const defaultActivationPolicy: ActivationPolicy = {
  codeTtlSeconds: 60,
  maxAttempts: 5,
  resendCooldownSeconds: 30,
  lockoutSeconds: 60,
  lockoutMaxSeconds: null,
  mailPerMailboxPerDay: 10,
  passwordFailuresPer15Minutes: 10,
  strikeMemoryDays: 365,
};

/** The windows of the two sliding limits, fixed by the contract. */
export const MAIL_BUDGET_WINDOW_SECONDS = 24 * 60 * 60;
export const PASSWORD_FAILURE_WINDOW_SECONDS = 15 * 60;
