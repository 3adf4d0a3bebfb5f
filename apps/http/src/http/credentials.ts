import { InvalidCredentialsError, type PasswordHasher } from '@signup/domain';
import type { Request } from 'express';
import { parseBasicAuth, type BasicCredentials } from './basic-auth.js';

/**
 * The Basic Auth credentials of the request. A missing or malformed header
 * still costs one hash comparison before the refusal, like an unknown email,
 * so no kind of credential failure answers faster than another.
 */
export async function requireCredentials(
  req: Request,
  hasher: PasswordHasher,
): Promise<BasicCredentials> {
  const credentials = parseBasicAuth(req.headers.authorization);
  if (credentials) return credentials;
  await hasher.verifyDummy('');
  throw new InvalidCredentialsError();
}
