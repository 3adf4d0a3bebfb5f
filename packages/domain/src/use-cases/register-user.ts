import {
  assertMayIssue,
  issueActivation,
  loadAccount,
  LOST_RACE,
  mailboxWrite,
  untilCommitted,
  type IssuanceDeps,
} from '../activation-issuance.js';
import {
  EmailTakenError,
  type ActivationLockedError,
  type MailQuotaExceededError,
  type ResendTooSoonError,
  type ValidationError,
} from '../errors.js';
import type { Mailbox } from '../mailbox.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import { parseOrRefuse, registrationSchema } from '../schemas.js';
import { User, type PublicUser } from '../user.js';

export type RegisterUserRefusal =
  | ValidationError
  | EmailTakenError
  | ResendTooSoonError
  | ActivationLockedError
  | MailQuotaExceededError;

export interface RegisterUserDeps extends IssuanceDeps {
  readonly hasher: PasswordHasher;
}

/** What a registration was decided on: the account it replaces, if any, and the mailbox. */
interface Decision {
  readonly existing: User | null;
  readonly mailbox: Mailbox;
}

export interface RegistrationResult {
  readonly user: PublicUser;
  readonly activationCodeExpiresAt: Date;
}

/**
 * Registers an email + password as a pending account and queues its
 * activation email in the same atomic step. Re-registering a pending email
 * replaces that registration with a fresh one (new id, `createdAt`, password
 * and code; the old code stops working), so the answer looks exactly like a
 * first registration. Every new code is refused like a resend: during a
 * lockout, within the cooldown, over the mailbox's budget. Strikes are kept.
 */
export class RegisterUser {
  constructor(private readonly deps: RegisterUserDeps) {}

  /** @throws {RegisterUserRefusal} */
  async execute(input: { email: unknown; password: unknown }): Promise<RegistrationResult> {
    const { email, password } = parseOrRefuse(registrationSchema, input);
    const { hasher } = this.deps;
    // Refuse before paying for a hash. The commit below is guarded by the
    // versions this decision read: if the account or the mailbox changed
    // while the password was hashed, it loses its race and decides anew on
    // fresh rows; otherwise the decision stands (time passing only opens the
    // windows it checked), and the rows are not read twice.
    let decided: Decision | undefined;
    const hashUnlessRefused = async () => {
      decided = await this.decide(email, this.deps.clock.now());
      return hasher.hash(password);
    };
    // A hasher at capacity sheds the request here, before any row is read.
    const passwordHash = await (hasher.withSlot
      ? hasher.withSlot(hashUnlessRefused)
      : hashUnlessRefused());

    return untilCommitted(async () => {
      const now = this.deps.clock.now();
      const { existing, mailbox } = decided ?? (await this.decide(email, now));
      decided = undefined;
      const userId = this.deps.ids.next();
      const activation = issueActivation(this.deps, userId, now);
      const user = User.register({
        id: userId,
        email,
        passwordHash,
        createdAt: now,
        code: activation.code,
      });
      const committed = await this.deps.users.commit({
        user,
        ...(existing ? { replaces: existing } : {}),
        mailbox: mailboxWrite(mailbox.withMailSent(now), this.deps.policy),
        message: activation,
      });
      if (!committed) return LOST_RACE;
      return { user: user.toPublic(), activationCodeExpiresAt: activation.code.expiresAt };
    });
  }

  private async decide(email: string, now: Date): Promise<Decision> {
    const { user: existing, mailbox } = await loadAccount(this.deps, email, email, now);
    if (existing?.isActive) throw new EmailTakenError();
    assertMayIssue(mailbox, existing, now, this.deps.policy);
    return { existing, mailbox };
  }
}
