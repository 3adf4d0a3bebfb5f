/** One SQL statement's result, the same shape on both engines. */
export interface SqlResult<R> {
  readonly rows: R[];
  /** Rows returned or changed. */
  readonly rowCount: number;
}

/** Runs parameterized SQL: on the pool, or inside one transaction. */
export interface SqlExecutor {
  query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<R>>;
}

/**
 * One SQL interface over two engines (PostgreSQL through pg, embedded
 * PGlite), so one set of statements and migrations serves both.
 * Connection-level failures reject with InfrastructureUnavailableError('database').
 */
export interface SqlClient extends SqlExecutor {
  readonly engine: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Round trip `SELECT 1`; rejects after `timeoutMs`; resolves with the latency in ms. */
  ping(timeoutMs: number): Promise<number>;
  /**
   * For health probes (ping uses it too): a connection of its own where the
   * engine has a pool (PostgreSQL), so a probe never waits behind the
   * requests queued for the pool under load. Unset: the client itself.
   */
  readonly probe?: SqlExecutor;
  /**
   * Calls `listener` on every NOTIFY on `channel` (a plain lower-case SQL
   * identifier), after the notifying transaction commits; returns unsubscribe.
   */
  listen(channel: string, listener: () => void): () => void;
  /**
   * Opens every connection the engine pools, ahead of the first request (a
   * server about to take traffic); resolves with how many are open. Unset:
   * nothing to open (one connection, opened already).
   */
  warmUp?(): Promise<number>;
  close(): Promise<void>;
}

/**
 * `sql` with its statements on the probe connection (see SqlClient.probe):
 * for an adapter read by a health check, e.g. the outbox's stats. `sql`
 * itself when it has no such connection.
 */
export function forProbes(sql: SqlClient): SqlClient {
  const { probe } = sql;
  if (!probe) return sql;
  return {
    engine: sql.engine,
    probe,
    query: <R extends object = Record<string, unknown>>(
      text: string,
      params?: readonly unknown[],
    ) => probe.query<R>(text, params),
    transaction: (fn) => sql.transaction(fn),
    ping: (timeoutMs) => sql.ping(timeoutMs),
    listen: (channel, listener) => sql.listen(channel, listener),
    close: () => sql.close(),
  };
}

/** LISTEN takes an identifier, not a parameter: only plain names are accepted. */
export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new RangeError(`not a plain channel name: ${JSON.stringify(channel)}`);
  }
}
