import { beforeAll, describe, expect, it } from 'vitest';
import {
  activationCodeIn,
  describeOnBothEngines,
  json,
  runOn,
  uniqueEmail,
} from './support/index.js';

const PASSWORD = 'correct horse battery';
/** Resends at once: the cooldown is not what these tests are about. */
const NO_COOLDOWN = { ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' };
/** A dozen CLI runs, each starting PGlite (about 2 s, more on a busy machine). */
const SCENARIO_TIMEOUT_MS = 180_000;

/** A code that is certainly not `code`. */
function otherCode(code: string): string {
  return String((Number(code) + 1) % 10_000).padStart(4, '0');
}

function expectOneErrorLine(stderr: string) {
  expect(stderr).toMatch(/^signup: \S[^\n]*\n$/);
}

// PostgreSQL and PGlite side by side (independent databases), on both cores;
// within one engine the runs take turns (PGlite is one process at a time).
describe.concurrent('signup unlock and the per-address limits', () => {
  describeOnBothEngines('signup unlock', (engine) => {
    const run = runOn(engine, NO_COOLDOWN);

    beforeAll(async () => {
      const migrated = await run(['migrate']);
      expect(migrated.code, migrated.stderr).toBe(0);
    });

    describe.sequential('one run at a time', () => {
      it(
        '5 wrong codes lock the address (resend exit 1, activation_locked); unlock clears it; resend works again',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
          const email = uniqueEmail('locked');
          const registered = await run(['register', email, '--password-stdin'], {
            input: `${PASSWORD}\n`,
          });
          expect(registered.code, registered.stderr).toBe(0);
          const wrong = otherCode(activationCodeIn(registered.stderr));

          // The operator's `activate` strikes like the holder's: the 5th wrong code burns and locks.
          for (const remaining of [4, 3, 2, 1, 0]) {
            const refused = await run(['activate', email, wrong, '--json']);
            expect(refused.code).toBe(1);
            expect(json(refused)).toEqual({
              error: expect.objectContaining({
                code: 'activation_code_invalid',
                attemptsRemaining: remaining,
              }),
            });
          }

          const locked = await run(['resend', email, '--json']);
          expect(locked.code).toBe(1);
          expectOneErrorLine(locked.stderr);
          expect(locked.stderr).toMatch(
            /^signup: Too many wrong codes for this address: no new code until /,
          );
          expect(json(locked)).toEqual({
            error: expect.objectContaining({
              code: 'activation_locked',
              retryAfterSeconds: expect.any(Number),
              lockedUntil: expect.any(String),
            }),
          });

          const unlocked = await run(['unlock', email]);
          expect(unlocked.code, unlocked.stderr).toBe(0);
          expect(unlocked.stdout).toBe(`Unlocked ${email}: 5 strike(s) cleared, lockout lifted.\n`);

          const resent = await run(['resend', email, '--json']);
          expect(resent.code, resent.stderr).toBe(0);
          expect(json(resent)).toMatchObject({ email, activationEmail: 'sent' });
          const activated = await run(['activate', email, activationCodeIn(resent.stderr)]);
          expect(activated.code, activated.stderr).toBe(0);
        },
      );

      it(
        'unlock --json is one document with strikesCleared and wasLocked; a +tag variant is the same mailbox',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
          const email = uniqueEmail('tagged');
          const registered = await run(['register', email, '--password-stdin'], {
            input: `${PASSWORD}\n`,
          });
          expect(registered.code, registered.stderr).toBe(0);
          const wrong = otherCode(activationCodeIn(registered.stderr));
          for (let i = 0; i < 2; i += 1)
            expect((await run(['activate', email, wrong])).code).toBe(1);

          const tagged = email.replace('@', '+ops@');
          const unlocked = await run(['unlock', tagged, '--json']);
          expect(unlocked.code, unlocked.stderr).toBe(0);
          expect(json(unlocked)).toEqual({ email: tagged, strikesCleared: 2, wasLocked: false });

          const again = await run(['unlock', email, '--json']);
          expect(again.code, again.stderr).toBe(0);
          expect(json(again)).toEqual({ email, strikesCleared: 0, wasLocked: false });
        },
      );

      it(
        'unlock on an address with nothing to clear exits 0 and says so; an invalid email is exit 2',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
          const email = uniqueEmail('nothing');
          const nothing = await run(['unlock', email]);
          expect(nothing).toMatchObject({ code: 0, stdout: `Nothing to clear for ${email}.\n` });

          const invalid = await run(['unlock', 'not-an-email', '--json']);
          expect(invalid.code).toBe(2);
          expect(json(invalid)).toEqual({
            error: expect.objectContaining({
              code: 'validation_failed',
              errors: [expect.objectContaining({ path: 'email' })],
            }),
          });
        },
      );

      it(
        'resend over the mailbox budget (MAIL_PER_ADDRESS_PER_DAY=2) is refused with mail_quota_exceeded (exit 1)',
        { timeout: SCENARIO_TIMEOUT_MS },
        async () => {
          const env = { MAIL_PER_ADDRESS_PER_DAY: '2' };
          const email = uniqueEmail('budget');
          const registered = await run(['register', email, '--password-stdin'], {
            input: `${PASSWORD}\n`,
            env,
          });
          expect(registered.code, registered.stderr).toBe(0); // email 1
          const resent = await run(['resend', email], { env });
          expect(resent.code, resent.stderr).toBe(0); // email 2

          const over = await run(['resend', email, '--json'], { env });
          expect(over.code).toBe(1);
          expectOneErrorLine(over.stderr);
          expect(over.stderr).toMatch(/activation emails for today/);
          expect(json(over)).toEqual({
            error: expect.objectContaining({
              code: 'mail_quota_exceeded',
              retryAfterSeconds: expect.any(Number),
            }),
          });

          // unlock does not refill the budget: it protects the owner's inbox
          expect((await run(['unlock', email])).code).toBe(0);
          expect(json(await run(['resend', email, '--json'], { env }))).toEqual({
            error: expect.objectContaining({ code: 'mail_quota_exceeded' }),
          });
        },
      );
    });
  });
});
