import {
  EmailTakenError,
  type CodeReissue,
  type ListUsersQuery,
  type OutgoingActivation,
  type User,
  type UserRepository,
} from '@signup/domain';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';
import { OUTBOX_CHANNEL } from './pg-outbox.js';
import { isUuid, toUser, USER_COLUMNS } from './rows.js';

const SELECT_USER = `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN activation_codes c ON c.user_id = u.id`;

function isEmailTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'users_email_key';
}

/** Inserts the message of `activation` and wakes the dispatchers when the transaction commits. */
async function queueMessage(
  tx: SqlExecutor,
  userId: string,
  to: string,
  activation: OutgoingActivation,
): Promise<void> {
  const { code } = activation;
  await tx.query(
    `INSERT INTO outbox (id, user_id, recipient, code, code_expires_at, created_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [activation.messageId, userId, to, activation.plainCode, code.expiresAt, code.issuedAt],
  );
  await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}

/** Accounts, codes and their messages in PostgreSQL (or PGlite); every race settled by the database. */
export class PgUserRepository implements UserRepository {
  constructor(private readonly sql: SqlClient) {}

  async findByEmail(email: string): Promise<User | null> {
    const { rows } = await this.sql.query(`${SELECT_USER} WHERE u.email = $1`, [email]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findById(id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.sql.query(`${SELECT_USER} WHERE u.id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async create(user: User, activation: OutgoingActivation): Promise<void> {
    const code = activation.code.toPrimitives();
    try {
      // One statement, so one round trip and atomic by itself: the account,
      // its code and its message, and the NOTIFY delivered on commit. The
      // foreign keys are checked at the end of the statement.
      await this.sql.query(
        `WITH account AS (
           INSERT INTO users (id, email, password_hash, status, created_at, activated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
         ), code AS (
           INSERT INTO activation_codes (user_id, id, digest, issued_at, expires_at, attempts)
           VALUES ($1, $7, $8, $9, $10, $11)
         ), message AS (
           INSERT INTO outbox (id, user_id, recipient, code, code_expires_at, created_at, due_at)
           VALUES ($12, $1, $2, $13, $10, $9, $9)
           RETURNING id
         )
         SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM message`,
        [
          user.id,
          user.email,
          user.passwordHash,
          user.status,
          user.createdAt,
          user.activatedAt,
          code.id,
          code.digest,
          code.issuedAt,
          code.expiresAt,
          code.attempts,
          activation.messageId,
          activation.plainCode,
        ],
      );
    } catch (error) {
      if (isEmailTaken(error)) throw new EmailTakenError();
      throw error;
    }
  }

  async reissueCode(reissue: CodeReissue): Promise<boolean> {
    if (!isUuid(reissue.userId) || !isUuid(reissue.expectedCodeId)) return false;
    const code = reissue.activation.code.toPrimitives();
    return this.sql.transaction(async (tx) => {
      // Rewrites the live code only if it is still the one the caller saw;
      // a concurrent activation or reissue holds or removes the row first.
      const replaced = await tx.query<{ email: string }>(
        `UPDATE activation_codes c
            SET id = $3, digest = $4, issued_at = $5, expires_at = $6, attempts = 0
           FROM users u
          WHERE c.user_id = $1 AND c.id = $2 AND u.id = c.user_id AND u.status = 'pending'
         RETURNING u.email`,
        [
          reissue.userId,
          reissue.expectedCodeId,
          code.id,
          code.digest,
          code.issuedAt,
          code.expiresAt,
        ],
      );
      const email = replaced.rows[0]?.email;
      if (email === undefined) return false;
      if (reissue.passwordHash !== undefined) {
        await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
          reissue.userId,
          reissue.passwordHash,
        ]);
      }
      await tx.query(
        `UPDATE outbox
            SET dropped_at = $2, code = NULL, leased_until = NULL, last_error = 'replaced by a newer code'
          WHERE user_id = $1 AND sent_at IS NULL AND dropped_at IS NULL`,
        [reissue.userId, code.issuedAt],
      );
      await queueMessage(tx, reissue.userId, email, reissue.activation);
      return true;
    });
  }

  async recordFailedAttempt(
    userId: string,
    codeId: string,
    maxAttempts: number,
  ): Promise<number | null> {
    if (!isUuid(userId) || !isUuid(codeId)) return null;
    // The row lock makes concurrent wrong codes queue up; each re-checks the limit.
    const { rows } = await this.sql.query<{ attempts: number }>(
      `UPDATE activation_codes SET attempts = attempts + 1
        WHERE user_id = $1 AND id = $2 AND attempts < $3
       RETURNING attempts`,
      [userId, codeId, maxAttempts],
    );
    return rows[0]?.attempts ?? null;
  }

  async activate(
    userId: string,
    codeId: string,
    maxAttempts: number,
    now: Date,
  ): Promise<User | null> {
    if (!isUuid(userId) || !isUuid(codeId)) return null;
    // One statement: consume the live code (only one caller can delete it; a
    // concurrent reissue or wrong code is re-checked after its lock), drop the
    // unsent message that carries it, then flip the still-pending account.
    const { rows } = await this.sql.query(
      `WITH code AS (
         DELETE FROM activation_codes
          WHERE user_id = $1 AND id = $2 AND attempts < $3 AND expires_at > $4
         RETURNING user_id
       ), unsent AS (
         UPDATE outbox o
            SET dropped_at = $4, code = NULL, leased_until = NULL, last_error = 'account activated'
           FROM code
          WHERE o.user_id = code.user_id AND o.sent_at IS NULL AND o.dropped_at IS NULL
       )
       UPDATE users u SET status = 'active', activated_at = $4
         FROM code
        WHERE u.id = code.user_id AND u.status = 'pending'
       RETURNING u.id, u.email, u.password_hash, u.status, u.created_at, u.activated_at,
                 NULL::uuid AS code_id, NULL::text AS code_digest, NULL::timestamptz AS code_issued_at,
                 NULL::timestamptz AS code_expires_at, NULL::integer AS code_attempts`,
      [userId, codeId, maxAttempts, now],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async countExpiredPending(expiredBefore: Date): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>(
      `SELECT count(*)::integer AS n
         FROM activation_codes c JOIN users u ON u.id = c.user_id
        WHERE u.status = 'pending' AND c.expires_at < $1`,
      [expiredBefore],
    );
    return rows[0]?.n ?? 0;
  }

  async deleteExpiredPending(expiredBefore: Date, limit: number): Promise<number> {
    // Rows another transaction holds (an activation in flight) are skipped,
    // never waited for; codes and messages go with the account (ON DELETE CASCADE).
    const { rowCount } = await this.sql.query(
      `DELETE FROM users
        WHERE status = 'pending' AND id IN (
          SELECT u.id
            FROM users u JOIN activation_codes c ON c.user_id = u.id
           WHERE u.status = 'pending' AND c.expires_at < $1
           ORDER BY c.expires_at
           LIMIT $2
           FOR UPDATE OF u SKIP LOCKED)`,
      [expiredBefore, limit],
    );
    return rowCount;
  }

  async list(query: ListUsersQuery): Promise<User[]> {
    const { rows } = await this.sql.query(
      `${SELECT_USER}
        WHERE ($1::text IS NULL OR u.status = $1)
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $2`,
      [query.status ?? null, query.limit],
    );
    return rows.map(toUser);
  }
}
