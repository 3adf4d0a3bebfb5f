import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import {
  EmailTakenError,
  User,
  type ActivationMessage,
  type ClaimScope,
  type CodeReissue,
  type ListUsersQuery,
  type MessageState,
  type Outbox,
  type OutboxStats,
  type OutgoingActivation,
  type UserPrimitives,
  type UserRepository,
} from '@signup/domain';

/**
 * "Your own adapter": accounts kept as an append-only event log in one JSON
 * Lines file, replayed on open. It implements the same two ports as the
 * PostgreSQL adapter and passes the same contract suites
 * (test/event-log-store.test.ts). Single process only: each method checks
 * and appends synchronously, which is atomic on Node's one thread.
 */

type Event =
  | { type: 'registered'; user: UserPrimitives; message: Letter }
  | {
      type: 'reissued';
      userId: string;
      code: UserPrimitives['activationCode'];
      passwordHash?: string;
      message: Letter;
    }
  | { type: 'attempt'; userId: string }
  | { type: 'activated'; userId: string; at: string }
  | { type: 'purged'; userIds: string[] }
  | { type: 'leased'; ids: string[]; until: string }
  | { type: 'sent' | 'dropped'; id: string; at: string }
  | { type: 'retry'; id: string; at: string; error: string };

interface Letter {
  id: string;
  userId: string;
  to: string;
  code: string | null;
  codeExpiresAt: string;
  createdAt: string;
  dueAt: string;
  leasedUntil: string | null;
  attempts: number;
  done: boolean;
  /** Set once handed to the mailer (a done letter without it was dropped). */
  sent?: boolean;
}

const reviveUser = (u: UserPrimitives): UserPrimitives => ({
  ...u,
  createdAt: new Date(u.createdAt),
  activatedAt: u.activatedAt ? new Date(u.activatedAt) : null,
  activationCode: u.activationCode
    ? {
        ...u.activationCode,
        issuedAt: new Date(u.activationCode.issuedAt),
        expiresAt: new Date(u.activationCode.expiresAt),
      }
    : null,
});

