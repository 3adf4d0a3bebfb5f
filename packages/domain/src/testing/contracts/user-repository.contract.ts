import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailTakenError } from '../../errors.js';
import type { Outbox } from '../../ports/outbox.js';
import type { UserRepository } from '../../ports/user-repository.js';
import { anActivation, aRegistration, uniqueEmail } from '../builders.js';

export interface StoreUnderTest {
  readonly users: UserRepository;
  readonly outbox: Outbox;
  close?(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

const MAX = 5;

/**
 * The UserRepository port contract: every implementation must pass it
 * unchanged. Tests use unique emails and ids, so a shared store is fine
 * (also one shared with the Outbox suite).
 */
export function userRepositoryContract(name: string, factory: StoreFactory): void {
  describe(`UserRepository contract: ${name}`, () => {
    let store: StoreUnderTest;
    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close?.();
    });

    it('creates a pending user and finds it by email and by id', async () => {
      const { user, activation } = aRegistration();
      await store.users.create(user, activation);
      const byEmail = await store.users.findByEmail(user.email);
      expect(byEmail?.toPrimitives()).toEqual(user.toPrimitives());
      expect((await store.users.findById(user.id))?.email).toBe(user.email);
    });

    it('answers null for an unknown email or id', async () => {
      expect(await store.users.findByEmail(uniqueEmail())).toBeNull();
      expect(await store.users.findById('00000000-0000-4000-8000-00000000dead')).toBeNull();
    });

    it('refuses a second account for the same email with EmailTakenError', async () => {
      const email = uniqueEmail();
      const first = aRegistration({ email });
      await store.users.create(first.user, first.activation);
      const second = aRegistration({ email });
      await expect(store.users.create(second.user, second.activation)).rejects.toBeInstanceOf(
        EmailTakenError,
      );
      expect((await store.users.findByEmail(email))?.id).toBe(first.user.id);
    });

    it('queues the activation message together with the account', async () => {
      const now = new Date();
      const { user, activation } = aRegistration({ now, plain: '0042' });
      await store.users.create(user, activation);
      const claimed = await store.outbox.claimDue(
        new Date(now.getTime() + 1),
        1000,
        future(now, 60),
      );
      const mine = claimed.find((m) => m.userId === user.id);
      expect(mine).toMatchObject({ to: user.email, code: '0042', id: activation.messageId });
      expect(mine?.codeExpiresAt.getTime()).toBe(activation.code.expiresAt.getTime());
    });

    it('20 concurrent creates of one email leave exactly one account', async () => {
      const email = uniqueEmail('race');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => {
          const { user, activation } = aRegistration({ email });
          return store.users.create(user, activation);
        }),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(EmailTakenError);
      }
    });

    it('counts a wrong code and returns the new attempt count', async () => {
      const { user, activation } = aRegistration();
      await store.users.create(user, activation);
      expect(await store.users.recordFailedAttempt(user.id, activation.code.id, MAX)).toBe(1);
      expect(await store.users.recordFailedAttempt(user.id, activation.code.id, MAX)).toBe(2);
      expect((await store.users.findById(user.id))?.activationCode?.attempts).toBe(2);
    });

