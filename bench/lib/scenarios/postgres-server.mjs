import { runLoad } from '../load.mjs';
import { delay, summarize } from '../stats.mjs';
import { activateRequests, unknownEmailRequests, wrongPasswordRequests } from './accounts.mjs';
import { probeHealth } from './health-probe.mjs';
import { withProbe } from './measure.mjs';
import { serviceVars, startMigratedServer } from './service-vars.mjs';

const RESERVED_FOR_WRONG_PASSWORD = 32;

/**
 * Everything measured against the server on PostgreSQL, in one server
 * process: /livez, register, health under register load, mail latency,
 * activate, the two 401s, and its RSS. `step(key, fn)` runs and records one
 * scenario (an error there is recorded and the phase goes on).
 */
export async function postgresServer({ opts, db, smtp, accounts, workDir, cpuProfDir, step }) {
  const server = await startMigratedServer({
    name: 'server-postgres',
    vars: serviceVars(opts, { DATABASE_URL: db.url, SMTP_URL: smtp.url }),
    opts,
    workDir,
    cpuProfDir,
    migrateTimeoutMs: 60_000,
  });
  const { connections, seconds } = opts;
  const url = server.base;
  const rss = { idleMiB: null, peakMiB: null, idleAfterLoadMiB: null };
  try {
    await delay(opts.quick ? 1000 : 2000);
    rss.idleMiB = server.rss.nowMiB();
    rss.idleBreakdown = server.rss.breakdownMiB();
    rss.idleMemoryUsage = (await server.probe?.read())?.memoryMiB ?? null;

    await step('livez', () =>
      withProbe(server, async () => {
        await runLoad({ url, connections, seconds: seconds.warmup, path: '/livez' });
        return runLoad({ url, connections, seconds: seconds.livez, path: '/livez' });
      }),
    );

    await step('register', async () => {
      await runLoad({
        url,
        connections,
        seconds: seconds.warmup,
        requests: accounts.registerRequests('warmup'),
        expect: [201],
      });
      return withProbe(server, () =>
        runLoad({
          url,
          connections,
          seconds: seconds.register,
          requests: accounts.registerRequests('register'),
          expect: [201],
        }),
      );
    });

    await step('healthUnderLoad', async () => {
      const load = runLoad({
        url,
        connections,
        seconds: seconds.health,
        requests: accounts.registerRequests('health'),
        expect: [201],
      });
      await delay(500);
      const health = await probeHealth(url, { seconds: seconds.health - 1 });
      const register = await load;
      return {
        ...health,
        registerLoad: {
          rps: register.rps,
          completed: register.completed,
          non2xx: register.non2xx,
          errors: register.errors,
        },
      };
    });

    const all = [...accounts.created.keys()];
    await smtp.waitForRecipients(all, seconds.mailWait * 1000).catch(() => undefined);

    await step('mail', async () => {
      const emails = accounts.inPhase('register');
      const latencies = [];
      for (const email of emails) {
        const got = smtp.byRecipient(email).at(-1);
        if (got) latencies.push(Math.max(0, got.at - accounts.created.get(email).createdAt));
      }
      const s = summarize(latencies);
      return {
        completed: emails.length,
        expected: s.count,
        latencyMs: { mean: s.mean, p50: s.p50, p99: s.p99, max: s.max },
        errors: emails.length - s.count,
        non2xx: 0,
        note: `${s.count} of ${emails.length} registrations' emails received; ${smtp.messages.filter((m) => m.code === null).length} unreadable`,
      };
    });

    const withCodes = all
      .map((email) => ({ email, code: smtp.byRecipient(email).at(-1)?.code }))
      .filter((a) => a.code);
    // A few accounts stay pending for the wrong-password run; the rest are activated.
    const reserved = Math.min(RESERVED_FOR_WRONG_PASSWORD, Math.ceil(withCodes.length / 4));
    const wrongPasswordEmails = withCodes.slice(0, reserved).map((a) => a.email);
    const toActivate = withCodes.slice(reserved);

    await step('activate', async () => {
      if (toActivate.length === 0) throw new Error('no pending account with a received code');
      // autocannon needs at least one request per connection
      const activateConnections = Math.min(connections, toActivate.length);
      const result = await withProbe(server, () =>
        runLoad({
          url,
          connections: activateConnections,
          amount: toActivate.length,
          maxSeconds: seconds.activateMax,
          requests: activateRequests(toActivate),
          expect: [200],
        }),
      );
      return { ...result, accounts: toActivate.length };
    });

    // Both 401 runs: a warm-up first (the unknown-email path makes its dummy hash lazily).
    const unauthorized = (requests) => async () => {
      await runLoad({ url, connections, seconds: seconds.warmup, requests, expect: [401] });
      return withProbe(server, () =>
        runLoad({ url, connections, seconds: seconds.unauthorized, requests, expect: [401] }),
      );
    };
    await step('unauthorizedUnknownEmail', unauthorized(unknownEmailRequests(accounts)));
    if (wrongPasswordEmails.length > 0) {
      await step(
        'unauthorizedWrongPassword',
        unauthorized(wrongPasswordRequests(wrongPasswordEmails)),
      );
    } else {
      await step('unauthorizedWrongPassword', () =>
        Promise.reject(new Error('no registered account to use')),
      );
    }

    await delay(1000);
    rss.idleAfterLoadMiB = server.rss.nowMiB();
  } finally {
    const exit = await server.stop();
    rss.peakMiB = server.rss.peakMiB();
    rss.exit = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    await step('rss', async () => rss);
  }
}
