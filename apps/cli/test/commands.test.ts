import { PgOutbox, PgUserRepository } from '@signup/adapters';
import { aRegistration } from '@signup/domain/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationCodeIn, describeOnPostgres, json, runOn, uniqueEmail } from './support/index.js';

const PASSWORD = 'correct horse battery';

/** A code that is certainly not `code`. */
function otherCode(code: string): string {
  return String((Number(code) + 1) % 10_000).padStart(4, '0');
}

describeOnPostgres('signup commands', (engine) => {
  const run = runOn(engine);

  /** Registers with console mail; returns the account's JSON and the code from the mail log. */
  async function register(email: string, env: Record<string, string> = {}) {
    const result = await run(['register', email, '--password-stdin', '--json'], {
      input: `${PASSWORD}\n`,
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    return { user: json(result), code: activationCodeIn(result.stderr) };
  }

  beforeAll(async () => {
    const result = await run(['migrate']);
    expect(result.code, result.stderr).toBe(0);
  });

  // Independent data (a fresh email each), so the runs overlap on both cores.
  describe.concurrent('each command', () => {
    it('register --json: the pending account, its email sent by the console mailer, no secret on stdout', async () => {
      const email = uniqueEmail('Alice');
      const result = await run(
        ['register', `  ${email.toUpperCase()} `, '--password-stdin', '--json'],
        {
          input: `${PASSWORD}\nsecond line ignored\n`,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const body = json(result);
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: email.toLowerCase(),
        status: 'pending',
        createdAt: expect.any(String),
        activatedAt: null,
        activationCodeExpiresAt: expect.any(String),
        activationEmail: 'sent',
      });
      const code = activationCodeIn(result.stderr); // the console transport's log line
      expect(result.stdout).not.toContain(code);
      expect(result.stdout).not.toMatch(/hash|\$2[aby]\$/);
    });

    it('register prints a human summary by default and accepts CRLF on stdin', async () => {
      const email = uniqueEmail();
      const result = await run(['register', email, '--password-stdin'], {
        input: `${PASSWORD}\r\n`,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^Registered ${email} \\(pending, id [0-9a-f-]{36}\\)\\.\\n`),
      );
      expect(result.stdout).toMatch(/Activation email sent; the code expires at \d{4}-/);
      // the password is exactly the first line: it authenticates in the domain's rules (length check)
      expect(result.stdout).not.toContain(PASSWORD);
    });

    it('register refuses a too short password with the rule (exit 2)', async () => {
      const result = await run(['register', uniqueEmail(), '--password-stdin', '--json'], {
        input: 'short\n',
      });
      expect(result.code).toBe(2);
      expect(json(result)).toEqual({
        error: expect.objectContaining({
          code: 'validation_failed',
          errors: [{ path: 'password', message: 'must be at least 8 characters' }],
        }),
      });
      expect(result.stderr).toMatch(
        /^signup: Invalid input: password: must be at least 8 characters\n$/,
      );
    });

    it("register sends this account's email only, never another account's due mail", async () => {
      const other = aRegistration({ email: uniqueEmail('queued'), plain: '4321' });
      await engine().withSql((sql) =>
        new PgUserRepository(sql).commit({ user: other.user, message: other.activation }),
      );

      const email = uniqueEmail();
      const result = await run(['register', email, '--password-stdin', '--json'], {
        input: `${PASSWORD}\n`,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(json(result)).toMatchObject({ activationEmail: 'sent' });
      expect(result.stderr).toContain(`activation email for ${email}`);
      expect(result.stderr).not.toContain(other.user.email);
      expect(
        await engine().withSql((sql) => new PgOutbox(sql).latestMessageState(other.user.id)),
      ).toBe('pending');
    });

    it('activate: a wrong code is refused with the attempts left (exit 1), the right one activates, then already active', async () => {
      const email = uniqueEmail();
      const { code } = await register(email);

      const wrong = await run(['activate', email, otherCode(code), '--json']);
      expect(wrong.code).toBe(1);
      expect(json(wrong)).toEqual({
        error: {
          code: 'activation_code_invalid',
          message: expect.stringContaining('4 attempt(s) remaining'),
          attemptsRemaining: 4,
        },
      });
      expect(wrong.stderr).toBe(
        'signup: The activation code is not correct; 4 attempt(s) remaining.\n',
      );

      const right = await run(['activate', email, code, '--json']);
      expect(right.code, right.stderr).toBe(0);
      expect(json(right)).toEqual({
        id: expect.any(String),
        email,
        status: 'active',
        createdAt: expect.any(String),
        activatedAt: expect.any(String),
      });

      const again = await run(['activate', email, code]);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe('signup: This account is already active.\n');

      const taken = await run(['register', email, '--password-stdin', '--json'], {
        input: `${PASSWORD}\n`,
      });
      expect(taken.code).toBe(1);
      expect(json(taken)).toEqual({ error: expect.objectContaining({ code: 'email_taken' }) });

      const resend = await run(['resend', email]);
      expect(resend.code).toBe(1);
      expect(resend.stderr).toContain('already active');
    });

    it('activate prints a human line by default', async () => {
      const email = uniqueEmail();
      const { code } = await register(email);
      const result = await run(['activate', email, code]);
      expect(result).toMatchObject({ code: 0, stdout: `Activated ${email}.\n` });
    });

    it('activate: after ACTIVATION_MAX_ATTEMPTS wrong codes even the right one is refused (exhausted)', async () => {
      const email = uniqueEmail();
      const env = { ACTIVATION_MAX_ATTEMPTS: '2' };
      const { code } = await register(email, env);
      const first = await run(['activate', email, otherCode(code), '--json'], { env });
      expect(json(first)).toMatchObject({ error: { attemptsRemaining: 1 } });
      const second = await run(['activate', email, otherCode(code), '--json'], { env });
      expect(json(second)).toMatchObject({ error: { attemptsRemaining: 0 } });
      const right = await run(['activate', email, code, '--json'], { env });
      expect(right.code).toBe(1);
      expect(json(right)).toEqual({
        error: expect.objectContaining({ code: 'activation_code_exhausted' }),
      });
      // the strike that burned the code locked the address: no new code for a while
      const resend = await run(['resend', email, '--json'], {
        env: { ...env, ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
      });
      expect(resend.code).toBe(1);
      expect(json(resend)).toEqual({
        error: expect.objectContaining({
          code: 'activation_locked',
          retryAfterSeconds: expect.any(Number),
          lockedUntil: expect.any(String),
        }),
      });
    });

    it('activate: an expired code is refused (exit 1)', async () => {
      const email = uniqueEmail();
      const { user, code } = await register(email);
      await engine().withSql((sql) =>
        sql.query(
          `UPDATE activation_codes SET issued_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
          WHERE user_id = $1`,
          [user.id],
        ),
      );
      const result = await run(['activate', email, code, '--json']);
      expect(result.code).toBe(1);
      expect(json(result)).toEqual({
        error: expect.objectContaining({ code: 'activation_code_expired' }),
      });
    });

    it('activate: unknown email (exit 1), malformed code (exit 2)', async () => {
      const unknown = await run(['activate', uniqueEmail('nobody'), '1234', '--json']);
      expect(unknown.code).toBe(1);
      expect(json(unknown)).toEqual({ error: expect.objectContaining({ code: 'user_not_found' }) });

      const { user } = await register(uniqueEmail());
      const malformed = await run(['activate', String(user.email), '12a4']);
      expect(malformed.code).toBe(2);
      expect(malformed.stderr).toBe('signup: Invalid input: code: must be exactly 4 digits\n');
    });

    it('resend: within the cooldown refused with retryAfterSeconds; after it a new code replaces the old', async () => {
      const email = uniqueEmail();
      const { code: first } = await register(email);

      const tooSoon = await run(['resend', email, '--json']);
      expect(tooSoon.code).toBe(1);
      expect(json(tooSoon)).toEqual({
        error: expect.objectContaining({
          code: 'resend_too_soon',
          retryAfterSeconds: expect.any(Number),
        }),
      });

      const env = { ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' };
      const resent = await run(['resend', email, '--json'], { env });
      expect(resent.code, resent.stderr).toBe(0);
      expect(json(resent)).toEqual({
        email,
        activationCodeExpiresAt: expect.any(String),
        activationEmail: 'sent',
      });
      const second = activationCodeIn(resent.stderr);
      if (second !== first) {
        const old = await run(['activate', email, first, '--json']);
        expect(json(old)).toMatchObject({
          error: { code: 'activation_code_invalid', attemptsRemaining: 4 },
        });
      }
      const activated = await run(['activate', email, second]);
      expect(activated.code, activated.stderr).toBe(0);
    });

    it('resend: unknown email is refused (exit 1); human output by default', async () => {
      const unknown = await run(['resend', uniqueEmail('nobody')]);
      expect(unknown).toMatchObject({
        code: 1,
        stderr: 'signup: No account exists for this email address.\n',
      });

      const email = uniqueEmail();
      await register(email);
      const resent = await run(['resend', email], {
        env: { ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
      });
      expect(resent.code, resent.stderr).toBe(0);
      expect(resent.stdout).toMatch(
        new RegExp(`^New activation code for ${email} sent; it expires at \\d{4}-`),
      );
    });

    it('register again while pending (after the cooldown) replaces the account and its code', async () => {
      const email = uniqueEmail();
      const { user, code: first } = await register(email);
      const env = { ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' };
      const { user: again, code } = await register(email, env);
      // a re-registration is a fresh account (new id); the old pending one is gone
      expect(again.id).not.toBe(user.id);
      expect(json(await run(['users', 'show', email, '--json']))).toMatchObject({ id: again.id });
      if (first !== code) {
        const old = await run(['activate', email, first, '--json']);
        expect(json(old)).toMatchObject({ error: { code: 'activation_code_invalid' } });
      }
      expect((await run(['activate', email, code])).code).toBe(0);
    });

    it('users show: --json and human, never a hash or a code; unknown email exit 1', async () => {
      const email = uniqueEmail();
      const { user, code } = await register(email);
      const shown = await run(['users', 'show', email, '--json']);
      expect(shown.code).toBe(0);
      expect(json(shown)).toEqual({ ...user, activationEmail: undefined });
      expect(Object.keys(json(shown)).sort()).toEqual(
        ['activatedAt', 'activationCodeExpiresAt', 'createdAt', 'email', 'id', 'status'].sort(),
      );
      expect(shown.stdout).not.toContain(code);

      const human = await run(['users', 'show', email.toUpperCase()]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(
        new RegExp(`^id: +${String(user.id)}\\nemail: +${email}\\nstatus: +pending\\n`),
      );
      expect(human.stdout).not.toMatch(/\$2[aby]\$/);

      const unknown = await run(['users', 'show', uniqueEmail('nobody')]);
      expect(unknown).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'signup: No account exists for this email address.\n',
      });
    });

    it('users list: an array with --json filtered by --status and cut at --limit, a table for people', async () => {
      const active = uniqueEmail('active');
      const pending = uniqueEmail('pending');
      const { code } = await register(active);
      await register(pending);
      expect((await run(['activate', active, code])).code).toBe(0);

      const activeOnly = json<{ email: string; status: string }[]>(
        await run(['users', 'list', '--status', 'active', '--limit', '1000', '--json']),
      );
      expect(activeOnly.every((u) => u.status === 'active')).toBe(true);
      expect(activeOnly.map((u) => u.email)).toContain(active);
      expect(activeOnly.map((u) => u.email)).not.toContain(pending);

      const pendingOnly = json<{ email: string; status: string }[]>(
        await run(['users', 'list', '--status', 'pending', '--limit', '1000', '--json']),
      );
      expect(pendingOnly.every((u) => u.status === 'pending')).toBe(true);
      expect(pendingOnly.map((u) => u.email)).toContain(pending);

      const newest = json<unknown[]>(await run(['users', 'list', '--limit', '1', '--json']));
      expect(newest).toHaveLength(1);
      expect(Object.keys(newest[0] as object)).not.toContain('passwordHash');

      const table = await run(['users', 'list']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^EMAIL +STATUS +CREATED +ACTIVATED +CODE EXPIRES +ID\n/);
      expect(table.stdout).toContain(active);
      expect(table.stdout).toMatch(/\d+ account\(s\)/);
    });
  });
});
