import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidCredentialsError } from '../src/index.js';
import { aWorld, EMAIL, PASSWORD, type World } from './support/world.js';

describe('AuthenticateUser', () => {
  let w: World;
  beforeEach(async () => {
    w = aWorld();
    await w.register();
    w.hasher.comparisons = 0;
  });

  const login = (email: string, password: string) =>
    w.service.authenticate.execute({ email, password });

  /** Asserts the refusal and that it cost exactly one hash comparison. */
  async function expectRefusedAfterOneComparison(email: string, password: string) {
    const error = await login(email, password).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect((error as InvalidCredentialsError).toJSON()).toEqual(
      new InvalidCredentialsError().toJSON(),
    );
    expect(w.hasher.comparisons).toBe(1);
  }

  it('finds the account for the right email and password, pending or not', async () => {
    const user = await login(EMAIL, PASSWORD);
    expect(user.email).toBe(EMAIL);
    expect(user.status).toBe('pending');
    expect(w.hasher.comparisons).toBe(1);
  });

  it('normalizes the email before looking it up', async () => {
    await expect(login('  ADA@Example.Test\n', PASSWORD)).resolves.toMatchObject({ email: EMAIL });
  });

  it('normalizes the password to NFC before comparing', async () => {
    const v = aWorld();
    await v.register(EMAIL, 'caf\u00e9-secret');
    await expect(
      v.service.authenticate.execute({ email: EMAIL, password: 'caf\u0065\u0301-secret' }),
    ).resolves.toMatchObject({ email: EMAIL });
  });

  it('refuses a wrong password after one comparison', async () => {
    await expectRefusedAfterOneComparison(EMAIL, 'not the password');
  });

  it('refuses an unknown email after one comparison too', async () => {
    await expectRefusedAfterOneComparison('nobody@example.test', PASSWORD);
  });

  it('refuses a malformed email after one comparison', async () => {
    await expectRefusedAfterOneComparison('not an email', PASSWORD);
    w.hasher.comparisons = 0;
    await expectRefusedAfterOneComparison('', PASSWORD);
  });

  it('refuses a password over 72 bytes after one dummy comparison, never hashing it', async () => {
    const verify = vi.spyOn(w.hasher, 'verify');
    await expectRefusedAfterOneComparison(EMAIL, PASSWORD + '€'.repeat(20));
    expect(verify).not.toHaveBeenCalled();
  });

  it('refuses a password with a NUL or a lone surrogate after one dummy comparison', async () => {
    const verify = vi.spyOn(w.hasher, 'verify');
    await expectRefusedAfterOneComparison(EMAIL, `${PASSWORD}\u0000`);
    w.hasher.comparisons = 0;
    await expectRefusedAfterOneComparison(EMAIL, `${PASSWORD}\ud800`);
    expect(verify).not.toHaveBeenCalled();
  });

  it('authenticates an active account too', async () => {
    await w.activate('1234');
    await expect(login(EMAIL, PASSWORD)).resolves.toMatchObject({ status: 'active' });
  });
});
