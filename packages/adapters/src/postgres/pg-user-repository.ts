import type {
  AccountChange,
  ActivationMessage,
  ListUsersQuery,
  Mailbox,
  User,
  UserRepository,
} from '@signup/domain';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';
import { OUTBOX_CHANNEL } from './pg-outbox.js';
import {
  isUuid,
  MAILBOX_COLUMNS,
  mailboxColumnsOf,
  toMailbox,
  toMailboxOf,
  toUser,
  USER_COLUMNS,
} from './rows.js';

const SELECT_USER = `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN activation_codes c ON c.user_id = u.id`;

/** The account of $1 and the mailbox under $2, each possibly missing: always one row. */
const SELECT_ACCOUNT_AND_MAILBOX = `SELECT ${USER_COLUMNS}, ${mailboxColumnsOf('m')}
  FROM (SELECT 1) AS one
  LEFT JOIN (users u LEFT JOIN activation_codes c ON c.user_id = u.id) ON u.email = $1
  LEFT JOIN mailboxes m ON m.key = $2`;

/**
 * A dispatcher in this process that sends a message itself right after the
 * commit that queued it (OutboxDispatcher: see `leaseForHandOff`).
 */
export interface QueuedMessageHandOff {
  /** The lease to store the message under, or null: queue it for a claim. */
  leaseForHandOff(now: Date): Date | null;
  /** The message, committed under that lease. */
  handOff(message: ActivationMessage): void;
}

/** Thrown inside a commit's transaction when a version guard misses: rolls everything back. */
class LostRace extends Error {}

/**
 * Raised by `signup_commit_guard` (migration 0007) when a part of a
 * one-statement commit missed its version guard: the statement wrote nothing.
 */
const GUARD_MISSED = 'SU001';

function isLostRace(error: unknown): boolean {
  return error instanceof LostRace || (error as { code?: unknown } | null)?.code === GUARD_MISSED;
}

/**
 * One statement of a commit. Each is a version guard: it must touch (or
 * return) a row, or the commit lost its race (a statement of several guarded
 * parts checks them itself, with `signup_commit_guard`).
 */
interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
}

async function execute(sql: SqlExecutor, statement: Statement): Promise<void> {
  const { rowCount } = await sql.query(statement.text, statement.params);
  if (rowCount === 0) throw new LostRace();
}

/**
 * Accounts, codes, mailboxes and their messages in PostgreSQL (or PGlite).
 * Every write is `commit`: one statement (a transaction only when a
 * re-registration deletes the account it replaces) whose only rule is the
 * version compare-and-swap (`WHERE version = $n`, or an insert that must not
 * conflict). Row locks make concurrent writers of one row wait and then see
 * the winner's version, so exactly one of them lands.
 */
export class PgUserRepository implements UserRepository {
  private handOffTarget: QueuedMessageHandOff | undefined;

  constructor(private readonly sql: SqlClient) {}

  /**
   * Messages committed from now on go straight to `target` when it takes
   * them (stored leased to it, no NOTIFY); the others are queued for a claim.
   */
  handOffQueuedMessagesTo(target: QueuedMessageHandOff | undefined): void {
    this.handOffTarget = target;
  }

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

  /** One round trip for what a request reads before its hash. */
  async findAccountAndMailbox(
    email: string,
    mailboxKey: string,
  ): Promise<{ user: User | null; mailbox: Mailbox | null }> {
    const { rows } = await this.sql.query(SELECT_ACCOUNT_AND_MAILBOX, [email, mailboxKey]);
    const row = rows[0];
    if (!row) throw new Error('Expected one row for an account and mailbox read');
    return { user: row.id === null ? null : toUser(row), mailbox: toMailboxOf(row) };
  }

