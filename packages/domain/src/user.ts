import { ActivationCode, type ActivationCodePrimitives } from './activation-code.js';

export type UserStatus = 'pending' | 'active';

export interface UserPrimitives {
  readonly id: string;
  /** Normalized: trimmed and lower-cased. */
  readonly email: string;
  readonly passwordHash: string;
  readonly status: UserStatus;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  /** The live code of a pending account; null once active. */
  readonly activationCode: ActivationCodePrimitives | null;
  /** Optimistic-concurrency version: 0 before the first write; the store bumps it. */
  readonly version: number;
}

/** What may leave the service: never the hash, never the code. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly status: UserStatus;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly activationCodeExpiresAt: Date | null;
}

/** The account aggregate: pending until its code is confirmed, then active. */
export class User {
  private constructor(private readonly props: UserPrimitives) {}

  static register(args: {
    id: string;
    email: string;
    passwordHash: string;
    createdAt: Date;
    code: ActivationCode;
  }): User {
    return new User({
      id: args.id,
      email: args.email,
      passwordHash: args.passwordHash,
      status: 'pending',
      createdAt: args.createdAt,
      activatedAt: null,
      activationCode: args.code.toPrimitives(),
      version: 0,
    });
  }

  static fromPrimitives(props: UserPrimitives): User {
    return new User({ ...props });
  }

  get id(): string {
    return this.props.id;
  }
  get email(): string {
    return this.props.email;
  }
  get passwordHash(): string {
    return this.props.passwordHash;
  }
  get status(): UserStatus {
    return this.props.status;
  }
  get isActive(): boolean {
    return this.props.status === 'active';
  }
  get createdAt(): Date {
    return this.props.createdAt;
  }
  get activatedAt(): Date | null {
    return this.props.activatedAt;
  }
  get activationCode(): ActivationCode | null {
    return this.props.activationCode
      ? ActivationCode.fromPrimitives(this.props.activationCode)
      : null;
  }

  get version(): number {
    return this.props.version;
  }

  /** The same account with `code` as its live code (a resend, a wrong attempt, a burn). */
  withCode(code: ActivationCode): User {
    return new User({ ...this.props, activationCode: code.toPrimitives() });
  }

  /** One wrong code counted on the live code; `burn` spends the rest of its attempts. */
  withWrongCode(burn: boolean, maxAttempts: number): User {
    const code = this.activationCode?.withWrongAttempt();
    if (!code) return this;
    return this.withCode(burn ? code.burned(maxAttempts) : code);
  }

  /** Confirmed: active from `now`, the code spent. */
  activated(now: Date): User {
    return new User({ ...this.props, status: 'active', activatedAt: now, activationCode: null });
  }

  toPublic(): PublicUser {
    return {
      id: this.props.id,
      email: this.props.email,
      status: this.props.status,
      createdAt: this.props.createdAt,
      activatedAt: this.props.activatedAt,
      activationCodeExpiresAt:
        this.props.status === 'pending' ? (this.props.activationCode?.expiresAt ?? null) : null,
    };
  }

  toPrimitives(): UserPrimitives {
    return { ...this.props };
  }
}
