import { beforeAll, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../ports/password-hasher.js';

/** The PasswordHasher port contract. */
export function passwordHasherContract(name: string, factory: () => Promise<PasswordHasher>): void {
  describe(`PasswordHasher contract: ${name}`, () => {
    let hasher: PasswordHasher;
    beforeAll(async () => {
      hasher = await factory();
    });

    it('verifies the password it hashed and nothing else', async () => {
      const hash = await hasher.hash('correct horse');
      expect(hash).not.toContain('correct horse');
      expect(await hasher.verify('correct horse', hash)).toBe(true);
      expect(await hasher.verify('correct horsE', hash)).toBe(false);
      expect(await hasher.verify('', hash)).toBe(false);
    });

    it('salts: the same password hashes differently', async () => {
      const a = await hasher.hash('same password');
      const b = await hasher.hash('same password');
      expect(a).not.toBe(b);
    });

    it('handles multi-byte passwords up to exactly 72 bytes', async () => {
      const p = '€'.repeat(24); // 72 bytes
      const hash = await hasher.hash(p);
      expect(await hasher.verify(p, hash)).toBe(true);
      expect(await hasher.verify('€'.repeat(23), hash)).toBe(false);
    });

    it('refuses to hash more than 72 bytes instead of truncating', async () => {
      await expect(hasher.hash('€'.repeat(24) + 'x')).rejects.toThrow();
    });

    it('never matches input over 72 bytes that shares the first 72', async () => {
      const p = 'a'.repeat(72);
      const hash = await hasher.hash(p);
      expect(await hasher.verify(p + 'tail', hash)).toBe(false);
    });

    it('verifyDummy answers false', async () => {
      await expect(hasher.verifyDummy('whatever password')).resolves.toBe(false);
    });
  });
}
