import { Mailbox, type MailboxPrimitives } from '../mailbox.js';
import type {
  ActivationMessage,
  ClaimScope,
  MessageState,
  Outbox,
  OutboxStats,
} from '../ports/outbox.js';
import type {
  AccountChange,
  ListUsersQuery,
  OutgoingActivation,
  UserRepository,
} from '../ports/user-repository.js';
import { User, type UserPrimitives } from '../user.js';

interface MessageRow {
  id: string;
  userId: string;
  to: string;
  sealedCode: string | null;
  codeExpiresAt: Date;
  createdAt: Date;
  dueAt: Date;
  leasedUntil: Date | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  droppedAt: Date | null;
}

interface MailboxRow {
  state: MailboxPrimitives;
  forgetAt: Date;
}

/**
 * The state shared by the in-memory repository and outbox. Every method body
 * runs without an await in the middle, so each is atomic on Node's single
 * thread: the same guarantees the SQL adapters get from the database.
 */
export class InMemoryDatabase {
  readonly users = new Map<string, UserPrimitives>();
  readonly messages = new Map<string, MessageRow>();
  readonly mailboxes = new Map<string, MailboxRow>();

  byEmail(email: string): UserPrimitives | undefined {
    for (const user of this.users.values()) if (user.email === email) return user;
    return undefined;
  }

  queue(userId: string, to: string, activation: OutgoingActivation): void {
    const { code } = activation;
    this.messages.set(activation.messageId, {
      id: activation.messageId,
      userId,
      to,
      sealedCode: activation.sealedCode,
      codeExpiresAt: code.expiresAt,
      createdAt: code.issuedAt,
      dueAt: code.issuedAt,
      leasedUntil: null,
      attempts: 0,
      lastError: null,
      sentAt: null,
      droppedAt: null,
    });
  }
}

const copy = (user: UserPrimitives | undefined): User | null =>
  user ? User.fromPrimitives(structuredClone(user)) : null;

export class InMemoryUserRepository implements UserRepository {
  constructor(readonly db: InMemoryDatabase = new InMemoryDatabase()) {}

  findByEmail(email: string): Promise<User | null> {
    return Promise.resolve(copy(this.db.byEmail(email)));
  }

  findById(id: string): Promise<User | null> {
    return Promise.resolve(copy(this.db.users.get(id)));
  }

  findMailbox(key: string): Promise<Mailbox | null> {
    const row = this.db.mailboxes.get(key);
    return Promise.resolve(row ? Mailbox.fromPrimitives(structuredClone(row.state)) : null);
  }

  commit(change: AccountChange): Promise<boolean> {
    const { db } = this;
    const { user, replaces, mailbox } = change;
    // Every guard first, then every write: all or nothing.
    if (replaces && db.users.get(replaces.id)?.version !== replaces.version) {
      return Promise.resolve(false);
    }
    if (user) {
      const stored = db.users.get(user.id);
      if (user.version === 0) {
        const holder = db.byEmail(user.email);
        if (stored || (holder && holder.id !== replaces?.id)) return Promise.resolve(false);
      } else if (stored?.version !== user.version) {
        return Promise.resolve(false);
      }
    }
    if (
      mailbox &&
      (db.mailboxes.get(mailbox.next.key)?.state.version ?? 0) !== mailbox.next.version
    ) {
      return Promise.resolve(false);
    }

    if (replaces) {
      db.users.delete(replaces.id);
      for (const [id, m] of db.messages) if (m.userId === replaces.id) db.messages.delete(id);
    }
    if (user) {
      const retire = change.retireUnsentMessages;
      if (retire) this.dropUnsent(user.id, retire.at, retire.reason);
      const row = user.toPrimitives();
      db.users.set(user.id, structuredClone({ ...row, version: row.version + 1 }));
      if (change.message) db.queue(user.id, user.email, change.message);
    }
    if (mailbox) {
      const state = mailbox.next.toPrimitives();
      db.mailboxes.set(state.key, {
        state: structuredClone({ ...state, version: state.version + 1 }),
        forgetAt: mailbox.forgetAt,
      });
    }
    return Promise.resolve(true);
  }

  deleteForgottenMailboxes(now: Date, limit: number): Promise<number> {
    const victims = [...this.db.mailboxes]
      .filter(([, row]) => row.forgetAt.getTime() < now.getTime())
      .slice(0, limit);
    for (const [key] of victims) this.db.mailboxes.delete(key);
    return Promise.resolve(victims.length);
  }

