import { randomUUID } from 'node:crypto';
import type { SqlClient } from '@signup/adapters';

const DIGEST = 'a'.repeat(64);
const ROWS_PER_INSERT = 1000;

export interface SeedCounts {
  /** Pending accounts whose code expired `expiredHoursAgo` ago. */
  readonly expired: number;
  readonly expiredHoursAgo: number;
  readonly active: number;
}

/**
 * Writes accounts straight into the schema, one multi-row INSERT per batch
 * per table: far faster than registering each through the CLI.
 * Returns the ids it wrote, by kind.
 */
export async function seedAccounts(
  sql: SqlClient,
  counts: SeedCounts,
  tag: string,
): Promise<{ expired: string[]; active: string[] }> {
  const expired = Array.from({ length: counts.expired }, () => randomUUID());
  const active = Array.from({ length: counts.active }, () => randomUUID());
  const created = new Date(Date.now() - (counts.expiredHoursAgo + 1) * 3_600_000);
  const expiresAt = new Date(Date.now() - counts.expiredHoursAgo * 3_600_000);

  for (let start = 0; start < expired.length; start += ROWS_PER_INSERT) {
    const ids = expired.slice(start, start + ROWS_PER_INSERT);
    await insertRows(
      sql,
      'users (id, email, password_hash, status, created_at, activated_at, version)',
      ids.map((id) => [id, `${tag}-expired-${id}@example.com`, 'x', 'pending', created, null, 1]),
    );
    await insertRows(
      sql,
      'activation_codes (user_id, id, digest, key_id, issued_at, expires_at, attempts)',
      ids.map((id) => [id, randomUUID(), DIGEST, 'unkeyed', created, expiresAt, 0]),
    );
  }
  for (let start = 0; start < active.length; start += ROWS_PER_INSERT) {
    const ids = active.slice(start, start + ROWS_PER_INSERT);
    await insertRows(
      sql,
      'users (id, email, password_hash, status, created_at, activated_at, version)',
      ids.map((id) => [id, `${tag}-active-${id}@example.com`, 'x', 'active', created, created, 1]),
    );
  }
  return { expired, active };
}

async function insertRows(sql: SqlClient, into: string, rows: unknown[][]): Promise<void> {
  const width = rows[0]?.length ?? 0;
  const values = rows
    .map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    )
    .join(', ');
  await sql.query(`INSERT INTO ${into} VALUES ${values}`, rows.flat());
}

export async function countUsers(sql: SqlClient, ids: readonly string[]): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    'SELECT count(*)::integer AS n FROM users WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return rows[0]?.n ?? 0;
}
