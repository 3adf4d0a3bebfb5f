import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from '../cleanup.mjs';
import { round } from '../stats.mjs';

const CHILD = fileURLToPath(new URL('../raw-bcrypt-child.mjs', import.meta.url));

/** bcrypt.hash or bcrypt.compare at the server's cost and concurrency, in a child process. */
export async function rawBcrypt(mode, { cost, connections, threadpool, seconds }) {
  const params = JSON.stringify({
    mode,
    cost,
    concurrency: connections,
    seconds,
    maxOps: 1_000_000,
  });
  const out = await new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CHILD, params],
      {
        env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpool), NODE_OPTIONS: '' },
        timeout: (seconds + 30) * 1000,
      },
      (error, stdout, stderr) => {
        unregister();
        if (error) reject(new Error(`raw bcrypt ${mode}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    const unregister = onCleanup(`stop raw bcrypt ${mode}`, async () => {
      child.kill('SIGKILL');
    });
  });
  const r = JSON.parse(out);
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
