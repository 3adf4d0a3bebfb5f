/**
 * Email addresses in free text (an SMTP server's error, which often quotes
 * the recipient): a local part and a dotted domain around an `@`.
 */
const ADDRESS = /([^\s<>"'(),;:@[\]\\]+)@([^\s<>"'(),;:@[\]\\]+\.[^\s<>"'(),;:@[\]\\]+)/gu;

/** `alice@example.com` → `a***@example.com`: who it was is not in the logs, which domain is. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${String.fromCodePoint(address.codePointAt(0) ?? 42)}***${address.slice(at)}`;
}

/** `text` with every email address in it masked (see maskEmail). */
export function maskEmailsIn(text: string): string {
  return text.replace(ADDRESS, (_match, local: string, domain: string) =>
    maskEmail(`${local}@${domain}`),
  );
}
