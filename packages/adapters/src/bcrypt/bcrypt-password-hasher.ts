import { AsyncLocalStorage } from 'node:async_hooks';
import bcrypt from 'bcrypt';
import {
  PASSWORD_MAX_BYTES,
  hasLoneSurrogate,
  utf8ByteLength,
  type PasswordHasher,
} from '@signup/domain';
import { HashingOverloadedError } from './hashing-overloaded-error.js';

/** libuv's default thread pool size (UV_THREADPOOL_SIZE unset). */
const DEFAULT_THREADS = 4;
/** Jobs allowed to wait per hashing thread unless told otherwise (as MAX_PENDING_HASHES). */
const PENDING_PER_THREAD = 16;

export interface BcryptPasswordHasherOptions {
  /** bcrypt work factor, 4 to 31. */
  readonly cost: number;
  /** Threads that run bcrypt (UV_THREADPOOL_SIZE); default 4, libuv's default. */
  readonly threads?: number;
  /**
   * Jobs allowed to wait for a thread (MAX_PENDING_HASHES); default 16 per
   * thread. With `threads` running and this many waiting, the next hash,
   * verify or verifyDummy throws HashingOverloadedError without queueing.
   */
  readonly maxPending?: number;
}

/** Input bcrypt cannot hash whole: over 72 bytes, a NUL (bcrypt stops there), or no UTF-8 form. */
function unhashable(password: string): string | undefined {
  if (utf8ByteLength(password) > PASSWORD_MAX_BYTES) return `more than ${PASSWORD_MAX_BYTES} bytes`;
  if (password.includes('\u0000')) return 'a NUL character';
  if (hasLoneSurrogate(password)) return 'a lone UTF-16 surrogate';
  return undefined;
}

const positiveInteger = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${what} must be a whole number >= 1`);
  return value;
};

/**
 * PasswordHasher on the native bcrypt package: hashing and comparing run on
 * libuv's thread pool, off the event loop. Refuses (never truncates) what
 * bcrypt could not read whole.
 *
 * Bounded: at most `threads + maxPending` jobs (hash, verify, verifyDummy
 * alike, or a request's `withSlot` work leading to one) are in flight; one
 * more is refused with HashingOverloadedError at once, before any bcrypt
 * work. Counted per hasher, i.e. per process: a flood never builds a queue
 * that makes every request (and anything else on the thread pool) wait for
 * seconds. An unknown email's verifyDummy counts and is shed exactly like a
 * wrong password's verify, so shedding reveals nothing.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly cost: number;
  /** Jobs allowed in flight: the running ones plus the waiting ones. */
  readonly capacity: number;
  private inFlight = 0;
  /** Set inside withSlot: the hash or comparison there uses the slot already taken. */
  private readonly holding = new AsyncLocalStorage<true>();
  private dummy: Promise<string> | undefined;

  constructor(options: BcryptPasswordHasherOptions) {
    if (!Number.isInteger(options.cost) || options.cost < 4 || options.cost > 31) {
      throw new RangeError('bcrypt cost must be a whole number from 4 to 31');
    }
    this.cost = options.cost;
    const threads = positiveInteger(options.threads ?? DEFAULT_THREADS, 'threads');
    const maxPending = positiveInteger(
      options.maxPending ?? PENDING_PER_THREAD * threads,
      'maxPending',
    );
    this.capacity = threads + maxPending;
  }

  /** bcrypt jobs running or waiting for a thread right now. */
  get jobsInFlight(): number {
    return this.inFlight;
  }

  async hash(password: string): Promise<string> {
    const problem = unhashable(password);
    if (problem) throw new RangeError(`A password with ${problem} cannot be hashed whole.`);
    return this.inSlot(() => bcrypt.hash(password, this.cost));
  }

  async verify(password: string, hash: string): Promise<boolean> {
    return this.inSlot(async () => {
      if (unhashable(password)) {
        await this.compareWithDummy('');
        return false; // what bcrypt would read is not what was typed
      }
      try {
        return await bcrypt.compare(password, hash);
      } catch {
        return false; // not a bcrypt hash
      }
    });
  }

  /** One comparison at the configured cost against a hash made once, lazily. */
  async verifyDummy(password: string): Promise<false> {
    await this.inSlot(() => this.compareWithDummy(unhashable(password) ? '' : password));
    return false;
  }

  private async compareWithDummy(candidate: string): Promise<void> {
    this.dummy ??= bcrypt.hash('dummy password for unknown accounts', this.cost);
    await bcrypt.compare(candidate, await this.dummy);
  }

  /**
   * Runs `work`, the part of a request that leads to one hash or comparison
   * (the reads before it included), in one slot: the hash or comparison
   * inside takes no other. Every slot taken: throws HashingOverloadedError at
   * once, `work` not run. So a flood waits neither on the thread pool nor on
   * the database ahead of it.
   */
  async withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.holding.getStore()) return work();
    return this.admitted(() => this.holding.run(true, work));
  }

  /** The job in the slot its caller holds (withSlot), else in a slot of its own. */
  private inSlot<T>(job: () => Promise<T>): Promise<T> {
    return this.holding.getStore() ? job() : this.admitted(job);
  }

  /** Runs `job` in a free slot, or throws HashingOverloadedError (nothing queued). */
  private async admitted<T>(job: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.capacity) throw new HashingOverloadedError(this.inFlight);
    this.inFlight += 1;
    try {
      return await job();
    } finally {
      this.inFlight -= 1;
    }
  }
}
