import { describe, expect, it, vi } from 'vitest';
import {
  ActivationCodeInvalidError,
  EmailTakenError,
  InfrastructureUnavailableError,
  InvalidCredentialsError,
  MailQuotaExceededError,
  ResendTooSoonError,
  ValidationError,
} from '../src/index.js';
import { aWorld, beforeCommit, EMAIL, PASSWORD, tally } from './support/world.js';

const NEW_PASSWORD = 'a brand new secret';

describe('RegisterUser', () => {
  it('stores a pending account and answers its public view with the code expiry', async () => {
    const w = aWorld();
    const now = w.clock.now();
    const result = await w.register('  Ada@Example.TEST ');
    const expiresAt = new Date(now.getTime() + 60_000);
    expect(result.activationCodeExpiresAt).toEqual(expiresAt);
    expect(result.user).toEqual({
      id: expect.any(String),
      email: EMAIL,
      status: 'pending',
      createdAt: now,
      activatedAt: null,
      activationCodeExpiresAt: expiresAt,
    });
    const stored = await w.users.findByEmail(EMAIL);
    expect(stored?.id).toBe(result.user.id);
    expect(stored?.status).toBe('pending');
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    const text = JSON.stringify(result);
    expect(text).not.toContain('1234');
    expect(text).not.toContain(stored?.passwordHash);
  });

  it('queues exactly one activation message carrying the code', async () => {
    const w = aWorld({ codes: ['0042'] });
    const { user, activationCodeExpiresAt } = await w.register();
    const messages = await w.queued();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      userId: user.id,
      to: EMAIL,
      code: '0042',
      codeExpiresAt: activationCodeExpiresAt,
      attempts: 0,
    });
  });

  it('stores the NFC form of the password', async () => {
    const w = aWorld();
    await w.register(EMAIL, 'caf\u0065\u0301-secret');
    const user = await w.service.authenticate.execute({
      email: EMAIL,
      password: 'caf\u00e9-secret',
    });
    expect(user.email).toBe(EMAIL);
  });

  it('refuses invalid input with per-field errors and stores nothing', async () => {
    const w = aWorld();
    const error = await w.service.register
      .execute({ email: 'nope', password: 'short' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['email', 'password']);
    await expect(
      w.service.register.execute({ email: EMAIL, password: '€'.repeat(24) + 'a' }),
    ).rejects.toThrow('password: must be at most 72 bytes in UTF-8');
    expect(await w.users.list({ limit: 10 })).toEqual([]);
    expect(await w.queued()).toEqual([]);
  });

  it('refuses an email whose account is active with EmailTakenError', async () => {
    const w = aWorld();
    await w.register();
    await w.activate('1234');
    w.clock.advanceSeconds(3600);
    await expect(w.register(' ADA@example.test', NEW_PASSWORD)).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect(await w.queued()).toEqual([]); // activation dropped the unsent one; nothing new queued
    await expect(
      w.service.authenticate.execute({ email: EMAIL, password: PASSWORD }),
    ).resolves.toBeTruthy();
  });

  it('refuses to re-register a pending email within the cooldown, saying how long to wait', async () => {
    const w = aWorld();
    await w.register();
    w.clock.advanceSeconds(10);
    const early = await w.register(EMAIL, NEW_PASSWORD).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ResendTooSoonError);
    expect((early as ResendTooSoonError).retryAfterSeconds).toBe(20);
    w.clock.advanceMs(19_500);
    await expect(w.register(EMAIL, NEW_PASSWORD)).rejects.toMatchObject({ retryAfterSeconds: 1 });
    expect(await w.queued()).toHaveLength(1);
    // Nothing was replaced: the first password still works.
    await expect(
      w.service.authenticate.execute({ email: EMAIL, password: PASSWORD }),
    ).resolves.toBeTruthy();
  });

  it('after the cooldown replaces the password, the code and the unsent message', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    const first = await w.register();
    w.clock.advanceSeconds(30);
    const second = await w.register(EMAIL, NEW_PASSWORD);

    // A fresh account replaces the pending one: new id and createdAt, the old row gone.
    expect(second.user.id).not.toBe(first.user.id);
    expect(second.user.createdAt).toEqual(w.clock.now());
    expect(await w.users.findById(first.user.id)).toBeNull();
    expect((await w.users.findByEmail(EMAIL))?.id).toBe(second.user.id);
    expect(await w.users.list({ limit: 10 })).toHaveLength(1);
    expect(second.activationCodeExpiresAt).toEqual(new Date(w.clock.now().getTime() + 60_000));
    expect(second.user.activationCodeExpiresAt).toEqual(second.activationCodeExpiresAt);

    const messages = await w.queued();
    expect(messages.map((m) => m.code)).toEqual(['5678']);

    await expect(
      w.service.authenticate.execute({ email: EMAIL, password: PASSWORD }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(w.activate('1234', EMAIL, NEW_PASSWORD)).rejects.toBeInstanceOf(
      ActivationCodeInvalidError,
    );
    await expect(w.activate('5678', EMAIL, NEW_PASSWORD)).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('20 concurrent registrations of one new email: one account, one message, the rest refused', async () => {
    const w = aWorld();
    const { fulfilled, refusals } = await tally(
      Array.from({ length: 20 }, (_, i) => w.register(EMAIL, `password-${i}`)),
    );
    expect(fulfilled).toBe(1);
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) {
      expect([EmailTakenError, ResendTooSoonError].some((type) => refusal instanceof type)).toBe(
        true,
      );
    }
    expect(await w.users.list({ limit: 100 })).toHaveLength(1);
    expect(await w.queued()).toHaveLength(1);
  });

  it('20 concurrent re-registrations after the cooldown: one replacement, one new message', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(31);
    const { fulfilled, refusals } = await tally(
      Array.from({ length: 20 }, (_, i) => w.register(EMAIL, `password-${i}`)),
    );
    expect(fulfilled).toBe(1);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(ResendTooSoonError);
    expect((refusals[0] as ResendTooSoonError).retryAfterSeconds).toBe(30);
    expect((await w.queued()).map((m) => m.code)).toEqual(['5678']);
  });

  it('a re-registration that loses the race to an activation is refused with EmailTakenError', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(31);
    // The activation lands between the re-registration's read and its write.
    beforeCommit(
      w,
      (change) => change.replaces !== undefined,
      () => w.service.activate.asOperator({ email: EMAIL, code: '1234' }),
    );
    await expect(w.register(EMAIL, NEW_PASSWORD)).rejects.toBeInstanceOf(EmailTakenError);
    await expect(
      w.service.authenticate.execute({ email: EMAIL, password: PASSWORD }),
    ).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('reads the rows once when nothing changed while the password was hashed', async () => {
    const w = aWorld();
    const findByEmail = vi.spyOn(w.users, 'findByEmail');
    const findMailbox = vi.spyOn(w.users, 'findMailbox');
    await w.register();
    expect(findByEmail).toHaveBeenCalledTimes(1);
    expect(findMailbox).toHaveBeenCalledTimes(1);
  });

  it('decides again when the mailbox changed while the password was hashed', async () => {
    const w = aWorld({ policy: { mailPerMailboxPerDay: 2 } });
    await w.register('ada+one@example.com');
    // The budget's last email goes to another +tag of the same mailbox meanwhile.
    beforeCommit(
      w,
      (change) => change.user?.email === 'ada@example.com',
      () => w.register('ada+two@example.com'),
    );
    await expect(w.register('ada@example.com')).rejects.toBeInstanceOf(MailQuotaExceededError);
    expect(await w.users.findByEmail('ada@example.com')).toBeNull();
  });

  it('passes an infrastructure failure through unchanged', async () => {
    const w = aWorld();
    const down = new InfrastructureUnavailableError('database', 'database unreachable');
    vi.spyOn(w.users, 'commit').mockRejectedValueOnce(down);
    await expect(w.register()).rejects.toBe(down);
  });
});
