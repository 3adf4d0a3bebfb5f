import { fileURLToPath } from 'node:url';
import { runJsonChild } from '../child.mjs';
import { round } from '../stats.mjs';

const CHILD = fileURLToPath(new URL('../raw-bcrypt-child.mjs', import.meta.url));

/** bcrypt.hash or bcrypt.compare at the server's cost and concurrency, in a child process. */
export async function rawBcrypt(mode, { cost, connections, threadpool, seconds }) {
  const r = await runJsonChild({
    name: `raw bcrypt ${mode}`,
    script: CHILD,
    params: { mode, cost, concurrency: connections, seconds, maxOps: 1_000_000 },
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpool) },
    timeoutMs: (seconds + 30) * 1000,
  });
  return {
    durationSeconds: round(r.seconds, 2),
    connections,
    completed: r.ops,
    expected: r.ops,
    rps: round(r.ops / r.seconds, 1),
    latencyMs: { p50: round(r.p50, 1), p99: round(r.p99, 1), max: round(r.max, 1) },
    errors: 0,
    non2xx: 0,
    threadpool: Number(r.threadpool),
    server: { cpuMsPerRequest: round(r.cpuMsPerOp, 3) },
  };
}
