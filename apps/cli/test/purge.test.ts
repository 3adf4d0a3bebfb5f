import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeOnBothEngines, describeOnPostgres, type Engine } from './support/engines.js';
import { createPgSqlClient } from '@signup/adapters';
import { TEST_CONNECTION_TIMEOUT_MS } from '@signup/testkit';
import { expectStatus, pollWhile, startHttpServer } from './support/http-server.js';
import { json, runSignup, SIGNUP_BIN, BASE_ENV } from './support/run-signup.js';
import { countUsers, seedAccounts } from './support/seed.js';

const EXPIRED = 10_000;
const ACTIVE = 1_000;

// PostgreSQL and PGlite purge side by side (independent databases), on both cores.
describe.concurrent('signup purge-expired', () => {
  describeOnBothEngines('signup purge-expired', (engine: () => Engine) => {
    const run = (args: string[]) => runSignup(args, { env: engine().env(), timeoutMs: 60_000 });

    it(`deletes ${EXPIRED} expired pending accounts in batches, never an active one or a recent one`, async () => {
      expect((await run(['migrate'])).code).toBe(0);
      const seeded = await engine().withSql(async (sql) => ({
        old: await seedAccounts(
          sql,
          { expired: EXPIRED, expiredHoursAgo: 48, active: ACTIVE },
          'old',
        ),
        recent: await seedAccounts(sql, { expired: 50, expiredHoursAgo: 1, active: 0 }, 'recent'),
      }));

      const dry = await run(['purge-expired', '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(json(dry)).toEqual({
        dryRun: true,
        count: EXPIRED,
        olderThanSeconds: 86_400,
        expiredBefore: expect.any(String),
      });
      const dryWider = await run(['purge-expired', '--dry-run', '--older-than', '30m']);
      expect(dryWider.stdout).toMatch(
        new RegExp(
          `^Would delete ${EXPIRED + 50} pending account\\(s\\) whose code expired before `,
        ),
      );
      expect(await engine().withSql((sql) => countUsers(sql, seeded.old.expired))).toBe(EXPIRED);

      // On PostgreSQL the real API (apps/http) serves the same database meanwhile; PGlite
      // is one process at a time by design (see the DATA_DIR test in pglite.test.ts).
      const databaseUrl = engine().env().DATABASE_URL;
      const api = databaseUrl ? await startHttpServer(databaseUrl) : undefined;
      const lockProbe = databaseUrl
        ? createPgSqlClient({
            connectionString: databaseUrl,
            poolMax: 1,
            connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
          })
        : undefined;
      try {
        const purge = run(['purge-expired', '--batch-size', '1000', '--json']);
        let n = 0;
        const stats =
          api && lockProbe
            ? await pollWhile(
                [
                  expectStatus(200, () => fetch(`${api.url}/livez`)),
                  expectStatus(200, () => fetch(`${api.url}/readyz`)),
                  expectStatus(201, () =>
                    fetch(`${api.url}/api/v1/register`, {
                      method: 'POST',
                      headers: { 'content-type': 'application/json' },
                      body: JSON.stringify({
                        email: `during-purge-${(n += 1)}@example.com`,
                        password: 'during the purge',
                      }),
                    }),
                  ),
                  // an active row is never locked by the purge: NOWAIT would fail at once
                  async () => {
                    const id = seeded.old.active[n % ACTIVE];
                    await lockProbe.transaction((tx) =>
                      tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE NOWAIT', [id]),
                    );
                  },
                ],
                purge,
              )
            : undefined;
        const result = await purge;
        expect(result.code, result.stderr).toBe(0);
        expect(json(result)).toMatchObject({ dryRun: false, count: EXPIRED });
        expect(result.stderr).toBe(''); // no progress lines: stderr is not a terminal
        if (stats) {
          expect(stats.failures).toEqual([]);
          expect(stats.requests).toBeGreaterThan(3);
          expect(stats.maxLatencyMs).toBeLessThan(2000);
          console.info(
            `purge-expired of ${EXPIRED} on PostgreSQL took ${Math.round(result.ms)} ms; ${stats.requests} API requests and row locks meanwhile, slowest ${Math.round(stats.maxLatencyMs)} ms`,
          );
        } else {
          console.info(`purge-expired of ${EXPIRED} on PGlite took ${Math.round(result.ms)} ms`);
        }
      } finally {
        await api?.close();
        await lockProbe?.close();
      }

      await engine().withSql(async (sql) => {
        expect(await countUsers(sql, seeded.old.expired)).toBe(0);
        expect(await countUsers(sql, seeded.recent.expired)).toBe(50);
        const { rows } = await sql.query<{ n: number }>(
          `SELECT count(*)::integer AS n FROM users WHERE id = ANY($1::uuid[]) AND status = 'active' AND activated_at IS NOT NULL`,
          [seeded.old.active],
        );
        expect(rows[0]?.n).toBe(ACTIVE);
        const orphans = await sql.query<{ n: number }>(
          'SELECT count(*)::integer AS n FROM activation_codes WHERE user_id = ANY($1::uuid[])',
          [seeded.old.expired],
        );
        expect(orphans.rows[0]?.n).toBe(0);
      });

      const again = await run(['purge-expired']);
      expect(again.stdout).toMatch(/^Deleted 0 pending account\(s\) whose code expired before /);
    });
  });

  describeOnPostgres('signup purge-expired on a terminal', (engine: () => Engine) => {
    const run = (args: string[]) => runSignup(args, { env: engine().env() });

    it('reports progress per batch on stderr when it is a terminal', async () => {
      expect((await run(['migrate'])).code).toBe(0);
      await engine().withSql((sql) =>
        seedAccounts(sql, { expired: 30, expiredHoursAgo: 400, active: 0 }, 'tty'),
      );
      // `script` runs the CLI on a pseudo-terminal (stdout and stderr both a TTY).
      const command = `'${process.execPath}' '${SIGNUP_BIN}' purge-expired --older-than 14d --batch-size 10`;
      const output = await new Promise<string>((resolve, reject) => {
        execFile(
          'script',
          ['-qec', command, '/dev/null'],
          {
            env: { PATH: process.env.PATH ?? '', ...BASE_ENV, ...engine().env() },
            timeout: 30_000,
          },
          (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
        );
      });
      expect(output).toContain('purge-expired: 10 deleted so far');
      expect(output).toContain('purge-expired: 30 deleted so far');
      expect(output).toMatch(/Deleted 30 pending account\(s\)/);
    });
  });
});
