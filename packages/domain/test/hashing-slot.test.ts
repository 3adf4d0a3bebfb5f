import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidCredentialsError } from '../src/index.js';
import { aWorld, EMAIL, PASSWORD, type World } from './support/world.js';

/*
 * A hasher with bounded capacity (PasswordHasher.withSlot): a use case that
 * needs a hash takes its slot before anything else, so a request shed for
 * capacity reads no row, counts no strike, and is shed alike for a known and
 * an unknown email.
 */

class AtCapacity extends Error {}

/** Gives `w.hasher` a withSlot that sheds while `full`, and counts the work run in a slot. */
function withSlots(w: World) {
  const state = { full: false, slotted: 0 };
  Object.assign(w.hasher, {
    withSlot<T>(work: () => Promise<T>): Promise<T> {
      if (state.full) return Promise.reject(new AtCapacity('every slot is taken'));
      state.slotted += 1;
      return work();
    },
  });
  return state;
}

describe('PasswordHasher.withSlot: requests that need a hash', () => {
  let w: World;
  let slots: ReturnType<typeof withSlots>;
  beforeEach(async () => {
    w = aWorld();
    await w.register();
    slots = withSlots(w);
    w.hasher.comparisons = 0;
  });

  it('authenticate runs its reads and its one comparison inside one slot', async () => {
    const error = await w.service.authenticate
      .execute({ email: EMAIL, password: 'not the password' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(slots.slotted).toBe(1);
    expect(w.hasher.comparisons).toBe(1);
  });

  it('at capacity: activate and resend are shed before any read, strike or comparison, known or not', async () => {
    slots.full = true;
    const findByEmail = vi.spyOn(w.users, 'findByEmail');
    const commit = vi.spyOn(w.users, 'commit');
    for (const email of [EMAIL, 'nobody@example.test']) {
      await expect(w.activate('1234', email, 'wrong password')).rejects.toBeInstanceOf(AtCapacity);
      await expect(
        w.service.resend.withCredentials({ email, password: PASSWORD }),
      ).rejects.toBeInstanceOf(AtCapacity);
    }
    expect(findByEmail).not.toHaveBeenCalled();
    expect(commit).not.toHaveBeenCalled();
    expect(w.hasher.comparisons).toBe(0);

    // No strike was counted: once there is room, the right password works at once.
    slots.full = false;
    await expect(
      w.service.authenticate.execute({ email: EMAIL, password: PASSWORD }),
    ).resolves.toMatchObject({ email: EMAIL });
  });

  it('at capacity: register is shed after validation, before any read or hash', async () => {
    slots.full = true;
    const findByEmail = vi.spyOn(w.users, 'findByEmail');
    const hash = vi.spyOn(w.hasher, 'hash');
    await expect(
      w.service.register.execute({ email: 'new@example.test', password: PASSWORD }),
    ).rejects.toBeInstanceOf(AtCapacity);
    await expect(
      w.service.register.execute({ email: 'not an email', password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'validation_failed' }); // bad input is still 422 first
    expect(findByEmail).not.toHaveBeenCalled();
    expect(hash).not.toHaveBeenCalled();

    slots.full = false;
    await expect(
      w.service.register.execute({ email: 'new@example.test', password: PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'new@example.test' } });
    expect(slots.slotted).toBe(1);
    expect(hash).toHaveBeenCalledTimes(1);
  });
});
