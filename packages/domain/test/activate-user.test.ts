import { describe, expect, it, vi } from 'vitest';
import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
  InvalidCredentialsError,
  UserNotFoundError,
  ValidationError,
} from '../src/index.js';
import { aWorld, beforeCommit, EMAIL, type World } from './support/world.js';

async function attempts(w: World): Promise<number | undefined> {
  return (await w.users.findByEmail(EMAIL))?.activationCode?.attempts;
}

describe('ActivateUser with credentials', () => {
  it('activates with the right code, at the clock time', async () => {
    const w = aWorld({ codes: ['0042'] });
    const { user } = await w.register();
    w.clock.advanceSeconds(12);
    const activated = await w.activate('0042');
    expect(activated).toEqual({
      id: user.id,
      email: EMAIL,
      status: 'active',
      createdAt: user.createdAt,
      activatedAt: w.clock.now(),
      activationCodeExpiresAt: null,
    });
    const stored = await w.users.findByEmail(EMAIL);
    expect(stored?.status).toBe('active');
    expect(stored?.activatedAt).toEqual(w.clock.now());
    expect(stored?.activationCode).toBeNull();
  });

  it('counts wrong codes down 4, 3, 2, 1, 0, then refuses every code as exhausted', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    const remaining: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const error = await w.activate('9999').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActivationCodeInvalidError);
      remaining.push((error as ActivationCodeInvalidError).attemptsRemaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(await attempts(w)).toBe(5);
    await expect(w.activate('9999')).rejects.toBeInstanceOf(ActivationCodeExhaustedError);
    await expect(w.activate('1234')).rejects.toBeInstanceOf(ActivationCodeExhaustedError);
    expect(await attempts(w)).toBe(5);
    expect((await w.users.findByEmail(EMAIL))?.status).toBe('pending');
  });

  it('accepts the right code on the last allowed attempt', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    for (let i = 0; i < 4; i += 1)
      await expect(w.activate('0000')).rejects.toBeInstanceOf(ActivationCodeInvalidError);
    await expect(w.activate('1234')).resolves.toMatchObject({ status: 'active' });
  });

  it('refuses an expired code, the right one included, without counting an attempt', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    w.clock.advanceSeconds(60);
    await expect(w.activate('1234')).rejects.toBeInstanceOf(ActivationCodeExpiredError);
    await expect(w.activate('9999')).rejects.toBeInstanceOf(ActivationCodeExpiredError);
    expect(await attempts(w)).toBe(0);
  });

  it('still accepts the code 1 ms before it expires', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    w.clock.advanceMs(59_999);
    await expect(w.activate('1234')).resolves.toMatchObject({ status: 'active' });
  });

  it('refuses an active account with AlreadyActiveError, whatever the code', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    await w.activate('1234');
    await expect(w.activate('1234')).rejects.toBeInstanceOf(AlreadyActiveError);
    await expect(w.activate('9999')).rejects.toBeInstanceOf(AlreadyActiveError);
  });

  it("gives the password try back in the activation's own commit: two mailbox writes, not three", async () => {
    for (const code of ['0042', '9999']) {
      const w = aWorld({ codes: ['0042'] });
      await w.register();
      const commit = vi.spyOn(w.users, 'commit');
      await w.activate(code).catch(() => undefined);
      // the reservation before the hash, then the activation (or the strike) with the release
      expect(commit.mock.calls.filter(([change]) => change.mailbox).length, code).toBe(2);
      // whichever the outcome, no failure is left counted for a right password
      const failures = await w.users.findMailbox(commit.mock.calls[1]![0].mailbox!.next.key);
      expect(failures?.toPrimitives().passwordFailures, code).toEqual([]);
    }
  });

  it('gives the password try back on its own when no commit lands (expired code)', async () => {
    const w = aWorld({ codes: ['0042'] });
    await w.register();
    w.clock.advanceSeconds(61);
    const commit = vi.spyOn(w.users, 'commit');
    await expect(w.activate('0042')).rejects.toBeInstanceOf(ActivationCodeExpiredError);
    const writes = commit.mock.calls.map(([change]) => change.mailbox!.next.toPrimitives());
    expect(writes).toHaveLength(2); // reserve, release
    expect(writes[1]!.passwordFailures).toEqual([]);
  });

  it('refuses wrong credentials before looking at the code', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    await expect(w.activate('1234', EMAIL, 'wrong password')).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await expect(w.activate('9999', 'nobody@example.test')).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(await attempts(w)).toBe(0);
    expect((await w.users.findByEmail(EMAIL))?.status).toBe('pending');
  });

  it.each([1234, '123', '12345', '１２３４', ' 1234', null])(
    'refuses the malformed code %j as a validation error without counting it',
    async (code) => {
      const w = aWorld();
      await w.register();
      const error = await w.activate(code).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors[0]?.path).toBe('code');
      expect(await attempts(w)).toBe(0);
    },
  );

  it('refuses the old code as invalid when a resend replaced it mid-flight', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    // The resend lands between the activation's read and its write.
    beforeCommit(
      w,
      (change) => change.user?.isActive === true,
      async () => {
        w.clock.advanceSeconds(30);
        await w.service.resend.asOperator({ email: EMAIL });
      },
    );
    await expect(w.activate('1234')).rejects.toMatchObject({
      code: 'activation_code_invalid',
      attemptsRemaining: 4,
    });
    // The activation lost its race and decided anew: '1234' is wrong for the new code,
    // so it counts as one wrong attempt on it (and one strike of the mailbox).
    expect(await attempts(w)).toBe(1);
    expect((await w.users.findByEmail(EMAIL))?.status).toBe('pending');
    await expect(w.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });

  it('answers expired when the account was purged mid-flight', async () => {
    const w = aWorld({ codes: ['1234'] });
    const { user } = await w.register();
    // The purge lands between the wrong code's read and the write that counts it.
    beforeCommit(
      w,
      (change) => change.user?.id === user.id,
      () => {
        w.users.db.users.delete(user.id);
        return Promise.resolve();
      },
    );
    await expect(w.activate('9999')).rejects.toBeInstanceOf(ActivationCodeExpiredError);
  });
});

describe('ActivateUser as an operator', () => {
  it('activates by email and code, no password needed', async () => {
    const w = aWorld({ codes: ['0042'] });
    await w.register();
    await expect(
      w.service.activate.asOperator({ email: ' ADA@example.test ', code: '0042' }),
    ).resolves.toMatchObject({ email: EMAIL, status: 'active', activatedAt: w.clock.now() });
  });

  it('refuses an unknown email with UserNotFoundError', async () => {
    const w = aWorld();
    await expect(
      w.service.activate.asOperator({ email: 'nobody@example.test', code: '1234' }),
    ).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('applies the same rules: wrong codes count, expiry, already active', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    const operator = (code: string) => w.service.activate.asOperator({ email: EMAIL, code });
    await expect(operator('9999')).rejects.toMatchObject({ attemptsRemaining: 4 });
    await expect(w.activate('9999')).rejects.toMatchObject({ attemptsRemaining: 3 });
    w.clock.advanceSeconds(60);
    await expect(operator('1234')).rejects.toBeInstanceOf(ActivationCodeExpiredError);

    const v = aWorld({ codes: ['1234'] });
    await v.register();
    await v.activate('1234');
    await expect(
      v.service.activate.asOperator({ email: EMAIL, code: '1234' }),
    ).rejects.toBeInstanceOf(AlreadyActiveError);
  });

  it('validates the code first', async () => {
    const w = aWorld();
    await expect(
      w.service.activate.asOperator({ email: EMAIL, code: '12' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
