/** What a keyed digest is for; each purpose gets its own derived key. */
export type KeyPurpose = 'activation-code' | 'mailbox';

/** A value under the key that made it: stored together, so the secret can rotate. */
export interface Keyed {
  readonly keyId: string;
  readonly value: string;
}

/**
 * The server secret, as the domain needs it: keyed digests (HMAC-SHA-256) of
 * codes and mailboxes, and sealing of the code that waits in the outbox
 * (AES-256-GCM). Holds the current key and, during a rotation, the previous
 * one, which is still accepted for reading. Never logged, never serialized.
 */
export interface Keyring {
  /** The current key's public id (a fingerprint, not the key). */
  readonly currentKeyId: string;
  /** Ids of every key held, current first. */
  readonly keyIds: readonly string[];
  /** Digest of `value` under the current key. */
  digest(purpose: KeyPurpose, value: string): Keyed;
  /** Digest of `value` under the key `keyId`; null when that key is not held. */
  digestWith(keyId: string, purpose: KeyPurpose, value: string): string | null;
  /** Encrypts under the current key; the result names its key id. */
  seal(plaintext: string): string;
  /** Decrypts a sealed value; null when its key is not held or it was tampered with. */
  open(sealed: string): string | null;
}
