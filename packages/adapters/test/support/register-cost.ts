import { aRegistration } from '@signup/domain/testing';
import { PgUserRepository } from '../../src/postgres/pg-user-repository.js';
import type { SqlClient } from '../../src/sql/sql-client.js';
import { percentile } from './registrations.js';

/**
 * The database part of the register path: `commit` of a new account (account,
 * code and message in one transaction), one after another. Returns mean and p99 in ms.
 */
export async function measureCreates(
  sql: SqlClient,
  count = 200,
): Promise<{ mean: number; p99: number }> {
  const users = new PgUserRepository(sql);
  const warm = aRegistration();
  await users.commit({ user: warm.user, message: warm.activation });
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = aRegistration();
    const started = performance.now();
    await users.commit({ user: r.user, message: r.activation });
    times.push(performance.now() - started);
  }
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p99: percentile(times, 99) };
}
