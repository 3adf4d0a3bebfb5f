import { InfrastructureUnavailableError } from '@signup/domain';
import type { SqlExecutor } from './sql-client.js';

/** Socket-level failures: the server cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** SQLSTATEs that say "the database is not available to us", not "your statement is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database does not exist
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
]);

const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Query read timeout/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /PGlite is closed/i,
];

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))
      return true;
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Connection-level failures become InfrastructureUnavailableError('database'); others pass through. */
export function mapDatabaseError(error: unknown): unknown {
  if (error instanceof InfrastructureUnavailableError) return error;
  if (!isConnectionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new InfrastructureUnavailableError('database', `The database is unavailable: ${detail}`, {
    cause: error,
  });
}

/** Runs `fn`, rethrowing connection-level failures as InfrastructureUnavailableError. */
export async function mappingDatabaseErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/** Rejects with InfrastructureUnavailableError when `promise` takes longer than `timeoutMs`. */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new InfrastructureUnavailableError('database', `${what} timed out after ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SqlClient.ping on `db`: `SELECT 1` bounded by `timeoutMs`; resolves with the latency in ms. */
export async function timedPing(db: SqlExecutor, timeoutMs: number): Promise<number> {
  const started = performance.now();
  await withTimeout(db.query('SELECT 1'), timeoutMs, 'database ping');
  return performance.now() - started;
}
