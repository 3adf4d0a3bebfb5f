import type { ActivationCode } from '../activation-code.js';
import type { Mailbox } from '../mailbox.js';
import type { User, UserStatus } from '../user.js';

/** The outgoing activation email recorded together with its code. */
export interface OutgoingActivation {
  readonly messageId: string;
  /** The code sealed with the keyring: the only form a store ever sees. */
  readonly sealedCode: string;
  readonly code: ActivationCode;
}

/**
 * One atomic change of an account, its mailbox and its outbox, decided by the
 * domain. A store applies all of it or none: every aggregate named here is
 * written only if its stored version is still the version it carries (0: it
 * must not exist yet), and the store bumps each version it writes. That one
 * compare-and-swap is the store's only rule; the business rules live on the
 * aggregates.
 */
export interface AccountChange {
  /** The account after the change (version 0: a new account). */
  readonly user?: User;
  /**
   * A pending account that `user` replaces (a re-registration under a fresh
   * id): deleted, with its messages, only if still at `replaces.version`.
   */
  readonly replaces?: User;
  /** The mailbox after the change, and when its record may be forgotten. */
  readonly mailbox?: { readonly next: Mailbox; readonly forgetAt: Date };
  /** An activation email to queue for `user`. */
  readonly message?: OutgoingActivation;
  /**
   * Drop `user`'s unsent messages (their code was replaced or spent) at `at`,
   * recording `reason`, and erase their codes.
   */
  readonly retireUnsentMessages?: { readonly at: Date; readonly reason: string };
}

export interface ListUsersQuery {
  readonly status?: UserStatus;
  readonly limit: number;
}

/**
 * Accounts, mailboxes and their outgoing messages. Reads are plain; every
 * write is one `commit`, so a SQL store settles every race in the database
 * (one transaction, conditional writes on the version).
 */
export interface UserRepository {
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  /** The mailbox record stored under `key`, or null. */
  findMailbox(key: string): Promise<Mailbox | null>;
  /**
   * `findByEmail(email)` and `findMailbox(mailboxKey)` in one read (one round
   * trip where a request needs both). Optional: without it the domain calls
   * the two.
   */
  findAccountAndMailbox?(
    email: string,
    mailboxKey: string,
  ): Promise<{ user: User | null; mailbox: Mailbox | null }>;
  /**
   * Applies `change` atomically. Returns false, changing nothing, when any
   * version guard misses: another writer got there first (including a second
   * account for the same email), so the caller reads again and decides anew.
   */
  commit(change: AccountChange): Promise<boolean>;
  /** How many pending accounts have a code that expired before `expiredBefore`. */
  countExpiredPending(expiredBefore: Date): Promise<number>;
  /**
   * Deletes at most `limit` pending accounts whose code expired before
   * `expiredBefore`, with their codes and messages. Never touches an active
   * account or any mailbox record. Returns how many were deleted.
   */
  deleteExpiredPending(expiredBefore: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` mailbox records whose `forgetAt` is before `now`. */
  deleteForgottenMailboxes(now: Date, limit: number): Promise<number>;
  /** Newest first. */
  list(query: ListUsersQuery): Promise<User[]>;
}
