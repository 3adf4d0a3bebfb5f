import bcrypt from 'bcrypt';
import {
  PASSWORD_MAX_BYTES,
  hasLoneSurrogate,
  utf8ByteLength,
  type PasswordHasher,
} from '@signup/domain';

/** Input bcrypt cannot hash whole: over 72 bytes, a NUL (bcrypt stops there), or no UTF-8 form. */
function unhashable(password: string): string | undefined {
  if (utf8ByteLength(password) > PASSWORD_MAX_BYTES) return `more than ${PASSWORD_MAX_BYTES} bytes`;
  if (password.includes('\u0000')) return 'a NUL character';
  if (hasLoneSurrogate(password)) return 'a lone UTF-16 surrogate';
  return undefined;
}

/**
 * PasswordHasher on the native bcrypt package: hashing and comparing run on
 * libuv's thread pool, off the event loop. Refuses (never truncates) what
 * bcrypt could not read whole.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly cost: number;
  private dummy: Promise<string> | undefined;

  constructor(options: { cost: number }) {
    if (!Number.isInteger(options.cost) || options.cost < 4 || options.cost > 31) {
      throw new RangeError('bcrypt cost must be a whole number from 4 to 31');
    }
    this.cost = options.cost;
  }

  async hash(password: string): Promise<string> {
    const problem = unhashable(password);
    if (problem) throw new RangeError(`A password with ${problem} cannot be hashed whole.`);
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (unhashable(password)) {
      await this.verifyDummy('');
      return false; // what bcrypt would read is not what was typed
    }
    try {
      return await bcrypt.compare(password, hash);
    } catch {
      return false; // not a bcrypt hash
    }
  }

  /** One comparison at the configured cost against a hash made once, lazily. */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= bcrypt.hash('dummy password for unknown accounts', this.cost);
    const candidate = unhashable(password) ? '' : password;
    await bcrypt.compare(candidate, await this.dummy);
    return false;
  }
}
