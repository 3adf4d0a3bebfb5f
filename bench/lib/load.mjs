import autocannon from 'autocannon';
import { delay, round } from './stats.mjs';

/**
 * One autocannon run, bounded by `seconds` (or by `amount` requests, and then
 * still stopped after `maxSeconds`). `expect` lists the statuses that count
 * as the scenario's intended answer; `rps` is those per second.
 *
 * A run that ends by time leaves requests in flight that the server still
 * works on (a bcrypt hash each). So the next run does not pay for them, the
 * run then waits about one p99 latency (at most 10 s) for the server to drain.
 *
 * `onResponse(status, ms)` sees every response as it arrives, with its latency
 * in fractional ms (autocannon's own percentiles are whole ms). `until`, a
 * promise, ends a run by time early once it settles.
 */
export async function runLoad({
  url,
  connections,
  seconds,
  amount,
  maxSeconds,
  requests,
  method = 'GET',
  path = '',
  headers,
  body,
  expect = [200],
  onResponse,
  until,
}) {
  const options = {
    url: `${url}${path}`,
    connections,
    pipelining: 1,
    timeout: 10,
    method,
    headers,
    body,
    requests,
  };
  if (amount !== undefined) options.amount = amount;
  else options.duration = seconds;
  const instance = autocannon(options);
  if (onResponse) {
    instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms));
  }
  const bound = (maxSeconds ?? seconds + 10) * 1000;
  const timer = setTimeout(() => instance.stop(), bound);
  let running = true;
  until
    ?.finally(() => {
      if (running) instance.stop();
    })
    .catch(() => undefined);
  let result;
  try {
    result = await instance;
  } finally {
    running = false;
    clearTimeout(timer);
  }
  const summary = summarizeLoad(result, expect);
  if (amount === undefined || result.duration >= bound / 1000) {
    await delay(Math.min(10_000, 1.2 * (summary.latencyMs.p99 ?? 0) + 50));
  }
  return summary;
}

export function summarizeLoad(result, expect) {
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  const expected = expect.reduce((acc, code) => acc + (statuses[code] ?? 0), 0);
  const completed = Object.values(statuses).reduce((acc, n) => acc + n, 0);
  const duration = result.duration;
  return {
    durationSeconds: duration,
    connections: result.connections,
    completed,
    expected,
    rps: round(expected / duration, 1),
    rpsAll: round(completed / duration, 1),
    latencyMs: {
      mean: round(result.latency.average, 2),
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected: completed - expected,
    statuses,
  };
}
