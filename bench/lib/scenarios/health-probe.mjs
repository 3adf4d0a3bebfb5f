import { fileURLToPath } from 'node:url';
import { runJsonChild } from '../child.mjs';

const CHILD = fileURLToPath(new URL('../health-probe-child.mjs', import.meta.url));

/**
 * GET /api/v1/health one at a time, every `everyMs`, for `seconds`, measured
 * by a child process (see health-probe-child.mjs); latency of each answer.
 */
export function probeHealth(base, { seconds, everyMs = 100 }) {
  return runJsonChild({
    name: 'health probe',
    script: CHILD,
    params: { base, seconds, everyMs },
    timeoutMs: (seconds + 30) * 1000,
  });
}
