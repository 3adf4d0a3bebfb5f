import { createHash, timingSafeEqual } from 'node:crypto';
import { ACTIVATION_CODE_PATTERN } from './schemas.js';

/** What checking a candidate code against the live code can say. */
export type CodeCheck = 'valid' | 'wrong' | 'expired' | 'exhausted';

export interface ActivationCodePrimitives {
  /** Identifies this issuance; a new code gets a new id, so stale writes miss. */
  readonly id: string;
  /** SHA-256 of `userId:code`; the plain code lives only in the outbox message. */
  readonly digest: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** Wrong codes counted against this issuance. */
  readonly attempts: number;
}

/**
 * The live activation code of a pending account. Four digits give only 10 000
 * values, so the real protection is the short lifetime and the attempt limit;
 * the digest keeps the code out of plain sight in the database, nothing more.
 */
export class ActivationCode {
  private constructor(private readonly props: ActivationCodePrimitives) {}

  static issue(args: {
    id: string;
    userId: string;
    plain: string;
    issuedAt: Date;
    ttlSeconds: number;
  }): ActivationCode {
    if (!ACTIVATION_CODE_PATTERN.test(args.plain)) {
      throw new RangeError('An activation code is exactly 4 ASCII digits.');
    }
    return new ActivationCode({
      id: args.id,
      digest: ActivationCode.digest(args.userId, args.plain),
      issuedAt: args.issuedAt,
      expiresAt: new Date(args.issuedAt.getTime() + args.ttlSeconds * 1000),
      attempts: 0,
    });
  }

  static fromPrimitives(props: ActivationCodePrimitives): ActivationCode {
    return new ActivationCode({ ...props });
  }

  static digest(userId: string, plain: string): string {
    return createHash('sha256').update(`${userId}:${plain}`).digest('hex');
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
   * Checks `candidate` for `userId`. A burned code refuses every candidate,
   * the right one included; then expiry; then the comparison (constant time).
   */
  check(userId: string, candidate: string, now: Date, maxAttempts: number): CodeCheck {
    if (this.isExhausted(maxAttempts)) return 'exhausted';
    if (this.isExpired(now)) return 'expired';
    if (!ACTIVATION_CODE_PATTERN.test(candidate)) return 'wrong';
    const expected = Buffer.from(this.props.digest, 'hex');
    const actual = Buffer.from(ActivationCode.digest(userId, candidate), 'hex');
    return timingSafeEqual(expected, actual) ? 'valid' : 'wrong';
  }

  /** Seconds until another code may be issued, 0 when allowed now. */
  cooldownRemainingSeconds(now: Date, cooldownSeconds: number): number {
    const elapsedMs = now.getTime() - this.props.issuedAt.getTime();
    const remainingMs = cooldownSeconds * 1000 - elapsedMs;
    return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
  }

  toPrimitives(): ActivationCodePrimitives {
    return { ...this.props };
  }
}
