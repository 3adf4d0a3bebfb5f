import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectLocalSocket,
  LOCAL_SOCKET_FILE,
  openPgliteSqlClient,
  OUTBOX_CHANNEL,
  type SqlClient,
} from '@signup/adapters';
import { startServer, type ServerProcess } from '@signup/testkit';
import { activationCodeIn, json, runSignup, uniqueEmail } from './support/index.js';

const PASSWORD = 'correct horse battery';

/**
 * The CLI on the embedded database beside a running server: DATA_DIR is the
 * server's (its lock), so the CLI reaches the same database through the
 * Unix socket the server serves in DATA_DIR, and opens DATA_DIR itself again
 * once the server is gone.
 */
describe.concurrent('signup on the embedded database beside a running server', () => {
  describe('the server on DATA_DIR', () => {
    let dataDir = '';
    let server: ServerProcess | undefined;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'signup-cli-server-'));
      server = await startServer(
        {
          DATA_DIR: dataDir,
          BCRYPT_COST: '4',
          RATE_LIMIT_PER_MINUTE: '0',
          LOG_LEVEL: 'info',
        },
        { readyTimeoutMs: 30_000 },
      );
    }, 40_000);
    afterAll(async () => {
      await server?.stop('SIGTERM').catch(() => undefined);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('register and activate through the server socket; the API sees the account; after the server stops the CLI opens DATA_DIR itself', async () => {
      const env = { DATA_DIR: dataDir };
      const socketPath = join(dataDir, LOCAL_SOCKET_FILE);
      expect(statSync(socketPath).isSocket()).toBe(true);
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);

      const email = uniqueEmail('beside');
      const registered = await runSignup(['register', email, '--password-stdin', '--json'], {
        env,
        input: `${PASSWORD}\n`,
      });
      expect(registered.code, registered.stderr).toBe(0);
      expect(json(registered)).toMatchObject({ email, status: 'pending', activationEmail: 'sent' });
      // Sent exactly once: by the server's dispatcher (woken by the NOTIFY the
      // CLI's transaction raised through the socket) or by the CLI itself.
      const fromServer = () =>
        server!.lines.filter(
          (line) => line.text.includes(email) && /activation code/i.test(line.text),
        );
      const inCli = /activation code/i.test(registered.stderr);
      if (!inCli)
        await server!.waitForLine(
          (line) => line.text.includes(email) && /activation code/i.test(line.text),
          5_000,
        );
      const code = inCli
        ? activationCodeIn(registered.stderr)
        : activationCodeIn(
            fromServer()
              .map((line) => line.text.replace(/\\n/g, '\n'))
              .join('\n'),
          );
      expect(inCli ? fromServer() : []).toHaveLength(0);

      const listed = await runSignup(['users', 'list', '--json'], { env });
      expect(listed.code, listed.stderr).toBe(0);
      expect(json<{ email: string }[]>(listed).map((u) => u.email)).toEqual([email]);
      expect(listed.ms).toBeLessThan(5_000);

      const activated = await runSignup(['activate', email, code, '--json'], { env });
      expect(activated.code, activated.stderr).toBe(0);
      expect(json(activated)).toMatchObject({ email, status: 'active' });

      // The server's API sees the account the CLI activated.
      const response = await fetch(`${server!.url}/api/v1/activate`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${email}:${PASSWORD}`).toString('base64')}`,
        },
        body: JSON.stringify({ code }),
      });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: 'already_active' });

      // The server's own registration is seen by the CLI.
      const viaApi = uniqueEmail('api');
      const apiRegistered = await fetch(`${server!.url}/api/v1/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: viaApi, password: PASSWORD }),
      });
      expect(apiRegistered.status).toBe(201);
      const shown = await runSignup(['users', 'show', viaApi, '--json'], { env });
      expect(shown.code, shown.stderr).toBe(0);
      expect(json(shown)).toMatchObject({ email: viaApi, status: 'pending' });

      const exit = await server!.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(existsSync(socketPath)).toBe(false);

      const direct = await runSignup(['users', 'show', email, '--json'], { env });
      expect(direct.code, direct.stderr).toBe(0);
      expect(json(direct)).toMatchObject({ email, status: 'active' });
    }, 60_000);
  });

  describe('the socket bridge', () => {
    let dataDir = '';
    let holder: SqlClient | undefined;
    let client: SqlClient | undefined;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'signup-cli-socket-'));
      holder = await openPgliteSqlClient({ dataDir, serveLocalSocket: true });
      await holder.query('CREATE TABLE t (x integer)');
      client = await connectLocalSocket(dataDir);
    });
    afterAll(async () => {
      await client?.close().catch(() => undefined);
      await holder?.close().catch(() => undefined);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("wakes the holder's listeners on a NOTIFY raised through the socket", async () => {
      let woken = 0;
      const stop = holder!.listen(OUTBOX_CHANNEL, () => {
        woken += 1;
      });
      try {
        await holder!.query('SELECT 1'); // the LISTEN is in place
        await client!.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (1)');
          await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
        });
        await expect.poll(() => woken, { timeout: 2_000 }).toBeGreaterThan(0);
      } finally {
        stop();
      }
    });

    it("keeps a socket client's transaction whole: the holder's statements wait for it to end", async () => {
      let counted: number | undefined;
      await client!.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        void holder!
          .query<{ n: number }>('SELECT count(*)::integer AS n FROM t WHERE x = 2')
          .then(({ rows }) => {
            counted = rows[0]?.n;
          });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(counted).toBeUndefined();
        await tx.query('INSERT INTO t VALUES (2)');
      });
      await expect.poll(() => counted, { timeout: 2_000 }).toBe(2);

      // A failed transaction rolls back only its own work.
      await expect(
        client!.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (3)');
          await tx.query('SELECT * FROM no_such_table');
        }),
      ).rejects.toThrow();
      const { rows } = await holder!.query<{ n: number }>(
        'SELECT count(*)::integer AS n FROM t WHERE x = 3',
      );
      expect(rows[0]?.n).toBe(0);
    });

    it('the CLI runs its commands through the socket, migrate included', async () => {
      const env = { DATA_DIR: dataDir };
      const migrated = await runSignup(['migrate', '--json'], { env });
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(json<{ applied: string[] }>(migrated).applied.length).toBeGreaterThan(0);
      const listed = await runSignup(['users', 'list', '--json'], { env });
      expect(listed.code, listed.stderr).toBe(0);
      expect(json(listed)).toEqual([]);
    });
  });
});
