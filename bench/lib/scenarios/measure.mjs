import { cpuSeconds } from '../rss.mjs';
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
  const result = await fn();
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const stats = await server.probe?.read();
  // requests the server received: in-flight ones at the end of a run count too
  const requests = stats?.requests ?? result.completed;
  const cpuMsPerRequest = requests ? round((cpu * 1000) / requests, 3) : null;
  if (!stats) return { ...result, server: { requests, cpuMsPerRequest } };
  return {
    ...result,
    server: {
      requests,
      cpuMsPerRequest,
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
