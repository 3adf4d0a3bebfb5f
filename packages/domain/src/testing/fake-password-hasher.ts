import { PASSWORD_MAX_BYTES, utf8ByteLength } from '../schemas.js';
import type { PasswordHasher } from '../ports/password-hasher.js';

/**
 * A fast, obviously-not-secure hasher for tests. It keeps the real contract:
 * refuses input over 72 bytes, never matches a different password, and
 * counts comparisons so timing-parity rules can be asserted.
 */
export class FakePasswordHasher implements PasswordHasher {
  comparisons = 0;
  private salt = 0;

  private static encode(salt: string, password: string): string {
    return `fake$${salt}$${Buffer.from(password, 'utf8').toString('base64')}`;
  }

  hash(password: string): Promise<string> {
    if (utf8ByteLength(password) > PASSWORD_MAX_BYTES) {
      return Promise.reject(new RangeError('password longer than 72 bytes'));
    }
    this.salt += 1;
    return Promise.resolve(FakePasswordHasher.encode(this.salt.toString(36), password));
  }

  verify(password: string, hash: string): Promise<boolean> {
    this.comparisons += 1;
    if (utf8ByteLength(password) > PASSWORD_MAX_BYTES) return Promise.resolve(false);
    const salt = hash.split('$')[1] ?? '';
    return Promise.resolve(hash === FakePasswordHasher.encode(salt, password));
  }

  verifyDummy(_password: string): Promise<false> {
    this.comparisons += 1;
    return Promise.resolve(false);
  }
}
