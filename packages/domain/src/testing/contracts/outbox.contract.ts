import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../user.js';
import { anActivation, aRegistration, testKeyring } from '../builders.js';
import type { StoreFactory, StoreUnderTest } from './user-repository.contract.js';

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

/**
 * The Outbox port contract. Each test works at its own far-apart instant so
 * messages of other tests are either long delivered or not yet due.
 */
export function outboxContract(name: string, factory: StoreFactory): void {
  describe(`Outbox contract: ${name}`, () => {
    let store: StoreUnderTest;
    let epoch = Date.parse('2040-01-01T00:00:00Z');
    /** A fresh instant per test, a day after the previous one. */
    const instant = () => new Date((epoch += 86_400_000));

    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close?.();
    });

    async function registered(now: Date, plain = '1234') {
      const r = aRegistration({ now, plain });
      await store.users.commit({ user: r.user, message: r.activation });
      // Deliver everything older, so this test sees only its own messages.
      return r;
    }

    /** A resend as the domain writes it: the new code, its message, the old one retired. */
    async function reissue(user: User, activation: ReturnType<typeof anActivation>) {
      const stored = await store.users.findById(user.id);
      if (!stored) throw new Error('expected the account');
      const ok = await store.users.commit({
        user: stored.withCode(activation.code),
        message: activation,
        retireUnsentMessages: { at: activation.code.issuedAt, reason: 'replaced by a newer code' },
      });
      expect(ok).toBe(true);
    }

    async function claimMine(now: Date, userId: string, leaseSeconds = 30) {
      const claimed = await store.outbox.claimDue(now, 1000, at(now, leaseSeconds));
      return claimed.filter((m) => m.userId === userId);
    }

    it('claims a due message once while its lease lasts', async () => {
      const now = instant();
      const { user } = await registered(now);
      expect(await claimMine(now, user.id)).toHaveLength(1);
      expect(await claimMine(at(now, 1), user.id)).toHaveLength(0);
      expect(await claimMine(at(now, 31), user.id)).toHaveLength(1);
    });

    it('does not claim a message that is not due yet', async () => {
      const now = instant();
      const { user } = await registered(now);
      expect(await claimMine(at(now, -1), user.id)).toHaveLength(0);
    });

    it('marks sent: never claimed again, code erased, no longer pending', async () => {
      const now = instant();
      const { user } = await registered(now);
      const [message] = await claimMine(now, user.id);
      if (!message) throw new Error('expected a message');
      const before = await store.outbox.stats(now);
      await store.outbox.markSent(message.id, at(now, 1));
      expect(await claimMine(at(now, 3600), user.id)).toHaveLength(0);
      expect((await store.outbox.stats(at(now, 1))).pending).toBe(before.pending - 1);
    });

    it('reschedules a failed message for later with its attempt counted', async () => {
      const now = instant();
      const { user } = await registered(now);
      const [message] = await claimMine(now, user.id);
      if (!message) throw new Error('expected a message');
      expect(message.attempts).toBe(0);
      await store.outbox.reschedule(message.id, at(now, 10), 'connection refused');
      expect(await claimMine(at(now, 5), user.id)).toHaveLength(0);
      const [again] = await claimMine(at(now, 10), user.id);
      expect(again?.attempts).toBe(1);
      expect(again && open(again)).toBe('1234');
    });

    it('drops a message: never claimed again', async () => {
      const now = instant();
      const { user } = await registered(now);
      const [message] = await claimMine(now, user.id);
      if (!message) throw new Error('expected a message');
      await store.outbox.drop(message.id, now, 'code expired');
      expect(await claimMine(at(now, 3600), user.id)).toHaveLength(0);
    });

    it('a reissue drops the unsent older message', async () => {
      const now = instant();
      const { user } = await registered(now, '1111');
      await reissue(user, anActivation(user.id, { issuedAt: now, plain: '2222' }));
      const mine = await claimMine(now, user.id);
      expect(mine.map((m) => open(m))).toEqual(['2222']);
    });

    it("claims only the named account's messages when scoped to it", async () => {
      const now = instant();
      const mine = await registered(now, '1111');
      const theirs = await registered(now, '2222');
      const scoped = await store.outbox.claimDue(now, 1000, at(now, 30), {
        userId: mine.user.id,
      });
      expect(scoped.map((m) => [m.userId, open(m)])).toEqual([[mine.user.id, '1111']]);
      expect(await claimMine(now, theirs.user.id)).toHaveLength(1);
      expect(
        await store.outbox.claimDue(now, 1000, at(now, 30), {
          userId: '00000000-0000-4000-8000-000000000000',
        }),
      ).toEqual([]);
    });

    it('concurrent claimers never receive the same message', async () => {
      const now = instant();
      const ids = new Set<string>();
      for (let i = 0; i < 30; i += 1) ids.add((await registered(now)).user.id);
      const batches = await Promise.all(
        Array.from({ length: 6 }, () => store.outbox.claimDue(now, 5, at(now, 30))),
      );
      const mine = batches.flat().filter((m) => ids.has(m.userId));
      expect(new Set(mine.map((m) => m.id)).size).toBe(mine.length);
      expect(mine.length).toBeGreaterThan(0);
    });

    it("tells the state of the account's newest message: pending, sent, dropped", async () => {
      const now = instant();
      const sent = await registered(now, '1111');
      expect(await store.outbox.latestMessageState(sent.user.id)).toBe('pending');
      await reissue(sent.user, anActivation(sent.user.id, { issuedAt: now, plain: '2222' }));
      expect(await store.outbox.latestMessageState(sent.user.id)).toBe('pending'); // the new one
      const [message] = await claimMine(now, sent.user.id);
      if (!message) throw new Error('expected a message');
      await store.outbox.markSent(message.id, now);
      expect(await store.outbox.latestMessageState(sent.user.id)).toBe('sent');

      const dropped = await registered(now);
      const [other] = await claimMine(now, dropped.user.id);
      if (!other) throw new Error('expected a message');
      await store.outbox.drop(other.id, now, 'code expired');
      expect(await store.outbox.latestMessageState(dropped.user.id)).toBe('dropped');
      expect(
        await store.outbox.latestMessageState('00000000-0000-4000-8000-000000000000'),
      ).toBeNull();
    });

    it('reports the pending count and the oldest pending age', async () => {
      const now = instant();
      await registered(now);
      const stats = await store.outbox.stats(at(now, 42));
      expect(stats.pending).toBeGreaterThanOrEqual(1);
      expect(stats.oldestPendingSeconds).toBeGreaterThanOrEqual(42);
    });
  });
}

function open(message: { sealedCode: string }): string | null {
  return testKeyring.open(message.sealedCode);
}
