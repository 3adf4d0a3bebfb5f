import { aRegistration } from '@signup/domain/testing';
import type { SqlClient } from '../../src/sql/sql-client.js';
import { PgUserRepository } from '../../src/postgres/pg-user-repository.js';

/** Registers one new account (and queues its message); returns its recipient and message id. */
export async function register(
  sql: SqlClient,
  options: { now?: Date; ttlSeconds?: number; plain?: string } = {},
): Promise<{ to: string; userId: string; messageId: string }> {
  const r = aRegistration(options);
  const committed = await new PgUserRepository(sql).commit({ user: r.user, message: r.activation });
  if (!committed) throw new Error(`registering ${r.user.email} did not commit`);
  return { to: r.user.email, userId: r.user.id, messageId: r.activation.messageId };
}

/** Percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
