import { describe, expect, it } from 'vitest';
import { ActivationCode, SecretKeyring, ValidationError } from '../src/index.js';
import { testKeyring } from '../src/testing/index.js';
import { aWorld, EMAIL } from './support/world.js';

const USER = '00000000-0000-4000-8000-000000000001';
const ISSUED = new Date('2026-03-01T12:00:00.000Z');
const TTL = 60;
const MAX = 5;
const at = (ms: number) => new Date(ISSUED.getTime() + ms);

function aCode(plain = '0042', attempts = 0, userId = USER): ActivationCode {
  const code = ActivationCode.issue({
    id: 'code-1',
    userId,
    plain,
    issuedAt: ISSUED,
    ttlSeconds: TTL,
    keyring: testKeyring,
  });
  return ActivationCode.fromPrimitives({ ...code.toPrimitives(), attempts });
}

/** `check` with the shared test keyring. */
const check = (code: ActivationCode, userId: string, candidate: string, now: Date) =>
  code.check(userId, candidate, now, MAX, testKeyring);

describe('ActivationCode', () => {
  it('is issued with its expiry TTL seconds later and no attempts', () => {
    const code = aCode();
    expect(code.id).toBe('code-1');
    expect(code.issuedAt).toEqual(ISSUED);
    expect(code.expiresAt).toEqual(at(TTL * 1000));
    expect(code.attempts).toBe(0);
  });

  it('accepts the right code, leading zeros included', () => {
    expect(check(aCode('0042'), USER, '0042', ISSUED)).toBe('valid');
    expect(check(aCode('0042'), USER, '0043', ISSUED)).toBe('wrong');
    // '42' (the zeros dropped) never reaches `check`: see the malformed candidates below.
  });

  it('is bound to its account: the same digits for another user are wrong', () => {
    expect(check(aCode('0042'), 'someone-else', '0042', ISSUED)).toBe('wrong');
  });

  // `check` takes a candidate already validated as 4 ASCII digits: ActivateUser
  // validates the code once, so a malformed one never activates, and is refused
  // as a validation error (422) without counting an attempt.
  it.each(['42', '１２３４', '1234 '])(
    'leaves the malformed candidate %j to ActivateUser, which refuses it as invalid input',
    async (candidate) => {
      const w = aWorld({ codes: ['0042', '1234'] });
      await w.register();
      const error = await w.activate(candidate).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors[0]?.path).toBe('code');
      const stored = await w.users.findByEmail(EMAIL);
      expect(stored?.status).toBe('pending');
      expect(stored?.activationCode?.attempts).toBe(0);
    },
  );

  it('is valid 1 ms before issuedAt + TTL and expired exactly at it', () => {
    const code = aCode('0042');
    const lastValid = at(TTL * 1000 - 1);
    const boundary = at(TTL * 1000);
    expect(code.isExpired(lastValid)).toBe(false);
    expect(check(code, USER, '0042', lastValid)).toBe('valid');
    expect(code.isExpired(boundary)).toBe(true);
    expect(check(code, USER, '0042', boundary)).toBe('expired');
    expect(check(code, USER, '9999', boundary)).toBe('expired');
  });

  it('is exhausted at the attempt limit and then refuses even the right code', () => {
    expect(aCode('0042', MAX - 1).isExhausted(MAX)).toBe(false);
    expect(check(aCode('0042', MAX - 1), USER, '0042', ISSUED)).toBe('valid');
    const burned = aCode('0042', MAX);
    expect(burned.isExhausted(MAX)).toBe(true);
    expect(check(burned, USER, '0042', ISSUED)).toBe('exhausted');
    expect(check(burned, USER, '1111', ISSUED)).toBe('exhausted');
  });

  it('says exhausted before expired', () => {
    expect(check(aCode('0042', MAX), USER, '0042', at(TTL * 1000))).toBe('exhausted');
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
    const digest = (userId: string) => aCode('1234', 0, userId).toPrimitives().digest;
    expect(digest('u1')).not.toBe(digest('u2'));
    expect(digest('u1')).toBe(digest('u1'));
  });

  it('digests under the server secret, naming the key that made the digest', () => {
    const primitives = aCode('1234').toPrimitives();
    expect(primitives.keyId).toBe(testKeyring.currentKeyId);
    const otherSecret = new SecretKeyring('another-secret-for-signup-tests-only-987654');
    const other = ActivationCode.issue({
      id: 'code-1',
      userId: USER,
      plain: '1234',
      issuedAt: ISSUED,
      ttlSeconds: TTL,
      keyring: otherSecret,
    });
    expect(other.toPrimitives().digest).not.toBe(primitives.digest);
    // A key that is no longer held cannot confirm the code: it can only be expired.
    expect(other.check(USER, '1234', ISSUED, MAX, testKeyring)).toBe('expired');
  });

  it.each(['123', '12345', '12a4', '１２３４', ''])(
    'refuses to issue the malformed code %j',
    (plain) => {
      expect(() =>
        ActivationCode.issue({
          id: 'c',
          userId: USER,
          plain,
          issuedAt: ISSUED,
          ttlSeconds: TTL,
          keyring: testKeyring,
        }),
      ).toThrow(RangeError);
    },
  );

  it('round-trips through its primitives without sharing them', () => {
    const original = aCode('0042', 2);
    const primitives = original.toPrimitives();
    const copy = ActivationCode.fromPrimitives(primitives);
    expect(copy.toPrimitives()).toEqual(primitives);
    expect(copy.toPrimitives()).not.toBe(primitives);
    expect(check(copy, USER, '0042', ISSUED)).toBe('valid');
  });
});
