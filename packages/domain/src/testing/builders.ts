import { randomUUID } from 'node:crypto';
import { ActivationCode } from '../activation-code.js';
import type { OutgoingActivation } from '../ports/user-repository.js';
import { User } from '../user.js';

let counter = 0;

/** A unique, valid, normalized email for tests that must not share data. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}@example.test`;
}

export function anActivation(
  userId: string,
  options: { plain?: string; issuedAt?: Date; ttlSeconds?: number } = {},
): OutgoingActivation {
  const plainCode = options.plain ?? '1234';
  return {
    messageId: randomUUID(),
    plainCode,
    code: ActivationCode.issue({
      id: randomUUID(),
      userId,
      plain: plainCode,
      issuedAt: options.issuedAt ?? new Date(),
      ttlSeconds: options.ttlSeconds ?? 60,
    }),
  };
}

/** A new pending user with its first code and message, ready for `create`. */
export function aRegistration(
  options: {
    email?: string;
    plain?: string;
    now?: Date;
    ttlSeconds?: number;
    passwordHash?: string;
  } = {},
): { user: User; activation: OutgoingActivation } {
  const id = randomUUID();
  const now = options.now ?? new Date();
  const activation = anActivation(id, {
    issuedAt: now,
    ...(options.plain === undefined ? {} : { plain: options.plain }),
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
  });
  const user = User.register({
    id,
    email: options.email ?? uniqueEmail(),
    passwordHash:
      options.passwordHash ?? '$2b$04$fakefakefakefakefakefuWn0cN1NTnQ7uTQn5iWv2dvVu9bxW2r6',
    createdAt: now,
    code: activation.code,
  });
  return { user, activation };
}
