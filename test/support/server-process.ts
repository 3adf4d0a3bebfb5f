import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_ENTRY = resolve(REPO_ROOT, 'apps/http/dist/main.js');

/** One line a server process wrote, as captured. */
export interface LogLine {
  readonly server: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly at: number;
}

/** Every line every server process of this test file wrote (the secrets check reads it). */
export const capturedLines: LogLine[] = [];
const running = new Set<ServerProcess>();

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly lines: readonly LogLine[];
  readonly exited: Promise<Exit>;
  readonly exit: Exit | null;
  /** Sends a signal; resolves with the exit (rejects after timeoutMs). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
  /** The last lines, for failure messages. */
  tail(count?: number): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The environment of a server process: only the contract's variables, plus PATH. */
export function serverEnvironment(
  variables: Record<string, string | undefined>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
  };
  for (const [key, value] of Object.entries(variables)) if (value !== undefined) env[key] = value;
  return env;
}

let serial = 0;

/**
 * Starts `node apps/http/dist/main.js` on a free port with exactly the given
 * variables, captures every stdout/stderr line, and resolves once /livez
 * answers 200 (rejects with the output if the process exits or the deadline passes).
 */
export async function startServer(
  variables: Record<string, string | undefined>,
  options: {
    name?: string;
    readyTimeoutMs?: number;
    port?: number;
    waitFor?: 'livez' | 'readyz';
  } = {},
): Promise<ServerProcess> {
  serial += 1;
  const name = options.name ?? `server-${serial}`;
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: serverEnvironment({ HOST: '127.0.0.1', ...variables, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  // RELIABILITY_LOG_DIR=<dir> keeps every server's output in <dir>/<name>.log for a post-mortem.
  const logDir = process.env.RELIABILITY_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const capture = (stream: 'stdout' | 'stderr') => (text: string) => {
    const line = { server: name, stream, text, at: Date.now() };
    lines.push(line);
    capturedLines.push(line);
    if (logDir) appendFileSync(resolve(logDir, `${name}.log`), `${text}\n`);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', capture('stdout'));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', capture('stderr'));

  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolveExit(exit);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const tail = (count = 30) =>
    lines
      .slice(-count)
      .map((l) => `[${l.stream}] ${l.text}`)
      .join('\n');

  const server: ServerProcess = {
    name,
    pid: child.pid ?? -1,
    port,
    url,
    lines,
    exited,
    get exit() {
      return exit;
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exit) return exit;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`${name} did not exit within ${timeoutMs} ms of ${signal}\n${tail()}`),
            ),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    tail,
  };
  running.add(server);
  void exited.then(() => running.delete(server));

  const path = options.waitFor === 'readyz' ? '/readyz' : '/livez';
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exit)
      throw new Error(`${name} exited (${JSON.stringify(exit)}) before answering\n${tail()}`);
    if (await answers200(`${url}${path}`)) return server;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${name} did not answer ${path} within ${options.readyTimeoutMs ?? 20_000} ms\n${tail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Kills (SIGKILL) every server process still running: for afterAll. */
export async function killAllServers(): Promise<void> {
  await Promise.all(
    [...running].map(async (server) => {
      try {
        await server.stop('SIGKILL', 5000);
      } catch {
        // already gone
      }
    }),
  );
}
