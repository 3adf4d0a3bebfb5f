import { secondsUntil } from './activation-code.js';
import {
  MAIL_BUDGET_WINDOW_SECONDS,
  PASSWORD_FAILURE_WINDOW_SECONDS,
  type ActivationPolicy,
} from './activation-policy.js';
import type { Keyed } from './ports/keyring.js';

export interface MailboxPrimitives {
  /** Keyed digest of the mailbox (`mailboxOf(email)`): the address itself is never stored here. */
  readonly key: string;
  readonly keyId: string;
  /** Wrong codes since the last activation or unlock (forgotten after `strikeMemoryDays`). */
  readonly strikes: number;
  readonly lastStrikeAt: Date | null;
  /** Lockouts since the last activation or unlock: the n of 60 s × 2^(n−1). */
  readonly lockouts: number;
  readonly lockedUntil: Date | null;
  /** When activation emails were queued, within the last 24 hours, oldest first. */
  readonly mailSentAt: readonly Date[];
  /** When wrong passwords were given, within the last 15 minutes, oldest first. */
  readonly passwordFailures: readonly Date[];
  /** Optimistic-concurrency version: 0 before the first write; the store bumps it. */
  readonly version: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Keeps a lockout's end a valid date however many lockouts pile up (no cap configured). */
const LONGEST_LOCKOUT_MS = 100 * 365 * DAY_MS;

/**
 * Everything one mailbox has earned: the strikes of wrong codes, the lockouts
 * they triggered, the activation emails it was sent and the wrong passwords
 * tried against it. An attacker who registered someone else's address knows
 * the password and has unlimited IPs; these counts are per mailbox, so no
 * resend, re-registration, `+tag` variant or purge gives them a fresh start.
 * Pure: each transition returns a new Mailbox; the store persists it with a
 * compare-and-swap on `version`.
 */
export class Mailbox {
  private constructor(private readonly props: MailboxPrimitives) {}

  /** A mailbox never seen before. */
  static empty(key: Keyed): Mailbox {
    return new Mailbox({
      key: key.value,
      keyId: key.keyId,
      strikes: 0,
      lastStrikeAt: null,
      lockouts: 0,
      lockedUntil: null,
      mailSentAt: [],
      passwordFailures: [],
      version: 0,
    });
  }

  static fromPrimitives(props: MailboxPrimitives): Mailbox {
    return new Mailbox({ ...props });
  }

  /**
   * This mailbox as the store holds it once a commit of it landed (the store
   * bumped its version): what a request may decide on next without reading
   * it again, its next commit guarded by that version.
   */
  committed(): Mailbox {
    return new Mailbox({ ...this.props, version: this.props.version + 1 });
  }

  get key(): string {
    return this.props.key;
  }
  get version(): number {
    return this.props.version;
  }
  get strikes(): number {
    return this.props.strikes;
  }
  get lockouts(): number {
    return this.props.lockouts;
  }
  get lockedUntil(): Date | null {
    return this.props.lockedUntil;
  }

  /**
   * The mailbox as it stands at `now`: strikes (and the lockout count) older
   * than the memory are forgotten, and the sliding windows drop what fell out.
   */
  at(now: Date, policy: ActivationPolicy): Mailbox {
    const t = now.getTime();
    const forgotten =
      this.props.lastStrikeAt !== null &&
      t >= this.props.lastStrikeAt.getTime() + policy.strikeMemoryDays * DAY_MS;
    return new Mailbox({
      ...this.props,
      ...(forgotten ? { strikes: 0, lockouts: 0, lastStrikeAt: null } : {}),
      mailSentAt: within(this.props.mailSentAt, t, MAIL_BUDGET_WINDOW_SECONDS),
      passwordFailures: within(this.props.passwordFailures, t, PASSWORD_FAILURE_WINDOW_SECONDS),
    });
  }

  /** Seconds until a new code may be issued; 0 when the mailbox is not locked. */
  lockRemainingSeconds(now: Date): number {
    return this.props.lockedUntil ? secondsUntil(this.props.lockedUntil.getTime(), now) : 0;
  }

  /**
   * Wrong codes the mailbox may still take before its next lockout. A code
   * burns at its own attempt limit or here, whichever comes first, so no
   * pattern of resends gets more than `maxAttempts` guesses between two
   * lockouts.
   */
  strikesBeforeLockout(policy: ActivationPolicy): number {
    return policy.maxAttempts - (this.props.strikes % policy.maxAttempts);
  }

