import {
  loadAccount,
  loadMailbox,
  LOST_RACE,
  mailboxWrite,
  untilCommitted,
} from '../activation-issuance.js';
import type { ActivationPolicy } from '../activation-policy.js';
import { InvalidCredentialsError, PasswordAttemptsExceededError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Keyring } from '../ports/keyring.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { UserRepository } from '../ports/user-repository.js';
import {
  hasLoneSurrogate,
  normalizeEmail,
  PASSWORD_MAX_BYTES,
  utf8ByteLength,
} from '../schemas.js';
import type { Mailbox } from '../mailbox.js';
import type { User } from '../user.js';

export type AuthenticateUserRefusal = InvalidCredentialsError | PasswordAttemptsExceededError;

/**
 * A right password: the account, when its try was reserved as a failure,
 * and the mailbox as that reservation stored it.
 */
interface Verified {
  readonly user: User;
  readonly reservedAt: Date;
  readonly reserved: Mailbox;
}

/** A right password's try, to be given back in the caller's commit (see `withAccount`). */
export class PasswordRelease {
  private settled = false;
  /**
   * @param reserved the mailbox as the reservation stored it: the caller's
   *   first commit may decide on it without reading it again (its version
   *   guard catches a change made meanwhile).
   */
  constructor(
    private readonly reservedAt: Date,
    readonly reserved: Mailbox,
  ) {}

  /** The mailbox without this try's failure. */
  applyTo(mailbox: Mailbox): Mailbox {
    return mailbox.withoutPasswordFailure(this.reservedAt);
  }

  /** The commit that applied it landed. */
  landed(): void {
    this.settled = true;
  }

  get done(): boolean {
    return this.settled;
  }
}

export interface AuthenticateUserDeps {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly keyring: Keyring;
  readonly policy: ActivationPolicy;
}

/**
 * Email + password to account. Every failure is the same
 * InvalidCredentialsError and costs one hash comparison, an unknown or
 * malformed email included, so neither the answer nor its timing tells which
 * emails exist.
 *
 * Wrong passwords are counted per mailbox, from any mix of IPs: past
 * `passwordFailuresPer15Minutes` in 15 minutes the address is refused with
 * PasswordAttemptsExceededError (429 rate_limited) before any comparison,
 * known or not. Each try reserves its failure before comparing (and gives it
 * back when the password is right), so concurrent guesses cannot overrun the
 * limit: the database settles who gets the last slot.
 */
export class AuthenticateUser {
  constructor(private readonly deps: AuthenticateUserDeps) {}

  /** @throws {AuthenticateUserRefusal} */
  async execute(input: { email: string; password: string }): Promise<User> {
    const { user, reservedAt } = await this.verify(input);
    await this.release(user.email, reservedAt);
    return user;
  }

  /**
   * Runs `then` with the account of a right password. Its try, counted as a
   * failure before the hash, is given back in `then`'s own commit (the
   * mailbox write goes through `release.applyTo`, and `release.landed()` once
   * it committed): one mailbox write where there were two. When no such
   * commit landed, it is given back on its own afterwards. `user` was read
   * with the mailbox, before the hash: `then` may decide on both (as
   * `release.reserved`) without reading them again, its commit guarded by
   * their versions.
   * @throws {AuthenticateUserRefusal}
   */
  async withAccount<T>(
    input: { email: string; password: string },
    then: (user: User, release: PasswordRelease) => Promise<T>,
  ): Promise<T> {
    const { user, reservedAt, reserved } = await this.verify(input);
    const release = new PasswordRelease(reservedAt, reserved);
    try {
      return await then(user, release);
    } finally {
      if (!release.done) await this.release(user.email, reservedAt);
    }
  }

  /**
   * The account, with its try still counted as a failure (reserved at
   * `reservedAt`): the caller gives it back (`release`).
   * @throws {AuthenticateUserRefusal}
   */
  private verify(input: { email: string; password: string }): Promise<Verified> {
    const { hasher } = this.deps;
    // A hasher at capacity sheds the request here, before any strike is counted.
    return hasher.withSlot ? hasher.withSlot(() => this.check(input)) : this.check(input);
  }

  private async check(input: { email: string; password: string }): Promise<Verified> {
    const { hasher } = this.deps;
    const password = input.password.normalize('NFC');
    const email = normalizeEmail(input.email);
    const { user, reservedAt, reserved } = await this.reserveFailure(email, input.email);
    const hashable =
      utf8ByteLength(password) <= PASSWORD_MAX_BYTES &&
      !password.includes('\u0000') &&
      !hasLoneSurrogate(password);

    if (!user || !hashable) {
      await hasher.verifyDummy(hashable ? password : '');
      throw new InvalidCredentialsError();
    }
    if (!(await hasher.verify(password, user.passwordHash))) throw new InvalidCredentialsError();
    return { user, reservedAt, reserved };
  }

  /**
   * Counts a failure in advance, or refuses when the window is full. The
   * account of `email` (a valid one) is read with the mailbox, in one round
   * trip where the store can.
   */
  private reserveFailure(
    email: string | null,
    address: string,
  ): Promise<{ user: User | null; reservedAt: Date; reserved: Mailbox }> {
    const { users, clock, policy } = this.deps;
    return untilCommitted(async () => {
      const now = clock.now();
      const { user, mailbox } = await loadAccount(this.deps, email, email ?? address, now);
      const wait = mailbox.passwordRetryAfterSeconds(now, policy);
      if (wait > 0) throw new PasswordAttemptsExceededError(wait);
      const next = mailbox.withPasswordFailure(now, policy);
      if (!(await users.commit({ mailbox: mailboxWrite(next, policy) }))) return LOST_RACE;
      return { user, reservedAt: now, reserved: next.committed() };
    });
  }

  /** Gives back the failure a right password reserved. */
  private release(address: string, reservedAt: Date): Promise<void> {
    const { users, clock, policy } = this.deps;
    return untilCommitted(async () => {
      const mailbox = await loadMailbox(this.deps, address, clock.now());
      const next = mailbox.withoutPasswordFailure(reservedAt);
      if (next === mailbox) return undefined;
      return (await users.commit({ mailbox: mailboxWrite(next, policy) })) ? undefined : LOST_RACE;
    });
  }
}
