import {
  assertMayIssue,
  attemptReads,
  issueActivation,
  LOST_RACE,
  mailboxWrite,
  untilCommitted,
  type IssuanceDeps,
  type VerifiedAccount,
} from '../activation-issuance.js';
import {
  AlreadyActiveError,
  InvalidCredentialsError,
  UserNotFoundError,
  type ActivationLockedError,
  type MailQuotaExceededError,
  type ResendTooSoonError,
} from '../errors.js';
import { normalizeEmail } from '../schemas.js';
import type { AuthenticateUser, AuthenticateUserRefusal } from './authenticate-user.js';

export type ResendActivationCodeRefusal =
  | AuthenticateUserRefusal
  | UserNotFoundError
  | AlreadyActiveError
  | ResendTooSoonError
  | ActivationLockedError
  | MailQuotaExceededError;

export interface ResendActivationCodeDeps extends IssuanceDeps {
  readonly authenticate: AuthenticateUser;
}

/**
 * Issues and queues a new code for a pending account: not during a lockout,
 * not within the cooldown, not over the mailbox's budget. The previous code
 * stops working; the new one gets its own attempts, the mailbox keeps its
 * strikes.
 */
export class ResendActivationCode {
  constructor(private readonly deps: ResendActivationCodeDeps) {}

  /** The account holder, with email + password. */
  async withCredentials(input: {
    email: string;
    password: string;
  }): Promise<{ activationCodeExpiresAt: Date }> {
    return this.deps.authenticate.withAccount(input, (user, release) =>
      this.resend(user.id, () => new InvalidCredentialsError(), { user, release }),
    );
  }

  /** An operator with database access (CLI). */
  async asOperator(input: { email: string }): Promise<{ activationCodeExpiresAt: Date }> {
    const email = normalizeEmail(input.email);
    const user = email ? await this.deps.users.findByEmail(email) : null;
    if (!user) throw new UserNotFoundError();
    return this.resend(user.id, () => new UserNotFoundError());
  }

  /**
   * `verified`: the password check's account and try; the first attempt
   * decides on what it read (see attemptReads).
   */
  private resend(
    userId: string,
    whenGone: () => Error,
    verified?: VerifiedAccount,
  ): Promise<{ activationCodeExpiresAt: Date }> {
    const { users, clock, policy } = this.deps;
    const release = verified?.release;
    const reads = attemptReads(this.deps, userId, verified);
    return untilCommitted(async () => {
      const user = await reads.user();
      if (!user) throw whenGone();
      if (user.isActive) throw new AlreadyActiveError();
      const now = clock.now();
      const mailbox = await reads.mailbox(user.email, now);
      assertMayIssue(mailbox, user, now, policy);

      const activation = issueActivation(this.deps, user.id, now);
      const committed = await users.commit({
        user: user.withCode(activation.code),
        mailbox: mailboxWrite(mailbox.withMailSent(now), policy),
        message: activation,
        retireUnsentMessages: { at: now, reason: 'replaced by a newer code' },
      });
      if (!committed) return LOST_RACE;
      release?.landed();
      return { activationCodeExpiresAt: activation.code.expiresAt };
    });
  }
}
