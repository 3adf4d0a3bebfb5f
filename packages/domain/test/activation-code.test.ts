import { describe, expect, it } from 'vitest';
import { ActivationCode } from '../src/index.js';

const USER = '00000000-0000-4000-8000-000000000001';
const ISSUED = new Date('2026-03-01T12:00:00.000Z');
const TTL = 60;
const MAX = 5;
const at = (ms: number) => new Date(ISSUED.getTime() + ms);

function aCode(plain = '0042', attempts = 0): ActivationCode {
  const code = ActivationCode.issue({
    id: 'code-1',
    userId: USER,
    plain,
    issuedAt: ISSUED,
    ttlSeconds: TTL,
  });
  return ActivationCode.fromPrimitives({ ...code.toPrimitives(), attempts });
}

describe('ActivationCode', () => {
  it('is issued with its expiry TTL seconds later and no attempts', () => {
    const code = aCode();
    expect(code.id).toBe('code-1');
    expect(code.issuedAt).toEqual(ISSUED);
    expect(code.expiresAt).toEqual(at(TTL * 1000));
    expect(code.attempts).toBe(0);
  });

  it('accepts the right code, leading zeros included', () => {
    expect(aCode('0042').check(USER, '0042', ISSUED, MAX)).toBe('valid');
    expect(aCode('0042').check(USER, '42', ISSUED, MAX)).toBe('wrong');
    expect(aCode('0042').check(USER, '0043', ISSUED, MAX)).toBe('wrong');
  });

  it('is bound to its account: the same digits for another user are wrong', () => {
    expect(aCode('0042').check('someone-else', '0042', ISSUED, MAX)).toBe('wrong');
  });

  it('treats a malformed candidate as a wrong code', () => {
    expect(aCode('1234').check(USER, '１２３４', ISSUED, MAX)).toBe('wrong');
    expect(aCode('1234').check(USER, '1234 ', ISSUED, MAX)).toBe('wrong');
  });

  it('is valid 1 ms before issuedAt + TTL and expired exactly at it', () => {
    const code = aCode('0042');
    const lastValid = at(TTL * 1000 - 1);
    const boundary = at(TTL * 1000);
    expect(code.isExpired(lastValid)).toBe(false);
    expect(code.check(USER, '0042', lastValid, MAX)).toBe('valid');
    expect(code.isExpired(boundary)).toBe(true);
    expect(code.check(USER, '0042', boundary, MAX)).toBe('expired');
    expect(code.check(USER, '9999', boundary, MAX)).toBe('expired');
  });

  it('is exhausted at the attempt limit and then refuses even the right code', () => {
    expect(aCode('0042', MAX - 1).isExhausted(MAX)).toBe(false);
    expect(aCode('0042', MAX - 1).check(USER, '0042', ISSUED, MAX)).toBe('valid');
    const burned = aCode('0042', MAX);
    expect(burned.isExhausted(MAX)).toBe(true);
    expect(burned.check(USER, '0042', ISSUED, MAX)).toBe('exhausted');
    expect(burned.check(USER, '1111', ISSUED, MAX)).toBe('exhausted');
  });

  it('says exhausted before expired', () => {
    expect(aCode('0042', MAX).check(USER, '0042', at(TTL * 1000), MAX)).toBe('exhausted');
  });

  it('rounds the remaining cooldown up to whole seconds', () => {
    const code = aCode();
    const cooldown = 30;
    expect(code.cooldownRemainingSeconds(ISSUED, cooldown)).toBe(30);
    expect(code.cooldownRemainingSeconds(at(1), cooldown)).toBe(30);
    expect(code.cooldownRemainingSeconds(at(999), cooldown)).toBe(30);
    expect(code.cooldownRemainingSeconds(at(1000), cooldown)).toBe(29);
    expect(code.cooldownRemainingSeconds(at(29_001), cooldown)).toBe(1);
    expect(code.cooldownRemainingSeconds(at(29_999), cooldown)).toBe(1);
    expect(code.cooldownRemainingSeconds(at(30_000), cooldown)).toBe(0);
    expect(code.cooldownRemainingSeconds(at(90_000), cooldown)).toBe(0);
    expect(code.cooldownRemainingSeconds(ISSUED, 0)).toBe(0);
  });

  it('keeps only a digest, never the plain code', () => {
    for (const plain of ['0000', '0042', '1234', '9999']) {
      const { digest } = aCode(plain).toPrimitives();
      expect(digest).not.toBe(plain);
      expect(digest).not.toContain(plain);
      expect(digest).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(aCode(plain).toPrimitives())).not.toContain(`"${plain}"`);
    }
  });

  it('digests per account: one code gives different digests for two users', () => {
    expect(ActivationCode.digest('u1', '1234')).not.toBe(ActivationCode.digest('u2', '1234'));
    expect(ActivationCode.digest('u1', '1234')).toBe(ActivationCode.digest('u1', '1234'));
  });

  it.each(['123', '12345', '12a4', '１２３４', ''])(
    'refuses to issue the malformed code %j',
    (plain) => {
      expect(() =>
        ActivationCode.issue({ id: 'c', userId: USER, plain, issuedAt: ISSUED, ttlSeconds: TTL }),
      ).toThrow(RangeError);
    },
  );

  it('round-trips through its primitives without sharing them', () => {
    const original = aCode('0042', 2);
    const primitives = original.toPrimitives();
    const copy = ActivationCode.fromPrimitives(primitives);
    expect(copy.toPrimitives()).toEqual(primitives);
    expect(copy.toPrimitives()).not.toBe(primitives);
    expect(copy.check(USER, '0042', ISSUED, MAX)).toBe('valid');
  });
});
