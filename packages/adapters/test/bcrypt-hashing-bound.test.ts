import bcrypt from 'bcrypt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BcryptPasswordHasher } from '../src/bcrypt/bcrypt-password-hasher.js';
import { HashingOverloadedError } from '../src/bcrypt/hashing-overloaded-error.js';
import { ConfigError, loadSharedConfig } from '../src/config/config.js';

/*
 * The hasher's bound at its edge: `threads` running plus `maxPending` waiting
 * are admitted, the next job of any kind is refused at once, before bcrypt
 * sees it. The count is taken synchronously when a job is asked for, so the
 * edge is exact without any timing.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

describe('BcryptPasswordHasher: at most threads + maxPending jobs in flight', () => {
  it('admits the last job within the bound and refuses the first beyond it', async () => {
    const hasher = new BcryptPasswordHasher({ cost: 4, threads: 1, maxPending: 2 });
    expect(hasher.capacity).toBe(3);
    const stored = await hasher.hash('correct horse');
    expect(hasher.jobsInFlight).toBe(0);

    // One of each kind: they count alike.
    const admitted = [
      hasher.hash('first password'),
      hasher.verify('correct horse', stored),
      hasher.verifyDummy('an unknown account'), // the third: the last one allowed
    ];
    expect(hasher.jobsInFlight).toBe(3);

    const compare = vi.spyOn(bcrypt, 'compare');
    const hash = vi.spyOn(bcrypt, 'hash');
    const refused = await Promise.allSettled([
      hasher.hash('one too many'),
      hasher.verify('correct horse', stored),
      hasher.verifyDummy('an unknown account'),
    ]);
    for (const outcome of refused) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as unknown;
      expect(error).toBeInstanceOf(HashingOverloadedError);
      expect(error).toMatchObject({ code: 'overloaded', inFlight: 3, retryAfterSeconds: 1 });
    }
    expect(compare).not.toHaveBeenCalled(); // shed before any bcrypt work
    expect(hash).not.toHaveBeenCalled();
    expect(hasher.jobsInFlight).toBe(3);

    const [hashed, verified, dummy] = await Promise.all(admitted);
    expect(hashed).toMatch(/^\$2b\$04\$/);
    expect(verified).toBe(true);
    expect(dummy).toBe(false);
    expect(hasher.jobsInFlight).toBe(0);
  });

  it('frees the slot of a finished job, a failed one included', async () => {
    const hasher = new BcryptPasswordHasher({ cost: 4, threads: 1, maxPending: 1 });
    const stored = await hasher.hash('correct horse');
    const a = hasher.verify('correct horse', stored);
    const b = hasher.verify('wrong horse', 'not a bcrypt hash'); // answers false, not an error
    await expect(hasher.verifyDummy('x')).rejects.toBeInstanceOf(HashingOverloadedError);
    expect(await Promise.all([a, b])).toEqual([true, false]);

    vi.spyOn(bcrypt, 'compare').mockRejectedValueOnce(new Error('thread pool failure'));
    await expect(hasher.verifyDummy('y')).rejects.toThrow('thread pool failure');
    expect(hasher.jobsInFlight).toBe(0);
    // The slots are free again: exactly two are admitted once more.
    const again = [hasher.verifyDummy('p'), hasher.verifyDummy('q')];
    await expect(hasher.verifyDummy('r')).rejects.toBeInstanceOf(HashingOverloadedError);
    expect(await Promise.all(again)).toEqual([false, false]);
  });

  it('sheds unknown emails (verifyDummy) at the same edge as wrong passwords (verify)', async () => {
    const edge = async (job: (h: BcryptPasswordHasher, stored: string) => Promise<unknown>) => {
      const hasher = new BcryptPasswordHasher({ cost: 4, threads: 2, maxPending: 3 });
      const stored = await hasher.hash('correct horse');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => job(hasher, stored)),
      );
      return results.map((r) =>
        r.status === 'fulfilled' ? 'done' : (r.reason as { code?: string }).code,
      );
    };
    const expected = [...Array(5).fill('done'), ...Array(3).fill('overloaded')];
    expect(await edge((h) => h.verifyDummy('guess'))).toEqual(expected);
    expect(await edge((h, stored) => h.verify('guess', stored))).toEqual(expected);
  });

  it('withSlot: a request holds one slot from its reads to its comparison, or is shed unrun', async () => {
    const hasher = new BcryptPasswordHasher({ cost: 4, threads: 1, maxPending: 1 });
    const stored = await hasher.hash('correct horse');
    let release!: () => void;
    const reading = new Promise<void>((resolve) => (release = resolve));
    // The first request is still "reading from the database": it holds its slot already.
    const first = hasher.withSlot(async () => {
      await reading;
      return hasher.verify('correct horse', stored); // in the slot it holds: not refused
    });
    const second = hasher.verifyDummy('an unknown account'); // the last slot
    expect(hasher.jobsInFlight).toBe(2);

    const work = vi.fn(() => Promise.resolve('ran'));
    await expect(hasher.withSlot(work)).rejects.toBeInstanceOf(HashingOverloadedError);
    await expect(hasher.verify('correct horse', stored)).rejects.toBeInstanceOf(
      HashingOverloadedError,
    );
    expect(work).not.toHaveBeenCalled();

    release();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    expect(hasher.jobsInFlight).toBe(0);
    expect(await hasher.withSlot(work)).toBe('ran');
  });

  it('defaults to 16 waiting jobs per thread, 4 threads (libuv default)', () => {
    expect(new BcryptPasswordHasher({ cost: 4 }).capacity).toBe(4 + 64);
    expect(new BcryptPasswordHasher({ cost: 4, threads: 2 }).capacity).toBe(2 + 32);
    expect(() => new BcryptPasswordHasher({ cost: 4, maxPending: 0 })).toThrow(RangeError);
    expect(() => new BcryptPasswordHasher({ cost: 4, threads: 1.5 })).toThrow(RangeError);
  });
});

describe('MAX_PENDING_HASHES', () => {
  it('defaults to 16 per hashing thread (UV_THREADPOOL_SIZE, default 4)', () => {
    expect(loadSharedConfig({}).bcrypt).toEqual({ cost: 12, threads: 4, maxPendingHashes: 64 });
    expect(loadSharedConfig({ UV_THREADPOOL_SIZE: '2' }).bcrypt).toMatchObject({
      threads: 2,
      maxPendingHashes: 32,
    });
    expect(
      loadSharedConfig({ UV_THREADPOOL_SIZE: '2', MAX_PENDING_HASHES: '5' }).bcrypt,
    ).toMatchObject({ threads: 2, maxPendingHashes: 5 });
  });

  it('refuses what is not a whole number >= 1, naming the variable', () => {
    for (const [variable, value] of [
      ['MAX_PENDING_HASHES', '0'],
      ['MAX_PENDING_HASHES', 'many'],
      ['UV_THREADPOOL_SIZE', '0'],
    ] as const) {
      const error: unknown = (() => {
        try {
          loadSharedConfig({ [variable]: value });
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
    }
  });
});
