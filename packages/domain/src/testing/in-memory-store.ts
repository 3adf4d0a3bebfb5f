import { EmailTakenError } from '../errors.js';
import type { ActivationMessage } from '../ports/activation-message.js';
import type { ClaimScope, MessageState, Outbox, OutboxStats } from '../ports/outbox.js';
import type {
  CodeReissue,
  ListUsersQuery,
  OutgoingActivation,
  UserRepository,
} from '../ports/user-repository.js';
import { User, type UserPrimitives } from '../user.js';

interface MessageRow {
  id: string;
  userId: string;
  to: string;
  code: string | null;
  codeExpiresAt: Date;
  createdAt: Date;
  dueAt: Date;
  leasedUntil: Date | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  droppedAt: Date | null;
}

/**
 * The state shared by the in-memory repository and outbox. Every method body
 * runs without an await in the middle, so each is atomic on Node's single
 * thread: the same guarantees the SQL adapters get from the database.
 */
export class InMemoryDatabase {
  readonly users = new Map<string, UserPrimitives>();
  readonly messages = new Map<string, MessageRow>();

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
      code: activation.plainCode,
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

  create(user: User, activation: OutgoingActivation): Promise<void> {
    const row = user.toPrimitives();
    if (this.db.byEmail(row.email) || this.db.users.has(row.id)) {
      return Promise.reject(new EmailTakenError());
    }
    this.db.users.set(row.id, structuredClone(row));
    this.db.queue(row.id, row.email, activation);
    return Promise.resolve();
  }

  reissueCode(reissue: CodeReissue): Promise<boolean> {
    const row = this.db.users.get(reissue.userId);
    if (!row || row.status !== 'pending' || row.activationCode?.id !== reissue.expectedCodeId) {
      return Promise.resolve(false);
    }
    this.dropUnsent(row.id, reissue.activation.code.issuedAt, 'replaced by a newer code');
    this.db.users.set(row.id, {
      ...row,
      passwordHash: reissue.passwordHash ?? row.passwordHash,
      activationCode: reissue.activation.code.toPrimitives(),
    });
    this.db.queue(row.id, row.email, reissue.activation);
    return Promise.resolve(true);
  }

  recordFailedAttempt(userId: string, codeId: string, maxAttempts: number): Promise<number | null> {
    const row = this.db.users.get(userId);
    const code = row?.activationCode;
    if (!row || row.status !== 'pending' || code?.id !== codeId || code.attempts >= maxAttempts) {
      return Promise.resolve(null);
    }
    const attempts = code.attempts + 1;
    this.db.users.set(userId, { ...row, activationCode: { ...code, attempts } });
    return Promise.resolve(attempts);
  }

  activate(userId: string, codeId: string, maxAttempts: number, now: Date): Promise<User | null> {
    const row = this.db.users.get(userId);
    const code = row?.activationCode;
    if (
      !row ||
      row.status !== 'pending' ||
      code?.id !== codeId ||
      code.attempts >= maxAttempts ||
      now.getTime() >= code.expiresAt.getTime()
    ) {
      return Promise.resolve(null);
    }
    const active: UserPrimitives = {
      ...row,
      status: 'active',
      activatedAt: now,
      activationCode: null,
    };
    this.db.users.set(userId, active);
    this.dropUnsent(userId, now, 'account activated');
    return Promise.resolve(copy(active));
  }

  /** Drops the account's messages that are neither sent nor dropped, erasing their codes. */
  private dropUnsent(userId: string, at: Date, reason: string): void {
    for (const message of this.db.messages.values()) {
      if (message.userId === userId && !message.sentAt && !message.droppedAt) {
        Object.assign(message, { droppedAt: at, code: null, leasedUntil: null, lastError: reason });
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
          m.code !== null &&
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
        code: m.code as string,
        codeExpiresAt: m.codeExpiresAt,
        attempts: m.attempts,
      })),
    );
  }

  markSent(id: string, now: Date): Promise<void> {
    const m = this.db.messages.get(id);
    if (m)
      Object.assign(m, { sentAt: now, code: null, leasedUntil: null, attempts: m.attempts + 1 });
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
      Object.assign(m, { droppedAt: now, code: null, leasedUntil: null, lastError: reason });
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
