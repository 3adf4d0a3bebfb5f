/**
 * One-way password hashing. Implementations must refuse (not truncate) input
 * they cannot hash whole, and run off the event loop.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Costs one comparison against a fixed dummy hash and returns false, so an
   * unknown email takes as long to refuse as a wrong password.
   */
  verifyDummy(password: string): Promise<false>;
  /**
   * Optional, for a hasher with bounded capacity: runs `work` (the part of a
   * request that leads to one hash or comparison, with the reads it needs
   * first) in one of the hasher's slots, the hash or comparison inside using
   * that same slot. When every slot is taken it throws at once (the
   * implementation's own error, not a refusal) without running `work`: a
   * shed request reads no row, counts no strike and waits for nothing, and
   * sheds the same whatever the email (no enumeration).
   */
  withSlot?<T>(work: () => Promise<T>): Promise<T>;
}
