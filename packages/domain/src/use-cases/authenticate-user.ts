import { InvalidCredentialsError } from '../errors.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { UserRepository } from '../ports/user-repository.js';
import { emailSchema, hasLoneSurrogate, PASSWORD_MAX_BYTES, utf8ByteLength } from '../schemas.js';
import type { User } from '../user.js';

export type AuthenticateUserRefusal = InvalidCredentialsError;

export interface AuthenticateUserDeps {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
}

/**
 * Email + password to account. Every failure is the same
 * InvalidCredentialsError and costs one hash comparison, an unknown or
 * malformed email included, so neither the answer nor its timing tells which
 * emails exist.
 */
export class AuthenticateUser {
  constructor(private readonly deps: AuthenticateUserDeps) {}

  /** @throws {AuthenticateUserRefusal} */
  async execute(input: { email: string; password: string }): Promise<User> {
    const { users, hasher } = this.deps;
    const password = input.password.normalize('NFC');
    const parsed = emailSchema.safeParse(input.email);
    const user = parsed.success ? await users.findByEmail(parsed.data) : null;
    const hashable =
      utf8ByteLength(password) <= PASSWORD_MAX_BYTES &&
      !password.includes('\u0000') &&
      !hasLoneSurrogate(password);

    if (!user || !hashable) {
      await hasher.verifyDummy(hashable ? password : '');
      throw new InvalidCredentialsError();
    }
    if (!(await hasher.verify(password, user.passwordHash))) throw new InvalidCredentialsError();
    return user;
  }
}
