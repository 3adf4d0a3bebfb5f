import type { Keyring } from './ports/keyring.js';
import { ACTIVATION_CODE_PATTERN } from './schemas.js';
import { sameDigest } from './secret-keyring.js';

/** What checking a candidate code against the live code can say. */
export type CodeCheck = 'valid' | 'wrong' | 'expired' | 'exhausted';

export interface ActivationCodePrimitives {
  /** Identifies this issuance; a new code gets a new id, so stale writes miss. */
  readonly id: string;
  /** The id of the key that made `digest`. */
  readonly keyId: string;
  /** HMAC-SHA-256 of `userId:codeId:code` under the server secret; never a plain or unkeyed hash. */
  readonly digest: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** Wrong codes counted against this issuance. */
  readonly attempts: number;
}

/**
 * The live activation code of a pending account. Four digits give only 10 000
 * values, so the protection is the short lifetime, the attempt limit and the
 * mailbox's strikes and lockouts; the keyed digest makes a copy of the
 * database useless without the server secret.
 */
export class ActivationCode {
  private constructor(private readonly props: ActivationCodePrimitives) {}

  static issue(args: {
    id: string;
    userId: string;
    plain: string;
    issuedAt: Date;
    ttlSeconds: number;
    keyring: Keyring;
  }): ActivationCode {
    if (!ACTIVATION_CODE_PATTERN.test(args.plain)) {
      throw new RangeError('An activation code is exactly 4 ASCII digits.');
    }
    const keyed = args.keyring.digest(
      'activation-code',
      material(args.userId, args.id, args.plain),
    );
    return new ActivationCode({
      id: args.id,
      keyId: keyed.keyId,
      digest: keyed.value,
      issuedAt: args.issuedAt,
      expiresAt: new Date(args.issuedAt.getTime() + args.ttlSeconds * 1000),
      attempts: 0,
    });
  }

  static fromPrimitives(props: ActivationCodePrimitives): ActivationCode {
    return new ActivationCode({ ...props });
  }

  get id(): string {
    return this.props.id;
  }
  get issuedAt(): Date {
    return this.props.issuedAt;
  }
  get expiresAt(): Date {
    return this.props.expiresAt;
  }
  get attempts(): number {
    return this.props.attempts;
  }

  /** A code is expired from the instant `issuedAt + TTL` on. */
  isExpired(now: Date): boolean {
    return now.getTime() >= this.props.expiresAt.getTime();
  }

  isExhausted(maxAttempts: number): boolean {
    return this.props.attempts >= maxAttempts;
  }

  /**
   * Checks `candidate` (already validated as 4 digits) for `userId`. A burned
   * code refuses every candidate, the right one included; then expiry; then
   * the comparison (constant time). A code whose key is no longer held (the
   * secret rotated twice within its lifetime) can only be expired.
   */
  check(
    userId: string,
    candidate: string,
    now: Date,
    maxAttempts: number,
    keyring: Keyring,
  ): CodeCheck {
    if (this.isExhausted(maxAttempts)) return 'exhausted';
    if (this.isExpired(now)) return 'expired';
    const actual = keyring.digestWith(
      this.props.keyId,
      'activation-code',
      material(userId, this.props.id, candidate),
    );
    if (actual === null) return 'expired';
    return sameDigest(this.props.digest, actual) ? 'valid' : 'wrong';
  }

  /** The same code with one more wrong attempt counted. */
  withWrongAttempt(): ActivationCode {
    return new ActivationCode({ ...this.props, attempts: this.props.attempts + 1 });
  }

  /** The same code, burned: every further candidate is refused. */
  burned(maxAttempts: number): ActivationCode {
    return new ActivationCode({
      ...this.props,
      attempts: Math.max(this.props.attempts, maxAttempts),
    });
  }

  /** Seconds until another code may be issued, 0 when allowed now. */
  cooldownRemainingSeconds(now: Date, cooldownSeconds: number): number {
    return secondsUntil(this.props.issuedAt.getTime() + cooldownSeconds * 1000, now);
  }

  toPrimitives(): ActivationCodePrimitives {
    return { ...this.props };
  }
}

function material(userId: string, codeId: string, plain: string): string {
  return `${userId}:${codeId}:${plain}`;
}

/** Whole seconds from `now` until `instantMs`, rounded up; 0 when it has passed. */
export function secondsUntil(instantMs: number, now: Date): number {
  const remainingMs = instantMs - now.getTime();
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
}
