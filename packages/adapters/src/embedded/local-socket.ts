import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { silentLogger, type Logger } from '../logger.js';
import { createPgSqlClient } from '../postgres/pg-sql-client.js';
import type { SqlClient } from '../sql/sql-client.js';

/*
 * The embedded database's door for local processes. PGlite lives inside the
 * server's process and only one process may open DATA_DIR, so the server
 * answers the PostgreSQL wire protocol on a Unix socket in DATA_DIR and the
 * CLI connects to it with pg, as to any PostgreSQL (libpq's file name, so
 * `host=<DATA_DIR>` finds it; psql too).
 *
 * A small bridge rather than @electric-sql/pglite-socket: every release of it
 * pins an exact PGlite (0.2.17 wants 0.5.14, we run 0.5.16) and seven PGlite
 * extensions as peer dependencies. The bridge does what we need and no more:
 * it answers the start-up itself (so no client's settings change the
 * server's one PGlite session), hands each protocol message to PGlite, and
 * shares PGlite with the server's own queries through `gate`: a client holds
 * the gate from its first message until PGlite is ready for a query again
 * outside a transaction (ReadyForQuery 'I'), so a client's transaction or
 * extended-protocol exchange never interleaves with the server's statements.
 * NOTIFYs raised by a client's statements reach the server's listeners.
 */

/** The socket's file name in DATA_DIR: libpq's name for port 5432. */
export const LOCAL_SOCKET_FILE = '.s.PGSQL.5432';
const LOCAL_SOCKET_PORT = 5432;

/** A client holding the gate (inside a transaction) and silent this long is cut off. */
const HELD_IDLE_MS = 10_000;
/** A connection silent this long is closed (the CLI's lives for one command). */
const IDLE_MS = 60_000;
const MAX_CONNECTIONS = 8;

