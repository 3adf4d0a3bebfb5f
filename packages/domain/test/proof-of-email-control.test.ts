import { describe, expect, it } from 'vitest';
import {
  ActivationCodeExhaustedError,
  ActivationCodeExpiredError,
  ActivationCodeInvalidError,
  ActivationLockedError,
  MailQuotaExceededError,
  ResendTooSoonError,
} from '../src/index.js';
import { aWorld, EMAIL, PASSWORD, type World } from './support/world.js';

const YEAR_SECONDS = 365 * 24 * 60 * 60;
const DAY_SECONDS = 24 * 60 * 60;
const CODE_SPACE = 10_000;

interface AttackReport {
  /** Wrong guesses made on each code the attacker got. */
  readonly guessesPerCode: number[];
  /** When each activation email was queued (seconds since the attack began). */
  readonly mailsAt: number[];
}

/**
 * The attacker of the contract: registered someone else's address, so knows
 * the password, has unlimited IPs, and acts instantly. For one year they take
 * every code they can get and guess until the code is refused, waiting
 * exactly as long as each refusal's Retry-After says. The real code is always
 * 1234 and their guesses start at 0000, so every guess is wrong: what is
 * counted is how many guesses they get, the quantity the chance follows from.
 */
async function attackForAYear(
  world: World,
  strategy: { guessesPerCode: number; tagVariants: boolean },
): Promise<AttackReport> {
  const start = world.clock.now().getTime();
  const elapsed = () => (world.clock.now().getTime() - start) / 1000;
  const report: AttackReport = { guessesPerCode: [], mailsAt: [] };
  let variant = 0;
  let email = EMAIL;
  let haveAccount = false;

  while (elapsed() < YEAR_SECONDS) {
    try {
      if (strategy.tagVariants) {
        variant += 1;
        email = EMAIL.replace('@', `+${variant}@`);
        await world.register(email);
      } else if (!haveAccount) {
        await world.register(email);
        haveAccount = true;
      } else {
        await world.service.resend.withCredentials({ email, password: PASSWORD });
      }
      report.mailsAt.push(elapsed());
    } catch (error) {
      if (
        error instanceof ActivationLockedError ||
        error instanceof ResendTooSoonError ||
        error instanceof MailQuotaExceededError
      ) {
        if (strategy.tagVariants) variant -= 1;
        world.clock.advanceSeconds(error.retryAfterSeconds);
        continue;
      }
      throw error;
    }

    let guesses = 0;
    while (guesses < strategy.guessesPerCode) {
      const guess = String(guesses).padStart(4, '0');
      try {
        await world.activate(guess, email);
        throw new Error('a wrong guess activated the account');
      } catch (error) {
        if (error instanceof ActivationCodeInvalidError) {
          guesses += 1;
          if (error.attemptsRemaining === 0) break;
          continue;
        }
        if (
          error instanceof ActivationCodeExhaustedError ||
          error instanceof ActivationCodeExpiredError
        )
          break;
        throw error;
      }
    }
    report.guessesPerCode.push(guesses);
  }
  return report;
}

/** The chance that at least one guess hit: each code is uniform, guesses within a code are distinct. */
function chanceOfActivation(guessesPerCode: readonly number[]): number {
  return 1 - guessesPerCode.reduce((miss, g) => miss * (1 - g / CODE_SPACE), 1);
}

/** The most emails queued in any 24 hours. */
function mostMailsInADay(mailsAt: readonly number[]): number {
  let most = 0;
  for (let i = 0; i < mailsAt.length; i += 1) {
    const from = mailsAt[i] as number;
    most = Math.max(most, mailsAt.filter((t) => t >= from && t < from + DAY_SECONDS).length);
  }
  return most;
}

describe('proof of email control: one year of the best attack, default settings', () => {
  // Guessing the whole budget of each code, or stopping one short and asking
  // for a new code (which would dodge a lockout keyed only on burned codes),
  // or a fresh `+tag` variant for every code: the figures must hold for each.
  const strategies = [
    { name: 'burn every code', guessesPerCode: 5, tagVariants: false },
    { name: 'four guesses, then a new code', guessesPerCode: 4, tagVariants: false },
    { name: 'a new +tag variant for every code', guessesPerCode: 5, tagVariants: true },
  ];

  for (const strategy of strategies) {
    it(`${strategy.name}: at most 100 guesses, at most 1 % chance, at most 10 mails a day`, async () => {
      const world = aWorld({ codes: ['1234'] });
      const report = await attackForAYear(world, strategy);
      const guesses = report.guessesPerCode.reduce((a, b) => a + b, 0);
      const chance = chanceOfActivation(report.guessesPerCode);

      expect(guesses).toBeLessThanOrEqual(100);
      expect(chance).toBeLessThanOrEqual(0.01);
      expect(mostMailsInADay(report.mailsAt)).toBeLessThanOrEqual(10);
      // The bound is tight, not vacuous: the attacker does get about 100 guesses.
      expect(guesses).toBeGreaterThanOrEqual(95);
    });
  }

  it('the README figures: 100 guesses a year, 0.995 % chance, 10 mails a day', async () => {
    const world = aWorld({ codes: ['1234'] });
    const report = await attackForAYear(world, strategies[0] as (typeof strategies)[0]);
    expect(report.guessesPerCode.reduce((a, b) => a + b, 0)).toBe(100);
    expect(chanceOfActivation(report.guessesPerCode)).toBeCloseTo(0.00995, 5);
    expect(mostMailsInADay(report.mailsAt)).toBe(10);
  });

  it('flooding the inbox without guessing: 10 emails in any 24 hours, the 11th refused', async () => {
    const world = aWorld();
    await world.register();
    let sent = 1;
    let refusal: MailQuotaExceededError | null = null;
    for (let i = 0; i < 40 && !refusal; i += 1) {
      world.clock.advanceSeconds(30);
      try {
        await world.service.resend.withCredentials({ email: EMAIL, password: PASSWORD });
        sent += 1;
      } catch (error) {
        if (!(error instanceof MailQuotaExceededError)) throw error;
        refusal = error;
      }
    }
    expect(sent).toBe(10);
    expect(refusal?.retryAfterSeconds).toBe(DAY_SECONDS - 9 * 30 - 30);
  });
});

describe('proof of email control: the legitimate user', () => {
  it('who mistypes a whole code waits 60 s for a new one, not a second more', async () => {
    const world = aWorld({ codes: ['1234', '5678'] });
    await world.register();
    for (const wrong of ['0000', '0001', '0002', '0003']) {
      await expect(world.activate(wrong)).rejects.toBeInstanceOf(ActivationCodeInvalidError);
    }
    await expect(world.activate('0004')).rejects.toMatchObject({ attemptsRemaining: 0 });

    world.clock.advanceSeconds(59);
    await expect(
      world.service.resend.withCredentials({ email: EMAIL, password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'activation_locked', retryAfterSeconds: 1 });
    world.clock.advanceSeconds(1);
    await world.service.resend.withCredentials({ email: EMAIL, password: PASSWORD });
    await expect(world.activate('5678')).resolves.toMatchObject({ status: 'active' });
  });
});
