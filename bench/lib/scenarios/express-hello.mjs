import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode, tail } from '../child.mjs';
import { runLoad } from '../load.mjs';
import { cpuSeconds } from '../rss.mjs';
import { round } from '../stats.mjs';
import { freePort, waitForHttp } from '../net.mjs';

const ENTRY = fileURLToPath(new URL('../express-hello.mjs', import.meta.url));

/** GET / on a bare express hello-world: the ceiling for /livez. */
export async function expressHello({ connections, threadpool, seconds, workDir }) {
  const port = await freePort();
  const child = spawnNode({
    name: 'express-hello',
    args: [ENTRY],
    env: {
      ...process.env,
      PORT: String(port),
      UV_THREADPOOL_SIZE: String(threadpool),
      NODE_OPTIONS: '',
      NODE_ENV: 'production',
    },
    logFile: path.join(workDir, 'express-hello.log'),
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/`, { child, timeoutMs: 15_000 }).catch((e) => {
      throw new Error(`${e.message}\n${tail(child.logFile)}`);
    });
    await runLoad({ url, connections, seconds: seconds.warmup });
    const before = cpuSeconds(child.pid);
    const result = await runLoad({ url, connections, seconds: seconds.livez });
    const cpu = cpuSeconds(child.pid) - before;
    return {
      ...result,
      server: {
        cpuMsPerRequest: result.completed ? round((cpu * 1000) / result.completed, 3) : null,
      },
    };
  } finally {
    await child.stop(5000);
  }
}
