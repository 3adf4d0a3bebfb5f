import { ActivationCode } from '../activation-code.js';
import { ResendTooSoonError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { CodeGenerator, IdGenerator } from '../ports/code-generator.js';
import type { OutgoingActivation } from '../ports/user-repository.js';
import type { User } from '../user.js';
import type { ActivationPolicy } from './activation-policy.js';

export interface IssuanceDeps {
  readonly clock: Clock;
  readonly codes: CodeGenerator;
  readonly ids: IdGenerator;
  readonly policy: ActivationPolicy;
}

/** A fresh code for `userId` and the message that will carry it. */
export function issueActivation(deps: IssuanceDeps, userId: string, now: Date): OutgoingActivation {
  const plainCode = deps.codes.generate();
  return {
    messageId: deps.ids.next(),
    plainCode,
    code: ActivationCode.issue({
      id: deps.ids.next(),
      userId,
      plain: plainCode,
      issuedAt: now,
      ttlSeconds: deps.policy.codeTtlSeconds,
    }),
  };
}

/** Throws ResendTooSoonError while the pending account's last code is within the cooldown. */
export function assertCooldownOver(user: User, now: Date, policy: ActivationPolicy): void {
  const wait =
    user.activationCode?.cooldownRemainingSeconds(now, policy.resendCooldownSeconds) ?? 0;
  if (wait > 0) throw new ResendTooSoonError(wait);
}

/**
 * The refusal for a caller that lost a race to another writer on the same
 * account: somebody else just issued a code (429 resend_too_soon) or the
 * account became active (`whenActive`).
 */
export function lostRaceRefusal<E extends Error>(
  current: User | null,
  now: Date,
  policy: ActivationPolicy,
  whenActive: () => E,
): E | ResendTooSoonError {
  if (current?.isActive) return whenActive();
  const wait =
    current?.activationCode?.cooldownRemainingSeconds(now, policy.resendCooldownSeconds) ?? 0;
  return new ResendTooSoonError(Math.max(1, wait));
}
