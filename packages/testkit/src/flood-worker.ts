/**
 * One side of a flood (see flood.ts), in a process of its own (forked, the
 * job as its argument): either `concurrency` loops sending the flood's
 * requests back to back for `seconds`, or one prober per path sending a GET
 * every `everyMs`. Each side warms up, says `{ ready: true }` and waits for
 * the parent's go (both sides measure the same seconds), then sends one IPC
 * message with every sample (and the warm-up's apart) when done.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FloodRequest, FloodSample, WorkerJob, WorkerResult } from './flood.js';

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;

function send(request: FloodRequest, agent: http.Agent | false): Promise<FloodSample> {
  const started = performance.now();
  const at = Date.now();
  const payload = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { ...request.headers };
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve) => {
    const done = (sample: Omit<FloodSample, 'ms' | 'at' | 'path' | 'label'>) =>
      resolve({
        ...sample,
        path: request.path,
        label: request.label ?? null,
        at,
        ms: performance.now() - started,
      });
    const req = http.request(`${job.baseUrl}${request.path}`, {
      method: request.method ?? 'GET',
      headers,
      agent,
    });
    req.setTimeout(job.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) =>
        done({ status: 0, code: null, retryAfter: null, error: error.message }),
      );
      res.on('end', () => {
        let code: string | null = null;
        if (/problem\+json/.test(res.headers['content-type'] ?? '')) {
          try {
            code =
              (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string }).code ??
              null;
          } catch {
            code = null;
          }
        }
        const retryAfter = res.headers['retry-after'];
        done({ status: res.statusCode ?? 0, code, retryAfter: retryAfter ?? null, error: null });
      });
    });
    req.on('error', (error) =>
      done({ status: 0, code: null, retryAfter: null, error: error.message }),
    );
    req.end(payload);
  });
}

/** Tells the parent this side is warm, and resolves when the parent says both sides are. */
function ready(): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send?.({ ready: true });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function flood(job: Extract<WorkerJob, { kind: 'flood' }>): Promise<WorkerResult> {
  const { requests, concurrency, seconds, ratePerSecond, warmUpSeconds } = job;
  // Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout
  // closes them: otherwise a request sent on a socket the server is closing at that
  // moment meets ECONNRESET (the keep-alive race of every HTTP client, not the server's).
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, timeout: 4_000 });
  await send(requests[0]!, agent); // this process's own client started, outside everything
  /*
   * The flood runs from `start` without a pause; what is sent in its first
   * `warmUpSeconds` is the warm-up, outside the measurement, as in any load
   * test: the flood's first moments are a transient (the server's code still
   * cold, every hashing slot free and taken at once), not the flood. Measured
   * without it, that transient alone set the probes' p99 (35-117 ms in the
   * first 500 ms, 20-45 ms after). The measurement begins when the parent
   * says go (both sides warm) and lasts `seconds`.
   */
  const start = performance.now();
  let measuredFrom = Infinity;
  let deadline = Infinity;
  void delay(warmUpSeconds * 1000)
    .then(ready)
    .then(() => {
      measuredFrom = performance.now();
      deadline = measuredFrom + seconds * 1000;
    });
  const samples: FloodSample[] = [];
  const warmUp: FloodSample[] = [];
  let next = 0;
  const loop = async () => {
    for (;;) {
      const i = next++;
      // Open loop: request i is due at start + i / rate (later when every loop is busy).
      if (ratePerSecond) await delay(start + (i * 1000) / ratePerSecond - performance.now());
      const sentAt = performance.now();
      if (sentAt >= deadline) return;
      const sample = await send(requests[i % requests.length]!, agent);
      (sentAt >= measuredFrom ? samples : warmUp).push(sample);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  agent.destroy();
  return { samples, warmUp };
}

/** Each path on its own: a GET every `everyMs` (right after the last answer when that was slower). */
async function probe(job: Extract<WorkerJob, { kind: 'probe' }>): Promise<WorkerResult> {
  const { paths, everyMs, seconds } = job;
  // This process's own first requests (its http client's cold start) are not the server's latency.
  for (const path of paths) await send({ path }, false);
  await ready();
  const deadline = performance.now() + seconds * 1000;
  const samples: FloodSample[] = [];
  const loop = async (path: string) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      // A new connection each time, as an orchestrator's probe does.
      samples.push(await send({ path }, false));
      await delay(Math.max(0, everyMs - (performance.now() - started)));
    }
  };
  await Promise.all(paths.map(loop));
  return { samples, warmUp: [] };
}

const result = job.kind === 'flood' ? await flood(job) : await probe(job);
process.send?.(result, () => process.exit(0));