export class EventLogStore implements UserRepository, Outbox {
  private readonly users = new Map<string, UserPrimitives>();
  private readonly letters = new Map<string, Letter>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim()) this.apply(JSON.parse(line) as Event);
    }
  }

  private record(event: Event): void {
    appendFileSync(this.file, JSON.stringify(event) + '\n');
    this.apply(event);
  }

  private apply(e: Event): void {
    switch (e.type) {
      case 'registered':
        this.users.set(e.user.id, reviveUser(e.user));
        this.letters.set(e.message.id, { ...e.message });
        return;
      case 'reissued': {
        const user = this.users.get(e.userId);
        if (!user) return;
        for (const l of this.letters.values())
          if (l.userId === e.userId && !l.done) Object.assign(l, { done: true, code: null });
        this.users.set(
          e.userId,
          reviveUser({
            ...user,
            passwordHash: e.passwordHash ?? user.passwordHash,
            activationCode: e.code,
          }),
        );
        this.letters.set(e.message.id, { ...e.message });
        return;
      }
      case 'attempt': {
        const user = this.users.get(e.userId);
        if (user?.activationCode)
          this.users.set(e.userId, {
            ...user,
            activationCode: { ...user.activationCode, attempts: user.activationCode.attempts + 1 },
          });
        return;
      }
      case 'activated': {
        const user = this.users.get(e.userId);
        for (const l of this.letters.values())
          if (l.userId === e.userId && !l.done) Object.assign(l, { done: true, code: null });
        if (user)
          this.users.set(e.userId, {
            ...user,
            status: 'active',
            activatedAt: new Date(e.at),
            activationCode: null,
          });
        return;
      }
      case 'purged':
        for (const id of e.userIds) this.users.delete(id);
        for (const [id, l] of this.letters)
          if (e.userIds.includes(l.userId)) this.letters.delete(id);
        return;
      case 'leased':
        for (const id of e.ids) Object.assign(this.letters.get(id) ?? {}, { leasedUntil: e.until });
        return;
      case 'sent':
      case 'dropped': {
        const letter = this.letters.get(e.id);
        if (letter)
          Object.assign(letter, {
            done: true,
            sent: e.type === 'sent',
            code: null,
            attempts: letter.attempts + (e.type === 'sent' ? 1 : 0),
          });
        return;
      }
      case 'retry': {
        const letter = this.letters.get(e.id);
        if (letter)
          Object.assign(letter, { dueAt: e.at, leasedUntil: null, attempts: letter.attempts + 1 });
      }
    }
  }

  private letter(userId: string, to: string, a: OutgoingActivation): Letter {
    const issued = a.code.issuedAt.toISOString();
    return {
      id: a.messageId,
      userId,
      to,
      code: a.plainCode,
      codeExpiresAt: a.code.expiresAt.toISOString(),
      createdAt: issued,
      dueAt: issued,
      leasedUntil: null,
      attempts: 0,
      done: false,
    };
  }

  private find(predicate: (u: UserPrimitives) => boolean): User | null {
    for (const u of this.users.values())
      if (predicate(u)) return User.fromPrimitives(structuredClone(u));
    return null;
  }

  // --- UserRepository ------------------------------------------------------
  findByEmail(email: string) {
    return Promise.resolve(this.find((u) => u.email === email));
  }
  findById(id: string) {
    return Promise.resolve(this.find((u) => u.id === id));
  }
  create(user: User, activation: OutgoingActivation): Promise<void> {
    const row = user.toPrimitives();
    if (this.find((u) => u.email === row.email || u.id === row.id))
      return Promise.reject(new EmailTakenError());
    this.record({
      type: 'registered',
      user: row,
      message: this.letter(row.id, row.email, activation),
    });
    return Promise.resolve();
  }
  reissueCode(r: CodeReissue): Promise<boolean> {
    const user = this.users.get(r.userId);
    if (user?.status !== 'pending' || user.activationCode?.id !== r.expectedCodeId)
      return Promise.resolve(false);
    this.record({
      type: 'reissued',
      userId: r.userId,
      code: r.activation.code.toPrimitives(),
      ...(r.passwordHash ? { passwordHash: r.passwordHash } : {}),
      message: this.letter(user.id, user.email, r.activation),
    });
    return Promise.resolve(true);
  }
  recordFailedAttempt(userId: string, codeId: string, maxAttempts: number): Promise<number | null> {
    const code = this.users.get(userId)?.activationCode;
    if (code?.id !== codeId || code.attempts >= maxAttempts) return Promise.resolve(null);
    this.record({ type: 'attempt', userId });
    return Promise.resolve(code.attempts + 1);
  }
  activate(userId: string, codeId: string, maxAttempts: number, now: Date): Promise<User | null> {
    const code = this.users.get(userId)?.activationCode;
    const live = code?.id === codeId && code.attempts < maxAttempts && now < code.expiresAt;
    if (!live) return Promise.resolve(null);
    this.record({ type: 'activated', userId, at: now.toISOString() });
    return this.findById(userId);
  }
  private expired(before: Date): string[] {
    return [...this.users.values()]
      .filter(
        (u) => u.status === 'pending' && u.activationCode && u.activationCode.expiresAt < before,
      )
      .map((u) => u.id);
  }
  countExpiredPending(expiredBefore: Date) {
    return Promise.resolve(this.expired(expiredBefore).length);
  }
  deleteExpiredPending(expiredBefore: Date, limit: number) {
    const userIds = this.expired(expiredBefore).slice(0, limit);
    if (userIds.length) this.record({ type: 'purged', userIds });
    return Promise.resolve(userIds.length);
  }
  list(query: ListUsersQuery) {
    const all = [...this.users.values()]
      .filter((u) => !query.status || u.status === query.status)
      .sort((a, b) => +b.createdAt - +a.createdAt)
      .slice(0, query.limit);
    return Promise.resolve(all.map((u) => User.fromPrimitives(structuredClone(u))));
  }

  // --- Outbox ----------------------------------------------------------------
  claimDue(
    now: Date,
    limit: number,
    leaseUntil: Date,
    scope: ClaimScope = {},
  ): Promise<ActivationMessage[]> {
    const due = [...this.letters.values()]
      .filter(
        (l) =>
          (scope.userId === undefined || l.userId === scope.userId) &&
          !l.done &&
          l.code &&
          new Date(l.dueAt) <= now &&
          (!l.leasedUntil || new Date(l.leasedUntil) <= now),
      )
      .slice(0, limit);
    if (due.length)
      this.record({ type: 'leased', ids: due.map((l) => l.id), until: leaseUntil.toISOString() });
    return Promise.resolve(
      due.map((l) => ({
        id: l.id,
        userId: l.userId,
        to: l.to,
        code: l.code as string,
        codeExpiresAt: new Date(l.codeExpiresAt),
        attempts: l.attempts,
      })),
    );
  }
  markSent(id: string, now: Date) {
    this.record({ type: 'sent', id, at: now.toISOString() });
    return Promise.resolve();
  }
  reschedule(id: string, retryAt: Date, error: string) {
    this.record({ type: 'retry', id, at: retryAt.toISOString(), error });
    return Promise.resolve();
  }
  drop(id: string, now: Date) {
    this.record({ type: 'dropped', id, at: now.toISOString() });
    return Promise.resolve();
  }
  stats(now: Date): Promise<OutboxStats> {
    const pending = [...this.letters.values()].filter((l) => !l.done);
    const oldest = pending.reduce(
      (min, l) => Math.min(min, Date.parse(l.createdAt)),
      now.getTime(),
    );
    return Promise.resolve({
      pending: pending.length,
      oldestPendingSeconds: (now.getTime() - oldest) / 1000,
    });
  }
  latestMessageState(userId: string): Promise<MessageState | null> {
    const mine = [...this.letters.values()].filter((l) => l.userId === userId);
    const newest = mine[mine.length - 1]; // letters are kept in the order they were queued
    if (!newest) return Promise.resolve(null);
    return Promise.resolve(newest.sent ? 'sent' : newest.done ? 'dropped' : 'pending');
  }
}
