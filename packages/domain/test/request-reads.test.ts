import { describe, expect, it, vi } from 'vitest';
import { AlreadyActiveError } from '../src/index.js';
import { aWorld, beforeCommit, EMAIL, PASSWORD, type World } from './support/world.js';

/**
 * What a request reads: the account and the mailbox once each, before the
 * hash, and its commit decides on them (guarded by their versions); a store
 * with `findAccountAndMailbox` serves both in one read. A lost race reads
 * again and decides anew.
 */
function spies(w: World) {
  return {
    findByEmail: vi.spyOn(w.users, 'findByEmail'),
    findById: vi.spyOn(w.users, 'findById'),
    findMailbox: vi.spyOn(w.users, 'findMailbox'),
  };
}

/** The in-memory store with the one-read method a SQL store offers. */
function withOneRead(w: World) {
  const both = vi.fn(async (email: string, key: string) => ({
    user: await w.users.findByEmail(email),
    mailbox: await w.users.findMailbox(key),
  }));
  Object.assign(w.users, { findAccountAndMailbox: both });
  return both;
}

const resend = (w: World) => w.service.resend.withCredentials({ email: EMAIL, password: PASSWORD });

describe('reads per request', () => {
  it('an activation reads the account and the mailbox once each, before the hash', async () => {
    const w = aWorld({ codes: ['0042'] });
    await w.register();
    const s = spies(w);
    await w.activate('0042');
    expect(s.findByEmail).toHaveBeenCalledTimes(1);
    expect(s.findMailbox).toHaveBeenCalledTimes(1);
    expect(s.findById).not.toHaveBeenCalled();
  });

  it('a wrong code and a resend too', async () => {
    const w = aWorld({ codes: ['0042', '1111'] });
    await w.register();
    const s = spies(w);
    await w.activate('9999').catch(() => undefined);
    w.clock.advanceSeconds(w.policy.resendCooldownSeconds);
    await resend(w);
    expect(s.findByEmail).toHaveBeenCalledTimes(2);
    expect(s.findMailbox).toHaveBeenCalledTimes(2);
    expect(s.findById).not.toHaveBeenCalled();
  });

  it('with findAccountAndMailbox: one read per registration, activation or resend', async () => {
    const w = aWorld({ codes: ['0042', '1111'] });
    const both = withOneRead(w);
    const s = spies(w);
    await w.register();
    w.clock.advanceSeconds(w.policy.resendCooldownSeconds);
    await resend(w);
    await w.activate('1111');
    expect(both).toHaveBeenCalledTimes(3);
    // only through the one-read method
    expect(s.findByEmail).toHaveBeenCalledTimes(3);
    expect(s.findMailbox).toHaveBeenCalledTimes(3);
    expect(s.findById).not.toHaveBeenCalled();
  });

  it('an activation decides again when the mailbox changed while the password was hashed', async () => {
    const w = aWorld({ codes: ['0042'] });
    await w.register();
    // a wrong password for the same mailbox counts its failure meanwhile
    beforeCommit(
      w,
      (change) => change.user?.status === 'active',
      () => w.activate('0042', EMAIL, 'not the password').catch(() => undefined),
    );
    const s = spies(w);
    await w.activate('0042');
    expect(s.findById).toHaveBeenCalledTimes(1); // read again after the lost race
    const stored = await w.users.findByEmail(EMAIL);
    expect(stored?.status).toBe('active');
    // the other request's failure was not overwritten by the stale mailbox
    const key = s.findMailbox.mock.calls[0]![0];
    expect((await w.users.findMailbox(key))?.toPrimitives().passwordFailures).toHaveLength(1);
  });

  it('an activation that lost its race to another activation answers already_active', async () => {
    const w = aWorld({ codes: ['0042'] });
    await w.register();
    let other: Promise<unknown> | undefined;
    beforeCommit(
      w,
      (change) => change.user?.status === 'active',
      () => (other = w.activate('0042')),
    );
    await expect(w.activate('0042')).rejects.toBeInstanceOf(AlreadyActiveError);
    await expect(other).resolves.toMatchObject({ status: 'active' });
  });
});
