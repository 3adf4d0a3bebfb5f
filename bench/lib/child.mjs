import { execFile } from 'node:child_process';
import { onCleanup } from './cleanup.mjs';

/**
 * Runs `node script params` to completion (killed after `timeoutMs`, and on
 * cleanup) and parses the one JSON document it prints on stdout. Measuring
 * clients run this way so they never share an event loop with a load
 * generator.
 */
export function runJsonChild({ name, script, params, env = process.env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [script, JSON.stringify(params)],
      { env: { ...env, NODE_OPTIONS: '' }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        unregister();
        if (error) reject(new Error(`${name}: ${stderr.trim() || error.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
    const unregister = onCleanup(`stop ${name}`, async () => {
      child.kill('SIGKILL');
    });
  });
}
