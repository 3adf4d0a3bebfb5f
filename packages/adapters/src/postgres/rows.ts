import { Mailbox, User, type ActivationMessage } from '@signup/domain';
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
  u.version, c.id AS code_id, c.key_id AS code_key_id, c.digest AS code_digest, c.issued_at AS code_issued_at,
  c.expires_at AS code_expires_at, c.attempts AS code_attempts`;

const userRow = z.object({
  id: z.string(),
  email: z.string(),
  password_hash: z.string(),
  status: z.enum(['pending', 'active']),
  created_at: z.date(),
  activated_at: z.date().nullable(),
  version: z.number().int().positive(),
  code_id: z.string().nullable(),
  code_key_id: z.string().nullable(),
  code_digest: z.string().nullable(),
  code_issued_at: z.date().nullable(),
  code_expires_at: z.date().nullable(),
  code_attempts: z.number().int().nonnegative().nullable(),
});

export function toUser(row: unknown): User {
  const r = parse(userRow, row, 'user');
  const hasCode =
    r.code_id !== null &&
    r.code_key_id !== null &&
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
          keyId: r.code_key_id as string,
          digest: r.code_digest as string,
          issuedAt: r.code_issued_at as Date,
          expiresAt: r.code_expires_at as Date,
          attempts: r.code_attempts as number,
        }
      : null,
    version: r.version,
  });
}

/** The columns a claim returns. */
export const MESSAGE_COLUMNS =
  'id, user_id, recipient, sealed_code, code_expires_at, attempts, due_at';

const messageRow = z.object({
  id: z.string(),
  user_id: z.string(),
  recipient: z.string(),
  sealed_code: z.string().min(1),
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
    sealedCode: r.sealed_code,
    codeExpiresAt: r.code_expires_at,
    attempts: r.attempts,
    dueAt: r.due_at,
  };
}

/** The columns a mailbox query selects. */
const MAILBOX_FIELDS = [
  'key',
  'key_id',
  'strikes',
  'last_strike_at',
  'lockouts',
  'locked_until',
  'mail_sent_at',
  'password_failures',
  'version',
] as const;

export const MAILBOX_COLUMNS = MAILBOX_FIELDS.join(', ');

/** The mailbox's columns of `table`, named `mailbox_<column>`, beside another table's. */
export function mailboxColumnsOf(table: string): string {
  return MAILBOX_FIELDS.map((field) => `${table}.${field} AS mailbox_${field}`).join(', ');
}

/** The mailbox of a row selected with `mailboxColumnsOf`, or null when it has none (a LEFT JOIN). */
export function toMailboxOf(row: Record<string, unknown>): Mailbox | null {
  if (row.mailbox_key === null || row.mailbox_key === undefined) return null;
  return toMailbox(Object.fromEntries(MAILBOX_FIELDS.map((f) => [f, row[`mailbox_${f}`]])));
}

// Arrays of timestamptz come back as Date[] from pg; accept ISO strings too (PGlite).
const instants = z.array(z.coerce.date());

const mailboxRow = z.object({
  key: z.string(),
  key_id: z.string(),
  strikes: z.number().int().nonnegative(),
  last_strike_at: z.date().nullable(),
  lockouts: z.number().int().nonnegative(),
  locked_until: z.date().nullable(),
  mail_sent_at: instants,
  password_failures: instants,
  version: z.number().int().positive(),
});

export function toMailbox(row: unknown): Mailbox {
  const r = parse(mailboxRow, row, 'mailbox');
  const byTime = (a: Date, b: Date) => a.getTime() - b.getTime();
  return Mailbox.fromPrimitives({
    key: r.key,
    keyId: r.key_id,
    strikes: r.strikes,
    lastStrikeAt: r.last_strike_at,
    lockouts: r.lockouts,
    lockedUntil: r.locked_until,
    mailSentAt: r.mail_sent_at.sort(byTime),
    passwordFailures: r.password_failures.sort(byTime),
    version: r.version,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string that cannot be a uuid matches no row; checked before PostgreSQL refuses it. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
