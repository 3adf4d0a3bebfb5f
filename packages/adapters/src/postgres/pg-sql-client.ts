import pg from 'pg';
import { silentLogger, type Logger } from '../logger.js';
import { isConnectionError, mappingDatabaseErrors, timedPing } from '../sql/connection-errors.js';
import {
  assertChannelName,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
} from '../sql/sql-client.js';
import { PgNotifyListener } from './pg-notify-listener.js';

export interface PgSqlClientOptions {
  readonly connectionString: string;
  readonly poolMax: number;
  /** How long to wait for a connection (new or from the pool); default 2000. */
  readonly connectionTimeoutMs?: number;
  /** Server-side statement_timeout; the client gives up 1 s later. Default 5000. */
  readonly statementTimeoutMs?: number;
  readonly logger?: Logger;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

async function run<R extends object>(
  target: Queryable,
  text: string,
  params: readonly unknown[] | undefined,
): Promise<SqlResult<R>> {
  const results: pg.QueryResult<R> | pg.QueryResult<R>[] = await target.query<R>(
    text,
    params?.length ? [...params] : undefined,
  );
  // A parameterless text of several statements (a migration) answers one result each.
  const result = 'rows' in results ? results : (results as pg.QueryResult<R>[]).at(-1);
  if (!result) return { rows: [], rowCount: 0 };
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

/** The SQL client over a pg.Pool: bounded waits everywhere, never a hang. */
export function createPgSqlClient(options: PgSqlClientOptions): SqlClient {
  const logger = options.logger ?? silentLogger;
  const connectionTimeoutMillis = options.connectionTimeoutMs ?? 2000;
  const statementTimeout = options.statementTimeoutMs ?? 5000;
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolMax,
    connectionTimeoutMillis,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 1000,
    idle_in_transaction_session_timeout: statementTimeout * 2,
    keepAlive: true,
    application_name: 'signup',
    // A fixed-size pool, as HikariCP recommends: connections opened stay open.
    // With pg's default (idle ones closed after 10 s) a burst after a quiet
    // moment paid for up to poolMax new connections at once, each a backend
    // forked by PostgreSQL, on the CPU the event loop needed: under a flood
    // that began on an idle server, probe p99 rose from ~45 ms to 150-240 ms.
    idleTimeoutMillis: 0,
  };
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the
  // next checkout connects afresh.
  pool.on('error', (error) => {
    logger.warn({ err: error.message }, 'idle database connection lost');
  });

  /**
   * A connection gone silent (a network partition, a hung server) shows only
   * when a query on it times out, and then only that one is closed: with
   * every idle connection of the fixed pool silent, requests would find them
   * one by one, each waiting a whole query timeout (6 s), for a minute after
   * the database came back. So a connection-level failure makes every
   * connection that has not answered since that query began suspect: it is
   * closed when next checked out, and a fresh one opened instead.
   */
  let suspectBefore = -Infinity;
  /** When each pooled connection last answered (or connected). */
  const answeredAt = new WeakMap<pg.PoolClient, number>();
  pool.on('connect', (connection) => {
    answeredAt.set(connection, performance.now());
  });
  const checkout = async (): Promise<pg.PoolClient> => {
    for (let closed = 0; ; closed += 1) {
      const connection = await pool.connect();
      if ((answeredAt.get(connection) ?? -Infinity) >= suspectBefore || closed >= options.poolMax)
        return connection;
      connection.release(new Error('idle through a database connection failure')); // closes it
    }
  };
  /**
   * Runs `fn` on a pooled connection. Unlike pg's `pool.query`, a statement's
   * own error (a constraint, a lost race) keeps the connection: only a
   * connection-level failure closes it (or `fn` calling `discard`), and makes
   * the idle ones suspect. pg-pool takes its own 'error' listener off a
   * connection it hands out: a connection lost meanwhile would be an unhandled
   * 'error' event and end the process. Held here, it fails `fn` instead.
   */
  const withConnection = async <T>(
    fn: (connection: pg.PoolClient, discard: (error: Error) => void) => Promise<T>,
  ): Promise<T> => {
    const connection = await checkout();
    const began = performance.now();
    let broken: Error | undefined;
    const discard = (error: Error) => {
      broken ??= error;
    };
    connection.on('error', discard);
    try {
      const result = await fn(connection, discard);
      answeredAt.set(connection, performance.now());
      return result;
    } catch (error) {
      if (isConnectionError(error)) {
        discard(error as Error);
        suspectBefore = Math.max(suspectBefore, began);
      }
      throw error;
    } finally {
      connection.removeListener('error', discard);
      connection.release(broken); // an error closes it
    }
  };
  /** One dedicated LISTEN connection per channel, opened on the first subscription. */
  const listeners = new Map<string, PgNotifyListener>();
  /**
   * The health probes' own connection, opened on the first probe and kept
   * (no idle timeout, so a probe never waits on a connect, nor on a DNS
   * lookup in libuv's thread pool behind bcrypt): under load the pool's
   * queue holds requests, and a probe must not wait behind them.
   */
  let probePool: pg.Pool | undefined;
  const probes = (): pg.Pool => {
    if (!probePool) {
      probePool = new pg.Pool({
        ...config,
        max: 1,
        idleTimeoutMillis: 0,
        application_name: 'signup-probe',
      });
      probePool.on('error', (error) => {
        logger.warn({ err: error.message }, 'idle probe connection lost');
      });
    }
    return probePool;
  };

  const probe: SqlExecutor = {
    query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
      return mappingDatabaseErrors(() => run<R>(probes(), text, params));
    },
  };

  const client: SqlClient = {
    engine: 'postgres',
    probe,

    query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
      return mappingDatabaseErrors(() =>
        withConnection((connection) => run<R>(connection, text, params)),
      );
    },

    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return mappingDatabaseErrors(() =>
        withConnection(async (connection, discard) => {
          try {
            await connection.query('BEGIN');
            const tx: SqlExecutor = {
              query: <R extends object>(text: string, params?: readonly unknown[]) =>
                run<R>(connection, text, params),
            };
            const result = await fn(tx);
            await connection.query('COMMIT');
            return result;
          } catch (error) {
            // silent or gone (withConnection closes it): no ROLLBACK to wait for
            if (!isConnectionError(error)) {
              // the connection is unusable if even that fails: closed
              await connection.query('ROLLBACK').catch(discard);
            }
            throw error;
          }
        }),
      );
    },

    ping(timeoutMs: number): Promise<number> {
      return timedPing(probe, timeoutMs);
    },

    async warmUp(): Promise<number> {
      const opened = await Promise.allSettled(
        Array.from({ length: options.poolMax }, () => pool.connect()),
      );
      let open = 0;
      for (const result of opened) {
        if (result.status === 'fulfilled') {
          result.value.release();
          open += 1;
        }
      }
      await probe.query('SELECT 1').catch(() => undefined); // the probes' own connection
      return open;
    },

    listen(channel: string, listener: () => void): () => void {
      assertChannelName(channel);
      let notifications = listeners.get(channel);
      if (!notifications) {
        notifications = new PgNotifyListener(
          { connectionString: options.connectionString, connectionTimeoutMillis, keepAlive: true },
          channel,
          logger,
        );
        listeners.set(channel, notifications);
      }
      return notifications.subscribe(listener);
    },

    async close(): Promise<void> {
      await Promise.all([...listeners.values()].map((l) => l.close()));
      if (probePool && !probePool.ended) await probePool.end();
      if (!pool.ended) await pool.end();
    },
  };
  return client;
}
