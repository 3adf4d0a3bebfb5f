import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AUTHORIZATION_LENGTH, parseBasicAuth } from '../src/http/basic-auth.js';

const basic = (raw: string | Buffer) =>
  `Basic ${(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).toString('base64')}`;

describe('parseBasicAuth', () => {
  it('reads email and password', () => {
    expect(parseBasicAuth(basic('ada@example.com:s3cret pass'))).toEqual({
      email: 'ada@example.com',
      password: 's3cret pass',
    });
  });

  it('splits at the first colon: the password may contain colons', () => {
    expect(parseBasicAuth(basic('ada@example.com::a:b:'))).toEqual({
      email: 'ada@example.com',
      password: ':a:b:',
    });
  });

  it('accepts the scheme in any case and UTF-8 credentials', () => {
    const header = basic('zoë@example.com:pässwörd✓').replace('Basic', 'bAsIc');
    expect(parseBasicAuth(header)).toEqual({ email: 'zoë@example.com', password: 'pässwörd✓' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Bearer abc.def.ghi'],
    ['the scheme alone', 'Basic'],
    ['the scheme and a space', 'Basic '],
    ['bad base64 characters', 'Basic !!!!'],
    ['base64 with a bad length', 'Basic YWJjZGVmZ2hp0'],
    ['base64 with inner spaces', 'Basic YWRh QGV4YW1wbGUuY29tOnBhc3N3b3Jk'],
    ['no colon', basic('ada@example.com')],
    ['an empty email', basic(':password1')],
    ['an empty password', basic('ada@example.com:')],
    ['nothing but a colon', basic(':')],
    ['bytes that are not UTF-8', basic(Buffer.from([0x61, 0x3a, 0xff, 0xfe, 0x62]))],
    ['an overlong UTF-8 encoding', basic(Buffer.from([0x61, 0x3a, 0xc0, 0xaf]))],
    ['an absurd length', basic(`${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}@example.com:password1`)],
  ])('refuses %s', (_case, header) => {
    expect(parseBasicAuth(header)).toBeNull();
  });

  it('accepts a header just under the length bound', () => {
    const user = 'a@example.com';
    const overhead = `Basic `.length;
    const budget = Math.floor((MAX_AUTHORIZATION_LENGTH - overhead) / 4) * 3 - user.length - 1;
    const header = basic(`${user}:${'p'.repeat(budget)}`);
    expect(header.length).toBeLessThanOrEqual(MAX_AUTHORIZATION_LENGTH);
    expect(parseBasicAuth(header)?.password).toHaveLength(budget);
  });

  it('round-trips any email without a colon and any non-empty password', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes(':')),
        fc.string({ minLength: 1, maxLength: 60 }),
        (email, password) => {
          expect(parseBasicAuth(basic(`${email}:${password}`))).toEqual({ email, password });
        },
      ),
    );
  });

  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (header) => {
        expect(() => parseBasicAuth(header)).not.toThrow();
        expect(() => parseBasicAuth(`Basic ${header}`)).not.toThrow();
      }),
    );
  });
});
