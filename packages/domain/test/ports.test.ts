import { describe, expect, it } from 'vitest';
import { defaultActivationPolicy, randomIdGenerator, systemClock } from '../src/index.js';

describe('production ports shipped with the domain', () => {
  it('systemClock tells the real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('randomIdGenerator gives distinct v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 100 }, () => randomIdGenerator.next()));
    expect(ids.size).toBe(100);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the default policy is the contract: 60 s codes, 5 attempts, 30 s cooldown', () => {
    expect(defaultActivationPolicy).toEqual({
      codeTtlSeconds: 60,
      maxAttempts: 5,
      resendCooldownSeconds: 30,
      lockoutSeconds: 60,
      lockoutMaxSeconds: null,
      mailPerMailboxPerDay: 10,
      passwordFailuresPer15Minutes: 10,
      strikeMemoryDays: 365,
    });
  });
});
