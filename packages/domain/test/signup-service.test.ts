import { describe, expect, it } from 'vitest';
import { createSignupService, defaultActivationPolicy } from '../src/index.js';
import {
  createInMemoryStore,
  FakeClock,
  FakePasswordHasher,
  testKeyring,
} from '../src/testing/index.js';

describe('createSignupService', () => {
  it('wires every use case with random codes and ids by default (the README example)', async () => {
    const { users, outbox } = createInMemoryStore();
    const clock = new FakeClock();
    const signup = createSignupService({
      users,
      hasher: new FakePasswordHasher(),
      clock,
      policy: defaultActivationPolicy,
      keyring: testKeyring,
    });

    const { user } = await signup.register.execute({
      email: 'Ada@Example.com',
      password: 'correct horse',
    });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);

    const [message] = await outbox.claimDue(
      clock.now(),
      10,
      new Date(clock.now().getTime() + 30_000),
    );
    expect(message?.to).toBe('ada@example.com');
    // The outbox holds the code sealed; the keyring opens it for the email.
    expect(message?.sealedCode).not.toMatch(/^[0-9]{4}$/);
    const code = testKeyring.open(message!.sealedCode);
    expect(code).toMatch(/^[0-9]{4}$/);
    await outbox.markSent(message!.id, clock.now());

    const active = await signup.activate.withCredentials({
      email: 'ada@example.com',
      password: 'correct horse',
      code,
    });
    expect(active.status).toBe('active');
    expect(await outbox.stats(clock.now())).toEqual({ pending: 0, oldestPendingSeconds: 0 });
  });
});
