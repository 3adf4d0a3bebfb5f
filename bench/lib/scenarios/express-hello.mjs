import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@signup/testkit';
import { onCleanup } from '../cleanup.mjs';
import { stopGracefully } from '../server.mjs';
import { runLoad } from '../load.mjs';
import { cpuSeconds } from '../rss.mjs';
import { round } from '../stats.mjs';

const ENTRY = fileURLToPath(new URL('../express-hello.mjs', import.meta.url));

/** GET / on a bare express hello-world: the ceiling for /livez. */
export async function expressHello({ connections, threadpool, seconds, workDir }) {
  const child = await startServer(
    { UV_THREADPOOL_SIZE: String(threadpool), NODE_OPTIONS: '' },
    {
      name: 'express-hello',
      entry: ENTRY,
      baseEnv: process.env,
      logFile: path.join(workDir, 'express-hello.log'),
      waitFor: '/',
      readyTimeoutMs: 15_000,
    },
  );
  const unregister = onCleanup('stop express-hello', () => stopGracefully(child, 5000));
  try {
    const url = child.url;
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
    unregister();
    await stopGracefully(child, 5000);
  }
}
