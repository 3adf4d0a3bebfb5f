#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: the load benchmark of the signup API and CLI
 * (`-- --scale`: its scale scenario alone, up to 1M seeded accounts).
 * Starts everything it measures (servers, SMTP sink, database), drives it with
 * autocannon, writes bench/results/<timestamp>.json and prints a markdown
 * table. Exit 0 however slow; 1 only when the bench itself broke; 2 on usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, UsageError } from './lib/args.mjs';
import { installSignalHandlers, isInterrupted, onCleanup, runCleanup } from './lib/cleanup.mjs';
import { describeMachine } from './lib/machine.mjs';
import { cpuRatios, evaluateTargets, markdownReport } from './lib/report.mjs';
import { Accounts } from './lib/scenarios/accounts.mjs';
import { rawBcrypt } from './lib/scenarios/raw-bcrypt.mjs';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function log(line) {
  process.stderr.write(`bench: ${line}\n`);
}

function brief(r) {
  if (r.summary !== undefined) return r.summary;
  if (r.rowsPerSecond !== undefined) return `${r.rowsPerSecond} rows/s`;
  if (r.rps !== undefined)
    return `${r.rps} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`;
  if (r.latencyMs) return `p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`;
  return JSON.stringify(r);
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error.code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`bench: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (opts.help) {
    process.stdout.write(opts.help);
    return 0;
  }
  // What needs the build (the testkit's dist) loads only for a run: --help works before it.
  const [
    { startSmtpSink },
    { adminDatabaseUrl, createBenchDatabase },
    { expressHello },
    { pgliteServer },
    { postgresServer },
    { purgeExpired },
    { floodScenario },
    { mailCeiling },
    { scaleScenario },
  ] = await Promise.all([
    import('@signup/testkit'),
    import('./lib/postgres.mjs'),
    import('./lib/scenarios/express-hello.mjs'),
    import('./lib/scenarios/pglite-server.mjs'),
    import('./lib/scenarios/postgres-server.mjs'),
    import('./lib/scenarios/purge.mjs'),
    import('./lib/scenarios/flood.mjs'),
    import('./lib/scenarios/mail-ceiling.mjs'),
    import('./lib/scenarios/scale.mjs'),
  ]);
  installSignalHandlers();
  const started = Date.now();
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signup-bench-'));
  onCleanup('remove temp folder', async () => fs.rmSync(workDir, { recursive: true, force: true }));
  const cpuProfDir = opts.cpuProf ? path.join(RESULTS_DIR, 'profiles') : undefined;

  const machine = describeMachine();
  if (machine.loadAverageAtStart[0] > machine.cores * 0.5) {
    log(`the machine is busy (load average ${machine.loadAverageAtStart[0]}): figures will be low`);
  }
  const results = {
    startedAt: new Date(started).toISOString(),
    options: {
      quick: opts.quick,
      cost: opts.cost,
      connections: opts.connections,
      floodInFlight: opts.floodInFlight,
      floodRate: opts.floodRate ?? 'as fast as answered',
      threadpool: opts.threadpool,
      poolMax: opts.poolMax ?? 'server default',
      logLevel: opts.logLevel,
      purgeRows: opts.purgeRows,
      scale: opts.scale,
      scaleSizes: opts.scaleSizes,
      groups: [...opts.groups],
      probe: opts.probe,
      nodeFlags: opts.nodeFlags.join(' '),
      seconds: opts.seconds,
    },
    machine,
    scenarios: {},
    failures: [],
  };

  const step = async (key, fn) => {
    const t = Date.now();
    try {
      const r = await fn();
      results.scenarios[key] = r;
      log(`${key}: ${brief(r)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (error) {
      if (isInterrupted()) throw error;
      results.scenarios[key] = { error: error.message };
      results.failures.push(`${key}: ${error.message}`);
      log(`${key} FAILED: ${error.message}`);
    }
  };
  const phase = async (name, fn) => {
    try {
      await fn();
    } catch (error) {
      if (isInterrupted()) throw error;
      results.failures.push(`${name}: ${error.message}`);
      log(`${name} FAILED: ${error.message}`);
    }
  };
  const g = opts.groups;

  if (g.has('raw')) {
    for (const mode of ['hash', 'compare']) {
      const key = mode === 'hash' ? 'rawHash' : 'rawCompare';
      await step(key, () => rawBcrypt(mode, { ...opts, seconds: opts.seconds.raw }));
    }
  }
  if (g.has('express')) {
    await step('expressHello', () => expressHello({ ...opts, workDir }));
  }

  const needsPostgres =
    g.has('postgres') || g.has('flood') || g.has('mail') || g.has('purge') || g.has('scale');
  const needsSmtp = g.has('postgres') || g.has('flood') || g.has('pglite') || g.has('scale');
  let db = null;
  if (needsPostgres) {
    await phase('database', async () => {
      db = await createBenchDatabase(adminDatabaseUrl());
      machine.postgres = db.version;
      log(`database ${db.name} created (PostgreSQL ${db.version})`);
    });
  }
  const smtp = needsSmtp ? await startSmtpSink() : null;
  if (smtp) onCleanup('stop SMTP sink', () => smtp.close());
  const accounts = new Accounts();

  if (g.has('postgres') && db) {
    await phase('postgres server', () =>
      postgresServer({ opts, db, smtp, accounts, workDir, cpuProfDir, step }),
    );
  }
  if (g.has('flood') && db) {
    await step('flood', () => floodScenario({ opts, db, smtp, workDir, cpuProfDir }));
  }
  if (g.has('mail') && db) {
    await step('mailCeiling', () => mailCeiling({ opts, db, workDir, cpuProfDir }));
  }
  if (g.has('pglite')) {
    await phase('pglite server', () =>
      pgliteServer({ opts, smtp, accounts, workDir, cpuProfDir, step }),
    );
  }
  if (g.has('purge') && db) {
    await step('purge', () => purgeExpired({ opts, db, migrated: g.has('postgres') }));
  }
  if (g.has('scale') && db) {
    await step('scale', () =>
      scaleScenario({ opts, db, smtp, accounts, workDir, cpuProfDir, log }),
    );
    for (const size of results.scenarios.scale.sizes ?? []) {
      if (size.error) results.failures.push(`scale ${size.accounts}: ${size.error}`);
    }
  }

  await runCleanup();
  if (isInterrupted()) return null;
  results.finishedAt = new Date().toISOString();
  results.wallSeconds = Math.round((Date.now() - started) / 100) / 10;
  results.targets = evaluateTargets(results.scenarios);
  results.cpuRatios = cpuRatios(results.scenarios);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${markdownReport(results)}\n\n`);
  log(`results in ${path.relative(process.cwd(), file)}; ${results.wallSeconds} s`);
  if (results.failures.length > 0) {
    log(
      `the bench broke in ${results.failures.length} place(s) (details above and in the JSON):\n  ` +
        results.failures.map((f) => f.split('\n')[0]).join('\n  '),
    );
    return 1;
  }
  return 0;
}

main()
  .catch(async (error) => {
    if (isInterrupted()) return null;
    console.error(`bench: ${error.stack ?? error}`);
    await runCleanup();
    return 1;
  })
  .then((code) => {
    // after a signal, its handler exits once the cleanup is done
    if (code !== null) process.exit(code);
  });
