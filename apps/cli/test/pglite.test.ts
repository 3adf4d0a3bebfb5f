import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPgliteSqlClient } from '@signup/adapters';
import {
  activationCodeIn,
  describeOnPglite,
  json,
  runSignup,
  uniqueEmail,
  type Engine,
  type RunOptions,
} from './support/index.js';
import { closedPort } from '@signup/testkit';

const PASSWORD = 'correct horse battery';

/**
 * Every command and exit code on the embedded database, in one scenario:
 * each run starts PGlite (about 2 s), so the detailed cases run on
 * PostgreSQL (commands, mail, migrate tests) and this covers the same paths
 * on PGlite once. Purging 10 000 accounts on PGlite is in purge.test.ts.
 */
// Independent DATA_DIRs: the scenarios overlap on both cores.
describe.concurrent('signup on PGlite', () => {
  describeOnPglite('signup on the embedded database', (engine: () => Engine) => {
    const run = (args: string[], options: RunOptions = {}) =>
      runSignup(args, { ...options, env: { ...engine().env(), ...options.env } });

    it('a fresh DATA_DIR migrated by the first command, register, activate, resend, users list/show: exit codes 0, 1, 2 and 3', async () => {
      // No prior migrate: the CLI migrates the embedded database first, as the server does.
      const fresh = await run(['users', 'list', '--json']);
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(json(fresh)).toEqual([]);

      const migrated = await run(['migrate', '--json']);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(json<{ applied: string[] }>(migrated).applied).toEqual([]);

      const alice = uniqueEmail('alice');
      const registered = await run(['register', alice, '--password-stdin', '--json'], {
        input: `${PASSWORD}\n`,
      });
      expect(registered.code, registered.stderr).toBe(0);
      expect(json(registered)).toMatchObject({
        email: alice,
        status: 'pending',
        activationEmail: 'sent',
      });
      const code = activationCodeIn(registered.stderr);

      const wrong = await run([
        'activate',
        alice,
        String((Number(code) + 1) % 10_000).padStart(4, '0'),
        '--json',
      ]);
      expect(wrong.code).toBe(1);
      expect(json(wrong)).toEqual({
        error: expect.objectContaining({ code: 'activation_code_invalid', attemptsRemaining: 4 }),
      });

      const malformed = await run(['activate', alice, '12a4']);
      expect(malformed).toMatchObject({
        code: 2,
        stderr: 'signup: Invalid input: code: must be exactly 4 digits\n',
      });

      const activated = await run(['activate', alice, code, '--json']);
      expect(activated.code, activated.stderr).toBe(0);
      expect(json(activated)).toMatchObject({ email: alice, status: 'active' });

      const resendActive = await run(['resend', alice]);
      expect(resendActive).toMatchObject({
        code: 1,
        stderr: 'signup: This account is already active.\n',
      });

      const bob = uniqueEmail('bob');
      const smtpDown = await run(['register', bob, '--password-stdin', '--json'], {
        input: `${PASSWORD}\n`,
        env: { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` },
      });
      expect(smtpDown.code).toBe(3);
      expect(json(smtpDown)).toMatchObject({
        email: bob,
        status: 'pending',
        activationEmail: 'queued',
      });

      const resent = await run(['resend', bob, '--json'], {
        env: { ACTIVATION_RESEND_COOLDOWN_SECONDS: '0' },
      });
      expect(resent.code, resent.stderr).toBe(0);
      expect(json(resent)).toMatchObject({ email: bob, activationEmail: 'sent' });
      activationCodeIn(resent.stderr);

      const listed = await run(['users', 'list', '--json']);
      expect(listed.code).toBe(0);
      expect(
        json<{ email: string; status: string }[]>(listed).map((u) => [u.email, u.status]),
      ).toEqual([
        [bob, 'pending'],
        [alice, 'active'],
      ]);

      const unknown = await run(['users', 'show', uniqueEmail('nobody'), '--json']);
      expect(unknown.code).toBe(1);
      expect(json(unknown)).toEqual({ error: expect.objectContaining({ code: 'user_not_found' }) });
    });
  });

  describe('signup on an embedded DATA_DIR another process holds and serves no socket', () => {
    let dataDir = '';
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'signup-cli-lock-'));
      const sql = await openPgliteSqlClient({ dataDir });
      await migrate(sql);
      await sql.close();
    });
    afterAll(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('gets a clear error and exit 3, and the store stays intact', async () => {
      const env = { DATA_DIR: dataDir };
      const email = uniqueEmail();
      const registered = await runSignup(['register', email, '--password-stdin'], {
        env,
        input: 'correct horse battery\n',
      });
      expect(registered.code, registered.stderr).toBe(0);

      // This test process plays a process that holds DATA_DIR without serving
      // it on a socket (the server serves one: see embedded-server.test.ts).
      const holder = await openPgliteSqlClient({ dataDir });
      try {
        for (const args of [['users', 'list'], ['migrate'], ['purge-expired']]) {
          const refused = await runSignup([...args, '--json'], { env });
          expect(refused.code).toBe(3);
          expect(refused.stderr).toMatch(
            new RegExp(
              `^signup: The data directory .* is in use by another process \\(pid ${process.pid}\\b`,
            ),
          );
          expect(refused.stderr.split('\n')).toHaveLength(2); // one line
          expect(json(refused)).toEqual({
            error: expect.objectContaining({ code: 'data_dir_in_use', pid: process.pid }),
          });
          expect(refused.ms).toBeLessThan(5000);
        }
        const { rows } = await holder.query<{ n: number }>(
          'SELECT count(*)::integer AS n FROM users',
        );
        expect(rows[0]?.n).toBe(1);
      } finally {
        await holder.close();
      }

      const after = await runSignup(['users', 'show', email, '--json'], { env });
      expect(after.code, after.stderr).toBe(0);
      expect(json(after)).toMatchObject({ email, status: 'pending' });
    });
  });
});
