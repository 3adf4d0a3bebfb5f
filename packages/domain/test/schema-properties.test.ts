import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activationCodeSchema,
  emailSchema,
  passwordSchema,
  randomCodeGenerator,
} from '../src/index.js';

const RUNS = { numRuns: 2000 };

/** Addresses built the way the email rule reads them, long enough to cross 254 characters. */
const structuredEmail = fc
  .tuple(
    fc.array(fc.stringMatching(/^[A-Za-z0-9_'+-]{1,40}$/), { minLength: 1, maxLength: 3 }),
    fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/), { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[A-Za-z]{2,8}$/),
  )
  .map(([local, labels, tld]) => `${local.join('.')}@${labels.join('.')}.${tld}`);

/** Valid-looking addresses of 230 to 270 characters, across the 254 limit. */
const nearLimitEmail = fc
  .tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 230, max: 270 }))
  .map(([localLength, total]) => {
    const domainLength = total - localLength - 1 - '.com'.length;
    // Labels of 63 characters joined by dots, never a dot at either end.
    const domain = Array.from({ length: domainLength }, (_, i) =>
      (i + 1) % 64 === 0 && i < domainLength - 1 ? '.' : 'd',
    ).join('');
    return `${'x'.repeat(localLength)}@${domain}.com`;
  });

/** Random case and surrounding whitespace on top of an address. */
const messyEmail = fc
  .tuple(
    fc.oneof(structuredEmail, nearLimitEmail, fc.emailAddress()),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }),
    fc.constantFrom('', ' ', '\t', '\n ', '\u00a0'),
    fc.constantFrom('', ' ', '\r\n', '  '),
  )
  .map(([email, upper, before, after]) => {
    const cased = [...email]
      .map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c))
      .join('');
    return before + cased + after;
  });

const anyEmailCandidate = fc.oneof(
  { arbitrary: messyEmail, weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => `${s}@example.com`), weight: 1 },
);

/** Code points around every password rule: ASCII, multi-byte, combining, NUL, lone surrogates. */
const passwordUnit = fc.constantFrom(
  'a',
  'Z',
  '7',
  ' ',
  'é',
  'e',
  '\u0301', // combining acute: composes with a preceding e
  '€',
  '😀',
  '\u0000',
  '\ud800',
  '\udc00',
);
const anyPasswordCandidate = fc.oneof(
  fc.string({ unit: passwordUnit, maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ maxLength: 90 }),
);

const hasLoneSurrogate = (s: string) => /[\uD800-\uDFFF]/u.test(s);

const codeUnit = fc.constantFrom('0', '4', '9', 'a', ' ', '\n', '１', '٣', '-', '.');
const anyCodeCandidate = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 6 }),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: 0, max: 9999 }).map((n) => n.toString().padStart(4, '0')),
);

describe('properties of the input rules', () => {
  it('every email the schema accepts is trimmed, lower-case, at most 254 and stable', () => {
    let accepted = 0;
    let tooLong = 0;
    fc.assert(
      fc.property(anyEmailCandidate, (input) => {
        const result = emailSchema.safeParse(input);
        if (input.trim().length > 254) tooLong += 1;
        if (!result.success) return;
        accepted += 1;
        const email = result.data;
        expect(email).toBe(email.trim());
        expect(email).toBe(email.toLowerCase());
        expect(email.length).toBeLessThanOrEqual(254);
        expect(email).toBe(input.trim().toLowerCase());
        expect(emailSchema.parse(email)).toBe(email);
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 4); // the property was not vacuous
    expect(tooLong).toBeGreaterThan(0); // and it met the length limit
  });

  it('the password schema accepts exactly the NFC strings of >= 8 code points, <= 72 bytes, no NUL', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyPasswordCandidate, (input) => {
        const nfc = input.normalize('NFC');
        const expected =
          [...nfc].length >= 8 &&
          Buffer.byteLength(nfc, 'utf8') <= 72 &&
          !nfc.includes('\u0000') &&
          !hasLoneSurrogate(nfc);
        const result = passwordSchema.safeParse(input);
        expect(result.success).toBe(expected);
        if (result.success) {
          accepted += 1;
          expect(result.data).toBe(nfc); // normalized, never truncated
        }
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 10);
  });

  it('the code schema accepts exactly /^[0-9]{4}$/', () => {
    fc.assert(
      fc.property(fc.oneof(anyCodeCandidate, fc.anything()), (input) => {
        const expected = typeof input === 'string' && /^[0-9]{4}$/.test(input);
        expect(activationCodeSchema.safeParse(input).success).toBe(expected);
      }),
      RUNS,
    );
  });

  it('every code from randomCodeGenerator is 4 ASCII digits, leading zeros included', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const code = randomCodeGenerator.generate();
      expect(activationCodeSchema.safeParse(code).success).toBe(true);
      seen.add(code);
    }
    expect([...seen].some((code) => code.startsWith('0'))).toBe(true);
    expect(seen.size).toBeGreaterThan(8000); // spread over the 10 000 values
  });
});
