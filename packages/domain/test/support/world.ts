import { vi } from 'vitest';
import {
  createSignupService,
  defaultActivationPolicy,
  type AccountChange,
  type ActivationMessage,
  type ActivationPolicy,
} from '../../src/index.js';
import {
  createInMemoryStore,
  FakeClock,
  FakePasswordHasher,
  SequenceCodeGenerator,
  SequentialIdGenerator,
  testKeyring,
} from '../../src/testing/index.js';

/** The contract's defaults (ports.test.ts spells them out, so a drift fails there). */
export const POLICY: ActivationPolicy = defaultActivationPolicy;

export const EMAIL = 'ada@example.test';
export const PASSWORD = 'correct horse battery';

/** Far enough ahead that every queued message is due. */
const END_OF_TIME = new Date('9999-01-01T00:00:00.000Z');

export interface WorldOptions {
  /** The codes the generator hands out, in order (the last one repeats). */
  readonly codes?: readonly string[];
  readonly policy?: Partial<ActivationPolicy>;
}

/**
 * A fresh service over its own in-memory store, fake clock, fake hasher and
 * scripted code generator: no test shares data with another.
 */
export function aWorld(options: WorldOptions = {}) {
  const { users, outbox } = createInMemoryStore();
  const clock = new FakeClock('2026-03-01T12:00:00.000Z');
  const hasher = new FakePasswordHasher();
  const policy: ActivationPolicy = { ...POLICY, ...options.policy };
  const service = createSignupService({
    users,
    hasher,
    clock,
    policy,
    keyring: testKeyring,
    codes: new SequenceCodeGenerator(options.codes ?? ['1234', '5678', '9012', '3456']),
    ids: new SequentialIdGenerator(),
  });

  /**
   * The messages still waiting to be sent. The lease ends in the past, so
   * looking does not hide them from the next look.
   */
  function queued(): Promise<(ActivationMessage & { code: string | null })[]> {
    return outbox
      .claimDue(END_OF_TIME, 1000, new Date(0))
      .then((messages) => messages.map((m) => ({ ...m, code: testKeyring.open(m.sealedCode) })));
  }

  /** Registers EMAIL (or `email`) with PASSWORD (or `password`). */
  function register(email = EMAIL, password = PASSWORD) {
    return service.register.execute({ email, password });
  }

  /** Activates with the account holder's credentials. */
  function activate(code: unknown, email = EMAIL, password = PASSWORD) {
    return service.activate.withCredentials({ email, password, code });
  }

  return { users, outbox, clock, hasher, policy, service, queued, register, activate };
}

export type World = ReturnType<typeof aWorld>;

/** Settles every promise and tallies fulfilments and refusal codes. */
export async function tally(promises: readonly Promise<unknown>[]) {
  const results = await Promise.allSettled(promises);
  const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
  const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return { fulfilled, refusals };
}

/**
 * Runs `meanwhile` once, just before the first commit that `matches` reaches
 * the store, so that commit meets a store another writer changed after the
 * use case read it. Other commits (a password reservation, the writes made by
 * `meanwhile` itself) pass straight through.
 */
export function beforeCommit(
  w: World,
  matches: (change: AccountChange) => boolean,
  meanwhile: () => Promise<unknown>,
): void {
  const commit = w.users.commit.bind(w.users);
  let armed = true;
  vi.spyOn(w.users, 'commit').mockImplementation(async (change) => {
    if (armed && matches(change)) {
      armed = false;
      await meanwhile();
    }
    return commit(change);
  });
}
