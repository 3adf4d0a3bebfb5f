import { fork } from 'node:child_process';

/**
 * A flood of requests against a running server while its probes are watched:
 * the reliability test and the bench share it. The flood and the probes each
 * run in a process of their own, so neither the caller's event loop nor the
 * flood's delays the probes' measurements (a prober sharing a process with
 * the flood measured several times the latency curl saw at the same time).
 */

/** One request of the flood (the body is sent as is; set its Content-Type). */
export interface FloodRequest {
  /** Copied into its samples, to tell kinds of request apart. */
  readonly label?: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** One answer (status 0: no answer, see `error`). */
export interface FloodSample {
  readonly path: string;
  readonly label: string | null;
  readonly status: number;
  /** The problem+json `code`, when the answer is one. */
  readonly code: string | null;
  readonly retryAfter: string | null;
  readonly error: string | null;
  /** When it was sent (epoch ms) and how long the whole answer took. */
  readonly at: number;
  readonly ms: number;
}

export interface FloodOptions {
  readonly baseUrl: string;
  readonly seconds: number;
  /** At most this many requests in flight. */
  readonly concurrency: number;
  /**
   * Arrivals per second, evenly spaced (an arrival waits while `concurrency`
   * are in flight). Unset: each of the `concurrency` loops sends its next
   * request as soon as the last is answered, as fast as the server answers.
   */
  readonly ratePerSecond?: number;
  /** Sent in turn, round robin. */
  readonly requests: readonly FloodRequest[];
  /**
   * The flood runs this long before the measurement (default 2): its first
   * moments are a transient, not the flood (see flood-worker.ts). The probes
   * and the measured `seconds` begin together after it.
   */
  readonly warmUpSeconds?: number;
  /** Probed with GET, each path on its own, every `probeEveryMs` during the flood. */
  readonly probePaths: readonly string[];
  readonly probeEveryMs: number;
  /** A request unanswered after this long counts as status 0; default 10 000. */
  readonly timeoutMs?: number;
}

/** What runs in a worker: the flood's loops, or the probes. */
export type WorkerJob = {
  readonly baseUrl: string;
  readonly seconds: number;
  readonly timeoutMs: number;
} & (
  | {
      readonly kind: 'flood';
      readonly concurrency: number;
      readonly ratePerSecond: number | null;
      readonly requests: readonly FloodRequest[];
      readonly warmUpSeconds: number;
    }
  | { readonly kind: 'probe'; readonly paths: readonly string[]; readonly everyMs: number }
);

/** What a worker sends back: its samples, and the flood side's warm-up answers apart. */
export interface WorkerResult {
  readonly samples: FloodSample[];
  readonly warmUp: FloodSample[];
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Nearest-rank percentiles of `values` in ms, rounded to 0.1 ms. */
export function summarizeLatency(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return null;
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return Math.round(sorted[rank - 1]! * 10) / 10;
  };
  return { count: sorted.length, p50: at(50), p99: at(99), max: at(100) };
}

export interface FloodReport {
  readonly seconds: number;
  readonly concurrency: number;
  /** The warm-up's answers (sent before the measurement began, in no figure below). */
  readonly warmUp: readonly FloodSample[];
  /** Every answer of the flood, and every probe's. */
  readonly flood: readonly FloodSample[];
  readonly probes: readonly FloodSample[];
  /** The flood's answers that were 503 `overloaded`. */
  readonly shed: readonly FloodSample[];
  /** The flood's other answers (the ones the server processed). */
  readonly accepted: readonly FloodSample[];
  /** Flood answers by status (and problem code). */
  readonly statuses: Record<string, number>;
  readonly probeLatency: LatencySummary;
  readonly probeLatencyByPath: Record<string, LatencySummary & { non200: number }>;
  readonly shedLatency: LatencySummary;
  readonly acceptedLatency: LatencySummary;
  /** One line with the figures. */
  readonly summary: string;
}

const WORKER = new URL('./flood-worker.js', import.meta.url);

interface Worker {
  /** Resolves once the worker is warm and waits for `go`. */
  readonly ready: Promise<void>;
  go(): void;
  readonly samples: Promise<WorkerResult>;
}

function startWorker(job: WorkerJob): Worker {
  const child = fork(WORKER, [JSON.stringify(job)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
    serialization: 'advanced',
  });
  const deadline = setTimeout(
    () => child.kill('SIGKILL'),
    (job.seconds + 60) * 1000 + job.timeoutMs,
  );
  let warm!: () => void;
  const ready = new Promise<void>((resolve) => (warm = resolve));
  const samples = new Promise<WorkerResult>((resolve, reject) => {
    let result: WorkerResult | undefined;
    child.on('message', (message: WorkerResult | { ready: true }) => {
      if ('samples' in message) result = message;
      else warm();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      if (result) resolve(result);
      else
        reject(
          new Error(`the flood's ${job.kind} process exited (${signal ?? code}) with no result`),
        );
    });
  });
  return { ready, go: () => child.send('go'), samples };
}

/** Floods `baseUrl` for `seconds` while probing `probePaths`; resolves with the figures. */
export async function flood(options: FloodOptions): Promise<FloodReport> {
  const common = {
    baseUrl: options.baseUrl,
    seconds: options.seconds,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
  const workers = [
    startWorker({
      ...common,
      kind: 'flood',
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond ?? null,
      requests: options.requests,
      warmUpSeconds: options.warmUpSeconds ?? 2,
    }),
    startWorker({
      ...common,
      kind: 'probe',
      paths: options.probePaths,
      everyMs: options.probeEveryMs,
    }),
  ] as const;
  // Both warm (a worker that fails rejects its samples: raced, so it is not waited for forever)
  const failed = Promise.all(workers.map((w) => w.samples)).then(() => undefined);
  await Promise.race([Promise.all(workers.map((w) => w.ready)), failed]);
  for (const worker of workers) worker.go();
  const [floodSide, probeSide] = await Promise.all([workers[0].samples, workers[1].samples]);
  const floodSamples = floodSide.samples;
  const probeSamples = probeSide.samples;
  const shed = floodSamples.filter((s) => s.status === 503 && s.code === 'overloaded');
  const accepted = floodSamples.filter((s) => !(s.status === 503 && s.code === 'overloaded'));
  const statuses: Record<string, number> = {};
  for (const s of floodSamples) {
    const key = s.code ? `${s.status} ${s.code}` : String(s.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const probeLatencyByPath: Record<string, LatencySummary & { non200: number }> = {};
  for (const path of options.probePaths) {
    const own = probeSamples.filter((s) => s.path === path);
    probeLatencyByPath[path] = {
      ...summarizeLatency(own.map((s) => s.ms)),
      non200: own.filter((s) => s.status !== 200).length,
    };
  }
  const probeLatency = summarizeLatency(probeSamples.map((s) => s.ms));
  const shedLatency = summarizeLatency(shed.map((s) => s.ms));
  const acceptedLatency = summarizeLatency(accepted.map((s) => s.ms));
  const rate = options.ratePerSecond ? `${options.ratePerSecond}/s, at most ` : '';
  const summary =
    `flood ${options.seconds} s, ${rate}${options.concurrency} in flight: ${floodSamples.length} answers ` +
    `(${Object.entries(statuses)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}); ` +
    `probes ${probeLatency.count}, p99 ${probeLatency.p99} ms, max ${probeLatency.max} ms ` +
    `(${Object.entries(probeLatencyByPath)
      .map(([path, s]) => `${path} p99 ${s.p99} ms, ${s.non200} not 200`)
      .join('; ')}); ` +
    `shed ${shed.length}, p99 ${shedLatency.p99} ms; accepted ${accepted.length}, p99 ${acceptedLatency.p99} ms`;
  return {
    seconds: options.seconds,
    concurrency: options.concurrency,
    warmUp: floodSide.warmUp,
    flood: floodSamples,
    probes: probeSamples,
    shed,
    accepted,
    statuses,
    probeLatency,
    probeLatencyByPath,
    shedLatency,
    acceptedLatency,
    summary,
  };
}
