import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ActivationCode,
  ActivationCodeInvalidError,
  ActivationLockedError,
  InvalidCredentialsError,
  lockoutMs,
  mailboxOf,
  PasswordAttemptsExceededError,
  SecretKeyring,
} from '../src/index.js';
import { TEST_SECRET, testKeyring } from '../src/testing/index.js';
import { aWorld, EMAIL, PASSWORD, POLICY, tally, type World } from './support/world.js';

const resend = (world: World, email = EMAIL) =>
  world.service.resend.withCredentials({ email, password: PASSWORD });

/** Five wrong codes: the code burns and the mailbox locks. */
async function burn(world: World, email = EMAIL) {
  for (let i = 0; i < POLICY.maxAttempts; i += 1) {
    await expect(world.activate(`000${i}`, email)).rejects.toBeInstanceOf(
      ActivationCodeInvalidError,
    );
  }
}

describe('strikes and lockout', () => {
  it('locks for 60 s, then 120 s, then 240 s after the 1st, 2nd, 3rd burned code', async () => {
    const world = aWorld();
    await world.register();
    for (const seconds of [60, 120, 240]) {
      await burn(world);
      const refusal = await resend(world).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ActivationLockedError);
      expect(refusal).toMatchObject({ retryAfterSeconds: seconds });
      expect((refusal as ActivationLockedError).lockedUntil.getTime()).toBe(
        world.clock.now().getTime() + seconds * 1000,
      );
      world.clock.advanceSeconds(seconds - 1);
      await expect(resend(world)).rejects.toMatchObject({
        code: 'activation_locked',
        retryAfterSeconds: 1,
      });
      world.clock.advanceSeconds(1);
      await resend(world); // the first instant allowed
    }
  });

  it('caps one lockout at ACTIVATION_LOCKOUT_MAX_SECONDS', () => {
    const capped = { ...POLICY, lockoutMaxSeconds: 100 };
    expect([1, 2, 3].map((n) => lockoutMs(n, capped) / 1000)).toEqual([60, 100, 100]);
    expect(lockoutMs(10_000, POLICY)).toBeLessThan(Infinity);
  });

  it('refuses a re-registration during a lockout, and keeps the strikes across it', async () => {
    const world = aWorld();
    await world.register();
    await burn(world);
    await expect(world.register()).rejects.toBeInstanceOf(ActivationLockedError);
    world.clock.advanceSeconds(60);
    await world.register(); // a fresh registration, the same mailbox
    await burn(world);
    await expect(world.register()).rejects.toMatchObject({ retryAfterSeconds: 120 });
  });

  it('keeps strikes across a purge of the pending account', async () => {
    const world = aWorld();
    await world.register();
    await burn(world);
    world.clock.advanceSeconds(3600);
    const purged = await world.service.purgeExpired.execute({ olderThanSeconds: 0, batchSize: 10 });
    expect(purged.count).toBe(1);
    await world.register();
    await burn(world);
    await expect(world.register()).rejects.toMatchObject({
      code: 'activation_locked',
      retryAfterSeconds: 120,
    });
  });

  it('counts strikes per mailbox: a +tag variant shares them', async () => {
    const world = aWorld();
    const variant = EMAIL.replace('@', '+shop@');
    await world.register(variant);
    await burn(world, variant);
    await expect(world.register()).rejects.toBeInstanceOf(ActivationLockedError);
  });

  it('a code issued before the lockout keeps working until it expires or burns', async () => {
    const world = aWorld({ codes: ['1234', '5678'] });
    const other = EMAIL.replace('@', '+2@');
    await world.register(other); // code 1234, same mailbox
    await world.register(); // code 5678
    await burn(world, other); // locks the mailbox
    await expect(world.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });

  it('an activation clears the strikes: the next burn locks for 60 s again', async () => {
    const world = aWorld({ codes: ['1234', '5678', '9012'] });
    await world.register();
    await burn(world);
    world.clock.advanceSeconds(60);
    await resend(world);
    await world.activate('5678');
    const other = EMAIL.replace('@', '+2@');
    await world.register(other);
    await burn(world, other);
    await expect(world.register(EMAIL.replace('@', '+3@'))).rejects.toMatchObject({
      retryAfterSeconds: 60,
    });
  });

  it('signup unlock clears strikes and lockout; it is harmless when there is nothing', async () => {
    const world = aWorld();
    expect(await world.service.unlock.execute({ email: EMAIL })).toEqual({
      strikesCleared: 0,
      wasLocked: false,
    });
    await world.register();
    await burn(world);
    expect(await world.service.unlock.execute({ email: ` ${EMAIL.toUpperCase()} ` })).toEqual({
      strikesCleared: 5,
      wasLocked: true,
    });
    world.clock.advanceSeconds(30); // past the cooldown of the burned code, not past the lockout
    await resend(world);
    await burn(world);
    await expect(resend(world)).rejects.toMatchObject({ retryAfterSeconds: 60 });
  });

  it('forgets strikes 365 days after the last one', async () => {
    const world = aWorld();
    await world.register();
    await burn(world); // lockout 1
    world.clock.advanceSeconds(60);
    await resend(world);
    await burn(world); // lockout 2 (120 s)
    world.clock.advanceSeconds(365 * 86_400 - 1);
    await resend(world);
    await burn(world); // still remembered: lockout 3
    await expect(resend(world)).rejects.toMatchObject({ retryAfterSeconds: 240 });
    world.clock.advanceSeconds(365 * 86_400);
    await resend(world);
    await burn(world); // forgotten: lockout 1 again
    await expect(resend(world)).rejects.toMatchObject({ retryAfterSeconds: 60 });
  });

  it('20 concurrent wrong codes are 20 strikes (no lost update)', async () => {
    const world = aWorld({ policy: { maxAttempts: 100 } });
    await world.register();
    const { refusals } = await tally(Array.from({ length: 20 }, () => world.activate('0000')));
    expect(refusals.every((r) => r instanceof ActivationCodeInvalidError)).toBe(true);
    const remaining = (refusals as ActivationCodeInvalidError[]).map((r) => r.attemptsRemaining);
    expect(new Set(remaining).size).toBe(20);
    expect(Math.min(...remaining)).toBe(80);
  });

  it('20 concurrent wrong codes at the default limit: 5 counted, then burned, one lockout', async () => {
    const world = aWorld();
    await world.register();
    const { refusals } = await tally(Array.from({ length: 20 }, () => world.activate('0000')));
    const codes = refusals.map((r) => (r as { code: string }).code);
    expect(codes.filter((c) => c === 'activation_code_invalid')).toHaveLength(5);
    expect(codes.filter((c) => c === 'activation_code_exhausted')).toHaveLength(15);
    await expect(resend(world)).rejects.toMatchObject({ retryAfterSeconds: 60 });
  });
});

