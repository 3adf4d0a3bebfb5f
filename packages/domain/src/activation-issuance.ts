import { ActivationCode } from './activation-code.js';
import type { ActivationPolicy } from './activation-policy.js';
import {
  ActivationLockedError,
  InfrastructureUnavailableError,
  MailQuotaExceededError,
  ResendTooSoonError,
} from './errors.js';
import { Mailbox } from './mailbox.js';
import type { Clock } from './ports/clock.js';
import type { CodeGenerator } from './ports/code-generator.js';
import type { IdGenerator } from './ports/id-generator.js';
import type { Keyring } from './ports/keyring.js';
import type { AccountChange, OutgoingActivation, UserRepository } from './ports/user-repository.js';
import { mailboxOf } from './schemas.js';
import type { PasswordRelease } from './use-cases/authenticate-user.js';
import type { User } from './user.js';

export interface IssuanceDeps {
  readonly users: UserRepository;
  readonly clock: Clock;
  readonly codes: CodeGenerator;
  readonly ids: IdGenerator;
  readonly keyring: Keyring;
  readonly policy: ActivationPolicy;
}

/** A fresh code for `userId` and the sealed message that will carry it. */
export function issueActivation(deps: IssuanceDeps, userId: string, now: Date): OutgoingActivation {
  const plain = deps.codes.generate();
  return {
    messageId: deps.ids.next(),
    sealedCode: deps.keyring.seal(plain),
    code: ActivationCode.issue({
      id: deps.ids.next(),
      userId,
      plain,
      issuedAt: now,
      ttlSeconds: deps.policy.codeTtlSeconds,
      keyring: deps.keyring,
    }),
  };
}

/**
 * The mailbox record of `email` as it stands at `now`: found under the
 * current key or, during a rotation, under the previous one; else a new one.
 */
export async function loadMailbox(
  deps: Pick<IssuanceDeps, 'users' | 'keyring' | 'policy'>,
  email: string,
  now: Date,
): Promise<Mailbox> {
  return (await loadAccount(deps, null, email, now)).mailbox;
}

/**
 * The account of `email` (none when `email` is null: no account is looked
 * up) and the mailbox record of `address` as `loadMailbox` finds it, read
 * together where the store can (`findAccountAndMailbox`: one round trip).
 */
export async function loadAccount(
  deps: Pick<IssuanceDeps, 'users' | 'keyring' | 'policy'>,
  email: string | null,
  address: string,
  now: Date,
): Promise<{ user: User | null; mailbox: Mailbox }> {
  const { users, keyring, policy } = deps;
  const mailbox = mailboxOf(address);
  const current = keyring.digest('mailbox', mailbox);
  let user: User | null = null;
  let found: Mailbox | null;
  if (email !== null && users.findAccountAndMailbox) {
    ({ user, mailbox: found } = await users.findAccountAndMailbox(email, current.value));
  } else {
    if (email !== null) user = await users.findByEmail(email);
    found = await users.findMailbox(current.value);
  }
  // during a rotation, under the other keys held (keyIds lists the current one first)
  for (const keyId of keyring.keyIds.slice(1)) {
    if (found) break;
    found = await users.findMailbox(keyring.digestWith(keyId, 'mailbox', mailbox) as string);
  }
  return {
    user,
    mailbox: found ? found.at(now, policy) : Mailbox.empty(current),
  };
}

/** What `withAccount` hands its caller: the account a right password opened, and its try. */
export interface VerifiedAccount {
  readonly user: User;
  readonly release: PasswordRelease;
}

/**
 * The account and the mailbox each attempt of a caller's `untilCommitted`
 * decides on. With `verified`, the first attempt takes the ones the password
 * check read before its hash (no second read: the commit is guarded by their
 * versions), and every mailbox comes without the try's failure
 * (`release.applyTo`); an attempt after a lost race reads both again.
 */
export function attemptReads(
  deps: Pick<IssuanceDeps, 'users' | 'keyring' | 'policy'>,
  userId: string,
  verified?: VerifiedAccount,
): { user(): Promise<User | null>; mailbox(email: string, now: Date): Promise<Mailbox> } {
  let known = verified;
  return {
    user: async () => known?.user ?? (await deps.users.findById(userId)),
    async mailbox(email, now) {
      const loaded = known
        ? known.release.reserved.at(now, deps.policy)
        : await loadMailbox(deps, email, now);
      known = undefined; // read: the next attempt reads again
      return verified ? verified.release.applyTo(loaded) : loaded;
    },
  };
}

/** The mailbox part of an AccountChange. */
export function mailboxWrite(next: Mailbox, policy: ActivationPolicy): AccountChange['mailbox'] {
  return { next, forgetAt: next.forgetAt(policy) };
}

/**
 * Throws the refusal for issuing a new code now, in the contract's order: the
 * mailbox is locked (429 activation_locked), the account's last code is within
 * the cooldown (429 resend_too_soon), the mailbox's email budget is spent
 * (429 mail_quota_exceeded).
 */
export function assertMayIssue(
  mailbox: Mailbox,
  current: User | null,
  now: Date,
  policy: ActivationPolicy,
): void {
  const locked = mailbox.lockRemainingSeconds(now);
  if (locked > 0 && mailbox.lockedUntil)
    throw new ActivationLockedError(locked, mailbox.lockedUntil);
  const cooldown =
    current?.activationCode?.cooldownRemainingSeconds(now, policy.resendCooldownSeconds) ?? 0;
  if (cooldown > 0) throw new ResendTooSoonError(cooldown);
  const quota = mailbox.mailRetryAfterSeconds(now, policy);
  if (quota > 0) throw new MailQuotaExceededError(quota);
}

/** What an attempt answers when its commit lost a race: read again and decide anew. */
export const LOST_RACE = Symbol('lost race');

/**
 * Runs `attempt` until it settles. Each try reads, decides on the aggregates
 * and commits once; a commit that lost a race (another writer changed the
 * account or the mailbox meanwhile) makes the next try see that write. A
 * request writes a mailbox up to three times (reserve a password try, strike,
 * give the try back), so under a burst on one mailbox the losers back off for
 * a random, growing moment (at most 50 ms) instead of retrying in lockstep.
 */
export async function untilCommitted<T>(attempt: () => Promise<T | typeof LOST_RACE>): Promise<T> {
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    const result = await attempt();
    if (result !== LOST_RACE) return result;
    const backoffMs = Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** tries);
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
  }
  throw new InfrastructureUnavailableError(
    'database',
    `Too much contention on one account: ${MAX_TRIES} writes in a row lost their race.`,
  );
}

const MAX_TRIES = 64;
const MAX_BACKOFF_MS = 50;
