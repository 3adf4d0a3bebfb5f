import { describe, expect, it } from 'vitest';
import { ActivationCode, User } from '../src/index.js';
import { testKeyring } from '../src/testing/index.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ID = '00000000-0000-4000-8000-000000000001';

function aPendingUser(): User {
  const code = ActivationCode.issue({
    id: 'c1',
    userId: ID,
    plain: '0042',
    issuedAt: NOW,
    ttlSeconds: 60,
    keyring: testKeyring,
  });
  return User.register({
    id: ID,
    email: 'ada@example.test',
    passwordHash: 'hash!',
    createdAt: NOW,
    code,
  });
}

describe('User', () => {
  it('registers as pending with its live code', () => {
    const user = aPendingUser();
    expect(user.id).toBe(ID);
    expect(user.email).toBe('ada@example.test');
    expect(user.passwordHash).toBe('hash!');
    expect(user.status).toBe('pending');
    expect(user.isActive).toBe(false);
    expect(user.createdAt).toEqual(NOW);
    expect(user.activatedAt).toBeNull();
    expect(user.activationCode?.id).toBe('c1');
    expect(user.activationCode?.expiresAt).toEqual(new Date(NOW.getTime() + 60_000));
  });

  it('shows the public view of a pending account: never the hash, never the code', () => {
    const view = aPendingUser().toPublic();
    expect(view).toEqual({
      id: ID,
      email: 'ada@example.test',
      status: 'pending',
      createdAt: NOW,
      activatedAt: null,
      activationCodeExpiresAt: new Date(NOW.getTime() + 60_000),
    });
    const text = JSON.stringify(view);
    expect(text).not.toContain('hash!');
    expect(text).not.toContain('0042');
    const digest = aPendingUser().toPrimitives().activationCode?.digest ?? 'missing digest';
    expect(digest).toHaveLength(64);
    expect(text).not.toContain(digest);
  });

  it('shows an active account without a code expiry', () => {
    const activatedAt = new Date(NOW.getTime() + 5000);
    const active = User.fromPrimitives({
      ...aPendingUser().toPrimitives(),
      status: 'active',
      activatedAt,
      activationCode: null,
    });
    expect(active.isActive).toBe(true);
    expect(active.activationCode).toBeNull();
    expect(active.toPublic()).toMatchObject({
      status: 'active',
      activatedAt,
      activationCodeExpiresAt: null,
    });
  });

  it('round-trips through its primitives', () => {
    const primitives = aPendingUser().toPrimitives();
    expect(User.fromPrimitives(primitives).toPrimitives()).toEqual(primitives);
  });
});
