import { performance } from 'node:perf_hooks';
import { isInterrupted } from '../cleanup.mjs';
import { runCliOk } from '../cli.mjs';
import { runLoad } from '../load.mjs';
import { waitForOutbox, withClient } from '../postgres.mjs';
import { scaleGoals } from '../report.mjs';
import { countAccounts, seedAccounts } from '../seed.mjs';
import { serviceEnv } from '../server.mjs';
import { delay, round, summarize } from '../stats.mjs';
import { activateRequests } from './accounts.mjs';
import { probeHealth } from './health-probe.mjs';
import { withProbe } from './measure.mjs';
import { serviceVars, startRunServer } from './service-vars.mjs';

const ACTIVE = 'scale-active-';
const EXPIRED = 'scale-expired-';
const USERS_LIST_RUNS = 3;

/**
 * Collects the responses of one status with their latency (fractional ms) and
 * when they arrived; `summary(from, to)` keeps those whose request overlapped
 * [from, to] (performance.now() instants).
 */
function recorder(status) {
  const samples = [];
  return {
    onResponse: (s, ms) => {
      if (s === status) samples.push({ at: performance.now(), ms });
    },
    summary(from = -Infinity, to = Infinity) {
      const { count, mean, p50, p99, max } = summarize(
        samples.filter(({ at, ms }) => at >= from && at - ms <= to).map(({ ms }) => ms),
      );
      return { count, mean, p50, p99, max };
    },
  };
}

/** A load run's figures with its latencies from `rec` (autocannon's whole-ms ones kept aside). */
const withLatencies = (result, latencyMs) => ({
  ...result,
  latencyMs,
  autocannonLatencyMs: result.latencyMs,
});

/**
 * Grows the seeded accounts to `size`: half active, half pending with codes
 * that expired two days ago (what purge-expired deleted at the previous size
 * is seeded again), a sent outbox message each; only the difference is
 * inserted. `next` holds the next free number of each prefix.
 */
async function grow(url, size, next) {
  const expired = Math.floor(size / 2);
  let seeded = 0;
  for (const [prefix, target, active] of [
    [ACTIVE, size - expired, true],
    [EXPIRED, expired, false],
  ]) {
    const count = target - (await countAccounts(url, prefix));
    seeded += await seedAccounts(url, { prefix, from: next[prefix], count, active });
    next[prefix] += Math.max(0, count);
  }
  // as a long-lived database would be: hint bits set, visibility map and statistics fresh
  await withClient(url, (c) => c.query('VACUUM (ANALYZE) users, activation_codes, outbox'));
  const { rows } = await withClient(url, (c) =>
    c.query(
      `SELECT (SELECT count(*) FROM users)::integer AS users,
              (SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL)::integer AS sent_messages`,
    ),
  );
  return { seeded, users: rows[0].users, sentMessages: rows[0].sent_messages };
}

/** Everything measured at one size, on a server started on the grown database. */
async function measureSize({ size, opts, db, smtp, accounts, next, workDir, cpuProfDir, log }) {
  const { connections, seconds } = opts;
  const seedStarted = performance.now();
  const tables = await grow(db.url, size, next);
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 2);
  log(
    `scale ${size}: ${tables.seeded} accounts seeded in ${seedSeconds} s (${tables.users} accounts, ${tables.sentMessages} sent messages)`,
  );

  const vars = serviceVars(opts, { DATABASE_URL: db.url, SMTP_URL: smtp.url });
  const env = serviceEnv(vars);
  const server = await startRunServer({
    name: `server-scale-${size}`,
    vars,
    opts,
    workDir,
    cpuProfDir,
  });
  const url = server.base;
  const phase = `scale-${size}`;
  // Each run starts with the previous one's mail sent, not behind it.
  const drain = async (what) => {
    const unsent = await waitForOutbox(db.url, { seconds: seconds.scaleMailDrain });
    if (unsent > 0) log(`scale ${size}: ${unsent} messages still unsent ${what}`);
  };
  try {
    await drain('at the start');
    await runLoad({
      url,
      connections,
      seconds: seconds.warmup,
      requests: accounts.registerRequests(`${phase}-warmup`),
      expect: [201],
    });
    await drain('after the warm-up');
    const registered = recorder(201);
    const register = await withProbe(server, () =>
      runLoad({
        url,
        connections,
        seconds: seconds.scaleLoad,
        requests: accounts.registerRequests(phase),
        expect: [201],
        onResponse: registered.onResponse,
      }),
    );

    await drain('after register');
    const emails = accounts.inPhase(phase);
    await smtp.waitForRecipients(emails, seconds.mailWait * 1000).catch(() => undefined);
    const toActivate = emails
      .map((email) => ({ email, code: smtp.byRecipient(email).at(-1)?.code }))
      .filter((a) => a.code);
    if (toActivate.length === 0) throw new Error('no registered account with a received code');
    const activated = recorder(200);
    const activate = await withProbe(server, () =>
      runLoad({
        url,
        // autocannon needs at least one request per connection
        connections: Math.min(connections, toActivate.length),
        amount: toActivate.length,
        maxSeconds: seconds.scaleActivateMax,
        requests: activateRequests(toActivate),
        expect: [200],
        onResponse: activated.onResponse,
      }),
    );

    // the server idle again: what a monitoring probe sees at this size
    const health = await probeHealth(url, { seconds: seconds.scaleHealth });

    const listSeconds = [];
    for (let i = 0; i < USERS_LIST_RUNS; i++) {
      const run = await runCliOk(['--json', 'users', 'list'], { env, timeoutMs: 60_000 });
      listSeconds.push(run.seconds * 1000);
    }

    const purge = await purgeUnderLoad({
      url,
      databaseUrl: db.url,
      env,
      size,
      opts,
      accounts,
      phase,
    });
    const registerLatency = registered.summary();
    return {
      accounts: size,
      ...tables,
      seedSeconds,
      register: withLatencies(register, registerLatency),
      activate: { ...withLatencies(activate, activated.summary()), accounts: toActivate.length },
      health,
      usersListMs: {
        median: round(summarize(listSeconds).p50, 0),
        runs: listSeconds.map((ms) => round(ms, 0)),
        note: 'wall time of the whole CLI process (start-up included), default --limit 50',
      },
      purge: {
        ...purge,
        registerP99Ratio:
          purge.registerDuring.latencyMs.p99 && registerLatency.p99
            ? round(purge.registerDuring.latencyMs.p99 / registerLatency.p99, 2)
            : null,
      },
    };
  } finally {
    await server.stop();
  }
}

