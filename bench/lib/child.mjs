import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { onCleanup } from './cleanup.mjs';

/**
 * Starts `node <args>` with its output in `logFile`, registered for cleanup.
 * `stop()` sends SIGTERM, then SIGKILL after `graceMs`.
 */
export function spawnNode({ name, args, env, logFile, ipc = false }) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', fd, fd, ...(ipc ? ['ipc'] : [])],
  });
  fs.closeSync(fd);
  const handle = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited: false,
    exitCode: null,
    exitSignal: null,
    exitDescription: () =>
      handle.exitSignal ? `signal ${handle.exitSignal}` : `code ${handle.exitCode}`,
    stop,
  };
  handle.exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code;
      handle.exitSignal = signal;
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      handle.exited = true;
      handle.exitCode = -1;
      fs.appendFileSync(logFile, `spawn error: ${error.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const unregister = onCleanup(`stop ${name}`, () => stop());

  async function stop(graceMs = 10_000) {
    unregister();
    if (handle.exited) return handle.exit;
    child.kill('SIGTERM');
    let timer;
    const killed = new Promise((resolve) => {
      timer = setTimeout(() => {
        if (!handle.exited) child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([handle.exit, killed]);
    clearTimeout(timer);
    return handle.exit;
  }
  return handle;
}

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

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
