import { describe, expect, it } from 'vitest';
import { EMAIL_MAX_LENGTH, emailSchema, SMTPUTF8_REFUSAL } from '../src/index.js';

/** A valid address of exactly `length` characters (64-char local part, 61-char labels). */
function emailOfLength(length: number): string {
  const local = 'a'.repeat(64);
  const labels = ['b'.repeat(61), 'c'.repeat(61), 'd'.repeat(61)];
  const tld = 'c'.repeat(length - local.length - 1 - labels.join('.').length - 1);
  return `${local}@${labels.join('.')}.${tld}`;
}

describe('emailSchema', () => {
  it('trims and lower-cases the address', () => {
    expect(emailSchema.parse('  Ada.Lovelace@Example.COM \t\n')).toBe('ada.lovelace@example.com');
  });

  it('accepts 254 characters and refuses 255', () => {
    expect(EMAIL_MAX_LENGTH).toBe(254);
    const longest = emailOfLength(254);
    expect(longest).toHaveLength(254);
    expect(emailSchema.parse(longest)).toBe(longest);
    const tooLong = emailOfLength(255);
    expect(tooLong).toHaveLength(255);
    const result = emailSchema.safeParse(tooLong);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('must be at most 254 characters');
  });

  it('accepts internationalized top-level domains in punycode form', () => {
    expect(emailSchema.parse('Ivan@Example.XN--P1AI')).toBe('ivan@example.xn--p1ai');
    expect(emailSchema.safeParse('ivan@example.xn--').success).toBe(false);
  });

  it('measures the length after trimming', () => {
    expect(emailSchema.parse(`  ${emailOfLength(254).toUpperCase()}  `)).toBe(emailOfLength(254));
  });

  it.each([
    '',
    '   ',
    'plainaddress',
    '@example.com',
    'ada@',
    'ada@example',
    'ada@@example.com',
    'ada lovelace@example.com',
    'ada..lovelace@example.com',
    '.ada@example.com',
    'ada@-example.com',
    'ada@example..com',
    'ada@example.c',
    'ada\u0000@example.com',
    'ada@example.com\u0000',
  ])('refuses the invalid address %j', (value) => {
    expect(emailSchema.safeParse(value).success).toBe(false);
  });

  it.each([null, undefined, 42, {}, ['a@example.com']])('refuses the non-string %j', (value) => {
    const result = emailSchema.safeParse(value);
    expect(result.error?.issues[0]?.message).toBe('must be a string');
  });

  it('says why an empty address is refused', () => {
    expect(emailSchema.safeParse('  ').error?.issues[0]?.message).toBe('is required');
    expect(emailSchema.safeParse('nope').error?.issues[0]?.message).toBe(
      'must be a valid email address',
    );
  });
});

describe('international addresses', () => {
  it('accepts an internationalized domain and keeps its ASCII form', () => {
    expect(emailSchema.parse('john@bücher.de')).toBe('john@xn--bcher-kva.de');
    expect(emailSchema.parse(' JOHN@BÜCHER.DE ')).toBe('john@xn--bcher-kva.de');
    expect(emailSchema.parse('ivan@пример.рф')).toBe('ivan@xn--e1afmkfd.xn--p1ai');
    // the same mailbox typed either way is one account
    expect(emailSchema.parse('john@xn--bcher-kva.de')).toBe(emailSchema.parse('john@bücher.de'));
  });

  it('refuses a non-ASCII local part and says why (SMTPUTF8)', () => {
    const result = emailSchema.safeParse('jöhn@example.com');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([SMTPUTF8_REFUSAL]);
    expect(SMTPUTF8_REFUSAL).toMatch(/SMTPUTF8/);
  });

  it('refuses a domain that has no ASCII form', () => {
    expect(emailSchema.safeParse('a@bü..de').success).toBe(false);
    expect(emailSchema.safeParse('a@bücher').success).toBe(false); // no top-level domain
  });
});
