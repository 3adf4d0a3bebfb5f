import type {
  AccountChange,
  ListUsersQuery,
  Mailbox,
  OutgoingActivation,
  User,
  UserRepository,
} from '@signup/domain';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';
import { OUTBOX_CHANNEL } from './pg-outbox.js';
import { isUuid, MAILBOX_COLUMNS, toMailbox, toUser, USER_COLUMNS } from './rows.js';

const SELECT_USER = `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN activation_codes c ON c.user_id = u.id`;

/** Thrown inside a commit's transaction when a version guard misses: rolls everything back. */
class LostRace extends Error {}

async function guarded(tx: SqlExecutor, text: string, params: readonly unknown[]): Promise<void> {
  const { rowCount } = await tx.query(text, params);
  if (rowCount === 0) throw new LostRace();
}

/**
 * Accounts, codes, mailboxes and their messages in PostgreSQL (or PGlite).
 * Every write is `commit`: one transaction whose only rule is the version
 * compare-and-swap (`WHERE version = $n`, or an insert that must not
 * conflict). Row locks make concurrent writers of one row wait and then see
 * the winner's version, so exactly one of them lands.
 */
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

  async findMailbox(key: string): Promise<Mailbox | null> {
    const { rows } = await this.sql.query(
      `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE key = $1`,
      [key],
    );
    return rows[0] ? toMailbox(rows[0]) : null;
  }

  async commit(change: AccountChange): Promise<boolean> {
    try {
      await this.sql.transaction(async (tx) => {
        // Always in this order (account, outbox, mailbox), so two commits never deadlock.
        if (change.replaces) {
          await guarded(tx, 'DELETE FROM users WHERE id = $1 AND version = $2', [
            change.replaces.id,
            change.replaces.version,
          ]);
        }
        if (change.user) await writeUser(tx, change.user);
        const retire = change.retireUnsentMessages;
        if (change.user && retire) {
          await tx.query(
            `UPDATE outbox
                SET dropped_at = $2, sealed_code = NULL, leased_until = NULL, last_error = $3
              WHERE user_id = $1 AND sent_at IS NULL AND dropped_at IS NULL`,
            [change.user.id, retire.at, retire.reason],
          );
        }
        if (change.user && change.message) await queueMessage(tx, change.user, change.message);
        if (change.mailbox) await writeMailbox(tx, change.mailbox.next, change.mailbox.forgetAt);
      });
      return true;
    } catch (error) {
      if (error instanceof LostRace) return false;
      throw error;
    }
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

  async deleteForgottenMailboxes(now: Date, limit: number): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM mailboxes
        WHERE key IN (
          SELECT key FROM mailboxes WHERE forget_at < $1
           ORDER BY forget_at LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
      [now, limit],
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

/** Inserts a new account (version 0) or updates it at the version it was read at; then its code. */
async function writeUser(tx: SqlExecutor, user: User): Promise<void> {
  const u = user.toPrimitives();
  if (u.version === 0) {
    // Any unique conflict (the email, the id) means another writer got there first.
    await guarded(
      tx,
      `INSERT INTO users (id, email, password_hash, status, created_at, activated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, 1)
       ON CONFLICT DO NOTHING`,
      [u.id, u.email, u.passwordHash, u.status, u.createdAt, u.activatedAt],
    );
  } else {
    await guarded(
      tx,
      `UPDATE users SET password_hash = $3, status = $4, activated_at = $5, version = version + 1
        WHERE id = $1 AND version = $2`,
      [u.id, u.version, u.passwordHash, u.status, u.activatedAt],
    );
  }
  const code = u.activationCode;
  if (code) {
    await tx.query(
      `INSERT INTO activation_codes (user_id, id, key_id, digest, issued_at, expires_at, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE
         SET id = EXCLUDED.id, key_id = EXCLUDED.key_id, digest = EXCLUDED.digest,
             issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at,
             attempts = EXCLUDED.attempts`,
      [u.id, code.id, code.keyId, code.digest, code.issuedAt, code.expiresAt, code.attempts],
    );
  } else if (u.version !== 0) {
    await tx.query('DELETE FROM activation_codes WHERE user_id = $1', [u.id]);
  }
}

/** Inserts the message and wakes the dispatchers when the transaction commits. */
async function queueMessage(
  tx: SqlExecutor,
  user: User,
  activation: OutgoingActivation,
): Promise<void> {
  const { code } = activation;
  await tx.query(
    `INSERT INTO outbox (id, user_id, recipient, sealed_code, code_expires_at, created_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [
      activation.messageId,
      user.id,
      user.email,
      activation.sealedCode,
      code.expiresAt,
      code.issuedAt,
    ],
  );
  await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}

async function writeMailbox(tx: SqlExecutor, mailbox: Mailbox, forgetAt: Date): Promise<void> {
  const m = mailbox.toPrimitives();
  const values = [
    m.key,
    m.version,
    m.keyId,
    m.strikes,
    m.lastStrikeAt,
    m.lockouts,
    m.lockedUntil,
    // as ISO text: both engines read a text[] literal into timestamptz[] the same way
    m.mailSentAt.map((d) => d.toISOString()),
    m.passwordFailures.map((d) => d.toISOString()),
    forgetAt,
  ];
  if (m.version === 0) {
    await guarded(
      tx,
      `INSERT INTO mailboxes (key, version, key_id, strikes, last_strike_at, lockouts, locked_until,
                              mail_sent_at, password_failures, forget_at)
       VALUES ($1, $2 + 1, $3, $4, $5, $6, $7, $8::timestamptz[], $9::timestamptz[], $10)
       ON CONFLICT DO NOTHING`,
      values,
    );
  } else {
    await guarded(
      tx,
      `UPDATE mailboxes
          SET version = version + 1, key_id = $3, strikes = $4, last_strike_at = $5, lockouts = $6,
              locked_until = $7, mail_sent_at = $8::timestamptz[], password_failures = $9::timestamptz[],
              forget_at = $10
        WHERE key = $1 AND version = $2`,
      values,
    );
  }
}
