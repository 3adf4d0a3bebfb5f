import type { ActivationCode } from '../activation-code.js';
import type { User, UserStatus } from '../user.js';

/** The outgoing activation email recorded together with its code. */
export interface OutgoingActivation {
  readonly messageId: string;
  /** The plain code, for the email only. */
  readonly plainCode: string;
  readonly code: ActivationCode;
}

export interface CodeReissue {
  readonly userId: string;
  /** The code the caller saw; the reissue happens only if it is still live. */
  readonly expectedCodeId: string;
  readonly activation: OutgoingActivation;
  /** A re-registration also replaces the password hash. */
  readonly passwordHash?: string;
}

export interface ListUsersQuery {
  readonly status?: UserStatus;
  readonly limit: number;
}

/**
 * Accounts, their live codes and their outgoing messages. Each method is one
 * atomic step, so a SQL implementation can settle every race in the database
 * (a unique index, a conditional UPDATE ... RETURNING, one transaction).
 */
export interface UserRepository {
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  /**
   * Stores a new pending account, its code and its message atomically.
   * Throws EmailTakenError when the email already has an account (including
   * a concurrent registration that committed first).
   */
  create(user: User, activation: OutgoingActivation): Promise<void>;
  /**
   * Replaces the live code of a still-pending account (and optionally its
   * password hash), queues the new message and drops any unsent older one,
   * atomically. Returns false, changing nothing, when the account is no longer
   * pending or its live code is not `expectedCodeId` any more.
   */
  reissueCode(reissue: CodeReissue): Promise<boolean>;
  /**
   * Counts one wrong code against `codeId` unless it is already at
   * `maxAttempts`. Returns the new attempt count, or null when nothing was
   * counted (the code is burned, replaced, or the account is active).
   */
  recordFailedAttempt(userId: string, codeId: string, maxAttempts: number): Promise<number | null>;
  /**
   * Activates the account if it is pending and `codeId` is still live, under
   * `maxAttempts` and not expired at `now`. Exactly one concurrent caller wins:
   * it gets the active user; every other caller gets null. The account's
   * unsent message is dropped in the same step: its code is spent, so it is
   * never sent after the activation (an operator activating while SMTP is
   * down, or a message sent but not yet marked sent).
   */
  activate(userId: string, codeId: string, maxAttempts: number, now: Date): Promise<User | null>;
  /** How many pending accounts have a code that expired before `expiredBefore`. */
  countExpiredPending(expiredBefore: Date): Promise<number>;
  /**
   * Deletes at most `limit` pending accounts whose code expired before
   * `expiredBefore`, with their codes and messages. Never touches an active
   * account. Returns how many were deleted.
   */
  deleteExpiredPending(expiredBefore: Date, limit: number): Promise<number>;
  /** Newest first. */
  list(query: ListUsersQuery): Promise<User[]>;
}
