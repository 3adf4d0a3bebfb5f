/**
 * GET /api/v1/health one at a time, every `everyMs`, for `seconds` (at most
 * seconds * 1000 / everyMs requests), from its own process: the latency seen
 * is the server's, not the wait of a client whose event loop is busy driving
 * the register load and receiving its mail. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { delay, summarize } from './stats.mjs';

const { base, seconds, everyMs } = JSON.parse(process.argv[2]);
const url = `${base}/api/v1/health`;

// Warm the fetch machinery and the keep-alive connection outside the measurement.
await (await fetch(url, { signal: AbortSignal.timeout(5000) })).arrayBuffer();

const latencies = [];
const statuses = {};
let errors = 0;
const deadline = performance.now() + seconds * 1000;
const maxCount = Math.ceil((seconds * 1000) / everyMs);
for (let i = 0; i < maxCount && performance.now() < deadline; i++) {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  } catch {
    errors++;
  }
  await delay(Math.max(0, everyMs - (performance.now() - started)));
}
const s = summarize(latencies);
process.stdout.write(
  JSON.stringify({
    completed: s.count,
    expected: statuses[200] ?? 0,
    latencyMs: { mean: s.mean, p50: s.p50, p99: s.p99, max: s.max },
    errors,
    non2xx: s.count - (statuses[200] ?? 0),
    statuses,
  }) + '\n',
);