  /**
   * Counts one wrong code. When it burns the code (`burnsCode`: the code's own
   * limit is reached) or reaches the mailbox's limit, the mailbox is locked
   * for lockoutSeconds × 2^(n−1) after the n-th lockout (capped when
   * configured). Returns whether this strike burned the code.
   */
  strike(
    now: Date,
    policy: ActivationPolicy,
    burnsCode: boolean,
  ): { mailbox: Mailbox; burned: boolean } {
    const strikes = this.props.strikes + 1;
    const burned = burnsCode || strikes % policy.maxAttempts === 0;
    const lockouts = this.props.lockouts + (burned ? 1 : 0);
    return {
      burned,
      mailbox: new Mailbox({
        ...this.props,
        strikes,
        lastStrikeAt: now,
        lockouts,
        lockedUntil: burned
          ? new Date(now.getTime() + lockoutMs(lockouts, policy))
          : this.props.lockedUntil,
      }),
    };
  }

  /** Seconds until the mail budget has room again; 0 when an email may be queued now. */
  mailRetryAfterSeconds(now: Date, policy: ActivationPolicy): number {
    const sent = within(this.props.mailSentAt, now.getTime(), MAIL_BUDGET_WINDOW_SECONDS);
    if (sent.length < policy.mailPerMailboxPerDay) return 0;
    const oldest = sent[sent.length - policy.mailPerMailboxPerDay] as Date;
    return Math.max(1, secondsUntil(oldest.getTime() + MAIL_BUDGET_WINDOW_SECONDS * 1000, now));
  }

  /** One activation email queued at `now`. */
  withMailSent(now: Date): Mailbox {
    return new Mailbox({ ...this.props, mailSentAt: [...this.props.mailSentAt, now] });
  }

  /** Seconds until a password may be tried again; 0 while the window has room. */
  passwordRetryAfterSeconds(now: Date, policy: ActivationPolicy): number {
    const failures = within(
      this.props.passwordFailures,
      now.getTime(),
      PASSWORD_FAILURE_WINDOW_SECONDS,
    );
    if (failures.length < policy.passwordFailuresPer15Minutes) return 0;
    const oldest = failures[failures.length - policy.passwordFailuresPer15Minutes] as Date;
    return Math.max(
      1,
      secondsUntil(oldest.getTime() + PASSWORD_FAILURE_WINDOW_SECONDS * 1000, now),
    );
  }

  /** One wrong password at `now` (only the window's worth is kept). */
  withPasswordFailure(now: Date, policy: ActivationPolicy): Mailbox {
    const kept = within(
      this.props.passwordFailures,
      now.getTime(),
      PASSWORD_FAILURE_WINDOW_SECONDS,
    );
    return new Mailbox({
      ...this.props,
      passwordFailures: [...kept, now].slice(-policy.passwordFailuresPer15Minutes),
    });
  }

  /** Gives back a failure reserved at `at` (the password was right); this same object when none is. */
  withoutPasswordFailure(at: Date): Mailbox {
    const index = this.props.passwordFailures.findIndex((d) => d.getTime() === at.getTime());
    if (index < 0) return this;
    const passwordFailures = this.props.passwordFailures.filter((_, i) => i !== index);
    return new Mailbox({ ...this.props, passwordFailures });
  }

  /** A successful activation proved control of the mailbox: strikes and lockout are cleared. */
  cleared(): Mailbox {
    return new Mailbox({
      ...this.props,
      strikes: 0,
      lastStrikeAt: null,
      lockouts: 0,
      lockedUntil: null,
    });
  }

  /** The operator's `signup unlock`: strikes, lockout and password failures cleared. */
  unlocked(): Mailbox {
    return new Mailbox({ ...this.cleared().props, passwordFailures: [] });
  }

  /**
   * When the stored record says nothing any more (no strike to remember, no
   * lockout, no email or failure in a window) and may be deleted.
   */
  forgetAt(policy: ActivationPolicy): Date {
    const p = this.props;
    const ends = [
      p.lastStrikeAt ? p.lastStrikeAt.getTime() + policy.strikeMemoryDays * DAY_MS : 0,
      p.lockedUntil?.getTime() ?? 0,
      ...p.mailSentAt.map((d) => d.getTime() + MAIL_BUDGET_WINDOW_SECONDS * 1000),
      ...p.passwordFailures.map((d) => d.getTime() + PASSWORD_FAILURE_WINDOW_SECONDS * 1000),
    ];
    return new Date(Math.max(...ends));
  }

  toPrimitives(): MailboxPrimitives {
    return {
      ...this.props,
      mailSentAt: [...this.props.mailSentAt],
      passwordFailures: [...this.props.passwordFailures],
    };
  }
}

/** The n-th lockout's length: lockoutSeconds × 2^(n−1), capped. */
export function lockoutMs(n: number, policy: ActivationPolicy): number {
  const exponent = Math.min(Math.max(n - 1, 0), 60);
  const uncapped = Math.min(policy.lockoutSeconds * 1000 * 2 ** exponent, LONGEST_LOCKOUT_MS);
  return policy.lockoutMaxSeconds === null
    ? uncapped
    : Math.min(uncapped, policy.lockoutMaxSeconds * 1000);
}

function within(instants: readonly Date[], nowMs: number, windowSeconds: number): Date[] {
  return instants.filter((d) => d.getTime() > nowMs - windowSeconds * 1000);
}
