/**
 * Raw bcrypt throughput, in its own process so it sees the same
 * UV_THREADPOOL_SIZE as the server: `concurrency` loops of bcrypt.hash or
 * bcrypt.compare at `cost`, for `seconds` (and at most `maxOps` operations).
 * Prints one JSON line.
 */
import bcrypt from 'bcrypt';
import { performance } from 'node:perf_hooks';

const { mode, cost, concurrency, seconds, maxOps } = JSON.parse(process.argv[2]);
const password = 'correct horse battery staple';
const hash = await bcrypt.hash(password, cost);

async function run(durationMs, limit) {
  const latencies = [];
  const deadline = performance.now() + durationMs;
  let started = 0;
  const loop = async () => {
    while (performance.now() < deadline && started < limit) {
      started++;
      const t = performance.now();
      if (mode === 'hash') await bcrypt.hash(password, cost);
      else if (!(await bcrypt.compare(password, hash))) throw new Error('compare failed');
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latencies, elapsed: (performance.now() - t0) / 1000 };
}

await run(Math.min(1000, seconds * 250), concurrency * 2); // warm-up
const cpuBefore = process.cpuUsage();
const { latencies, elapsed } = await run(seconds * 1000, maxOps);
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
process.stdout.write(
  JSON.stringify({
    ops: latencies.length,
    seconds: elapsed,
    p50: pct(50),
    p99: pct(99),
    max: latencies.at(-1),
    cpuMsPerOp: (cpu.user + cpu.system) / 1000 / latencies.length,
    threadpool: process.env.UV_THREADPOOL_SIZE ?? null,
  }) + '\n',
);