    it('20 concurrent wrong codes: exactly MAX counted, the rest refused (no lost update)', async () => {
      const { user, activation } = aRegistration();
      await store.users.create(user, activation);
      const counts = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.users.recordFailedAttempt(user.id, activation.code.id, MAX),
        ),
      );
      const counted = counts.filter((c): c is number => c !== null).sort((a, b) => a - b);
      expect(counted).toEqual([1, 2, 3, 4, 5]);
      expect((await store.users.findById(user.id))?.activationCode?.attempts).toBe(MAX);
    });

    it('20 concurrent wrong codes under a high limit are all counted', async () => {
      const { user, activation } = aRegistration();
      await store.users.create(user, activation);
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.users.recordFailedAttempt(user.id, activation.code.id, 100),
        ),
      );
      expect((await store.users.findById(user.id))?.activationCode?.attempts).toBe(20);
    });

    it('does not count against a code that was replaced', async () => {
      const { user, activation } = aRegistration();
      await store.users.create(user, activation);
      await store.users.reissueCode({
        userId: user.id,
        expectedCodeId: activation.code.id,
        activation: anActivation(user.id),
      });
      expect(await store.users.recordFailedAttempt(user.id, activation.code.id, MAX)).toBeNull();
    });

    it('activates a pending user once; 20 concurrent activations have one winner', async () => {
      const now = new Date();
      const { user, activation } = aRegistration({ now });
      await store.users.create(user, activation);
      const later = new Date(now.getTime() + 1000);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.users.activate(user.id, activation.code.id, MAX, later),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.status).toBe('active');
      expect(winners[0]?.activatedAt?.getTime()).toBe(later.getTime());
      const stored = await store.users.findById(user.id);
      expect(stored?.status).toBe('active');
      expect(stored?.activationCode).toBeNull();
    });

    it('activation drops the unsent message, leased or not: its code is never sent afterwards', async () => {
      const now = new Date();
      const queued = aRegistration({ now });
      const leased = aRegistration({ now });
      for (const r of [queued, leased]) await store.users.create(r.user, r.activation);
      const scope = (r: typeof queued) => ({ userId: r.user.id });
      expect(await store.outbox.claimDue(now, 10, future(now, 30), scope(leased))).toHaveLength(1);
      const later = future(now, 1);
      for (const r of [queued, leased]) {
        expect(
          await store.users.activate(r.user.id, r.activation.code.id, MAX, later),
        ).not.toBeNull();
      }
      const afterLease = future(now, 31);
      for (const r of [queued, leased]) {
        expect(await store.outbox.claimDue(afterLease, 10, future(now, 90), scope(r))).toEqual([]);
      }
    });

    it('does not activate with an expired, burned or replaced code', async () => {
      const now = new Date();
      const expired = aRegistration({ now, ttlSeconds: 60 });
      await store.users.create(expired.user, expired.activation);
      expect(
        await store.users.activate(
          expired.user.id,
          expired.activation.code.id,
          MAX,
          future(now, 60),
        ),
      ).toBeNull();

      const burned = aRegistration({ now });
      await store.users.create(burned.user, burned.activation);
      for (let i = 0; i < MAX; i += 1) {
        await store.users.recordFailedAttempt(burned.user.id, burned.activation.code.id, MAX);
      }
      expect(
        await store.users.activate(burned.user.id, burned.activation.code.id, MAX, now),
      ).toBeNull();

      const replaced = aRegistration({ now });
      await store.users.create(replaced.user, replaced.activation);
      const next = anActivation(replaced.user.id, { issuedAt: now });
      await store.users.reissueCode({
        userId: replaced.user.id,
        expectedCodeId: replaced.activation.code.id,
        activation: next,
      });
      expect(
        await store.users.activate(replaced.user.id, replaced.activation.code.id, MAX, now),
      ).toBeNull();
      expect(await store.users.activate(replaced.user.id, next.code.id, MAX, now)).not.toBeNull();
    });

    it('reissues a code: new code, attempts reset, new hash, old message dropped', async () => {
      const now = new Date();
      const { user, activation } = aRegistration({ now, plain: '1111' });
      await store.users.create(user, activation);
      await store.users.recordFailedAttempt(user.id, activation.code.id, MAX);
      const next = anActivation(user.id, { issuedAt: future(now, 30), plain: '2222' });
      const ok = await store.users.reissueCode({
        userId: user.id,
        expectedCodeId: activation.code.id,
        activation: next,
        passwordHash: 'new-hash',
      });
      expect(ok).toBe(true);
      const stored = await store.users.findById(user.id);
      expect(stored?.passwordHash).toBe('new-hash');
      expect(stored?.activationCode?.id).toBe(next.code.id);
      expect(stored?.activationCode?.attempts).toBe(0);
      const claimed = await store.outbox.claimDue(future(now, 31), 1000, future(now, 90));
      const mine = claimed.filter((m) => m.userId === user.id);
      expect(mine.map((m) => m.code)).toEqual(['2222']);
    });

    it('reissue refuses a stale expected code and an active account', async () => {
      const now = new Date();
      const { user, activation } = aRegistration({ now });
      await store.users.create(user, activation);
      const attempts = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.users.reissueCode({
            userId: user.id,
            expectedCodeId: activation.code.id,
            activation: anActivation(user.id, { issuedAt: now }),
          }),
        ),
      );
      expect(attempts.filter(Boolean)).toHaveLength(1);

      const active = aRegistration({ now });
      await store.users.create(active.user, active.activation);
      await store.users.activate(active.user.id, active.activation.code.id, MAX, now);
      expect(
        await store.users.reissueCode({
          userId: active.user.id,
          expectedCodeId: active.activation.code.id,
          activation: anActivation(active.user.id),
        }),
      ).toBe(false);
    });

    it('purges only pending accounts expired before the cut-off, with their messages', async () => {
      const base = new Date('2020-01-01T00:00:00Z');
      const old = aRegistration({ now: base, ttlSeconds: 60 });
      const fresh = aRegistration({ now: future(base, 3600), ttlSeconds: 60 });
      const active = aRegistration({ now: base, ttlSeconds: 60 });
      for (const r of [old, fresh, active]) await store.users.create(r.user, r.activation);
      await store.users.activate(active.user.id, active.activation.code.id, MAX, future(base, 1));

      const cutoff = future(base, 1800); // old expired at +60 s, fresh expires at +3660 s
      const before = await store.users.countExpiredPending(cutoff);
      expect(before).toBeGreaterThanOrEqual(1);
      let deleted = 0;
      for (;;) {
        const n = await store.users.deleteExpiredPending(cutoff, 1000);
        deleted += n;
        if (n < 1000) break;
      }
      expect(deleted).toBe(before);
      expect(await store.users.findById(old.user.id)).toBeNull();
      expect(await store.users.findById(fresh.user.id)).not.toBeNull();
      expect((await store.users.findById(active.user.id))?.status).toBe('active');
      expect(await store.users.countExpiredPending(cutoff)).toBe(0);
    });

    it('deletes in batches of at most the limit', async () => {
      const base = new Date('2019-06-01T00:00:00Z');
      for (let i = 0; i < 5; i += 1) {
        const r = aRegistration({ now: base, ttlSeconds: 1 });
        await store.users.create(r.user, r.activation);
      }
      const cutoff = future(base, 10);
      expect(await store.users.deleteExpiredPending(cutoff, 2)).toBe(2);
      expect(await store.users.countExpiredPending(cutoff)).toBe(3);
    });

    it('lists users newest first, filtered by status, limited', async () => {
      const base = new Date('2030-01-01T00:00:00Z');
      const a = aRegistration({ now: future(base, 1) });
      const b = aRegistration({ now: future(base, 2) });
      for (const r of [a, b]) await store.users.create(r.user, r.activation);
      // Other suites may share the store: look at our two accounts within the full list.
      const mine = new Set([a.user.id, b.user.id]);
      const listed = await store.users.list({ limit: 1000 });
      expect(listed.filter((u) => mine.has(u.id)).map((u) => u.id)).toEqual([b.user.id, a.user.id]);
      const [newest] = await store.users.list({ limit: 1 });
      expect(newest?.createdAt.getTime()).toBe(
        Math.max(...listed.map((u) => u.createdAt.getTime())),
      );
      expect(await store.users.list({ limit: 1 })).toHaveLength(1);
      const pending = await store.users.list({ status: 'pending', limit: 1000 });
      expect(pending.every((u) => u.status === 'pending')).toBe(true);
      const active = await store.users.list({ status: 'active', limit: 1000 });
      expect(active.every((u) => u.status === 'active')).toBe(true);
    });
  });
}

function future(from: Date, seconds: number): Date {
  return new Date(from.getTime() + seconds * 1000);
}
