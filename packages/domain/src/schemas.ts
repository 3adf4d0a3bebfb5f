import { z } from 'zod';
import { ValidationError } from './errors.js';

/** RFC 5321 caps a forward path at 254 characters. */
export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_CHARACTERS = 8;
/** bcrypt reads at most 72 bytes; longer input is refused, never truncated. */
export const PASSWORD_MAX_BYTES = 72;
/** An activation code is this many ASCII digits; leading zeros count. */
export const ACTIVATION_CODE_DIGITS = 4;
export const ACTIVATION_CODE_PATTERN = new RegExp(`^[0-9]{${ACTIVATION_CODE_DIGITS}}$`);

const utf8 = new TextEncoder();

export function utf8ByteLength(value: string): number {
  return utf8.encode(value).length;
}

/**
 * True when `value` holds an unpaired UTF-16 surrogate: such a string has no
 * UTF-8 form, and encoding it for the hasher would silently replace the
 * surrogate with U+FFFD.
 */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDFFF]/u.test(value);
}

/**
 * zod's default address pattern, with internationalized top-level domains in
 * their ASCII (punycode) form allowed too: `a@example.xn--p1ai` is valid.
 */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]+)$/;

/** Only printable ASCII, the form every mail server accepts. */
const ASCII = /^[\x20-\x7E]*$/;

/**
 * An internationalized domain in its ASCII (punycode) form, as DNS and SMTP
 * carry it: `bücher.de` -> `xn--bcher-kva.de`. The local part is left as it
 * is; a domain that has no ASCII form leaves the address invalid.
 */
function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  if (ASCII.test(domain)) return address;
  // The URL parser would strip surrounding controls and spaces: such a domain is invalid, not trimmed.
  if ([...domain].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) {
    return `${address.slice(0, at)}@`;
  }
  try {
    // WHATWG URL applies IDNA (UTS #46) to a host: the same conversion browsers make.
    return `${address.slice(0, at)}@${new URL(`http://${domain}`).hostname}`;
  } catch {
    return `${address.slice(0, at)}@`; // no ASCII form: invalid below
  }
}

export const SMTPUTF8_REFUSAL =
  'must have an ASCII local part (the part before @): a non-ASCII one needs SMTPUTF8, ' +
  'which many mail servers do not accept, so the activation email could not be delivered';

/**
 * Trimmed, lower-cased, the domain in its ASCII form (internationalized
 * domain names are accepted: `john@bücher.de` is stored and mailed as
 * `john@xn--bcher-kva.de`), then at most 254 characters and a valid address.
 * A non-ASCII local part is refused with a message that says why.
 */
export const emailSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'is required' })
  .refine((value) => ASCII.test(value.slice(0, Math.max(0, value.lastIndexOf('@')))), {
    error: SMTPUTF8_REFUSAL,
    abort: true,
  })
  .transform(asciiDomain)
  .pipe(
    z
      .string()
      .max(EMAIL_MAX_LENGTH, { error: `must be at most ${EMAIL_MAX_LENGTH} characters` })
      .check(z.email({ pattern: EMAIL_PATTERN, error: 'must be a valid email address' })),
  );

/**
 * NFC-normalized, then at least 8 characters (Unicode code points) and at most
 * 72 bytes of UTF-8. A NUL character is refused: bcrypt would stop reading at
 * it, which is silent truncation. So is a lone surrogate, which UTF-8 cannot
 * encode.
 */
export const passwordSchema = z
  .string({ error: 'must be a string' })
  .normalize('NFC')
  .refine((value) => [...value].length >= PASSWORD_MIN_CHARACTERS, {
    error: `must be at least ${PASSWORD_MIN_CHARACTERS} characters`,
    abort: true,
  })
  .refine((value) => utf8ByteLength(value) <= PASSWORD_MAX_BYTES, {
    error: `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`,
    abort: true,
  })
  .refine((value) => !value.includes('\u0000'), { error: 'must not contain a NUL character' })
  .refine((value) => !hasLoneSurrogate(value), { error: 'must be valid Unicode text' });

/** Exactly four ASCII digits; leading zeros are significant ("0042"). */
export const activationCodeSchema = z
  .string({ error: 'must be a string' })
  .regex(ACTIVATION_CODE_PATTERN, { error: `must be exactly ${ACTIVATION_CODE_DIGITS} digits` });

/**
 * The mailbox behind a normalized address: the local part without any
 * `+tag`. `ada+1@x.org` and `ada@x.org` reach one inbox, so they share one
 * mail budget and one record of strikes.
 */
export function mailboxOf(normalizedEmail: string): string {
  const at = normalizedEmail.lastIndexOf('@');
  if (at < 0) return normalizedEmail;
  const local = normalizedEmail.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}${normalizedEmail.slice(at)}`;
}

/** The normalized form of a typed address (see `emailSchema`); null when it is not a valid one. */
export function normalizeEmail(value: unknown): string | null {
  const parsed = emailSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export const registrationSchema = z.object({ email: emailSchema, password: passwordSchema });
export const activationSchema = z.object({ code: activationCodeSchema });

export type RegistrationInput = z.infer<typeof registrationSchema>;

/** Turns zod issues into the domain's per-field errors (under `prefix`, when given). */
export function toFieldErrors(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses `value` with `schema` or throws the domain's ValidationError. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  return result.data;
}

/**
 * Parses one field with its schema; the errors carry the field's path. No
 * schema is built per call: a `z.object` made here on every request had zod
 * generate and compile its parser (`new Function`) each time, a tenth of the
 * server's main thread under a flood of activations.
 */
export function parseField<S extends z.ZodType>(
  path: string,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error, [path]));
  return result.data;
}
