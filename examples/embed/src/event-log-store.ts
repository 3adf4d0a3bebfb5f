import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import {
  Mailbox,
  User,
  type AccountChange,
  type ActivationMessage,
  type ClaimScope,
  type ListUsersQuery,
  type MailboxPrimitives,
  type MessageState,
  type Outbox,
  type OutboxStats,
  type UserPrimitives,
  type UserRepository,
} from '@signup/domain';

/**
 * "Your own adapter": accounts, mailboxes and outgoing messages kept as an
 * append-only event log in one JSON Lines file, replayed on open. It
 * implements the same two ports as the PostgreSQL adapter and passes the same
 * contract suites (test/event-log-store.test.ts).
 *
 * Single process only: every write checks its guards and appends its one
 * event synchronously, with no await in between, which is atomic on Node's
 * one thread. A `commit` is one `committed` event holding the snapshots the
 * change produced, so it lands whole or not at all.
 *
 * Being append-only, the file keeps what the store has since deleted or
 * erased (sealed codes of sent messages, purged accounts, forgotten
 * mailboxes) until you compact it: fine for an example, not for production.
 */

/** A value as it reads back from JSON: every Date an ISO string. */
type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

const toJson = <T>(value: T): Json<T> => JSON.parse(JSON.stringify(value)) as Json<T>;

/** A queued activation email as the log records it. */
interface Letter {
  id: string;
  userId: string;
  to: string;
  sealedCode: string;
  codeExpiresAt: string;
  createdAt: string;
}

type Event =
  | {
      type: 'committed';
      /** The account this change deleted, with its messages (a re-registration). */
      replaces?: string;
      /** The account as stored, its version already bumped. */
      user?: Json<UserPrimitives>;
      /** The user's unsent messages dropped, their codes erased. */
      retired?: { at: string; reason: string };
      message?: Letter;
      /** The mailbox as stored, its version already bumped. */
      mailbox?: { state: Json<MailboxPrimitives>; forgetAt: string };
    }
  | { type: 'purged'; userIds: string[] }
  | { type: 'mailboxesForgotten'; keys: string[] }
  | { type: 'leased'; ids: string[]; until: string }
  | { type: 'sent' | 'dropped'; id: string; at: string; reason?: string }
  | { type: 'retry'; id: string; at: string; error: string };

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

const date = (value: string): Date => new Date(value);
const maybeDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

const reviveUser = (u: Json<UserPrimitives>): UserPrimitives => ({
  ...u,
  createdAt: date(u.createdAt),
  activatedAt: maybeDate(u.activatedAt),
  activationCode: u.activationCode
    ? {
        ...u.activationCode,
        issuedAt: date(u.activationCode.issuedAt),
        expiresAt: date(u.activationCode.expiresAt),
      }
    : null,
});

const reviveMailbox = (m: Json<MailboxPrimitives>): MailboxPrimitives => ({
  ...m,
  lastStrikeAt: maybeDate(m.lastStrikeAt),
  lockedUntil: maybeDate(m.lockedUntil),
  mailSentAt: m.mailSentAt.map(date),
  passwordFailures: m.passwordFailures.map(date),
});

const reviveLetter = (l: Letter): MessageRow => ({
  id: l.id,
  userId: l.userId,
  to: l.to,
  sealedCode: l.sealedCode,
  codeExpiresAt: date(l.codeExpiresAt),
  createdAt: date(l.createdAt),
  dueAt: date(l.createdAt),
  leasedUntil: null,
  attempts: 0,
  lastError: null,
  sentAt: null,
  droppedAt: null,
});

