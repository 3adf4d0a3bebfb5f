import { runCliOk } from '../cli.mjs';
import { withClient } from '../postgres.mjs';
import { countAccounts, seedAccounts } from '../seed.mjs';
import { serviceEnv } from '../server.mjs';
import { round } from '../stats.mjs';
import { serviceVars } from './service-vars.mjs';

const PREFIX = 'purge-';

/** `signup purge-expired` on `rows` expired pending accounts: rows deleted per second. */
export async function purgeExpired({ opts, db, migrated = false }) {
  const env = serviceEnv(serviceVars(opts, { DATABASE_URL: db.url }));
  if (!migrated) await runCliOk(['migrate'], { env, timeoutMs: 60_000 });
  const seedStarted = performance.now();
  // pending accounts whose code expired two days ago, with a sent message each
  await seedAccounts(db.url, { prefix: PREFIX, count: opts.purgeRows });
  await withClient(db.url, (c) => c.query('ANALYZE users, activation_codes, outbox'));
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const run = await runCliOk(['--json', 'purge-expired', '--older-than', '24h'], {
    env,
    timeoutMs: 240_000,
  });
  const deleted = Number(JSON.parse(run.stdout).count);
  const left = await countAccounts(db.url, PREFIX);
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
