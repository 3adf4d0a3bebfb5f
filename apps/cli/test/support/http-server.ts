import { TEST_SECRET } from '@signup/domain/testing';
import { startServer } from '@signup/testkit';

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the real API (apps/http) on `databaseUrl` on a free port; resolves once it answers. */
export async function startHttpServer(databaseUrl: string): Promise<HttpServer> {
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    SIGNUP_SECRET: TEST_SECRET,
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'info',
  });
  return {
    url: server.url,
    async close() {
      await server.stop('SIGTERM');
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