export class EventLogStore implements UserRepository, Outbox {
  private readonly users = new Map<string, UserPrimitives>();
  /** In the order they were queued (a Map keeps insertion order). */
  private readonly messages = new Map<string, MessageRow>();
  private readonly mailboxes = new Map<string, MailboxRow>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim()) this.apply(JSON.parse(line) as Event);
    }
  }

  /**
   * Appends the event, then applies it as it reads back from the file, so a
   * live store and a replayed one hold exactly the same state.
   */
  private record(event: Event): void {
    const line = JSON.stringify(event);
    appendFileSync(this.file, line + '\n');
    this.apply(JSON.parse(line) as Event);
  }

  private apply(e: Event): void {
    switch (e.type) {
      case 'committed': {
        if (e.replaces !== undefined) this.deleteUsers([e.replaces]);
        if (e.user) {
          const user = reviveUser(e.user);
          if (e.retired) this.retireUnsent(user.id, date(e.retired.at), e.retired.reason);
          this.users.set(user.id, user);
        }
        if (e.message) this.messages.set(e.message.id, reviveLetter(e.message));
        if (e.mailbox) {
          const state = reviveMailbox(e.mailbox.state);
          this.mailboxes.set(state.key, { state, forgetAt: date(e.mailbox.forgetAt) });
        }
        return;
      }
      case 'purged':
        this.deleteUsers(e.userIds);
        return;
      case 'mailboxesForgotten':
        for (const key of e.keys) this.mailboxes.delete(key);
        return;
      case 'leased':
        for (const id of e.ids) {
          const m = this.messages.get(id);
          if (m) m.leasedUntil = date(e.until);
        }
        return;
      case 'sent': {
        const m = this.messages.get(e.id);
        if (m)
          Object.assign(m, {
            sentAt: date(e.at),
            sealedCode: null,
            leasedUntil: null,
            attempts: m.attempts + 1,
          });
        return;
      }
      case 'dropped': {
        const m = this.messages.get(e.id);
        if (m && !m.sentAt)
          Object.assign(m, {
            droppedAt: date(e.at),
            sealedCode: null,
            leasedUntil: null,
            lastError: e.reason ?? null,
          });
        return;
      }
      case 'retry': {
        const m = this.messages.get(e.id);
        if (m && !m.sentAt && !m.droppedAt)
          Object.assign(m, {
            dueAt: date(e.at),
            leasedUntil: null,
            attempts: m.attempts + 1,
            lastError: e.error,
          });
      }
    }
  }

  private deleteUsers(userIds: readonly string[]): void {
    const gone = new Set(userIds);
    for (const id of gone) this.users.delete(id);
    for (const [id, m] of this.messages) if (gone.has(m.userId)) this.messages.delete(id);
  }

  /** Drops the account's messages that are neither sent nor dropped, erasing their codes. */
  private retireUnsent(userId: string, at: Date, reason: string): void {
    for (const m of this.messages.values()) {
      if (m.userId === userId && !m.sentAt && !m.droppedAt) {
        Object.assign(m, { droppedAt: at, sealedCode: null, leasedUntil: null, lastError: reason });
      }
    }
  }

  private byEmail(email: string): UserPrimitives | undefined {
    for (const u of this.users.values()) if (u.email === email) return u;
    return undefined;
  }

  private static copy(user: UserPrimitives | undefined): User | null {
    return user ? User.fromPrimitives(structuredClone(user)) : null;
  }

  // --- UserRepository ------------------------------------------------------
  findByEmail(email: string): Promise<User | null> {
    return Promise.resolve(EventLogStore.copy(this.byEmail(email)));
  }

  findById(id: string): Promise<User | null> {
    return Promise.resolve(EventLogStore.copy(this.users.get(id)));
  }

  findMailbox(key: string): Promise<Mailbox | null> {
    const row = this.mailboxes.get(key);
    return Promise.resolve(row ? Mailbox.fromPrimitives(structuredClone(row.state)) : null);
  }

  commit(change: AccountChange): Promise<boolean> {
    const { user, replaces, mailbox, message } = change;
    // Every guard first, against the state as it stands; then one event.
    if (replaces && this.users.get(replaces.id)?.version !== replaces.version) {
      return Promise.resolve(false);
    }
    if (user) {
      const stored = this.users.get(user.id);
      if (user.version === 0) {
        const holder = this.byEmail(user.email);
        if (stored || (holder && holder.id !== replaces?.id)) return Promise.resolve(false);
      } else if (stored?.version !== user.version) {
        return Promise.resolve(false);
      }
    }
    if (
      mailbox &&
      (this.mailboxes.get(mailbox.next.key)?.state.version ?? 0) !== mailbox.next.version
    ) {
      return Promise.resolve(false);
    }

    const event: Extract<Event, { type: 'committed' }> = { type: 'committed' };
    if (replaces) event.replaces = replaces.id;
    if (user) {
      const row = user.toPrimitives();
      event.user = toJson({ ...row, version: row.version + 1 });
      const retire = change.retireUnsentMessages;
      if (retire) event.retired = { at: retire.at.toISOString(), reason: retire.reason };
      // A message belongs to `user` (it goes to the account's email): without one, none is queued.
      if (message) {
        event.message = {
          id: message.messageId,
          userId: user.id,
          to: user.email,
          sealedCode: message.sealedCode,
          codeExpiresAt: message.code.expiresAt.toISOString(),
          createdAt: message.code.issuedAt.toISOString(),
        };
      }
    }
    if (mailbox) {
      const state = mailbox.next.toPrimitives();
      event.mailbox = {
        state: toJson({ ...state, version: state.version + 1 }),
        forgetAt: mailbox.forgetAt.toISOString(),
      };
    }
    this.record(event);
    return Promise.resolve(true);
  }

  private expiredPending(expiredBefore: Date): UserPrimitives[] {
    return [...this.users.values()].filter(
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
    const userIds = this.expiredPending(expiredBefore)
      .slice(0, limit)
      .map((u) => u.id);
    if (userIds.length) this.record({ type: 'purged', userIds });
    return Promise.resolve(userIds.length);
  }

  deleteForgottenMailboxes(now: Date, limit: number): Promise<number> {
    const keys = [...this.mailboxes]
      .filter(([, row]) => row.forgetAt.getTime() < now.getTime())
      .slice(0, limit)
      .map(([key]) => key);
    if (keys.length) this.record({ type: 'mailboxesForgotten', keys });
    return Promise.resolve(keys.length);
  }

  list(query: ListUsersQuery): Promise<User[]> {
    const rows = [...this.users.values()]
      .filter((u) => !query.status || u.status === query.status)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit);
    return Promise.resolve(rows.map((row) => User.fromPrimitives(structuredClone(row))));
  }

  // --- Outbox ----------------------------------------------------------------
  claimDue(
    now: Date,
    limit: number,
    leaseUntil: Date,
    scope: ClaimScope = {},
  ): Promise<ActivationMessage[]> {
    const due = [...this.messages.values()]
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
    if (due.length)
      this.record({ type: 'leased', ids: due.map((m) => m.id), until: leaseUntil.toISOString() });
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
    if (this.messages.has(id)) this.record({ type: 'sent', id, at: now.toISOString() });
    return Promise.resolve();
  }

  reschedule(id: string, retryAt: Date, error: string): Promise<void> {
    const m = this.messages.get(id);
    if (m && !m.sentAt && !m.droppedAt)
      this.record({ type: 'retry', id, at: retryAt.toISOString(), error });
    return Promise.resolve();
  }

  drop(id: string, now: Date, reason: string): Promise<void> {
    const m = this.messages.get(id);
    if (m && !m.sentAt) this.record({ type: 'dropped', id, at: now.toISOString(), reason });
    return Promise.resolve();
  }

  stats(now: Date): Promise<OutboxStats> {
    const pending = [...this.messages.values()].filter((m) => !m.sentAt && !m.droppedAt);
    const oldest = Math.min(...pending.map((m) => m.createdAt.getTime()));
    return Promise.resolve({
      pending: pending.length,
      oldestPendingSeconds: pending.length ? Math.max(0, (now.getTime() - oldest) / 1000) : 0,
    });
  }

  latestMessageState(userId: string): Promise<MessageState | null> {
    const mine = [...this.messages.values()].filter((m) => m.userId === userId);
    const newest = mine[mine.length - 1]; // messages are kept in the order they were queued
    if (!newest) return Promise.resolve(null);
    return Promise.resolve(newest.sentAt ? 'sent' : newest.droppedAt ? 'dropped' : 'pending');
  }
}
