import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { InfrastructureUnavailableError } from '@signup/domain';
import { aRegistration } from '@signup/domain/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/postgres/migrations.js';
import { OUTBOX_CHANNEL, PgOutbox } from '../src/postgres/pg-outbox.js';
import { createPgSqlClient } from '../src/postgres/pg-sql-client.js';
import { PgUserRepository } from '../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../src/sql/sql-client.js';
import { closedPort, TEST_CONNECTION_TIMEOUT_MS } from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';
import { measureCreates } from './support/register-cost.js';

/** Runs `fn` and returns what it rejected with and how long that took. */
async function failure(fn: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await fn();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('PostgreSQL unreachable: a typed error within ~3 s, never a hang', () => {
  let silent: Server;
  beforeAll(async () => {
    silent = createServer(() => undefined); // accepts connections, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    silent.close();
  });

  it('nothing listening on the port', async () => {
    const sql = createPgSqlClient({
      connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
      poolMax: 2,
    });
    for (const op of [
      () => sql.query('SELECT 1'),
      () => sql.transaction((tx) => tx.query('SELECT 1')),
    ]) {
      const { error, ms } = await failure(op);
      expect(error).toBeInstanceOf(InfrastructureUnavailableError);
      expect((error as InfrastructureUnavailableError).dependency).toBe('database');
      expect(ms).toBeLessThan(3000);
    }
    await expect(sql.ping(1000)).rejects.toBeInstanceOf(InfrastructureUnavailableError);
    await sql.close();
  });

  it('a server that accepts the connection and never answers', async () => {
    const port = (silent.address() as { port: number }).port;
    const sql = createPgSqlClient({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      poolMax: 2,
    });
    const { error, ms } = await failure(() =>
      new PgUserRepository(sql).findByEmail('a@example.test'),
    );
    expect(error).toBeInstanceOf(InfrastructureUnavailableError);
    expect(ms).toBeLessThan(3000);
    const ping = await failure(() => sql.ping(500));
    expect(ping.error).toBeInstanceOf(InfrastructureUnavailableError);
    expect(ping.ms).toBeLessThan(1000);
    await sql.close();
  });
});

describeWithPostgres('PostgreSQL client', (getUrl) => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 5,
      statementTimeoutMs: 300,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    await migrate(sql);
  });
  afterAll(async () => {
    await sql?.close();
  });

  it('ping answers with the latency', async () => {
    const ms = await sql.ping(1000);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000);
  });

  it("warmUp opens every pooled connection and the probes' own, once", async () => {
    const backends = async () => {
      const { rows } = await sql.query<{ app: string; n: number }>(
        `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name IN ('signup', 'signup-probe')
          GROUP BY 1`,
      );
      return Object.fromEntries(rows.map((r) => [r.app, r.n]));
    };
    const warm = createPgSqlClient({ connectionString: getUrl(), poolMax: 4 });
    try {
      const before = await backends();
      expect(await warm.warmUp?.()).toBe(4);
      const after = await backends();
      expect((after.signup ?? 0) - (before.signup ?? 0)).toBe(4);
      expect((after['signup-probe'] ?? 0) - (before['signup-probe'] ?? 0)).toBe(1);
      // Open connections are kept and reused: a second warm-up opens none.
      expect(await warm.warmUp?.()).toBe(4);
      expect(await backends()).toEqual(after);
    } finally {
      await warm.close();
    }
  });

  it('a statement over statement_timeout becomes InfrastructureUnavailableError', async () => {
    const { error, ms } = await failure(() => sql.query('SELECT pg_sleep(5)'));
    expect(error).toBeInstanceOf(InfrastructureUnavailableError);
    expect(ms).toBeLessThan(2000);
  });

  it('register-path database cost (commit of a new account), for the record', async () => {
    const { mean, p99 } = await measureCreates(sql);
    console.info(
      `[PostgreSQL] commit (account + code + message, one transaction): mean ${mean.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over 200`,
    );
    expect(mean).toBeLessThan(100);
  });

  it('a failing transaction leaves nothing behind', async () => {
    const r = aRegistration();
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO users (id, email, password_hash, status, created_at, version) VALUES ($1, $2, 'h', 'pending', now(), 1)`,
          [r.user.id, r.user.email],
        );
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await new PgUserRepository(sql).findById(r.user.id)).toBeNull();
  });

  it('a connection lost mid-transaction fails that transaction, not the process', async () => {
    // Without a listener of its own, the checked-out client's 'error' event was unhandled
    // and ended the process (every write is a transaction since the commit port).
    const { error } = await failure(() =>
      sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await sql.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200)); // the reset arrives while held
        return tx.query('SELECT 1');
      }),
    );
    expect(error).toBeInstanceOf(InfrastructureUnavailableError);
    expect((await sql.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it("a statement's own error keeps its connection; a lost connection fails the statement, not the process", async () => {
    const one = createPgSqlClient({ connectionString: getUrl(), poolMax: 1 });
    try {
      const pid = async () =>
        (await one.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const first = await pid();
      // a lost race (signup_commit_guard) or a constraint is the statement's, not the connection's
      await expect(one.query('SELECT signup_commit_guard(false)')).rejects.toMatchObject({
        code: 'SU001',
      });
      await expect(one.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
      expect(await pid()).toBe(first);
      // the connection is killed while its statement runs (seen running, not after a guessed delay)
      const killedWhileRunning = async () => {
        const running = async () =>
          (
            await sql.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`,
              [first],
            )
          ).rows[0]?.n === 1;
        while (!(await running()));
        await sql.query('SELECT pg_terminate_backend($1)', [first]);
      };
      const { error } = await failure(() =>
        Promise.all([one.query('SELECT pg_sleep(5)'), killedWhileRunning()]),
      );
      expect(error).toBeInstanceOf(InfrastructureUnavailableError);
      expect(await pid()).not.toBe(first); // a fresh connection
    } finally {
      await one.close();
    }
  });

  it('SQL metacharacters are stored verbatim', async () => {
    const hostile = `x'); DROP TABLE users; --"\\$1@example.test`;
    const r = aRegistration({ email: hostile, passwordHash: `$2b$'";--` });
    const users = new PgUserRepository(sql);
    expect(await users.commit({ user: r.user, message: r.activation })).toBe(true);
    const found = await users.findByEmail(hostile);
    expect(found?.email).toBe(hostile);
    expect(found?.passwordHash).toBe(`$2b$'";--`);
  });

  it('an id that is not a uuid matches nothing (no database error)', async () => {
    const users = new PgUserRepository(sql);
    expect(await users.findById("1' OR '1'='1")).toBeNull();
    const outbox = new PgOutbox(sql);
    expect(await outbox.latestMessageState('nope')).toBeNull();
    expect(await outbox.claimDue(new Date(), 10, new Date(), { userId: 'nope' })).toEqual([]);
    await expect(outbox.markSent('nope', new Date())).resolves.toBeUndefined();
  });

  it('NOTIFY wakes subscribers of every instance after the commit, not on rollback', async () => {
    const other = createPgSqlClient({
      connectionString: getUrl(),
      poolMax: 1,
      connectionTimeoutMs: TEST_CONNECTION_TIMEOUT_MS,
    });
    let signals = 0;
    const woke = new Promise<void>((resolve) => {
      new PgOutbox(other).onMessageQueued(() => {
        signals += 1;
        resolve();
      });
    });
    // Its LISTEN is in place once its connection is idle after it (this block's own database).
    await expect
      .poll(
        async () =>
          (
            await sql.query<{ n: number }>(
              `SELECT count(*)::integer AS n FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'idle' AND query = $1`,
              [`LISTEN ${OUTBOX_CHANNEL}`],
            )
          ).rows[0]?.n,
        { timeout: 5000 },
      )
      .toBe(1);
    // A plain LISTEN that sees payloads, in commit order: once it has the commit's '', a
    // NOTIFY that escaped the rollback would be there before it.
    const probe = new pg.Client({ connectionString: getUrl() });
    await probe.connect();
    const payloads: string[] = [];
    probe.on('notification', (n) => payloads.push(n.payload ?? ''));
    await probe.query(`LISTEN ${OUTBOX_CHANNEL}`);
    try {
      await sql
        .transaction(async (tx) => {
          await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', 'rolled back')`);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      const r = aRegistration();
      await new PgUserRepository(sql).commit({ user: r.user, message: r.activation });
      await woke;
      await expect.poll(() => payloads.at(-1), { timeout: 5000 }).toBe('');
      expect(payloads).toEqual(['']);
      expect(signals).toBe(1);
    } finally {
      await probe.end();
    }
    await other.close();
  });
});
