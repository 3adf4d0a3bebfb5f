import { loadMailbox, LOST_RACE, mailboxWrite, untilCommitted } from '../activation-issuance.js';
import type { ActivationPolicy } from '../activation-policy.js';
import type { ValidationError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Keyring } from '../ports/keyring.js';
import type { UserRepository } from '../ports/user-repository.js';
import { emailSchema, parseField } from '../schemas.js';

export type UnlockMailboxRefusal = ValidationError;

export interface UnlockMailboxDeps {
  readonly users: UserRepository;
  readonly clock: Clock;
  readonly keyring: Keyring;
  readonly policy: ActivationPolicy;
}

export interface UnlockResult {
  /** Strikes the mailbox had (0: there was nothing to clear). */
  readonly strikesCleared: number;
  /** Whether a lockout was still running. */
  readonly wasLocked: boolean;
}

/**
 * The operator's answer to a mailbox locked by someone else's wrong codes
 * (`signup unlock <email>`): clears its strikes, lockout and password
 * failures. The mail budget stays: it protects the owner's inbox.
 */
export class UnlockMailbox {
  constructor(private readonly deps: UnlockMailboxDeps) {}

  /** @throws {UnlockMailboxRefusal} */
  execute(input: { email: unknown }): Promise<UnlockResult> {
    const email = parseField('email', emailSchema, input.email);
    const { users, clock, policy } = this.deps;
    return untilCommitted(async () => {
      const now = clock.now();
      const mailbox = await loadMailbox(this.deps, email, now);
      const result = {
        strikesCleared: mailbox.strikes,
        wasLocked: mailbox.lockRemainingSeconds(now) > 0,
      };
      if (mailbox.version === 0) return result;
      const committed = await users.commit({ mailbox: mailboxWrite(mailbox.unlocked(), policy) });
      return committed ? result : LOST_RACE;
    });
  }
}
