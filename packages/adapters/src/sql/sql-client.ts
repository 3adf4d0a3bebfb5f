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
   * Calls `listener` on every NOTIFY on `channel` (a plain lower-case SQL
   * identifier), after the notifying transaction commits; returns unsubscribe.
   */
  listen(channel: string, listener: () => void): () => void;
  close(): Promise<void>;
}

/** LISTEN takes an identifier, not a parameter: only plain names are accepted. */
export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new RangeError(`not a plain channel name: ${JSON.stringify(channel)}`);
  }
}
