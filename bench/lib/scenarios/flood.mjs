import { flood } from '@signup/testkit';
import { basic } from './accounts.mjs';
import { serviceVars, startRunServer } from './service-vars.mjs';

const PROBES = ['/livez', '/readyz', '/api/v1/health'];
const PROBE_EVERY_MS = 50;
const FLOOD_SECONDS = { full: 8, quick: 3 };

/**
 * The flood of the issue "bounded hashing": its own server on PostgreSQL (the
 * server's default MAX_PENDING_HASHES, `--threadpool` threads), then
 * `floodRate` (150) activations a second, at most `floodInFlight` (64) in
 * flight, for 8 s (3 s with --quick) after 2 s of warm-up, half for unknown
 * emails and half with wrong passwords for one registered account, while
 * /livez, /readyz and /api/v1/health are each probed every 50 ms. The flood
 * and the probes run in worker threads of their own (testkit `flood`).
 * Reports the probes' p99 (target ≤ 100 ms, all 200), the shed answers
 * (503 overloaded: count, p99, target ≤ 50 ms) and the accepted ones' p99.
 */
export async function floodScenario({ opts, db, smtp, workDir, cpuProfDir }) {
  const vars = serviceVars(opts, { DATABASE_URL: db.url, SMTP_URL: smtp.url });
  // MAX_PENDING_HASHES unset: 16 per thread of UV_THREADPOOL_SIZE (--threadpool)
  const server = await startRunServer({
    name: 'server-flood',
    vars,
    opts,
    workDir,
    cpuProfDir,
    probe: false,
  });
  try {
    const email = `flooded-${Date.now()}@bench.test`;
    const password = 'the right password';
    const registered = await fetch(`${server.base}/api/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    const activation = (label, user, pass) => ({
      label,
      method: 'POST',
      path: '/api/v1/activate',
      headers: { authorization: basic(user, pass), 'content-type': 'application/json' },
      body: JSON.stringify({ code: '1234' }),
    });
    const requests = Array.from({ length: 64 }, (_, i) =>
      i % 2 === 0
        ? activation('unknown email', `nobody-${i}-${Date.now()}@bench.test`, `guess ${i}`)
        : activation('wrong password', email, `${password} ${i}`),
    );
    const seconds = opts.quick ? FLOOD_SECONDS.quick : FLOOD_SECONDS.full;
    const report = await flood({
      baseUrl: server.base,
      seconds,
      concurrency: opts.floodInFlight,
      ratePerSecond: opts.floodRate,
      requests,
      probePaths: PROBES,
      probeEveryMs: PROBE_EVERY_MS,
    });
    const other5xx = report.flood.filter((s) => s.status >= 500 && s.code !== 'overloaded');
    return {
      completed: report.flood.length,
      expected: report.shed.length,
      rps: Math.round((report.flood.length / seconds) * 10) / 10,
      latencyMs: { p50: report.probeLatency.p50, p99: report.probeLatency.p99 },
      errors: report.flood.filter((s) => s.status === 0).length,
      non2xx: report.flood.filter((s) => s.status >= 300).length,
      seconds,
      inFlight: opts.floodInFlight,
      ratePerSecond: opts.floodRate,
      statuses: report.statuses,
      probes: { all: report.probeLatency, ...report.probeLatencyByPath },
      probesNot200: report.probes.filter((s) => s.status !== 200).length,
      shed: {
        ...report.shedLatency,
        withoutRetryAfter: report.shed.filter((s) => !(Number(s.retryAfter) >= 1)).length,
        unknownEmail: report.shed.filter((s) => s.label === 'unknown email').length,
        wrongPassword: report.shed.filter((s) => s.label === 'wrong password').length,
      },
      accepted: report.acceptedLatency,
      other5xx: other5xx.length,
      summary: report.summary,
    };
  } finally {
    await server.stop();
  }
}
