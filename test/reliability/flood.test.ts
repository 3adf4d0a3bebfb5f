import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET } from '@signup/domain/testing';
import { flood, startServer, type FloodReport, type ServerProcess } from '@signup/testkit';
import { beforeAll, expect, it } from 'vitest';
import { basicAuth, send } from '../support/http-client.js';
import { describeOnStack, metricValue, newAccount, register } from '../support/stack.js';

/*
 * A flood of bad-credential activations, more than bcrypt can take: half for
 * unknown emails, half with wrong passwords for one registered account, 150 a
 * second (at most 64 in flight) on 2 hashing threads. The hashing queue stays
 * bounded (MAX_PENDING_HASHES, 16 per thread by default): the excess is shed
 * with 503 `overloaded` + Retry-After at once, and the probes keep answering
 * 200 fast, since none of them waits on the thread pool and the pool's
 * threads yield the CPU to the event loop.
 *
 * Open loop (a fixed arrival rate), not 64 loops each resending the moment
 * it is answered: shed answers take a millisecond, so such loops measure how
 * many requests per second express can refuse (what RATE_LIMIT_PER_MINUTE is
 * for), not what hashing does to the probes.
 */

const FLOOD_SECONDS = 8;
// About 4 times what 2 threads can check at cost 10 (the flood was 9/s at cost 12)
const PER_SECOND = 150;
const IN_FLIGHT = 64;
const PROBES = ['/livez', '/readyz', '/api/v1/health'] as const;
const PROBE_EVERY_MS = 50;
/*
 * The contract's bounds: probes p99 <= 100 ms, shed answers p99 <= 50 ms.
 * Measured on this 2-core VM (testkit `flood` measures 8 s after a 2 s
 * warm-up of the same flood): probes p99 24-36 ms, shed p99 15-18 ms over
 * 4 runs. What used to blow them (11.5 to 104 ms probe p99 over eight runs,
 * 130-375 ms beside other suites): pg closed idle pool connections after
 * 10 s, so the flood's first burst waited for PostgreSQL to fork up to 10
 * backends on the CPU the event loop needed (the pool now opens at start
 * and stays open); a commit of one statement ran inside BEGIN/COMMIT; zod
 * built and compiled a parser on every activation; pino-http's per-request
 * child logger made a third of the garbage whose collections the probes
 * waited for; and the flood's first 500 ms, cold code with every hashing slot
 * taken at once, counted as the flood.
 */
const PROBE_P99_MS = 100;
const SHED_P99_MS = 50;

describeOnStack('A flood of password checks', 'flood', ({ file, databaseUrl, stack }) => {
  let server: ServerProcess;
  let report: FloodReport;

  beforeAll(async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'signup-flood-'));
    file.defer(() => rmSync(logDir, { recursive: true, force: true }));
    server = await startServer(
      stack().env({
        // straight to PostgreSQL: no proxy on this process's event loop in between
        DATABASE_URL: databaseUrl(),
        SIGNUP_SECRET: TEST_SECRET,
        BCRYPT_COST: '10', // a compare takes tens of ms: 150 a second saturate 2 threads
        UV_THREADPOOL_SIZE: '2', // as the bench on 2 cores; MAX_PENDING_HASHES: its default, 32
        RATE_LIMIT_PER_MINUTE: '0',
        // the wrong-password limit would answer 429 before any hashing: opened up here
        PASSWORD_FAILURES_PER_15_MINUTES: '10000',
      }),
      // the server's default thread pool and MAX_PENDING_HASHES; its log into a
      // file, so a busy reader can never block the server's synchronous writes
      { name: 'flood', waitFor: 'readyz', logFile: join(logDir, 'flood.log') },
    );
  });

  it('sheds what bcrypt cannot take at once, and every probe answers 200 meanwhile', async () => {
    const account = newAccount(file.ledger, 'flooded');
    expect((await register(server.url, account)).status).toBe(201);

    const activation = (label: string, email: string, password: string) => ({
      label,
      method: 'POST',
      path: '/api/v1/activate',
      headers: {
        authorization: basicAuth(email, password),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ code: '1234' }),
    });
    const requests = Array.from({ length: 64 }, (_, i) =>
      i % 2 === 0
        ? activation('unknown email', newAccount(file.ledger, 'nobody').email, `guess-${i}-pw`)
        : activation('wrong password', account.email, `${account.password}-wrong-${i}`),
    );

    report = await flood({
      baseUrl: server.url,
      seconds: FLOOD_SECONDS,
      concurrency: IN_FLIGHT,
      ratePerSecond: PER_SECOND,
      requests,
      probePaths: PROBES,
      probeEveryMs: PROBE_EVERY_MS,
    });
    console.log(`[reliability] flood: ${report.summary}`);

    // The probes: every one 200, p99 within PROBE_P99_MS, each path on its own.
    expect(report.probes.length).toBeGreaterThan(PROBES.length * 50);
    expect(
      report.probes
        .filter((p) => p.status !== 200)
        .map((p) => `${p.path} ${p.status} ${p.error ?? ''}`),
    ).toEqual([]);
    for (const path of PROBES) {
      expect(report.probeLatencyByPath[path]!.p99, path).toBeLessThanOrEqual(PROBE_P99_MS);
    }

    // Shed: 503 overloaded with Retry-After, at once; unknown emails like known ones.
    expect(report.shed.length).toBeGreaterThan(0);
    expect(report.shed.filter((s) => !(Number(s.retryAfter) >= 1))).toEqual([]);
    expect(report.shedLatency.p99!).toBeLessThanOrEqual(SHED_P99_MS);
    const shedOf = (label: string) => report.shed.filter((s) => s.label === label).length;
    expect(shedOf('unknown email')).toBeGreaterThan(0);
    expect(shedOf('wrong password')).toBeGreaterThan(0);

    // Everything else was processed: the same 401 for both kinds, never another 5xx.
    expect(report.accepted.length).toBeGreaterThan(0);
    const unexpected = report.accepted.filter(
      (s) => !(s.status === 401 && s.code === 'invalid_credentials'),
    );
    expect(unexpected.map((s) => `${s.status} ${s.code ?? s.error ?? ''}`)).toEqual([]);
    file.figures.fivexxSeen += report.flood.filter(
      (s) => s.status >= 500 && s.code !== 'overloaded',
    ).length;

    // The shed requests are counted by route (the warm-up's too).
    const shedInAll =
      report.shed.length + report.warmUp.filter((s) => s.code === 'overloaded').length;
    const metrics = await send(server.url, { path: '/metrics' });
    expect(
      metricValue(metrics.text, 'signup_requests_shed_total', { route: '/api/v1/activate' }),
    ).toBe(shedInAll);
    expect(metricValue(metrics.text, 'signup_activations_total', { outcome: 'overloaded' })).toBe(
      shedInAll,
    );
  });

  it('serves requests normally once the flood is over', async () => {
    const account = newAccount(file.ledger, 'after');
    expect((await register(server.url, account)).status).toBe(201);
    for (const path of PROBES) expect((await send(server.url, { path })).status).toBe(200);
  });

  it('leaks no password, Authorization value or activation code into any log line', () => {
    // The server logged into a file (see beforeAll): its lines are read from there.
    expect(server.lines.length).toBeGreaterThan(report.shed.length);
    expect(file.ledger.leaks(server.lines)).toEqual([]);
  });
});
