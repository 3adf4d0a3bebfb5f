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
}
