import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { onCleanup } from './cleanup.mjs';
import { ROOT } from './server.mjs';

export const CLI_ENTRY = path.join(ROOT, 'apps/cli/bin/signup.js');

/** Runs `signup <args>` to completion, killed after `timeoutMs`. */
export function runCli(args, { env, timeoutMs = 120_000 }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const unregister = onCleanup(`stop signup ${args[0]}`, async () => {
      child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (code, signal) => {
      clearTimeout(timer);
      unregister();
      resolve({
        code,
        signal,
        seconds: (performance.now() - started) / 1000,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    };
    child.on('close', finish);
    child.on('error', (e) => {
      err.push(Buffer.from(e.message));
      finish(-1, null);
    });
  });
}

/** `runCli` that throws with the CLI's stderr unless it exits 0. */
export async function runCliOk(args, options) {
  const result = await runCli(args, options);
  if (result.code !== 0) {
    throw new Error(
      `signup ${args.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}
