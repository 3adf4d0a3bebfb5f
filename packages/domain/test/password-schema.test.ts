import { describe, expect, it } from 'vitest';
import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_CHARACTERS,
  passwordSchema,
  utf8ByteLength,
} from '../src/index.js';

const EURO = '€'; // 3 bytes of UTF-8

/** "€" plus ASCII padding up to exactly `bytes` bytes of UTF-8. */
function euroPassword(bytes: number): string {
  return EURO + 'a'.repeat(bytes - 3);
}

const messages = (value: unknown) =>
  passwordSchema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

describe('passwordSchema', () => {
  it('states the contract limits', () => {
    expect(PASSWORD_MIN_CHARACTERS).toBe(8);
    expect(PASSWORD_MAX_BYTES).toBe(72);
  });

  it('accepts 71 and 72 bytes of UTF-8 with a multi-byte character, unchanged', () => {
    for (const bytes of [71, 72]) {
      const password = euroPassword(bytes);
      expect(utf8ByteLength(password)).toBe(bytes);
      expect(passwordSchema.parse(password)).toBe(password);
    }
  });

  it('refuses 73 bytes with a clear message instead of truncating', () => {
    const password = euroPassword(73);
    expect(utf8ByteLength(password)).toBe(73);
    expect(password.length).toBe(71); // under 72 characters: only bytes catch it
    expect(messages(password)).toEqual(['must be at most 72 bytes in UTF-8']);
  });

  it('counts bytes, not characters: 25 euro signs (75 bytes) are refused', () => {
    expect(messages(EURO.repeat(24))).toEqual([]);
    expect(messages(EURO.repeat(25))).toEqual(['must be at most 72 bytes in UTF-8']);
  });

  it('normalizes to NFC and stores the composed form', () => {
    const decomposed = 'caf\u0065\u0301-1234'; // "café-1234" with e + combining acute
    const composed = 'caf\u00e9-1234';
    expect(decomposed).not.toBe(composed);
    expect(passwordSchema.parse(decomposed)).toBe(composed);
  });

  it('counts a decomposed é as one character', () => {
    // 7 code points once composed (8 before): refused.
    expect(messages('abcdef\u0065\u0301')).toEqual(['must be at least 8 characters']);
    // 8 code points once composed: accepted.
    expect(passwordSchema.parse('abcdefg\u0065\u0301')).toBe('abcdefg\u00e9');
  });

  it('counts code points: 8 emoji are enough, 7 are not', () => {
    expect(passwordSchema.parse('😀'.repeat(8))).toBe('😀'.repeat(8));
    expect('😀'.repeat(7).length).toBe(14); // 14 UTF-16 units, still 7 characters
    expect(messages('😀'.repeat(7))).toEqual(['must be at least 8 characters']);
  });

  it('accepts exactly 8 ASCII characters and refuses 7', () => {
    expect(passwordSchema.parse('12345678')).toBe('12345678');
    expect(messages('1234567')).toEqual(['must be at least 8 characters']);
    expect(messages('')).toEqual(['must be at least 8 characters']);
  });

  it('refuses a NUL character, which bcrypt would silently stop at', () => {
    expect(messages('password\u0000tail')).toEqual(['must not contain a NUL character']);
    expect(messages('\u0000'.repeat(8))).toEqual(['must not contain a NUL character']);
  });

  it('refuses a lone surrogate, which has no UTF-8 form and would be altered when hashed', () => {
    expect(messages('password\ud800')).toEqual(['must be valid Unicode text']);
    expect(messages('\udc00password')).toEqual(['must be valid Unicode text']);
  });

  it('keeps spaces: a password is never trimmed', () => {
    expect(passwordSchema.parse('  spaced  ')).toBe('  spaced  ');
  });

  it.each([null, undefined, 12345678, { password: 'x' }])('refuses the non-string %j', (value) => {
    expect(messages(value)).toEqual(['must be a string']);
  });
});