  /** Drops the account's messages that are neither sent nor dropped, erasing their codes. */
  private dropUnsent(userId: string, at: Date, reason: string): void {
    for (const message of this.db.messages.values()) {
      if (message.userId === userId && !message.sentAt && !message.droppedAt) {
        Object.assign(message, {
          droppedAt: at,
          sealedCode: null,
          leasedUntil: null,
          lastError: reason,
        });
      }
    }
  }

  private expiredPending(expiredBefore: Date): UserPrimitives[] {
    return [...this.db.users.values()].filter(
      (u) =>
        u.status === 'pending' &&
        u.activationCode !== null &&
        u.activationCode.expiresAt.getTime() < expiredBefore.getTime(),
    );
  }

  countExpiredPending(expiredBefore: Date): Promise<number> {
    return Promise.resolve(this.expiredPending(expiredBefore).length);
  }

  deleteExpiredPending(expiredBefore: Date, limit: number): Promise<number> {
    const victims = this.expiredPending(expiredBefore).slice(0, limit);
    for (const user of victims) {
      this.db.users.delete(user.id);
      for (const [id, message] of this.db.messages) {
        if (message.userId === user.id) this.db.messages.delete(id);
      }
    }
    return Promise.resolve(victims.length);
  }

  list(query: ListUsersQuery): Promise<User[]> {
    const rows = [...this.db.users.values()]
      .filter((u) => !query.status || u.status === query.status)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit);
    return Promise.resolve(rows.map((row) => copy(row) as User));
  }
}

export class InMemoryOutbox implements Outbox {
  constructor(readonly db: InMemoryDatabase = new InMemoryDatabase()) {}

  claimDue(
    now: Date,
    limit: number,
    leaseUntil: Date,
    scope: ClaimScope = {},
  ): Promise<ActivationMessage[]> {
    const due = [...this.db.messages.values()]
      .filter(
        (m) =>
          (scope.userId === undefined || m.userId === scope.userId) &&
          !m.sentAt &&
          !m.droppedAt &&
          m.sealedCode !== null &&
          m.dueAt.getTime() <= now.getTime() &&
          (m.leasedUntil === null || m.leasedUntil.getTime() <= now.getTime()),
      )
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
    for (const m of due) m.leasedUntil = leaseUntil;
    return Promise.resolve(
      due.map((m) => ({
        id: m.id,
        userId: m.userId,
        to: m.to,
        sealedCode: m.sealedCode as string,
        codeExpiresAt: m.codeExpiresAt,
        attempts: m.attempts,
      })),
    );
  }

  markSent(id: string, now: Date): Promise<void> {
    const m = this.db.messages.get(id);
    if (m)
      Object.assign(m, {
        sentAt: now,
        sealedCode: null,
        leasedUntil: null,
        attempts: m.attempts + 1,
      });
    return Promise.resolve();
  }

  reschedule(id: string, retryAt: Date, error: string): Promise<void> {
    const m = this.db.messages.get(id);
    if (m && !m.sentAt && !m.droppedAt) {
      Object.assign(m, {
        dueAt: retryAt,
        leasedUntil: null,
        attempts: m.attempts + 1,
        lastError: error,
      });
    }
    return Promise.resolve();
  }

  drop(id: string, now: Date, reason: string): Promise<void> {
    const m = this.db.messages.get(id);
    if (m && !m.sentAt)
      Object.assign(m, { droppedAt: now, sealedCode: null, leasedUntil: null, lastError: reason });
    return Promise.resolve();
  }

  stats(now: Date): Promise<OutboxStats> {
    const pending = [...this.db.messages.values()].filter((m) => !m.sentAt && !m.droppedAt);
    const oldest = Math.min(...pending.map((m) => m.createdAt.getTime()));
    return Promise.resolve({
      pending: pending.length,
      oldestPendingSeconds: pending.length ? Math.max(0, (now.getTime() - oldest) / 1000) : 0,
    });
  }

  latestMessageState(userId: string): Promise<MessageState | null> {
    const mine = [...this.db.messages.values()].filter((m) => m.userId === userId);
    const newest = mine[mine.length - 1]; // a Map keeps insertion order
    if (!newest) return Promise.resolve(null);
    return Promise.resolve(newest.sentAt ? 'sent' : newest.droppedAt ? 'dropped' : 'pending');
  }
}

/** A repository and an outbox over one shared in-memory database. */
export function createInMemoryStore(): { users: InMemoryUserRepository; outbox: InMemoryOutbox } {
  const db = new InMemoryDatabase();
  return { users: new InMemoryUserRepository(db), outbox: new InMemoryOutbox(db) };
}
