import { EmailTakenError, type ResendTooSoonError, type ValidationError } from '../errors.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { UserRepository } from '../ports/user-repository.js';
import { parseOrRefuse, registrationSchema } from '../schemas.js';
import { User, type PublicUser } from '../user.js';
import {
  assertCooldownOver,
  issueActivation,
  lostRaceRefusal,
  type IssuanceDeps,
} from './issue-activation.js';

export type RegisterUserRefusal = ValidationError | EmailTakenError | ResendTooSoonError;

export interface RegisterUserDeps extends IssuanceDeps {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
}

export interface RegistrationResult {
  readonly user: PublicUser;
  readonly activationCodeExpiresAt: Date;
}

/**
 * Registers an email + password as a pending account and queues its
 * activation email in the same atomic step. Re-registering a pending email
 * replaces its password and code (the old code stops working), outside the
 * resend cooldown. Hashing happens before, never inside, the atomic write.
 */
export class RegisterUser {
  constructor(private readonly deps: RegisterUserDeps) {}

  /** @throws {RegisterUserRefusal} */
  async execute(input: { email: unknown; password: unknown }): Promise<RegistrationResult> {
    const { email, password } = parseOrRefuse(registrationSchema, input);
    const { users, hasher, clock, policy } = this.deps;

    const existing = await users.findByEmail(email);
    if (existing?.isActive) throw new EmailTakenError();
    if (existing) assertCooldownOver(existing, clock.now(), policy);

    const passwordHash = await hasher.hash(password);
    const now = clock.now();

    if (existing) {
      const activation = issueActivation(this.deps, existing.id, now);
      const replaced = await users.reissueCode({
        userId: existing.id,
        expectedCodeId: existing.activationCode?.id ?? '',
        activation,
        passwordHash,
      });
      if (!replaced) throw await this.lostRace(email, now);
      const expiresAt = activation.code.expiresAt;
      return {
        user: { ...existing.toPublic(), activationCodeExpiresAt: expiresAt },
        activationCodeExpiresAt: expiresAt,
      };
    }

    const userId = this.deps.ids.next();
    const activation = issueActivation(this.deps, userId, now);
    const user = User.register({
      id: userId,
      email,
      passwordHash,
      createdAt: now,
      code: activation.code,
    });
    try {
      await users.create(user, activation);
    } catch (error) {
      if (error instanceof EmailTakenError) throw await this.lostRace(email, now);
      throw error;
    }
    return { user: user.toPublic(), activationCodeExpiresAt: activation.code.expiresAt };
  }

  private async lostRace(email: string, now: Date) {
    const current = await this.deps.users.findByEmail(email);
    return lostRaceRefusal(current, now, this.deps.policy, () => new EmailTakenError());
  }
}
