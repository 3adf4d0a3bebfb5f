import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultActivationPolicy } from '../../activation-policy.js';
import { Mailbox } from '../../mailbox.js';
import type { Outbox } from '../../ports/outbox.js';
import type { UserRepository } from '../../ports/user-repository.js';
import type { User } from '../../user.js';
import { anActivation, aRegistration, testKeyring, uniqueEmail } from '../builders.js';

export interface StoreUnderTest {
  readonly users: UserRepository;
  readonly outbox: Outbox;
  close?(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

const POLICY = defaultActivationPolicy;

/**
 * The UserRepository port contract: every implementation must pass it
 * unchanged. The store's one rule is the compare-and-swap of `commit`; these
 * tests prove it settles races. Tests use unique emails, ids and mailbox
 * keys, so a shared store is fine (also one shared with the Outbox suite).
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

    async function created(options: Parameters<typeof aRegistration>[0] = {}) {
      const r = aRegistration(options);
      expect(await store.users.commit({ user: r.user, message: r.activation })).toBe(true);
      const stored = await store.users.findById(r.user.id);
      if (!stored) throw new Error('expected the account');
      return { ...r, stored };
    }

    const aMailbox = () => Mailbox.empty(testKeyring.digest('mailbox', uniqueEmail('mbx')));
    const write = (next: Mailbox) => ({ next, forgetAt: next.forgetAt(POLICY) });

    it('creates a pending user (version 0 -> 1) and finds it by email and by id', async () => {
      const { user, stored } = await created();
      expect(stored.toPrimitives()).toEqual({ ...user.toPrimitives(), version: 1 });
      expect((await store.users.findByEmail(user.email))?.id).toBe(user.id);
    });

    it('answers null for an unknown email, id or mailbox', async () => {
      expect(await store.users.findByEmail(uniqueEmail())).toBeNull();
      expect(await store.users.findById('00000000-0000-4000-8000-00000000dead')).toBeNull();
      expect(await store.users.findMailbox(aMailbox().key)).toBeNull();
    });

    it('reads an account and a mailbox together as it reads them apart (findAccountAndMailbox, where offered)', async (context) => {
      const users = store.users;
      // optional on the port (the domain reads the two apart): skipped, not passed, without it
      if (!users.findAccountAndMailbox) context.skip();
      const both = (email: string, key: string) => users.findAccountAndMailbox!(email, key);
      const { user, stored } = await created();
      const mailbox = aMailbox();
      expect(await users.commit({ mailbox: write(mailbox.withMailSent(new Date())) })).toBe(true);
      const storedMailbox = await users.findMailbox(mailbox.key);
      const absentEmail = uniqueEmail();
      const absentKey = aMailbox().key;
      for (const [email, key] of [
        [user.email, mailbox.key],
        [user.email, absentKey],
        [absentEmail, mailbox.key],
        [absentEmail, absentKey],
      ] as const) {
        const read = await both(email, key);
        expect(read.user?.toPrimitives() ?? null).toEqual(
          email === user.email ? stored.toPrimitives() : null,
        );
        expect(read.mailbox?.toPrimitives() ?? null).toEqual(
          key === mailbox.key ? storedMailbox!.toPrimitives() : null,
        );
      }
    });

    it('refuses a second account for the same email, writing nothing of that change', async () => {
      const email = uniqueEmail();
      const first = await created({ email });
      const second = aRegistration({ email });
      const mailbox = aMailbox().withMailSent(new Date());
      expect(
        await store.users.commit({
          user: second.user,
          message: second.activation,
          mailbox: write(mailbox),
        }),
      ).toBe(false);
      expect((await store.users.findByEmail(email))?.id).toBe(first.user.id);
      expect(await store.users.findMailbox(mailbox.key)).toBeNull();
    });

    it('queues the sealed message together with the account', async () => {
      const now = new Date();
      const { user, activation } = await created({ now, plain: '0042' });
      const claimed = await store.outbox.claimDue(future(now, 1), 1000, future(now, 60), {
        userId: user.id,
      });
      expect(claimed).toHaveLength(1);
      const [mine] = claimed;
      expect(mine).toMatchObject({ to: user.email, id: activation.messageId });
      expect(mine?.sealedCode).not.toContain('0042');
      expect(testKeyring.open(mine?.sealedCode ?? '')).toBe('0042');
      expect(mine?.codeExpiresAt.getTime()).toBe(activation.code.expiresAt.getTime());
    });

    it('20 concurrent creates of one email leave exactly one account', async () => {
      const email = uniqueEmail('race');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => {
          const { user, activation } = aRegistration({ email });
          return store.users.commit({ user, message: activation });
        }),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(
        await store.users.list({ limit: 1000 }).then((l) => l.filter((u) => u.email === email)),
      ).toHaveLength(1);
    });

    it('writes a change only at the version it was read at', async () => {
      const { stored } = await created();
      const counted = stored.withWrongCode(false, POLICY.maxAttempts);
      expect(await store.users.commit({ user: counted })).toBe(true);
      expect(await store.users.commit({ user: counted })).toBe(false); // stale now
      const after = await store.users.findById(stored.id);
      expect(after?.version).toBe(2);
      expect(after?.activationCode?.attempts).toBe(1);
    });

    it('20 concurrent writes from one version: exactly one lands', async () => {
      const { stored } = await created();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.users.commit({ user: stored.withWrongCode(false, POLICY.maxAttempts) }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.users.findById(stored.id))?.activationCode?.attempts).toBe(1);
    });

    it('is all or nothing: a stale mailbox keeps the account change out too', async () => {
      const { stored } = await created();
      const mailbox = aMailbox();
      expect(await store.users.commit({ mailbox: write(mailbox.withMailSent(new Date())) })).toBe(
        true,
      );
      const stale = mailbox.withMailSent(new Date()); // still version 0
      expect(
        await store.users.commit({ user: stored.withWrongCode(false, 5), mailbox: write(stale) }),
      ).toBe(false);
      expect((await store.users.findById(stored.id))?.version).toBe(stored.version);
    });

    it('is all or nothing for a new account: a stale mailbox leaves no account, code or message', async () => {
      const mailbox = aMailbox();
      expect(await store.users.commit({ mailbox: write(mailbox.withMailSent(new Date())) })).toBe(
        true,
      );
      const now = new Date();
      const { user, activation } = aRegistration({ now });
      const stale = mailbox.withMailSent(now); // still version 0
      expect(await store.users.commit({ user, message: activation, mailbox: write(stale) })).toBe(
        false,
      );
      expect(await store.users.findByEmail(user.email)).toBeNull();
      expect(
        await store.outbox.claimDue(future(now, 1), 1000, future(now, 60), { userId: user.id }),
      ).toEqual([]);
      // the same change at the mailbox's stored version lands, all of it
      const fresh = await store.users.findMailbox(mailbox.key);
      expect(
        await store.users.commit({
          user,
          message: activation,
          mailbox: write(fresh!.withMailSent(now)),
        }),
      ).toBe(true);
      expect((await store.users.findByEmail(user.email))?.activationCode?.id).toBe(
        activation.code.id,
      );
      expect((await store.users.findMailbox(mailbox.key))?.version).toBe(2);
    });

    it('stores a mailbox, finds it, and guards it by version under concurrency', async () => {
      const now = new Date();
      const fresh = aMailbox();
      const inserts = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.users.commit({ mailbox: write(fresh.withMailSent(now)) }),
        ),
      );
      expect(inserts.filter(Boolean)).toHaveLength(1);
      const stored = await store.users.findMailbox(fresh.key);
      expect(stored?.version).toBe(1);
      expect(stored?.toPrimitives().mailSentAt.map((d) => d.getTime())).toEqual([now.getTime()]);
      const struck = stored?.strike(now, POLICY, false).mailbox as Mailbox;
      const updates = await Promise.all(
        Array.from({ length: 20 }, () => store.users.commit({ mailbox: write(struck) })),
      );
      expect(updates.filter(Boolean)).toHaveLength(1);
      const after = await store.users.findMailbox(fresh.key);
      expect(after?.toPrimitives()).toEqual({ ...struck.toPrimitives(), version: 2 });
    });

    it('replaces a pending account with a fresh one (re-registration), its messages gone', async () => {
      const now = new Date();
      const email = uniqueEmail();
      const old = await created({ email, now, plain: '1111' });
      const next = aRegistration({ email, now: future(now, 31), plain: '2222' });
      expect(
        await store.users.commit({
          user: next.user,
          replaces: old.stored,
          message: next.activation,
        }),
      ).toBe(true);
      expect(await store.users.findById(old.user.id)).toBeNull();
      expect((await store.users.findByEmail(email))?.id).toBe(next.user.id);
      const claimed = await store.outbox.claimDue(future(now, 40), 1000, future(now, 90));
      const codes = claimed
        .filter((m) => m.to === email)
        .map((m) => testKeyring.open(m.sealedCode));
      expect(codes).toEqual(['2222']);
      // a second replacement of the same old account finds it gone
      const again = aRegistration({ email, now: future(now, 62) });
      expect(
        await store.users.commit({
          user: again.user,
          replaces: old.stored,
          message: again.activation,
        }),
      ).toBe(false);
    });

    it('retires unsent messages when asked: a resend, an activation', async () => {
      const now = new Date();
      const { stored } = await created({ now, plain: '1111' });
      const next = anActivation(stored.id, { issuedAt: future(now, 30), plain: '2222' });
      expect(
        await store.users.commit({
          user: stored.withCode(next.code),
          message: next,
          retireUnsentMessages: { at: next.code.issuedAt, reason: 'replaced by a newer code' },
        }),
      ).toBe(true);
      const claimed = await store.outbox.claimDue(future(now, 31), 1000, future(now, 32), {
        userId: stored.id,
      });
      expect(claimed.map((m) => testKeyring.open(m.sealedCode))).toEqual(['2222']);

      const current = (await store.users.findById(stored.id)) as User;
      expect(
        await store.users.commit({
          user: current.activated(future(now, 33)),
          retireUnsentMessages: { at: future(now, 33), reason: 'account activated' },
        }),
      ).toBe(true);
      expect(
        await store.outbox.claimDue(future(now, 3600), 1000, future(now, 3601), {
          userId: stored.id,
        }),
      ).toEqual([]);
      const active = await store.users.findById(stored.id);
      expect(active?.status).toBe('active');
      expect(active?.activatedAt?.getTime()).toBe(future(now, 33).getTime());
      expect(active?.activationCode).toBeNull();
    });

    it('purges only pending accounts expired before the cut-off, never a mailbox', async () => {
      const base = new Date('2020-01-01T00:00:00Z');
      const old = await created({ now: base, ttlSeconds: 60 });
      const fresh = await created({ now: future(base, 3600), ttlSeconds: 60 });
      const active = await created({ now: base, ttlSeconds: 60 });
      await store.users.commit({ user: active.stored.activated(future(base, 1)) });
      const mailbox = aMailbox().strike(base, POLICY, false).mailbox;
      await store.users.commit({ mailbox: write(mailbox) });

      const cutoff = future(base, 1800);
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
      expect((await store.users.findMailbox(mailbox.key))?.strikes).toBe(1);
    });

    it('deletes in batches of at most the limit', async () => {
      const base = new Date('2019-06-01T00:00:00Z');
      for (let i = 0; i < 5; i += 1) await created({ now: base, ttlSeconds: 1 });
      const cutoff = future(base, 10);
      expect(await store.users.deleteExpiredPending(cutoff, 2)).toBe(2);
      expect(await store.users.countExpiredPending(cutoff)).toBe(3);
    });

    it('forgets a mailbox only after its forgetAt', async () => {
      const base = new Date('2018-01-01T00:00:00Z');
      const kept = aMailbox().strike(base, POLICY, false).mailbox; // remembered 365 days
      const gone = aMailbox().withMailSent(base); // remembered 24 h
      await store.users.commit({ mailbox: write(kept) });
      await store.users.commit({ mailbox: write(gone) });
      let forgotten = 0;
      for (;;) {
        const n = await store.users.deleteForgottenMailboxes(future(base, 2 * 86_400), 1000);
        forgotten += n;
        if (n < 1000) break;
      }
      expect(forgotten).toBeGreaterThanOrEqual(1);
      expect(await store.users.findMailbox(gone.key)).toBeNull();
      expect(await store.users.findMailbox(kept.key)).not.toBeNull();
    });

    it('lists users newest first, filtered by status, limited', async () => {
      const base = new Date('2030-01-01T00:00:00Z');
      const a = await created({ now: future(base, 1) });
      const b = await created({ now: future(base, 2) });
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
