/**
 * Preloaded into the servers under test (`node --import`): counts database
 * round trips per query text and HTTP requests, times pool acquisitions,
 * watches the event loop.
 * The bench asks for a snapshot over the IPC channel ({ probe: 'reset' | 'read' }).
 * It only wraps pg's Client#query and Pool#connect; nothing else changes.
 */
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

let stats = fresh();
const pools = new Set();
const RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();

function fresh() {
  return {
    requests: 0,
    queries: 0,
    byText: new Map(),
    acquisitions: [],
    maxWaiting: 0,
    maxTotal: 0,
  };
}

function patchPg() {
  let pg;
  try {
    pg = require('pg');
  } catch {
    return;
  }
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function probedQuery(config, ...rest) {
    stats.queries++;
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
      stats.byText.set(key, (stats.byText.get(key) ?? 0) + 1);
    }
    return query.call(this, config, ...rest);
  };
  const connect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function probedConnect(cb) {
    pools.add(this);
    stats.maxWaiting = Math.max(stats.maxWaiting, this.waitingCount);
    const started = performance.now();
    const done = () => {
      if (stats.acquisitions.length < 200_000) stats.acquisitions.push(performance.now() - started);
    };
    if (typeof cb === 'function') {
      return connect.call(this, (err, client, release) => {
        done();
        cb(err, client, release);
      });
    }
    return connect.call(this).then((client) => {
      done();
      return client;
    });
  };
  setInterval(() => {
    for (const pool of pools) {
      stats.maxWaiting = Math.max(stats.maxWaiting, pool.waitingCount);
      stats.maxTotal = Math.max(stats.maxTotal, pool.totalCount);
    }
  }, 100).unref();
}

function snapshot() {
  const acq = [...stats.acquisitions].sort((a, b) => a - b);
  const pct = (p) =>
    acq.length ? acq[Math.min(acq.length - 1, Math.ceil((p / 100) * acq.length) - 1)] : null;
  // the histogram holds whole timer intervals: the delay is what exceeds the resolution
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    requests: stats.requests,
    queries: stats.queries,
    topQueries: [...stats.byText.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([text, count]) => ({ count, text })),
    poolAcquire: { count: acq.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: acq.at(-1) ?? null },
    poolMaxWaiting: stats.maxWaiting,
    poolMaxTotal: stats.maxTotal,
    memoryMiB: Object.fromEntries(
      Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 104857.6) / 10]),
    ),
    eventLoopDelay: {
      p50Ms: ms(loop.percentile(50)),
      p99Ms: ms(loop.percentile(99)),
      maxMs: ms(loop.max),
    },
  };
}

patchPg();
diagnostics.subscribe('http.server.request.start', () => {
  stats.requests++;
});

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message?.probe === 'reset') {
      stats = fresh();
      loop.reset();
      process.send({ probe: 'reset-done' });
    } else if (message?.probe === 'read') {
      process.send({ probe: 'stats', stats: snapshot() });
    }
  });
  // The channel must not keep the server alive after its own graceful shutdown.
  process.channel?.unref();
}
