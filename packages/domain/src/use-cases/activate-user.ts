import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
  UserNotFoundError,
  type InvalidCredentialsError,
  type ValidationError,
} from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { UserRepository } from '../ports/user-repository.js';
import { activationCodeSchema, parseField } from '../schemas.js';
import type { PublicUser, User } from '../user.js';
import type { ActivationPolicy } from './activation-policy.js';
import type { AuthenticateUser } from './authenticate-user.js';

export type ActivateUserRefusal =
  | ValidationError
  | InvalidCredentialsError
  | UserNotFoundError
  | AlreadyActiveError
  | ActivationCodeInvalidError
  | ActivationCodeExhaustedError
  | ActivationCodeExpiredError;

export interface ActivateUserDeps {
  readonly users: UserRepository;
  readonly authenticate: AuthenticateUser;
  readonly clock: Clock;
  readonly policy: ActivationPolicy;
}

/**
 * Confirms a pending account with its code. A burned code refuses every
 * candidate; an expired one too; each wrong code is counted atomically; of
 * concurrent right answers exactly one activates, the rest see already_active.
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
    const user = await this.deps.authenticate.execute(input);
    return this.activate(user, code);
  }

  /** An operator with database access (CLI): no password, the same rules. */
  async asOperator(input: { email: string; code: unknown }): Promise<PublicUser> {
    const code = parseField('code', activationCodeSchema, input.code);
    const user = await this.deps.users.findByEmail(input.email.trim().toLowerCase());
    if (!user) throw new UserNotFoundError();
    return this.activate(user, code);
  }

  private async activate(user: User, candidate: string): Promise<PublicUser> {
    const { users, clock, policy } = this.deps;
    const code = user.activationCode;
    if (user.isActive || !code) throw new AlreadyActiveError();

    const now = clock.now();
    const check = code.check(user.id, candidate, now, policy.maxAttempts);
    if (check === 'exhausted') throw new ActivationCodeExhaustedError();
    if (check === 'expired') throw new ActivationCodeExpiredError();

    if (check === 'wrong') {
      const attempts = await users.recordFailedAttempt(user.id, code.id, policy.maxAttempts);
      if (attempts === null) throw await this.refusalForStale(user.id, now);
      throw new ActivationCodeInvalidError(policy.maxAttempts - attempts);
    }

    const activated = await users.activate(user.id, code.id, policy.maxAttempts, now);
    if (activated) return activated.toPublic();
    throw await this.refusalForStale(user.id, now);
  }

  /** Our view of the code went stale under a concurrent writer: say why now. */
  private async refusalForStale(userId: string, now: Date): Promise<Error> {
    const current = await this.deps.users.findById(userId);
    if (!current) return new ActivationCodeExpiredError(); // purged after expiring
    const code = current.activationCode;
    if (current.isActive || !code) return new AlreadyActiveError();
    const { maxAttempts } = this.deps.policy;
    if (code.isExhausted(maxAttempts)) return new ActivationCodeExhaustedError();
    if (code.isExpired(now)) return new ActivationCodeExpiredError();
    // A resend replaced the code meanwhile: the candidate was checked against the old one.
    return new ActivationCodeInvalidError(maxAttempts - code.attempts);
  }
}
