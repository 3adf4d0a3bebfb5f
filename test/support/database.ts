import pg from 'pg';

/** A small pool straight to the test database, for the tests' own checks. */
export function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

/** Anomalies that must all be 0 whatever happened to the server. */
export interface Consistency {
  readonly users: number;
  readonly pending: number;
  readonly active: number;
  /** pending accounts without their activation code row */
  readonly pendingWithoutCode: number;
  /** active accounts that still have a code row */
  readonly activeWithCode: number;
  /** pending accounts without any outbox message */
  readonly pendingWithoutMessage: number;
  readonly orphanCodes: number;
  readonly orphanMessages: number;
  /** settled messages that still hold their (sealed) code */
  readonly settledWithCode: number;
}

export async function consistency(db: pg.Pool): Promise<Consistency> {
  const { rows } = await db.query<Record<keyof Consistency, string>>(`
    SELECT
      (SELECT count(*) FROM users) AS users,
      (SELECT count(*) FROM users WHERE status = 'pending') AS pending,
      (SELECT count(*) FROM users WHERE status = 'active') AS active,
      (SELECT count(*) FROM users u WHERE u.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM activation_codes c WHERE c.user_id = u.id)) AS "pendingWithoutCode",
      (SELECT count(*) FROM users u WHERE u.status = 'active'
         AND EXISTS (SELECT 1 FROM activation_codes c WHERE c.user_id = u.id)) AS "activeWithCode",
      (SELECT count(*) FROM users u WHERE u.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = u.id)) AS "pendingWithoutMessage",
      (SELECT count(*) FROM activation_codes c
         WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id)) AS "orphanCodes",
      (SELECT count(*) FROM outbox o
         WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)) AS "orphanMessages",
      (SELECT count(*) FROM outbox
         WHERE sealed_code IS NOT NULL AND (sent_at IS NOT NULL OR dropped_at IS NOT NULL)) AS "settledWithCode"
  `);
  const row = rows[0];
  if (!row) throw new Error('no consistency row');
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, Number(v)]),
  ) as unknown as Consistency;
}

/** The anomalies of a consistency report (everything that must be 0). */
export function anomalies(report: Consistency): Partial<Consistency> {
  const counts = new Set(['users', 'pending', 'active']);
  return Object.fromEntries(Object.entries(report).filter(([k, v]) => !counts.has(k) && v !== 0));
}

/** Outbox messages neither sent nor dropped. */
export async function unsettledMessages(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND dropped_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

export async function emailsOf(db: pg.Pool, status?: 'pending' | 'active'): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>(
    status ? 'SELECT email FROM users WHERE status = $1' : 'SELECT email FROM users',
    status ? [status] : [],
  );
  return rows.map((r) => r.email);
}

/** The unsettled outbox rows grouped by why they wait, for failure messages. */
export async function outboxBacklog(db: pg.Pool): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(`
    SELECT leased_until > now() AS leased, due_at > now() AS later, attempts, left(last_error, 120) AS last_error,
           count(*)::int AS messages, max(leased_until) AS lease_ends, min(code_expires_at) AS first_expiry
      FROM outbox WHERE sent_at IS NULL AND dropped_at IS NULL
     GROUP BY 1, 2, 3, 4 ORDER BY messages DESC LIMIT 10`);
  return rows;
}
