import type { PGlite, Results, Transaction } from '@electric-sql/pglite';
import { silentLogger, type Logger } from '../logger.js';
import { mappingDatabaseErrors, timedPing } from '../sql/connection-errors.js';
import {
  assertChannelName,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
} from '../sql/sql-client.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { Gate, serveLocalSocket, type LocalSocketServer } from './local-socket.js';

export interface PgliteSqlClientOptions {
  /** Where the embedded database lives; created when missing. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /**
   * Also serve the database to local processes (the CLI) on a Unix socket in
   * `dataDir` (see local-socket.ts). The server does; a socket that cannot be
   * created (a path too long for a socket) is logged, not fatal.
   */
  readonly serveLocalSocket?: boolean;
}

type Queryable = Pick<PGlite | Transaction, 'query' | 'exec'>;

/**
 * Like pg, a statement without parameters goes through the simple protocol
 * (so a migration file may hold several statements); one with parameters
 * through the extended protocol.
 */
async function run<R extends object>(
  target: Queryable,
  text: string,
  params: readonly unknown[] | undefined,
): Promise<SqlResult<R>> {
  const result = params?.length
    ? await target.query<R>(text, [...params])
    : ((await target.exec(text)).at(-1) as Results<R> | undefined);
  if (!result) return { rows: [], rowCount: 0 };
  return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
}

/**
 * The SQL client over embedded PGlite: the same SQL and migrations, no
 * server. PGlite is a single connection, so statements and transactions run
 * one at a time (PGlite queues them; a transaction holds the queue until it
 * ends). NOTIFY is delivered in-process through PGlite's notification hook.
 * Throws DataDirInUseError when another live process holds `dataDir`.
 */
export async function openPgliteSqlClient(options: PgliteSqlClientOptions): Promise<SqlClient> {
  const logger = options.logger ?? silentLogger;
  const release = acquireDataDirLock(options.dataDir);
  let db: PGlite;
  try {
    // Loaded on first use: a server on PostgreSQL never pays for the engine.
    const { PGlite: Engine } = await import('@electric-sql/pglite');
    db = await Engine.create({ dataDir: options.dataDir });
  } catch (error) {
    release();
    throw error;
  }
  /** Listeners per channel LISTENed to (once each, for the client's lifetime). */
  const listening = new Map<string, Set<() => void>>();
  const notify = (channel: string) => {
    for (const listener of [...(listening.get(channel) ?? [])]) {
      try {
        listener();
      } catch (error) {
        logger.error({ channel, err: (error as Error).message }, 'notification listener failed');
      }
    }
  };
  const stopNotifying = db.onNotification(notify);
  /** This process's statements and the local socket's clients take turns on PGlite. */
  const gate = new Gate();
  let socket: LocalSocketServer | undefined;
  if (options.serveLocalSocket) {
    try {
      socket = await serveLocalSocket({ db, gate, dataDir: options.dataDir, notify, logger });
    } catch (error) {
      logger.warn(
        { dataDir: options.dataDir, err: (error as Error).message },
        'cannot serve the embedded database on a local socket; the CLI cannot reach it while this process runs',
      );
    }
  }
  let closed = false;
  logger.debug({ dataDir: options.dataDir }, 'embedded database (PGlite) opened');

  const client: SqlClient = {
    engine: 'pglite',

    query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
      return mappingDatabaseErrors(() => gate.run(() => run<R>(db, text, params)));
    },

    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return mappingDatabaseErrors(() =>
        gate.run(() =>
          db.transaction((transaction) =>
            fn({
              query: <R extends object>(text: string, params?: readonly unknown[]) =>
                run<R>(transaction, text, params),
            }),
          ),
        ),
      );
    },

    ping(timeoutMs: number): Promise<number> {
      return timedPing(client, timeoutMs);
    },

    listen(channel: string, listener: () => void): () => void {
      assertChannelName(channel);
      let listeners = listening.get(channel);
      if (!listeners) {
        listeners = new Set();
        listening.set(channel, listeners);
        // Queued now, so it runs before any statement issued after this call.
        gate
          .run(() => db.exec(`LISTEN ${channel}`))
          .catch((error: unknown) => {
            logger.warn({ channel, err: (error as Error).message }, 'LISTEN failed');
          });
      }
      const subscribed = listeners;
      subscribed.add(listener);
      return () => {
        subscribed.delete(listener);
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopNotifying();
      listening.clear();
      try {
        await socket?.close();
        await gate.run(() => Promise.resolve());
        await db.close();
      } finally {
        release();
      }
    },
  };
  return client;
}
