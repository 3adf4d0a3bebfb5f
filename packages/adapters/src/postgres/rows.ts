import { User, type ActivationMessage } from '@signup/domain';
import { z } from 'zod';

/** Rows are checked where they enter the program: a schema drift fails loudly here. */
function parse<T>(schema: z.ZodType<T>, row: unknown, what: string): T {
  const result = schema.safeParse(row);
  if (!result.success) {
    throw new Error(`Unexpected ${what} row from the database: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The columns every user query selects (users u LEFT JOIN activation_codes c). */
export const USER_COLUMNS = `u.id, u.email, u.password_hash, u.status, u.created_at, u.activated_at,
  c.id AS code_id, c.digest AS code_digest, c.issued_at AS code_issued_at,
  c.expires_at AS code_expires_at, c.attempts AS code_attempts`;

const userRow = z.object({
  id: z.string(),
  email: z.string(),
  password_hash: z.string(),
  status: z.enum(['pending', 'active']),
  created_at: z.date(),
  activated_at: z.date().nullable(),
  code_id: z.string().nullable(),
  code_digest: z.string().nullable(),
  code_issued_at: z.date().nullable(),
  code_expires_at: z.date().nullable(),
  code_attempts: z.number().int().nonnegative().nullable(),
});

export function toUser(row: unknown): User {
  const r = parse(userRow, row, 'user');
  const hasCode =
    r.code_id !== null &&
    r.code_digest !== null &&
    r.code_issued_at !== null &&
    r.code_expires_at !== null &&
    r.code_attempts !== null;
  return User.fromPrimitives({
    id: r.id,
    email: r.email,
    passwordHash: r.password_hash,
    status: r.status,
    createdAt: r.created_at,
    activatedAt: r.activated_at,
    activationCode: hasCode
      ? {
          id: r.code_id as string,
          digest: r.code_digest as string,
          issuedAt: r.code_issued_at as Date,
          expiresAt: r.code_expires_at as Date,
          attempts: r.code_attempts as number,
        }
      : null,
  });
}

/** The columns a claim returns. */
export const MESSAGE_COLUMNS = 'id, user_id, recipient, code, code_expires_at, attempts, due_at';

const messageRow = z.object({
  id: z.string(),
  user_id: z.string(),
  recipient: z.string(),
  code: z.string().regex(/^[0-9]{4}$/),
  code_expires_at: z.date(),
  attempts: z.number().int().nonnegative(),
  due_at: z.date(),
});

export function toMessage(row: unknown): ActivationMessage & { dueAt: Date } {
  const r = parse(messageRow, row, 'outbox');
  return {
    id: r.id,
    userId: r.user_id,
    to: r.recipient,
    code: r.code,
    codeExpiresAt: r.code_expires_at,
    attempts: r.attempts,
    dueAt: r.due_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string that cannot be a uuid matches no row; checked before PostgreSQL refuses it. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
