import {
  AlreadyActiveError,
  UserNotFoundError,
  type InvalidCredentialsError,
  type ResendTooSoonError,
} from '../errors.js';
import type { UserRepository } from '../ports/user-repository.js';
import type { User } from '../user.js';
import type { AuthenticateUser } from './authenticate-user.js';
import {
  assertCooldownOver,
  issueActivation,
  lostRaceRefusal,
  type IssuanceDeps,
} from './issue-activation.js';

export type ResendActivationCodeRefusal =
  InvalidCredentialsError | UserNotFoundError | AlreadyActiveError | ResendTooSoonError;

export interface ResendActivationCodeDeps extends IssuanceDeps {
  readonly users: UserRepository;
  readonly authenticate: AuthenticateUser;
}

/**
 * Issues and queues a new code for a pending account, outside the cooldown.
 * The previous code stops working and the attempt counter starts again.
 */
export class ResendActivationCode {
  constructor(private readonly deps: ResendActivationCodeDeps) {}

  /** The account holder, with email + password. */
  async withCredentials(input: {
    email: string;
    password: string;
  }): Promise<{ activationCodeExpiresAt: Date }> {
    return this.resend(await this.deps.authenticate.execute(input));
  }

  /** An operator with database access (CLI). */
  async asOperator(input: { email: string }): Promise<{ activationCodeExpiresAt: Date }> {
    const user = await this.deps.users.findByEmail(input.email.trim().toLowerCase());
    if (!user) throw new UserNotFoundError();
    return this.resend(user);
  }

  private async resend(user: User): Promise<{ activationCodeExpiresAt: Date }> {
    const { users, clock, policy } = this.deps;
    if (user.isActive) throw new AlreadyActiveError();
    const now = clock.now();
    assertCooldownOver(user, now, policy);

    const activation = issueActivation(this.deps, user.id, now);
    const reissued = await users.reissueCode({
      userId: user.id,
      expectedCodeId: user.activationCode?.id ?? '',
      activation,
    });
    if (!reissued) {
      const current = await users.findById(user.id);
      throw lostRaceRefusal(current, now, policy, () => new AlreadyActiveError());
    }
    return { activationCodeExpiresAt: activation.code.expiresAt };
  }
}
