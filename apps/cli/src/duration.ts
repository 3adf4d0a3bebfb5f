import { InvalidArgumentError } from 'commander';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const PATTERN = /^(\d{1,9})([smhd])$/;

export const DURATION_EXPECTED = 'expected a duration like 90s, 15m, 24h or 7d';

/** `90s`, `15m`, `24h`, `7d` to seconds; anything else is refused, never guessed. */
export function parseDuration(text: string): number {
  const match = PATTERN.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`${DURATION_EXPECTED}, got "${text}".`);
  const [, amount, unit] = match;
  return Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
}

/** Commander argument parser for a whole number within bounds. */
export function wholeNumber(min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got "${text}".`,
      );
    }
    return Number(text);
  };
}
