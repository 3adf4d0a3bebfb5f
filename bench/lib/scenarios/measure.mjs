import {
  benchCpuSeconds,
  boxCpuSeconds,
  cpuSeconds,
  cpuSecondsByThread,
  mainThreadCpuSeconds,
  postgresCpuSeconds,
} from '../rss.mjs';
import { round } from '../stats.mjs';

/**
 * Runs `fn` between a reset and a read of the server probe, and adds what the
 * server did meanwhile: its CPU time per request (user + system, all threads:
 * robust to a busy machine where req/s are not), database round trips per request it received (with
 * PGlite, countQueries: false: the probe sees only pg), pool
 * acquisition times, event-loop delay.
 */
export async function withProbe(server, fn, { countQueries = true } = {}) {
  await server.probe?.reset();
  const cpuBefore = cpuSeconds(server.pid);
  const mainBefore = mainThreadCpuSeconds(server.pid);
  const boxBefore = boxCpuSeconds();
  const postgresBefore = postgresCpuSeconds();
  const benchBefore = benchCpuSeconds();
  const threadsBefore = cpuSecondsByThread(server.pid);
  const result = await fn();
  const threadsAfter = cpuSecondsByThread(server.pid);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const main = mainThreadCpuSeconds(server.pid) - mainBefore;
  const box = boxCpuSeconds() - boxBefore;
  const postgres = postgresBefore === null ? null : postgresCpuSeconds() - postgresBefore;
  const bench = benchCpuSeconds() - benchBefore;
  const stats = await server.probe?.read();
  // requests the server received: in-flight ones at the end of a run count too
  const requests = stats?.requests ?? result.completed;
  const perRequest = (seconds) => (requests ? round((seconds * 1000) / requests, 3) : null);
  const cpuMsPerRequest = perRequest(cpu);
  // the event loop's thread alone (bcrypt runs on the pool's), and every process of the
  // machine (server, PostgreSQL, SMTP sink, the load generator itself)
  const mainThreadCpuMsPerRequest = perRequest(main);
  const boxCpuMsPerRequest = perRequest(box);
  // where the machine's time went besides the server: PostgreSQL (local), and
  // this process (the load generator, the SMTP sink parsing every mail)
  const boxCpuMs = {
    server: cpuMsPerRequest,
    postgres: postgres === null ? null : perRequest(postgres),
    benchProcess: perRequest(bench),
    other: perRequest(box - cpu - (postgres ?? 0) - bench),
  };
  // the server's CPU per request by thread, busiest first: the event loop's
  // (`main`), then the others (bcrypt's pool, then V8's garbage collector helpers)
  const serverThreadsCpuMs =
    threadsBefore && threadsAfter
      ? Object.entries(threadsAfter)
          .map(([tid, seconds]) => ({
            thread: tid === String(server.pid) ? 'main' : tid,
            ms: perRequest(seconds - (threadsBefore[tid] ?? 0)),
          }))
          .filter(({ ms }) => ms !== null && ms >= 0.01)
          .sort((a, b) => b.ms - a.ms)
      : null;
  const cpuFigures = {
    requests,
    cpuMsPerRequest,
    mainThreadCpuMsPerRequest,
    boxCpuMsPerRequest,
    boxCpuMs,
    serverThreadsCpuMs,
  };
  if (!stats) return { ...result, server: cpuFigures };
  return {
    ...result,
    server: {
      ...cpuFigures,
      queriesPerRequest: countQueries && requests ? round(stats.queries / requests, 2) : null,
      queries: countQueries ? stats.queries : null,
      poolAcquireMs: {
        p50: round(stats.poolAcquire.p50Ms, 2),
        p99: round(stats.poolAcquire.p99Ms, 2),
        max: round(stats.poolAcquire.maxMs, 2),
      },
      poolMaxWaiting: stats.poolMaxWaiting,
      poolMaxTotal: stats.poolMaxTotal,
      eventLoopDelayMs: stats.eventLoopDelay,
      topQueries: stats.topQueries,
    },
  };
}