/** Serialises access to the one PGlite session: the server's statements and the socket's clients. */
export class Gate {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((done) => {
      release = done;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    let released = false;
    return previous.then(() => () => {
      if (released) return;
      released = true;
      release();
    });
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

export interface LocalSocketServer {
  close(): Promise<void>;
}

export interface ServeLocalSocketOptions {
  readonly db: PGlite;
  readonly gate: Gate;
  readonly dataDir: string;
  /** Called with each NOTIFY channel a client's statements raised. */
  readonly notify: (channel: string) => void;
  readonly logger?: Logger;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function parameterStatus(name: string, value: string): Buffer {
  return typed('S', Buffer.from(`${name}\0${value}\0`, 'utf8'));
}

/** AuthenticationOk, the parameters pg reads, BackendKeyData, ReadyForQuery. */
function startupReply(): Buffer {
  const key = Buffer.alloc(8);
  key.writeInt32BE(process.pid, 0);
  return Buffer.concat([
    typed('R', Buffer.from([0, 0, 0, 0])),
    parameterStatus('server_version', '17.5'),
    parameterStatus('server_encoding', 'UTF8'),
    parameterStatus('client_encoding', 'UTF8'),
    parameterStatus('DateStyle', 'ISO, MDY'),
    parameterStatus('integer_datetimes', 'on'),
    parameterStatus('standard_conforming_strings', 'on'),
    parameterStatus('TimeZone', 'UTC'),
    typed('K', key),
    typed('Z', Buffer.from('I', 'latin1')),
  ]);
}

const SYNC = typed('S', Buffer.alloc(0));
const ROLLBACK = typed('Q', Buffer.from('ROLLBACK\0', 'latin1'));

/** Walks the backend's messages in `out`: NOTIFY channels and the last ReadyForQuery status. */
function scanReply(out: Buffer): { channels: string[]; ready: string | undefined } {
  const channels: string[] = [];
  let ready: string | undefined;
  let at = 0;
  while (at + 5 <= out.length) {
    const type = String.fromCharCode(out[at]!);
    const length = out.readInt32BE(at + 1);
    const body = out.subarray(at + 5, at + 1 + length);
    if (type === 'Z') ready = String.fromCharCode(body[0]!);
    if (type === 'A') {
      const end = body.indexOf(0, 4);
      if (end > 4) channels.push(body.subarray(4, end).toString('utf8'));
    }
    at += 1 + length;
  }
  return { channels, ready };
}

/**
 * Serves `db` on `<dataDir>/.s.PGSQL.5432` (mode 0600). Resolves once
 * listening; the socket file is removed by close() (and a stale one, left
 * by a process that died, before listening: the caller holds DATA_DIR's lock).
 */
export async function serveLocalSocket(
  options: ServeLocalSocketOptions,
): Promise<LocalSocketServer> {
  const { db, gate, notify } = options;
  const logger = options.logger ?? silentLogger;
  const path = join(resolve(options.dataDir), LOCAL_SOCKET_FILE);
  const connections = new Set<Socket>();

  const server: Server = createServer((socket) => {
    if (connections.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    connections.add(socket);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let release: (() => void) | undefined;
    let queue: Promise<void> = Promise.resolve();
    let closing = false;

    const idle = () => {
      socket.setTimeout(release ? HELD_IDLE_MS : IDLE_MS);
    };
    idle();
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => undefined);

    const exec = async (message: Buffer): Promise<Buffer> => {
      const chunks: Uint8Array[] = [];
      await db.runExclusive(() =>
        db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (data) => chunks.push(Uint8Array.from(data)),
        }),
      );
      return Buffer.concat(chunks);
    };

    const handle = async (message: Buffer): Promise<void> => {
      if (closing) return;
      if (!release) release = await gate.acquire();
      if (closing) return;
      const out = await exec(message);
      const { channels, ready } = scanReply(out);
      if (socket.writable && out.length > 0) socket.write(out);
      if (ready === 'I') {
        release();
        release = undefined;
      }
      idle();
      for (const channel of channels) queueMicrotask(() => notify(channel));
    };

    /** Leaves PGlite as the client found it: no half exchange, no open transaction. */
    const cleanUp = async (): Promise<void> => {
      if (!release) return;
      try {
        await exec(SYNC);
        if (db.isInTransaction()) await exec(ROLLBACK);
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'local socket: cleaning up a client failed');
      } finally {
        release();
        release = undefined;
      }
    };

    const fail = (error: unknown) => {
      logger.warn({ err: (error as Error).message }, 'local socket: client failed');
      socket.destroy();
    };

    socket.on('data', (data: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSS_REQUEST) {
            socket.write('N');
          } else if (code === PROTOCOL_3) {
            started = true;
            socket.write(startupReply());
          } else {
            // A CancelRequest (nothing to cancel: statements run to the end) or an unknown protocol.
            socket.end();
            return;
          }
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const message = Buffer.from(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        if (message[0] === 0x58 /* Terminate */) {
          socket.end();
          return;
        }
        queue = queue.then(() => handle(message)).catch(fail);
      }
    });

    socket.on('close', () => {
      closing = true;
      connections.delete(socket);
      queue = queue.then(cleanUp, cleanUp);
    });
  });

  // sockaddr_un holds 108 bytes on Linux (104 on macOS): refuse rather than truncate.
  if (Buffer.byteLength(path) > 103)
    throw new Error(`the socket path ${path} is too long for a Unix socket`);
  rmSync(path, { force: true }); // a stale socket of a process that is gone
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      done();
    });
  });
  chmodSync(path, 0o600);
  server.on('error', (error) => logger.warn({ err: error.message }, 'local socket error'));
  logger.debug({ path }, 'embedded database served on a local socket');

  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of connections) socket.destroy();
      }).finally(() => rmSync(path, { force: true }));
      return closed;
    },
  };
}

/**
 * A pg client over the socket a running server serves in `dataDir`: one
 * connection (the server takes its clients one transaction at a time), short
 * timeouts. Resolves once it answered a ping; rejects when nothing answers.
 */
export async function connectLocalSocket(
  dataDir: string,
  logger: Logger = silentLogger,
): Promise<SqlClient> {
  const host = encodeURIComponent(resolve(dataDir));
  const sql = createPgSqlClient({
    connectionString: `postgresql://signup@localhost:${LOCAL_SOCKET_PORT}/signup?host=${host}`,
    poolMax: 1,
    connectionTimeoutMs: 1000,
    logger,
  });
  try {
    await sql.ping(2000);
    return sql;
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}
