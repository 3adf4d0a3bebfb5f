import { describe, expect, it } from 'vitest';
import {
  ActivationCodeExhaustedError,
  ActivationCodeInvalidError,
  AlreadyActiveError,
} from '../src/index.js';
import { aWorld, EMAIL, tally } from './support/world.js';

describe('ActivateUser under concurrency', () => {
  it('20 concurrent right codes: exactly one activates, 19 see already_active', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    const { fulfilled, refusals } = await tally(
      Array.from({ length: 20 }, () => w.activate('1234')),
    );
    expect(fulfilled).toBe(1);
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(AlreadyActiveError);
    expect((await w.users.findByEmail(EMAIL))?.status).toBe('active');
  });

  it('10 concurrent wrong codes with 5 allowed: 5 invalid, 5 exhausted, exactly 5 counted', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    const { fulfilled, refusals } = await tally(
      Array.from({ length: 10 }, () => w.activate('9999')),
    );
    expect(fulfilled).toBe(0);
    const invalid = refusals.filter((r) => r instanceof ActivationCodeInvalidError);
    const exhausted = refusals.filter((r) => r instanceof ActivationCodeExhaustedError);
    expect(invalid).toHaveLength(5);
    expect(exhausted).toHaveLength(5);
    expect(invalid.map((r) => r.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await w.users.findByEmail(EMAIL))?.activationCode?.attempts).toBe(5);
  });

  it('20 concurrent wrong codes under a limit of 25: all 20 counted, none lost', async () => {
    const w = aWorld({ codes: ['1234'], policy: { maxAttempts: 25 } });
    await w.register();
    const { refusals } = await tally(Array.from({ length: 20 }, () => w.activate('9999')));
    const remaining = refusals.map((r) => (r as ActivationCodeInvalidError).attemptsRemaining);
    expect(new Set(remaining).size).toBe(20);
    expect(Math.min(...remaining)).toBe(5);
    expect((await w.users.findByEmail(EMAIL))?.activationCode?.attempts).toBe(20);
  });

  it('a right code racing wrong ones still wins while attempts remain', async () => {
    const w = aWorld({ codes: ['1234'] });
    await w.register();
    const { fulfilled } = await tally([w.activate('0000'), w.activate('1234'), w.activate('1111')]);
    expect(fulfilled).toBe(1);
    expect((await w.users.findByEmail(EMAIL))?.status).toBe('active');
  });
});
