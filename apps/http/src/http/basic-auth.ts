/** Credentials carried by an `Authorization: Basic` header (RFC 7617). */
export interface BasicCredentials {
  readonly email: string;
  readonly password: string;
}

/** Longer headers are refused outright: no real email + password pair needs this much. */
export const MAX_AUTHORIZATION_LENGTH = 1024;

/** The challenge sent with every 401. */
export const BASIC_CHALLENGE = 'Basic realm="signup", charset="UTF-8"';

const SCHEME = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBase64(token: string): Buffer | null {
  if (token.length % 4 === 1) return null;
  const bytes = Buffer.from(token, 'base64');
  // Node decodes leniently; insist the token is exactly the encoding of its bytes.
  const canonical = bytes.toString('base64');
  return canonical.replace(/=+$/, '') === token.replace(/=+$/, '') ? bytes : null;
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Parses `Basic base64(email:password)`. Anything else (no header, another
 * scheme, bad base64, bytes that are not UTF-8, no colon, an empty email or
 * password, an absurd length) gives null: the caller answers 401 the same way
 * every time. The password may contain ':' (the split is at the first colon).
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return null;
  const token = SCHEME.exec(header)?.[1];
  if (token === undefined) return null;
  const bytes = decodeBase64(token);
  const decoded = bytes && decodeUtf8(bytes);
  if (!decoded) return null;
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
