import { withClient } from './postgres.mjs';

// Any well-formed bcrypt hash: nothing seeded is ever compared.
const HASH = '$2b$10$abcdefghijklmnopqrstuu5Hh4H3Nmo3Xt3N4xMjDL6yTkfsyPc1W';

/**
 * One statement (data-modifying CTEs over INSERT ... SELECT generate_series)
 * into the tables of the adapters' migrations: `$3` accounts numbered from
 * `$2` (emails `<$1><n>@bench.test`), created `$5` days ago one millisecond
 * apart, each with a sent outbox message (no sealed code: that is only for
 * unsent ones). Active (`$4`): activated 30 s after, no code row. Otherwise
 * pending with a code that expired 60 s after it was issued (key 'unkeyed':
 * it can never be checked).
 */
const SEED_SQL = `
WITH u AS (
  INSERT INTO users (id, email, password_hash, status, created_at, activated_at, version)
  SELECT gen_random_uuid(), $1::text || i || '@bench.test', $6,
         CASE WHEN $4::boolean THEN 'active' ELSE 'pending' END, at.t,
         CASE WHEN $4::boolean THEN at.t + interval '30 seconds' END,
         CASE WHEN $4::boolean THEN 2 ELSE 1 END
    FROM generate_series($2::int, $2::int + $3::int - 1) AS i,
         LATERAL (SELECT now() - $5::int * interval '1 day' + i * interval '1 millisecond' AS t) AS at
  RETURNING id, email, created_at
), codes AS (
  INSERT INTO activation_codes (user_id, id, digest, key_id, issued_at, expires_at, attempts)
  SELECT id, gen_random_uuid(), md5(id::text) || md5(email), 'unkeyed', created_at,
         created_at + interval '60 seconds', 0
    FROM u WHERE NOT $4::boolean
), messages AS (
  INSERT INTO outbox (id, user_id, recipient, code_expires_at, created_at, due_at, sent_at, attempts)
  SELECT gen_random_uuid(), id, email, created_at + interval '60 seconds', created_at, created_at,
         created_at + interval '1 second', 1
    FROM u
)
SELECT count(*)::integer AS n FROM u`;

/**
 * Seeds `count` accounts `<prefix><from..from+count-1>@bench.test` with SQL
 * (never through the API): `active` ones, or pending ones whose code expired
 * `daysAgo` days ago (what purge-expired --older-than 24h deletes). Sent
 * messages stay within the outbox's 7-day retention, so the server's
 * dispatcher leaves them. Resolves with how many were inserted.
 */
export function seedAccounts(url, { prefix, from = 1, count, active = false, daysAgo = 3 }) {
  if (count <= 0) return Promise.resolve(0);
  return withClient(
    url,
    async (c) => (await c.query(SEED_SQL, [prefix, from, count, active, daysAgo, HASH])).rows[0].n,
  );
}

/** How many accounts `<prefix>...@bench.test` there are. */
export const countAccounts = (url, prefix) =>
  withClient(url, async (c) =>
    Number(
      (
        await c.query("SELECT count(*) AS n FROM users WHERE email LIKE $1 || '%@bench.test'", [
          prefix,
        ])
      ).rows[0].n,
    ),
  );
