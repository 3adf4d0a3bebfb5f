import { describe, expect, it, vi } from 'vitest';
import {
  ActivationCodeInvalidError,
  ActivationLockedError,
  AlreadyActiveError,
  InvalidCredentialsError,
  ResendTooSoonError,
  UserNotFoundError,
} from '../src/index.js';
import { aWorld, beforeCommit, EMAIL, PASSWORD, tally, type World } from './support/world.js';

const resend = (w: World, password = PASSWORD) =>
  w.service.resend.withCredentials({ email: EMAIL, password });

describe('ResendActivationCode', () => {
  it('issues a new code: the old one stops working, the new one works', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(30);
    const result = await resend(w);
    expect(result).toEqual({ activationCodeExpiresAt: new Date(w.clock.now().getTime() + 60_000) });
    await expect(w.activate('1234')).rejects.toBeInstanceOf(ActivationCodeInvalidError);
    await expect(w.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });

  it('queues the new code and drops the unsent old message', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(45);
    const { activationCodeExpiresAt } = await resend(w);
    const messages = await w.queued();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      to: EMAIL,
      code: '5678',
      codeExpiresAt: activationCodeExpiresAt,
    });
  });

  it("gives the password try back in the resend's own commit, or on its own when refused", async () => {
    const w = aWorld();
    await w.register();
    w.clock.advanceSeconds(31);
    const commit = vi.spyOn(w.users, 'commit');
    await resend(w);
    const sent = commit.mock.calls.map(([change]) => change.mailbox!.next.toPrimitives());
    expect(sent).toHaveLength(2); // the reservation, then the new code with the release
    expect(sent[1]!.passwordFailures).toEqual([]);

    commit.mockClear();
    await expect(resend(w)).rejects.toBeInstanceOf(ResendTooSoonError);
    const refused = commit.mock.calls.map(([change]) => change.mailbox!.next.toPrimitives());
    expect(refused).toHaveLength(2); // the reservation, then the release on its own
    expect(refused[1]!.passwordFailures).toEqual([]);
  });

  it('starts the attempt counter again', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    for (let i = 0; i < 3; i += 1) await w.activate('0000').catch(() => undefined);
    w.clock.advanceSeconds(30);
    await resend(w);
    expect((await w.users.findByEmail(EMAIL))?.activationCode?.attempts).toBe(0);
    // The new code counts from zero, but the mailbox keeps its 3 strikes: the 4th wrong
    // code leaves 1 before the lockout, not the 4 the new code alone would allow.
    await expect(w.activate('0000')).rejects.toMatchObject({ attemptsRemaining: 1 });
    expect((await w.users.findByEmail(EMAIL))?.activationCode?.attempts).toBe(1);
  });

  it('gives a burned code a working successor', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    for (let i = 0; i < 5; i += 1) await w.activate('0000').catch(() => undefined);
    await expect(w.activate('1234')).rejects.toMatchObject({ code: 'activation_code_exhausted' });
    // The strike that burned the code locked the mailbox for 60 s: past the 30 s
    // cooldown a resend is still refused, so the successor comes 60 s after the burn.
    w.clock.advanceSeconds(30);
    const locked = await resend(w).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(ActivationLockedError);
    expect((locked as ActivationLockedError).retryAfterSeconds).toBe(30);
    w.clock.advanceSeconds(30);
    await resend(w);
    await expect(w.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });

  it('replaces an expired code', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(3600);
    await resend(w);
    await expect(w.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });

  it('enforces the cooldown with the seconds left, rounded up', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    const early = await resend(w).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ResendTooSoonError);
    expect((early as ResendTooSoonError).retryAfterSeconds).toBe(30);
    w.clock.advanceMs(12_500);
    await expect(resend(w)).rejects.toMatchObject({ retryAfterSeconds: 18 });
    w.clock.advanceMs(17_499);
    await expect(resend(w)).rejects.toMatchObject({ retryAfterSeconds: 1 });
    expect((await w.queued()).map((m) => m.code)).toEqual(['1234']);
    w.clock.advanceMs(1);
    await expect(resend(w)).resolves.toBeTruthy();
    // The cooldown starts again from the new code.
    w.clock.advanceSeconds(5);
    await expect(resend(w)).rejects.toMatchObject({ retryAfterSeconds: 25 });
  });

  it('refuses an active account', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    await w.activate('1234');
    w.clock.advanceSeconds(3600);
    await expect(resend(w)).rejects.toBeInstanceOf(AlreadyActiveError);
    await expect(w.service.resend.asOperator({ email: EMAIL })).rejects.toBeInstanceOf(
      AlreadyActiveError,
    );
    expect(await w.queued()).toEqual([]); // activation dropped the unsent one; nothing new queued
  });

  it('refuses wrong credentials and issues nothing', async () => {
    const w = aWorld();
    await w.register();
    w.clock.advanceSeconds(30);
    await expect(resend(w, 'wrong password')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(
      w.service.resend.withCredentials({ email: 'nobody@example.test', password: PASSWORD }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await w.queued()).map((m) => m.code)).toEqual(['1234']);
  });

  it('lets an operator resend by email, and refuses an unknown one', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(30);
    await expect(
      w.service.resend.asOperator({ email: ' Ada@Example.test ' }),
    ).resolves.toBeTruthy();
    expect((await w.queued()).map((m) => m.code)).toEqual(['5678']);
    await expect(
      w.service.resend.asOperator({ email: 'nobody@example.test' }),
    ).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('5 concurrent resends: one new code, the others too soon', async () => {
    const w = aWorld({ codes: ['1234', '5678', '9012'] });
    await w.register();
    w.clock.advanceSeconds(30);
    const { fulfilled, refusals } = await tally(Array.from({ length: 5 }, () => resend(w)));
    expect(fulfilled).toBe(1);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(ResendTooSoonError);
    expect(await w.queued()).toHaveLength(1);
  });

  it('a resend that loses the race to an activation is refused as already active', async () => {
    const w = aWorld({ codes: ['1234', '5678'] });
    await w.register();
    w.clock.advanceSeconds(30);
    // The activation lands between the resend's read and its write.
    beforeCommit(
      w,
      (change) => change.message !== undefined,
      () => w.activate('1234'),
    );
    await expect(resend(w)).rejects.toBeInstanceOf(AlreadyActiveError);
  });
});
