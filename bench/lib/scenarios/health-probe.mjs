import { performance } from 'node:perf_hooks';
import { delay, summarize } from '../stats.mjs';

/**
 * GET /api/v1/health one at a time, every `everyMs`, for `seconds` (at most
 * seconds * 1000 / everyMs requests); latency of each answer.
 */
export async function probeHealth(base, { seconds, everyMs = 100 }) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const maxCount = Math.ceil((seconds * 1000) / everyMs);
  for (let i = 0; i < maxCount && performance.now() < deadline; i++) {
    const started = performance.now();
    try {
      const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    } catch {
      errors++;
    }
    await delay(Math.max(0, everyMs - (performance.now() - started)));
  }
  const s = summarize(latencies);
  return {
    completed: s.count,
    expected: statuses[200] ?? 0,
    latencyMs: { mean: s.mean, p50: s.p50, p99: s.p99, max: s.max },
    errors,
    non2xx: s.count - (statuses[200] ?? 0),
    statuses,
  };
}
