import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT, startServer as startTestkitServer } from '@signup/testkit';
import { onCleanup } from './cleanup.mjs';
import { RssSampler } from './rss.mjs';

export const ROOT = `${REPO_ROOT}/`;
const PROBE = pathToFileURL(fileURLToPath(new URL('./server-probe.mjs', import.meta.url))).href;

/** The variables of the contract: the bench sets them all itself, none leak in from the shell. */
const CONTRACT_VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'DATABASE_POOL_MAX',
  'SMTP_URL',
  'MAIL_TRANSPORT',
  'MAIL_FROM',
  'ACTIVATION_CODE_TTL_SECONDS',
  'ACTIVATION_MAX_ATTEMPTS',
  'ACTIVATION_RESEND_COOLDOWN_SECONDS',
  'BCRYPT_COST',
  'SIGNUP_SECRET',
  'SIGNUP_SECRET_PREVIOUS',
  'ACTIVATION_LOCKOUT_SECONDS',
  'ACTIVATION_LOCKOUT_MAX_SECONDS',
  'MAIL_PER_ADDRESS_PER_DAY',
  'PASSWORD_FAILURES_PER_15_MINUTES',
  'MAX_PENDING_HASHES',
  'RATE_LIMIT_PER_MINUTE',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_SECONDS',
  'UV_THREADPOOL_SIZE',
  'NODE_OPTIONS',
];

/** The environment for the server and the CLI: the shell's minus the contract's, plus `vars`. */
export function serviceEnv(vars) {
  const env = { ...process.env };
  for (const name of CONTRACT_VARIABLES) delete env[name];
  for (const [name, value] of Object.entries(vars)) {
    if (value !== undefined) env[name] = String(value);
  }
  return env;
}

/**
 * A young generation capped at 2 MiB semi-spaces: the bench measured the peak
 * RSS under register load falling from 160 to 134 MiB for the same throughput.
 * An old generation capped at 512 MiB (the live heap is about 20 MiB): with a
 * cap set, V8 grows the old generation less eagerly between full collections
 * than with the default cap it takes from a machine's memory (4 GiB here);
 * under 16 connections on /livez the peak RSS fell from 134-138 to 91-95 MiB
 * (256 and 512 MiB caps alike), for the same request rate. Kept in step with
 * the root package.json `start` script and the Dockerfile (test/ship).
 */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=512'];

/**
 * Starts the built HTTP server (the testkit's startServer: its own process
 * group, output straight into `<workDir>/<name>.log`) on a free port of
 * 127.0.0.1 and waits for /readyz. Samples its RSS from /proc. With `probe`,
 * the server runs with bench/lib/server-probe.mjs preloaded and answers probe
 * requests over IPC.
 */
export async function startServer({ name, vars, workDir, probe, cpuProfDir, nodeFlags = [] }) {
  // The flags production runs with (`npm start`, the Dockerfile), then the extra ones.
  const nodeArgs = [...PRODUCTION_NODE_FLAGS, ...nodeFlags];
  if (probe) nodeArgs.push('--import', PROBE);
  if (cpuProfDir) {
    fs.mkdirSync(cpuProfDir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      `--cpu-prof-dir=${cpuProfDir}`,
      `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
    );
  }
  const server = await startTestkitServer(vars, {
    name,
    baseEnv: serviceEnv({}),
    nodeArgs,
    logFile: path.join(workDir, `${name}.log`),
    ipc: probe,
    waitFor: 'readyz',
    readyTimeoutMs: 60_000,
  });
  const unregister = onCleanup(`stop ${name}`, () => stopGracefully(server, 10_000));
  const rss = new RssSampler(server.pid);
  return {
    name,
    base: server.url,
    port: server.port,
    pid: server.pid,
    rss,
    probe: probe ? new ProbeClient(server.child) : null,
    async stop() {
      unregister();
      rss.stop();
      const { code, signal } = await stopGracefully(server, 15_000);
      return { code, signal, log: path.join(workDir, `${name}.log`) };
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs` (the testkit's stop); resolves with the exit either way. */
export function stopGracefully(server, graceMs) {
  return server.stop('SIGTERM', graceMs).catch(() => server.exited);
}

/** Talks to bench/lib/server-probe.mjs in the server over IPC. */
class ProbeClient {
  constructor(child) {
    this.child = child;
  }

  request(kind, reply) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        resolve(null);
      }, 3000);
      const onMessage = (message) => {
        if (message?.probe !== reply) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message.stats ?? true);
      };
      this.child.on('message', onMessage);
      try {
        this.child.send({ probe: kind });
      } catch {
        clearTimeout(timer);
        resolve(null);
      }
    });
  }

  reset() {
    return this.request('reset', 'reset-done');
  }

  read() {
    return this.request('read', 'stats');
  }
}
