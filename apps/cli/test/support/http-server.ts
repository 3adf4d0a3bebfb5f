import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built API server of apps/http. */
export const HTTP_MAIN = fileURLToPath(new URL('../../../http/dist/main.js', import.meta.url));

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the real API on `databaseUrl` on a free port; resolves once it listens. */
export async function startHttpServer(databaseUrl: string): Promise<HttpServer> {
  if (!existsSync(HTTP_MAIN)) throw new Error(`${HTTP_MAIN} is missing: run \`npx tsc -b\` first`);
  const child = spawn(process.execPath, [HTTP_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      BCRYPT_COST: '4',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start: ${stderr}`)), 30_000);
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const found = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (found?.[1] && line.includes('listening on')) {
          clearTimeout(timer);
          resolve(found[1].replace(/\/$/, ''));
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the API exited before listening: ${stderr}`));
    });
  });
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PollStats {
  readonly requests: number;
  readonly failures: string[];
  readonly maxLatencyMs: number;
}

/**
 * Runs `probes` round-robin, one at a time, until `done` settles; a probe
 * throws to report a failure. Collects the count and the slowest one.
 */
export async function pollWhile(
  probes: readonly (() => Promise<void>)[],
  done: Promise<unknown>,
): Promise<PollStats> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let requests = 0;
  let maxLatencyMs = 0;
  const failures: string[] = [];
  while (!finished) {
    const probe = probes[requests % probes.length]!;
    const started = performance.now();
    try {
      await probe();
    } catch (error) {
      failures.push((error as Error).message);
    }
    requests += 1;
    maxLatencyMs = Math.max(maxLatencyMs, performance.now() - started);
  }
  return { requests, failures, maxLatencyMs };
}

/** A probe that expects `status` from a request. */
export function expectStatus(
  status: number,
  request: () => Promise<Response>,
): () => Promise<void> {
  return async () => {
    const response = await request();
    const body = await response.text();
    if (response.status !== status) throw new Error(`${response.status} ${body}`);
  };
}
