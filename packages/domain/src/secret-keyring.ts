import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { KeyPurpose, Keyed, Keyring } from './ports/keyring.js';

/** A secret shorter than this is refused: it keys every stored code. */
export const SECRET_MIN_BYTES = 32;

interface DerivedKeys {
  readonly id: string;
  readonly mac: Record<KeyPurpose, Buffer>;
  readonly seal: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function derive(secret: string): DerivedKeys {
  const ikm = Buffer.from(secret, 'utf8');
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'signup', info, 32));
  return {
    // A public fingerprint: it names the key without revealing it.
    id: sub('key-id').subarray(0, 6).toString('hex'),
    mac: { 'activation-code': sub('hmac:activation-code'), mailbox: sub('hmac:mailbox') },
    seal: sub('aes-256-gcm:outbox'),
  };
}

/**
 * The Keyring over `SIGNUP_SECRET` (and `SIGNUP_SECRET_PREVIOUS` during a
 * rotation). Every key is derived with HKDF-SHA-256, one per purpose, so a
 * digest of one kind never equals a digest of another.
 */
export class SecretKeyring implements Keyring {
  readonly #keys: readonly DerivedKeys[];

  constructor(current: string, previous?: readonly string[]) {
    const secrets = [current, ...(previous ?? [])];
    for (const secret of secrets) {
      if (Buffer.byteLength(secret, 'utf8') < SECRET_MIN_BYTES) {
        throw new RangeError(`A signup secret is at least ${SECRET_MIN_BYTES} bytes.`);
      }
    }
    this.#keys = secrets.map(derive);
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  get keyIds(): readonly string[] {
    return this.#keys.map((k) => k.id);
  }

  digest(purpose: KeyPurpose, value: string): Keyed {
    return { keyId: this.current.id, value: hmac(this.current.mac[purpose], value) };
  }

  digestWith(keyId: string, purpose: KeyPurpose, value: string): string | null {
    const key = this.#keys.find((k) => k.id === keyId);
    return key ? hmac(key.mac[purpose], value) : null;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.seal, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return `${this.current.id}.${sealed}`;
  }

  open(sealed: string): string | null {
    const dot = sealed.indexOf('.');
    const key = this.#keys.find((k) => k.id === sealed.slice(0, dot));
    if (dot < 0 || !key) return null;
    const raw = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.seal, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return null;
    }
  }

  /** Never serialize key material. */
  toJSON(): { keyIds: readonly string[] } {
    return { keyIds: this.keyIds };
  }

  private get current(): DerivedKeys {
    return this.#keys[0] as DerivedKeys;
  }
}

function hmac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