describe('mailbox budget', () => {
  it('allows the 10th email in 24 hours and refuses the 11th, +tag variants included', async () => {
    const world = aWorld();
    for (let i = 1; i <= 10; i += 1) {
      await world.register(EMAIL.replace('@', `+${i}@`));
      world.clock.advanceSeconds(1);
    }
    await expect(world.register()).rejects.toMatchObject({
      code: 'mail_quota_exceeded',
      retryAfterSeconds: 24 * 3600 - 10,
    });
    world.clock.advanceSeconds(24 * 3600 - 10);
    await world.register(); // the oldest fell out of the window
    expect(await world.queued()).toHaveLength(11);
  });

  it('folds only the +tag: another address on the same domain has its own budget', () => {
    expect(mailboxOf('ada+news@x.org')).toBe('ada@x.org');
    expect(mailboxOf('ada@x.org')).toBe('ada@x.org');
    expect(mailboxOf('+ada@x.org')).toBe('+ada@x.org');
    expect(mailboxOf('bob@x.org')).not.toBe(mailboxOf('ada@x.org'));
  });
});

describe('password guessing per address', () => {
  for (const [who, email] of [
    ['a known address', EMAIL],
    ['an unknown address', 'nobody@example.test'],
  ] as const) {
    it(`${who}: the 10th wrong password is 401, the 11th is 429 until the window has room`, async () => {
      const world = aWorld();
      await world.register();
      for (let i = 1; i <= 10; i += 1) {
        await expect(
          world.service.resend.withCredentials({ email, password: `wrong-password-${i}` }),
        ).rejects.toBeInstanceOf(InvalidCredentialsError);
        world.clock.advanceSeconds(1);
      }
      const refusal = await world.service.resend
        .withCredentials({ email, password: PASSWORD })
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(PasswordAttemptsExceededError);
      expect(refusal).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 15 * 60 - 10 });
      world.clock.advanceSeconds(15 * 60 - 10);
      await expect(
        world.service.resend.withCredentials({ email, password: 'wrong-password-11' }),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);
    });
  }

  it('a right password does not use up the window', async () => {
    const world = aWorld();
    await world.register();
    for (let i = 0; i < 15; i += 1) {
      await world.service.authenticate.execute({ email: EMAIL, password: PASSWORD });
    }
    await expect(
      world.service.authenticate.execute({ email: EMAIL, password: 'wrong-password' }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('20 concurrent wrong passwords: 10 answered 401, 10 answered 429', async () => {
    const world = aWorld();
    await world.register();
    const { refusals } = await tally(
      Array.from({ length: 20 }, (_, i) =>
        world.service.resend.withCredentials({ email: EMAIL, password: `nope-${i}-xx` }),
      ),
    );
    const codes = refusals.map((r) => (r as { code: string }).code);
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(10);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(10);
  });
});

describe('re-registration of a pending address', () => {
  it('answers exactly like a first registration: a fresh id and createdAt', async () => {
    const world = aWorld();
    const first = await world.register();
    world.clock.advanceSeconds(30);
    const second = await world.register();
    expect(second.user.id).not.toBe(first.user.id);
    expect(second.user.createdAt.getTime()).toBe(first.user.createdAt.getTime() + 30_000);
    expect(Object.keys(second.user).sort()).toEqual(Object.keys(first.user).sort());
    expect(await world.users.findById(first.user.id)).toBeNull();
  });
});

describe('codes at rest', () => {
  it('stores a keyed digest: the unkeyed hash of every code does not find it', async () => {
    const world = aWorld({ codes: ['0042'] });
    const { user } = await world.register();
    const stored = (await world.users.findById(user.id))?.toPrimitives().activationCode;
    expect(stored?.keyId).toBe(testKeyring.currentKeyId);
    const unkeyed = new Set(
      Array.from({ length: 10_000 }, (_, n) =>
        createHash('sha256')
          .update(`${user.id}:${String(n).padStart(4, '0')}`)
          .digest('hex'),
      ),
    );
    expect(unkeyed.has(stored?.digest ?? '')).toBe(false);
    const [message] = await world.outbox.claimDue(new Date('9999-01-01'), 10, new Date(0));
    expect(message?.sealedCode).not.toContain('0042');
    expect(message?.sealedCode.startsWith(`${testKeyring.currentKeyId}.`)).toBe(true);
  });

  it('a code made under the previous secret still verifies during a rotation', () => {
    const now = new Date();
    const code = ActivationCode.issue({
      id: 'c1',
      userId: 'u1',
      plain: '0042',
      issuedAt: now,
      ttlSeconds: 60,
      keyring: testKeyring,
    });
    const rotated = new SecretKeyring('a-brand-new-secret-of-at-least-32-bytes!', [TEST_SECRET]);
    expect(rotated.currentKeyId).not.toBe(testKeyring.currentKeyId);
    expect(code.check('u1', '0042', now, 5, rotated)).toBe('valid');
    expect(code.check('u1', '0043', now, 5, rotated)).toBe('wrong');
    expect(rotated.open(testKeyring.seal('0042'))).toBe('0042');
    // Without the previous secret the code cannot be checked: it is as good as expired.
    expect(
      code.check(
        'u1',
        '0042',
        now,
        5,
        new SecretKeyring('a-brand-new-secret-of-at-least-32-bytes!'),
      ),
    ).toBe('expired');
  });

  it('refuses a short secret, tampered ciphertext, and never serializes key material', () => {
    expect(() => new SecretKeyring('too short')).toThrow(/at least 32 bytes/);
    const sealed = testKeyring.seal('1234');
    // Flip one bit of the ciphertext itself (the last base64url character may carry only
    // padding bits, which decoding ignores, so changing it may change nothing).
    const [keyId, body = ''] = sealed.split('.');
    const raw = Buffer.from(body, 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01;
    const tampered = `${keyId}.${raw.toString('base64url')}`;
    expect(testKeyring.open(tampered)).toBeNull();
    expect(testKeyring.open('nokey.abc')).toBeNull();
    expect(JSON.stringify(testKeyring)).not.toContain(TEST_SECRET);
    expect(JSON.stringify({ k: testKeyring })).toBe(
      `{"k":{"keyIds":["${testKeyring.currentKeyId}"]}}`,
    );
  });
});
