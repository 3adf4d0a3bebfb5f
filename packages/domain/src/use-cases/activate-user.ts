import {
  attemptReads,
  LOST_RACE,
  mailboxWrite,
  untilCommitted,
  type VerifiedAccount,
} from '../activation-issuance.js';
import type { ActivationPolicy } from '../activation-policy.js';
import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
  UserNotFoundError,
  type ValidationError,
} from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Keyring } from '../ports/keyring.js';
import type { UserRepository } from '../ports/user-repository.js';
import { activationCodeSchema, normalizeEmail, parseField } from '../schemas.js';
import type { PublicUser } from '../user.js';
import type { AuthenticateUser, AuthenticateUserRefusal } from './authenticate-user.js';

export type ActivateUserRefusal =
  | ValidationError
  | AuthenticateUserRefusal
  | UserNotFoundError
  | AlreadyActiveError
  | ActivationCodeInvalidError
  | ActivationCodeExhaustedError
  | ActivationCodeExpiredError;

export interface ActivateUserDeps {
  readonly users: UserRepository;
  readonly authenticate: AuthenticateUser;
  readonly clock: Clock;
  readonly keyring: Keyring;
  readonly policy: ActivationPolicy;
}

/**
 * Confirms a pending account with its code. A burned code refuses every
 * candidate; an expired one too. Each wrong code counts on the code and as a
 * strike of the mailbox, in one atomic write, also under concurrency; the
 * strike that burns a code locks the mailbox (see Mailbox.strike). Of
 * concurrent right answers exactly one activates, the rest see
 * already_active. An activation clears the mailbox's strikes and lockout.
 */
export class ActivateUser {
  constructor(private readonly deps: ActivateUserDeps) {}

  /** The account holder: email + password (HTTP Basic Auth) and the code. */
  async withCredentials(input: {
    email: string;
    password: string;
    code: unknown;
  }): Promise<PublicUser> {
    const code = parseField('code', activationCodeSchema, input.code);
    return this.deps.authenticate.withAccount(input, (user, release) =>
      this.activate(user.id, code, { user, release }),
    );
  }

  /** An operator with database access (CLI): no password, the same rules. */
  async asOperator(input: { email: string; code: unknown }): Promise<PublicUser> {
    const code = parseField('code', activationCodeSchema, input.code);
    const email = normalizeEmail(input.email);
    const user = email ? await this.deps.users.findByEmail(email) : null;
    if (!user) throw new UserNotFoundError();
    return this.activate(user.id, code);
  }

  /**
   * `verified`: the password check's account and try; the first attempt
   * decides on what it read (see attemptReads).
   */
  private activate(
    userId: string,
    candidate: string,
    verified?: VerifiedAccount,
  ): Promise<PublicUser> {
    const { users, clock, keyring, policy } = this.deps;
    const release = verified?.release;
    const reads = attemptReads(this.deps, userId, verified);
    return untilCommitted(async () => {
      const user = await reads.user();
      // Gone since it was read: purged after expiring, or replaced by a re-registration.
      if (!user) throw new ActivationCodeExpiredError();
      const code = user.activationCode;
      if (user.isActive || !code) throw new AlreadyActiveError();

      const now = clock.now();
      const check = code.check(user.id, candidate, now, policy.maxAttempts, keyring);
      if (check === 'exhausted') throw new ActivationCodeExhaustedError();
      if (check === 'expired') throw new ActivationCodeExpiredError();
      const mailbox = await reads.mailbox(user.email, now);

      if (check === 'wrong') {
        const leftOnCode = policy.maxAttempts - code.attempts - 1;
        const { mailbox: struck, burned } = mailbox.strike(now, policy, leftOnCode <= 0);
        const committed = await users.commit({
          user: user.withWrongCode(burned, policy.maxAttempts),
          mailbox: mailboxWrite(struck, policy),
        });
        if (!committed) return LOST_RACE;
        release?.landed();
        throw new ActivationCodeInvalidError(
          burned ? 0 : Math.min(leftOnCode, struck.strikesBeforeLockout(policy)),
        );
      }

      const active = user.activated(now);
      const committed = await users.commit({
        user: active,
        mailbox: mailboxWrite(mailbox.cleared(), policy),
        retireUnsentMessages: { at: now, reason: 'account activated' },
      });
      if (!committed) return LOST_RACE;
      release?.landed();
      return active.toPublic();
    });
  }
}