  async commit(change: AccountChange): Promise<boolean> {
    const target = this.handOffTarget;
    const { message, user } = change;
    const leaseUntil = (message && target?.leaseForHandOff(message.code.issuedAt)) ?? null;
    const statements = commitStatements(change, leaseUntil);
    try {
      if (statements.length === 1) {
        // One statement is atomic by itself: no BEGIN and COMMIT round trips.
        await execute(this.sql, statements[0]!);
      } else {
        await this.sql.transaction(async (tx) => {
          for (const statement of statements) await execute(tx, statement);
        });
      }
    } catch (error) {
      if (isLostRace(error)) return false;
      throw error;
    }
    if (leaseUntil && message && user) {
      target?.handOff({
        id: message.messageId,
        userId: user.id,
        to: user.email,
        sealedCode: message.sealedCode,
        codeExpiresAt: message.code.expiresAt,
        attempts: 0,
      });
    }
    return true;
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

/**
 * The statements of a commit: a guarded delete of the account a
 * re-registration replaces, if any (it must land before the new account can
 * take the email, so it is a statement of its own, in a transaction), then
 * one statement for the rest.
 */
function commitStatements(change: AccountChange, leaseUntil: Date | null): Statement[] {
  const statements: Statement[] = [];
  if (change.replaces) {
    statements.push({
      text: 'DELETE FROM users WHERE id = $1 AND version = $2',
      params: [change.replaces.id, change.replaces.version],
    });
  }
  const write = writeStatement(change, leaseUntil);
  if (write) statements.push(write);
  return statements;
}

/** Collects a statement's parameters: `$(value, type)` appends one and names it. */
function parameters(): { params: unknown[]; $: (value: unknown, type: string) => string } {
  const params: unknown[] = [];
  return {
    params,
    $: (value, type) => {
      params.push(value);
      return `$${params.length}::${type}`;
    },
  };
}

/**
 * The account, everything that hangs off it, and the mailbox in one
 * statement (one round trip where a transaction took five): data-modifying
 * CTEs, each working on the rows the guarded ones wrote. The account is
 * inserted (version 0; a conflict, such as the email taken meanwhile, means
 * another writer got there first) or updated at the version it was read at;
 * its code, retired messages and new message are written only for the
 * account row that was written. The mailbox is inserted or updated the same
 * way. When either guard misses, `signup_commit_guard` raises and the
 * statement, every part of it, is rolled back: the commit lost its race.
 * The guard reads the account part first, then the mailbox part, so
 * concurrent commits take the two row locks in the same order and never
 * deadlock. The parts share one snapshot, so retiring the unsent messages
 * never touches the one queued beside it. The dispatchers are woken when the
 * statement commits.
 */
function writeStatement(change: AccountChange, leaseUntil: Date | null): Statement | undefined {
  const { params, $ } = parameters();
  const parts: string[] = [];
  const guarded: string[] = [];
  if (change.user) {
    parts.push(...accountParts(change.user, change, leaseUntil, $));
    guarded.push('account');
  }
  if (change.mailbox) {
    parts.push(mailboxPart(change.mailbox.next, change.mailbox.forgetAt, $));
    guarded.push('mailbox');
  }
  if (parts.length === 0) return undefined;
  // a message handed over (leased) needs no dispatcher woken
  const notify =
    change.message && !leaseUntil ? `SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM message` : '';
  if (guarded.length === 1) {
    // One guarded part: its row count says whether it wrote (see execute).
    return {
      text: `WITH ${parts.join(',\n')}\n${notify || `SELECT 1 FROM ${guarded[0]!}`}`,
      params,
    };
  }
  const everyPartWrote = guarded.map((name) => `EXISTS (SELECT 1 FROM ${name})`).join(' AND ');
  return {
    text:
      `WITH ${parts.join(',\n')}\n` +
      `SELECT signup_commit_guard(${everyPartWrote})${notify ? `, (${notify})` : ''}`,
    params,
  };
}

/** The account part and the parts that hang off it (`account` returns the written row's id). */
function accountParts(
  user: User,
  change: AccountChange,
  leaseUntil: Date | null,
  $: (value: unknown, type: string) => string,
): string[] {
  const u = user.toPrimitives();
  const parts: string[] = [
    u.version === 0
      ? `account AS (
           INSERT INTO users (id, email, password_hash, status, created_at, activated_at, version)
           VALUES (${$(u.id, 'uuid')}, ${$(u.email, 'text')}, ${$(u.passwordHash, 'text')},
                   ${$(u.status, 'text')}, ${$(u.createdAt, 'timestamptz')},
                   ${$(u.activatedAt, 'timestamptz')}, 1)
           ON CONFLICT DO NOTHING
           RETURNING id)`
      : `account AS (
           UPDATE users
              SET password_hash = ${$(u.passwordHash, 'text')}, status = ${$(u.status, 'text')},
                  activated_at = ${$(u.activatedAt, 'timestamptz')}, version = version + 1
            WHERE id = ${$(u.id, 'uuid')} AND version = ${$(u.version, 'integer')}
           RETURNING id)`,
  ];
  const code = u.activationCode;
  if (code) {
    parts.push(`code AS (
      INSERT INTO activation_codes (user_id, id, key_id, digest, issued_at, expires_at, attempts)
      SELECT id, ${$(code.id, 'uuid')}, ${$(code.keyId, 'text')}, ${$(code.digest, 'text')},
             ${$(code.issuedAt, 'timestamptz')}, ${$(code.expiresAt, 'timestamptz')},
             ${$(code.attempts, 'integer')}
        FROM account
      ON CONFLICT (user_id) DO UPDATE
        SET id = EXCLUDED.id, key_id = EXCLUDED.key_id, digest = EXCLUDED.digest,
            issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at,
            attempts = EXCLUDED.attempts)`);
  } else if (u.version !== 0) {
    parts.push(`code AS (DELETE FROM activation_codes WHERE user_id IN (SELECT id FROM account))`);
  }
  const retire = change.retireUnsentMessages;
  if (retire) {
    parts.push(`retired AS (
      UPDATE outbox
         SET dropped_at = ${$(retire.at, 'timestamptz')}, sealed_code = NULL, leased_until = NULL,
             last_error = ${$(retire.reason, 'text')}
       WHERE user_id IN (SELECT id FROM account) AND sent_at IS NULL AND dropped_at IS NULL)`);
  }
  const message = change.message;
  if (message) {
    const issuedAt = $(message.code.issuedAt, 'timestamptz');
    parts.push(`message AS (
      INSERT INTO outbox (id, user_id, recipient, sealed_code, code_expires_at, created_at, due_at,
                          leased_until)
      SELECT ${$(message.messageId, 'uuid')}, id, ${$(u.email, 'text')},
             ${$(message.sealedCode, 'text')}, ${$(message.code.expiresAt, 'timestamptz')},
             ${issuedAt}, ${issuedAt}, ${$(leaseUntil, 'timestamptz')}
        FROM account
      RETURNING id)`);
  }
  return parts;
}

/** The mailbox part (`mailbox` returns the written row's key). */
function mailboxPart(
  mailbox: Mailbox,
  forgetAt: Date,
  $: (value: unknown, type: string) => string,
): string {
  const m = mailbox.toPrimitives();
  const key = $(m.key, 'text');
  const values = {
    key_id: $(m.keyId, 'text'),
    strikes: $(m.strikes, 'integer'),
    last_strike_at: $(m.lastStrikeAt, 'timestamptz'),
    lockouts: $(m.lockouts, 'integer'),
    locked_until: $(m.lockedUntil, 'timestamptz'),
    // as ISO text: both engines read a text[] literal into timestamptz[] the same way
    mail_sent_at: $(
      m.mailSentAt.map((d) => d.toISOString()),
      'timestamptz[]',
    ),
    password_failures: $(
      m.passwordFailures.map((d) => d.toISOString()),
      'timestamptz[]',
    ),
    forget_at: $(forgetAt, 'timestamptz'),
  };
  const columns = Object.keys(values);
  return m.version === 0
    ? `mailbox AS (
         INSERT INTO mailboxes (key, version, ${columns.join(', ')})
         VALUES (${key}, 1, ${Object.values(values).join(', ')})
         ON CONFLICT DO NOTHING
         RETURNING key)`
    : `mailbox AS (
         UPDATE mailboxes
            SET version = version + 1, ${columns.map((c) => `${c} = ${values[c as keyof typeof values]}`).join(', ')}
          WHERE key = ${key} AND version = ${$(m.version, 'integer')}
         RETURNING key)`;
}
