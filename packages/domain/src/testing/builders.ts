import { randomUUID } from 'node:crypto';
import { ActivationCode } from '../activation-code.js';
import type { OutgoingActivation } from '../ports/user-repository.js';
import { SecretKeyring } from '../secret-keyring.js';
import { User } from '../user.js';

let counter = 0;

/** A fixed secret for tests: never use it outside them. */
export const TEST_SECRET = 'test-secret-for-signup-tests-only-0123456789';

/** The keyring tests share; a store never needs the key, only the domain does. */
export const testKeyring = new SecretKeyring(TEST_SECRET);

/** A unique, valid, normalized email for tests that must not share data. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}@example.test`;
}

export function anActivation(
  userId: string,
  options: { plain?: string; issuedAt?: Date; ttlSeconds?: number } = {},
): OutgoingActivation {
  const plain = options.plain ?? '1234';
  return {
    messageId: randomUUID(),
    sealedCode: testKeyring.seal(plain),
    code: ActivationCode.issue({
      id: randomUUID(),
      userId,
      plain,
      issuedAt: options.issuedAt ?? new Date(),
      ttlSeconds: options.ttlSeconds ?? 60,
      keyring: testKeyring,
    }),
  };
}

/** A new pending user with its first code and message, ready for `commit`. */
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