/**
 * `signup purge-expired --older-than 24h` (the expired half) while
 * `connections` connections register, from `scalePurgeLead` seconds before
 * it starts to as long after it ends: rows deleted per second of the CLI's
 * wall time, and the latency of the registrations that overlapped it.
 */
async function purgeUnderLoad({ url, databaseUrl, env, size, opts, accounts, phase }) {
  const lead = opts.seconds.scalePurgeLead * 1000;
  const expected = await countAccounts(databaseUrl, EXPIRED);
  const during = recorder(201);
  let window = null;
  const purge = (async () => {
    await delay(lead);
    const from = performance.now();
    try {
      return await runCliOk(['--json', 'purge-expired', '--older-than', '24h'], {
        env,
        timeoutMs: 600_000,
      });
    } finally {
      window = { from, to: performance.now() };
    }
  })();
  const load = runLoad({
    url,
    connections: opts.connections,
    // ended by the purge (`until`); this only bounds it
    seconds: 900,
    requests: accounts.registerRequests(`${phase}-purge`),
    expect: [201],
    onResponse: during.onResponse,
    until: purge.then(() => delay(lead)),
  });
  const [purged, loaded] = await Promise.allSettled([purge, load]);
  if (purged.status === 'rejected') throw purged.reason;
  if (loaded.status === 'rejected') throw loaded.reason;
  const run = purged.value;
  const deleted = Number(JSON.parse(run.stdout).count);
  return {
    expected,
    deleted,
    left: await countAccounts(databaseUrl, EXPIRED),
    seconds: round(run.seconds, 2),
    rowsPerSecond: round(deleted / run.seconds, 0),
    registerDuring: {
      rps: loaded.value.rps,
      completed: loaded.value.completed,
      errors: loaded.value.errors,
      non2xx: loaded.value.non2xx,
      latencyMs: during.summary(window.from, window.to),
      note: `registrations whose request overlapped the purge's ${round(run.seconds, 2)} s (CLI start-up included)`,
    },
    note: `${size} accounts; wall time of the whole CLI process, start-up included`,
  };
}

/**
 * The scale scenario: one database grown through `opts.scaleSizes` accounts
 * (seeded with SQL, never through the API), and at each size a server on it:
 * register and activate (p50/p99, rate), /api/v1/health, `signup users list`,
 * and purge-expired over the expired half under register load. A size that
 * fails is recorded with its error and the next one still runs.
 */
export async function scaleScenario({ opts, db, smtp, accounts, workDir, cpuProfDir, log }) {
  const env = serviceEnv(serviceVars(opts, { DATABASE_URL: db.url }));
  await runCliOk(['migrate'], { env, timeoutMs: 60_000 });
  const next = { [ACTIVE]: 1, [EXPIRED]: 1 };
  const sizes = [];
  for (const size of opts.scaleSizes) {
    const started = performance.now();
    try {
      const row = await measureSize({
        size,
        opts,
        db,
        smtp,
        accounts,
        next,
        workDir,
        cpuProfDir,
        log,
      });
      sizes.push({ ...row, wallSeconds: round((performance.now() - started) / 1000, 1) });
      log(
        `scale ${size}: register p50 ${row.register.latencyMs.p50} ms, activate p50 ${row.activate.latencyMs.p50} ms, health p99 ${row.health.latencyMs.p99} ms, purge ${row.purge.rowsPerSecond} rows/s`,
      );
    } catch (error) {
      if (isInterrupted()) throw error;
      sizes.push({ accounts: size, error: error.message });
      log(`scale ${size} FAILED: ${error.message}`);
    }
  }
  const goals = scaleGoals(sizes);
  return {
    sizes,
    goals,
    summary: `${sizes.filter((r) => !r.error).length} of ${sizes.length} sizes; goals ${goals.map((g) => g.status).join(', ')}`,
  };
}
