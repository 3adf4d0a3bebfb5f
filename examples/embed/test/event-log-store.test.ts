import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Mailbox, defaultActivationPolicy, type User } from '@signup/domain';
import {
  aRegistration,
  anActivation,
  outboxContract,
  testKeyring,
  uniqueEmail,
  userRepositoryContract,
} from '@signup/domain/testing';
import { EventLogStore } from '../src/event-log-store.js';

const dirs: string[] = [];
function freshStore() {
  const dir = mkdtempSync(join(tmpdir(), 'signup-eventlog-'));
  dirs.push(dir);
  const store = new EventLogStore(join(dir, 'events.jsonl'));
  return Promise.resolve({ users: store, outbox: store });
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Your own adapter passes the very suites the PostgreSQL adapter passes.
userRepositoryContract('example event-log store', freshStore);
outboxContract('example event-log store', freshStore);

describe('EventLogStore persistence', () => {
  function logFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'signup-eventlog-'));
    dirs.push(dir);
    return join(dir, 'events.jsonl');
  }

  it('replays its log: a reopened store sees the same accounts and messages', async () => {
    const file = logFile();
    const { user, activation } = aRegistration({ plain: '0042' });
    expect(await new EventLogStore(file).commit({ user, message: activation })).toBe(true);
    const reopened = new EventLogStore(file);
    expect((await reopened.findByEmail(user.email))?.toPrimitives()).toEqual({
      ...user.toPrimitives(),
      version: 1,
    });
    const now = activation.code.issuedAt;
    const [message] = await reopened.claimDue(now, 10, new Date(now.getTime() + 30_000), {
      userId: user.id,
    });
    expect(message?.codeExpiresAt).toEqual(activation.code.expiresAt);
    expect(testKeyring.open(message?.sealedCode ?? '')).toBe('0042');
  });

  it('replays its log: a resend, a retry and an activation leave the same outbox', async () => {
    const file = logFile();
    const now = new Date('2032-05-01T00:00:00Z');
    const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    const store = new EventLogStore(file);
    const { user, activation } = aRegistration({ now, plain: '1111' });
    await store.commit({ user, message: activation });
    const stored = (await store.findById(user.id)) as User;
    const next = anActivation(user.id, { issuedAt: later(10), plain: '2222' });
    await store.commit({
      user: stored.withCode(next.code),
      message: next,
      retireUnsentMessages: { at: next.code.issuedAt, reason: 'replaced by a newer code' },
    });
    const [claimed] = await store.claimDue(later(10), 10, later(40), { userId: user.id });
    await store.reschedule(claimed?.id ?? '', later(20), 'connection refused');

    const reopened = new EventLogStore(file);
    expect(await reopened.claimDue(later(15), 10, later(45), { userId: user.id })).toEqual([]);
    const [again] = await reopened.claimDue(later(20), 10, later(50), { userId: user.id });
    expect(again).toMatchObject({ id: next.messageId, attempts: 1 });
    expect(testKeyring.open(again?.sealedCode ?? '')).toBe('2222');
    const current = (await reopened.findById(user.id)) as User;
    expect(current.version).toBe(2);
    await reopened.commit({
      user: current.activated(later(21)),
      retireUnsentMessages: { at: later(21), reason: 'account activated' },
    });
    expect(await new EventLogStore(file).latestMessageState(user.id)).toBe('dropped');
    expect((await new EventLogStore(file).stats(later(30))).pending).toBe(0);
  });

  it('replays its log: a mailbox survives reopening, with its version and dates', async () => {
    const file = logFile();
    const now = new Date('2031-03-01T12:00:00Z');
    const mailbox = Mailbox.empty(testKeyring.digest('mailbox', uniqueEmail('mbx')))
      .withMailSent(now)
      .withPasswordFailure(now, defaultActivationPolicy)
      .strike(now, defaultActivationPolicy, true).mailbox;
    const forgetAt = mailbox.forgetAt(defaultActivationPolicy);
    expect(await new EventLogStore(file).commit({ mailbox: { next: mailbox, forgetAt } })).toBe(
      true,
    );
    const reopened = new EventLogStore(file);
    const found = await reopened.findMailbox(mailbox.key);
    expect(found?.toPrimitives()).toEqual({ ...mailbox.toPrimitives(), version: 1 });
    expect(found?.lockedUntil).toBeInstanceOf(Date);
    // its forgetAt came back too: kept just before it, forgotten just after
    expect(await reopened.deleteForgottenMailboxes(forgetAt, 10)).toBe(0);
    expect(await reopened.deleteForgottenMailboxes(new Date(forgetAt.getTime() + 1), 10)).toBe(1);
    expect(await new EventLogStore(file).findMailbox(mailbox.key)).toBeNull();
  });
});
