import type { Clock } from '../ports/clock.js';
import { randomCodeGenerator, type CodeGenerator } from '../ports/code-generator.js';
import { randomIdGenerator, type IdGenerator } from '../ports/id-generator.js';
import type { Keyring } from '../ports/keyring.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { UserRepository } from '../ports/user-repository.js';
import { ActivateUser } from './activate-user.js';
import type { ActivationPolicy } from '../activation-policy.js';
import { AuthenticateUser } from './authenticate-user.js';
import { PurgeExpiredRegistrations } from './purge-expired-registrations.js';
import { RegisterUser } from './register-user.js';
import { ResendActivationCode } from './resend-activation-code.js';
import { UnlockMailbox } from './unlock-mailbox.js';

export interface SignupServiceDeps {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly policy: ActivationPolicy;
  /** The server secret (SecretKeyring): keys stored codes and mailboxes, seals outbox codes. */
  readonly keyring: Keyring;
  readonly codes?: CodeGenerator;
  readonly ids?: IdGenerator;
}

/** Every use case wired over one set of ports: the embedding entry point. */
export interface SignupService {
  readonly register: RegisterUser;
  readonly authenticate: AuthenticateUser;
  readonly activate: ActivateUser;
  readonly resend: ResendActivationCode;
  readonly purgeExpired: PurgeExpiredRegistrations;
  readonly unlock: UnlockMailbox;
}

export function createSignupService(deps: SignupServiceDeps): SignupService {
  const full = { codes: randomCodeGenerator, ids: randomIdGenerator, ...deps };
  const authenticate = new AuthenticateUser(full);
  return {
    register: new RegisterUser(full),
    authenticate,
    activate: new ActivateUser({ ...full, authenticate }),
    resend: new ResendActivationCode({ ...full, authenticate }),
    purgeExpired: new PurgeExpiredRegistrations(full),
    unlock: new UnlockMailbox(full),
  };
}
