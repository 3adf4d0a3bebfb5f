import { runCliOk } from '../cli.mjs';
import { withClient } from '../postgres.mjs';
import { serviceEnv } from '../server.mjs';
import { round } from '../stats.mjs';
import { serviceVars } from './service-vars.mjs';

// Any well-formed bcrypt hash: purge never compares it.
const HASH = '$2b$10$abcdefghijklmnopqrstuu5Hh4H3Nmo3Xt3N4xMjDL6yTkfsyPc1W';

/**
 * Seeds `rows` pending accounts whose code expired two days ago (set-based:
 * INSERT ... SELECT generate_series, into the tables of the adapters'
 * migrations: users, activation_codes, and a sent outbox message each).
 */
async function seedExpiredPending(url, rows) {
  return withClient(url, async (c) => {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO users (id, email, password_hash, status, created_at, version)
       SELECT gen_random_uuid(), 'purge-' || i || '@bench.test', $2, 'pending',
              now() - interval '3 days' + i * interval '1 millisecond', 1
       FROM generate_series(1, $1::int) AS i`,
      [rows, HASH],
    );
    await c.query(
      `INSERT INTO activation_codes (user_id, id, digest, key_id, issued_at, expires_at, attempts)
       SELECT id, gen_random_uuid(), md5(id::text) || md5(email), 'unkeyed', created_at,
              created_at + interval '60 seconds', 0
       FROM users WHERE email LIKE 'purge-%@bench.test'`,
    );
    await c.query(
      `INSERT INTO outbox (id, user_id, recipient, code_expires_at, created_at, due_at, sent_at)
       SELECT gen_random_uuid(), id, email, created_at + interval '60 seconds',
              created_at, created_at, created_at + interval '1 second'
       FROM users WHERE email LIKE 'purge-%@bench.test'`,
    );
    await c.query('COMMIT');
    await c.query('ANALYZE users, activation_codes, outbox');
  });
}

const countSeeded = (url) =>
  withClient(url, async (c) =>
    Number(
      (await c.query("SELECT count(*) AS n FROM users WHERE email LIKE 'purge-%@bench.test'"))
        .rows[0].n,
    ),
  );

/** `signup purge-expired` on `rows` expired pending accounts: rows deleted per second. */
export async function purgeExpired({ opts, db, migrated = false }) {
  const env = serviceEnv(serviceVars(opts, { DATABASE_URL: db.url }));
  if (!migrated) await runCliOk(['migrate'], { env, timeoutMs: 60_000 });
  const seedStarted = performance.now();
  await seedExpiredPending(db.url, opts.purgeRows);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const run = await runCliOk(['--json', 'purge-expired', '--older-than', '24h'], {
    env,
    timeoutMs: 240_000,
  });
  const deleted = Number(JSON.parse(run.stdout).count);
  const left = await countSeeded(db.url);
  return {
    rows: opts.purgeRows,
    deleted,
    left,
    batchSize: 1000,
    seconds: round(run.seconds, 2),
    rowsPerSecond: round(deleted / run.seconds, 0),
    seedSeconds: round(seedSeconds, 2),
    completed: deleted,
    expected: deleted,
    errors: left,
    non2xx: 0,
    note: 'wall time of the whole CLI process, start-up included',
  };
}
