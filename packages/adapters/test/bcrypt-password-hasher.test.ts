import { passwordHasherContract } from '@signup/domain/testing';
import { describe, expect, it } from 'vitest';
import { BcryptPasswordHasher } from '../src/bcrypt/bcrypt-password-hasher.js';

passwordHasherContract('BcryptPasswordHasher (cost 4)', () =>
  Promise.resolve(new BcryptPasswordHasher({ cost: 4 })),
);

describe('BcryptPasswordHasher', () => {
  const hasher = new BcryptPasswordHasher({ cost: 4 });

  it('hashes at the configured cost', async () => {
    expect(await hasher.hash('correct horse')).toMatch(/^\$2b\$04\$/);
    expect(await new BcryptPasswordHasher({ cost: 5 }).hash('correct horse')).toMatch(
      /^\$2b\$05\$/,
    );
  });

  it('refuses a NUL character instead of hashing what precedes it', async () => {
    await expect(hasher.hash('secret\u0000tail')).rejects.toThrow(/NUL/);
    const hash = await hasher.hash('secret12');
    expect(await hasher.verify('secret12\u0000whatever', hash)).toBe(false);
  });

  it('answers false, not an error, for a malformed stored hash', async () => {
    expect(await hasher.verify('correct horse', 'not-a-bcrypt-hash')).toBe(false);
  });

  it('refuses a cost outside 4..31', () => {
    expect(() => new BcryptPasswordHasher({ cost: 3 })).toThrow(RangeError);
    expect(() => new BcryptPasswordHasher({ cost: 32 })).toThrow(RangeError);
  });
});
