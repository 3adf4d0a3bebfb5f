import { describe, expect, it } from 'vitest';
import { activationCodeSchema, emailSchema } from '../src/index.js';
import {
  aRegistration,
  createInMemoryStore,
  FakeClock,
  FakePasswordHasher,
  fixedCodeGenerator,
  RecordingMailer,
  SequenceCodeGenerator,
  SequentialIdGenerator,
  testKeyring,
  uniqueEmail,
} from '../src/testing/index.js';

describe('FakeClock', () => {
  it('stands still until moved', () => {
    const clock = new FakeClock('2026-01-01T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advanceSeconds(61);
    clock.advanceMs(5);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:01.005Z');
    clock.set(new Date('2030-06-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2030-06-01T00:00:00.000Z');
  });

  it('hands out copies, so callers cannot move it', () => {
    const clock = new FakeClock();
    const now = clock.now();
    now.setFullYear(1999);
    expect(clock.now().getFullYear()).toBe(2026);
  });
});

describe('code and id generators', () => {
  it('SequenceCodeGenerator gives its codes in order, then repeats the last', () => {
    const codes = new SequenceCodeGenerator(['0042', '1234']);
    expect([codes.generate(), codes.generate(), codes.generate()]).toEqual([
      '0042',
      '1234',
      '1234',
    ]);
    expect(new SequenceCodeGenerator().generate()).toBe('1234');
    expect(() => new SequenceCodeGenerator([])).toThrow(RangeError);
  });

  it('fixedCodeGenerator always gives its code', () => {
    const codes = fixedCodeGenerator('0007');
    expect([codes.generate(), codes.generate()]).toEqual(['0007', '0007']);
  });

  it('SequentialIdGenerator gives distinct UUID-shaped ids', () => {
    const ids = new SequentialIdGenerator();
    const [a, b] = [ids.next(), ids.next()];
    expect(a).toBe('00000000-0000-4000-8000-000000000001');
    expect(b).toBe('00000000-0000-4000-8000-000000000002');
  });
});

describe('FakePasswordHasher', () => {
  it('matches only the same password, with a different salt per hash', async () => {
    const hasher = new FakePasswordHasher();
    const [h1, h2] = [await hasher.hash('same password'), await hasher.hash('same password')];
    expect(h1).not.toBe(h2);
    expect(await hasher.verify('same password', h1)).toBe(true);
    expect(await hasher.verify('same password', h2)).toBe(true);
    expect(await hasher.verify('other password', h1)).toBe(false);
    expect(await hasher.verifyDummy('same password')).toBe(false);
    expect(hasher.comparisons).toBe(4);
  });

  it('refuses to hash more than 72 bytes and never matches them', async () => {
    const hasher = new FakePasswordHasher();
    const hash = await hasher.hash('a'.repeat(72));
    await expect(hasher.hash('a'.repeat(73))).rejects.toThrow(RangeError);
    expect(await hasher.verify('a'.repeat(73), hash)).toBe(false);
  });
});

describe('RecordingMailer', () => {
  it('records what it sends and fails on demand', async () => {
    const mailer = new RecordingMailer();
    const codeExpiresAt = new Date('2026-01-01T00:01:00.000Z');
    await mailer.send({ to: 'a@example.test', code: '0042', codeExpiresAt });
    await mailer.send({ to: 'b@example.test', code: '1234', codeExpiresAt });
    expect(mailer.codesFor('a@example.test')).toEqual(['0042']);
    mailer.failWith = new Error('smtp down');
    await expect(
      mailer.send({ to: 'a@example.test', code: '9999', codeExpiresAt }),
    ).rejects.toThrow('smtp down');
    expect(mailer.sent).toHaveLength(2);
  });
});

describe('builders', () => {
  it('uniqueEmail gives distinct, valid, normalized addresses', () => {
    const [a, b] = [uniqueEmail(), uniqueEmail('race')];
    expect(a).not.toBe(b);
    expect(emailSchema.parse(a)).toBe(a);
    expect(b.startsWith('race-')).toBe(true);
  });

  it('aRegistration builds a pending user with its code and message', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const { user, activation } = aRegistration({
      now,
      plain: '0042',
      ttlSeconds: 10,
      passwordHash: 'h',
    });
    expect(user.status).toBe('pending');
    expect(user.passwordHash).toBe('h');
    expect(user.version).toBe(0); // new: ready for its first commit
    const plain = testKeyring.open(activation.sealedCode);
    expect(plain).toBe('0042');
    expect(activationCodeSchema.parse(plain)).toBe('0042');
    expect(user.activationCode?.id).toBe(activation.code.id);
    expect(activation.code.expiresAt).toEqual(new Date(now.getTime() + 10_000));
    expect(activation.code.check(user.id, '0042', now, 5, testKeyring)).toBe('valid');
  });
});

describe('in-memory store', () => {
  it('lists newest first, filters by status and honours the limit', async () => {
    const { users } = createInMemoryStore();
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    for (const [i, s] of [1, 3, 2].entries()) {
      const r = aRegistration({ now: t(s), email: `u${i}@example.test` });
      expect(await users.commit({ user: r.user, message: r.activation })).toBe(true);
    }
    expect((await users.list({ limit: 10 })).map((u) => u.email)).toEqual([
      'u1@example.test',
      'u2@example.test',
      'u0@example.test',
    ]);
    expect(await users.list({ limit: 1 })).toHaveLength(1);
    expect(await users.list({ status: 'active', limit: 10 })).toEqual([]);
  });

  it('reports the outbox backlog and its age', async () => {
    const { users, outbox } = createInMemoryStore();
    const now = new Date('2026-01-01T00:00:00.000Z');
    expect(await outbox.stats(now)).toEqual({ pending: 0, oldestPendingSeconds: 0 });
    const r = aRegistration({ now });
    expect(await users.commit({ user: r.user, message: r.activation })).toBe(true);
    expect(await outbox.stats(new Date(now.getTime() + 2500))).toEqual({
      pending: 1,
      oldestPendingSeconds: 2.5,
    });
  });
});
