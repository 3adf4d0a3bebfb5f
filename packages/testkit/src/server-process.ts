import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './ports.js';

/** The repository root (this file is in packages/testkit/src or packages/testkit/dist). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built API server: `npm run build` (or `npx tsc -b`) writes it. */
export const SERVER_ENTRY = resolve(REPO_ROOT, 'apps/http/dist/main.js');

/** One line a server process wrote. */
export interface LogLine {
  readonly server: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly at: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/** Every line every server process of this test file wrote (a secrets check reads it). */
export const capturedLines: LogLine[] = [];

export interface StartServerOptions {
  /** Names the process in errors, in `LogLine.server` and in the log directory. */
  readonly name?: string;
  /**
   * When it counts as started: once `/livez` (the default) or `/readyz` (or
   * another path) answers 200, once it logs the line with its `url`, or at once.
   */
  readonly waitFor?: 'livez' | 'readyz' | 'listening' | 'nothing' | `/${string}`;
  readonly readyTimeoutMs?: number;
  /** Another script to run in place of the built server. */
  readonly entry?: string;
  /** Node flags before the script. */
  readonly nodeArgs?: readonly string[];
  /** The variables under `env` (default: PATH only): nothing else leaks in. */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /**
   * Sends the output straight into this file, not through this process (a
   * load test's own event loop stays out of it); the lines are read from the
   * file then, and `waitFor: 'listening'` is not available.
   */
  readonly logFile?: string;
  /** Opens an IPC channel (`child.send`, `child.on('message')`). */
  readonly ipc?: boolean;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** The port (from PORT, a free one chosen here, or the logged url when PORT is 0). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (known once started when PORT is 0). */
  readonly url: string;
  readonly child: ChildProcess;
  /** Every line it wrote so far, both streams in order. */
  readonly lines: readonly LogLine[];
  /** The stdout lines / stderr lines so far. */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly exited: Promise<Exit>;
  /** The exit, once it exited (else null). */
  readonly exit: Exit | null;
  /** Resolves with the first line (already written or to come) matching `predicate`. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** The same for the stdout lines that are JSON (the server's log records). */
  waitForLog(
    predicate: (record: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Signals its whole process group (it runs detached, as a group of its own). */
  kill(signal?: NodeJS.Signals): void;
  /** Signals the group; resolves with the exit, or SIGKILLs it and rejects after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
  /** The last lines, for failure messages. */
  tail(count?: number): string;
}

const running = new Set<ServerProcess>();
let serial = 0;

// A detached group outlives its parent: never leave one behind.
process.once('exit', () => {
  for (const server of running) server.kill('SIGKILL');
});

const parseJson = (text: string): Record<string, unknown> | undefined => {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/**
 * Starts `node apps/http/dist/main.js` (or `entry`) as a process group of its
 * own, with exactly `env` over `NODE_ENV=production`, `HOST=127.0.0.1` and
 * `baseEnv` (default: PATH only; undefined values are left out), plus
 * `MAIL_TRANSPORT=console` when neither sets SMTP_URL or MAIL_TRANSPORT, on
 * `env.PORT` or a free port. Captures every output line (RELIABILITY_LOG_DIR=<dir> also keeps them
 * in <dir>/<name>.log) and resolves once it is started (see `waitFor`);
 * rejects with the output if it exits or the deadline passes first.
 */
export async function startServer(
  env: Record<string, string | undefined>,
  options: StartServerOptions = {},
): Promise<ServerProcess> {
  serial += 1;
  const name = options.name ?? `server-${serial}`;
  const entry = options.entry ?? SERVER_ENTRY;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  let port = Number(env.PORT ?? (await freePort()));
  const waitFor = options.waitFor ?? (port === 0 ? 'listening' : 'livez');
  if (waitFor === 'listening' && options.logFile)
    throw new Error('waitFor "listening" reads the output, which logFile sends to a file');

  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...options.baseEnv,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
  };
  for (const [key, value] of Object.entries(env))
    if (value !== undefined) childEnv[key] = String(value);
  // NODE_ENV=production refuses console mail unless it is asked for on purpose
  // (the codes would only reach the log); a test server without SMTP_URL means
  // it. With SMTP_URL it stays unset (both is a config error); '' leaves it unset.
  if (!childEnv.SMTP_URL && childEnv.MAIL_TRANSPORT === undefined)
    childEnv.MAIL_TRANSPORT = 'console';
  childEnv.PORT = String(port);

  const fd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const output = fd ?? 'pipe';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: REPO_ROOT,
    env: childEnv,
    detached: true,
    stdio: ['ignore', output, output, ...(options.ipc ? (['ipc'] as const) : [])],
  });
  if (fd !== undefined) closeSync(fd);

  const lines: LogLine[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lineListeners = new Set<(line: LogLine) => void>();
  const logDir = process.env.RELIABILITY_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const capture = (stream: 'stdout' | 'stderr') => (text: string) => {
    const line: LogLine = { server: name, stream, text, at: Date.now() };
    lines.push(line);
    (stream === 'stdout' ? stdout : stderr).push(text);
    capturedLines.push(line);
    if (logDir) appendFileSync(resolve(logDir, `${name}.log`), `${text}\n`);
    for (const listener of lineListeners) listener(line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', capture('stdout'));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', capture('stderr'));
  /** The lines so far: captured, or read back from the log file. */
  const allLines = (): readonly LogLine[] => {
    if (!options.logFile) return lines;
    let text = '';
    try {
      text = readFileSync(options.logFile, 'utf8');
    } catch {
      // not written yet
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((t) => ({ server: name, stream: 'stdout' as const, text: t, at: 0 }));
  };

  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolveExit) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exit) return;
      exit = { code, signal, at: Date.now() };
      resolveExit(exit);
    };
    // 'close', not 'exit': by then every line of its output has been read.
    child.once('close', done);
    child.once('error', (error) => {
      capture('stderr')(`spawn error: ${error.message}`);
      done(-1, null);
    });
  });
  const tail = (count = 30) =>
    allLines()
      .slice(-count)
      .map((l) => `[${l.stream}] ${l.text}`)
      .join('\n');

  const waitForLine = (predicate: (line: LogLine) => boolean, timeoutMs = 30_000) => {
    const found = allLines().find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolveLine, reject) => {
      const finish = (error: Error | null, line?: LogLine) => {
        clearTimeout(timer);
        lineListeners.delete(listener);
        if (error) reject(error);
        else resolveLine(line!);
      };
      const listener = (line: LogLine) => {
        if (predicate(line)) finish(null, line);
      };
      const timer = setTimeout(
        () => finish(new Error(`${name}: no matching line within ${timeoutMs} ms\n${tail()}`)),
        timeoutMs,
      );
      lineListeners.add(listener);
      void exited.then((e) => {
        if (lineListeners.has(listener))
          finish(new Error(`${name} exited (${JSON.stringify(e)}) first\n${tail()}`));
      });
    });
  };

  const server: ServerProcess = {
    name,
    pid: child.pid ?? -1,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    child,
    get lines() {
      return allLines();
    },
    stdout,
    stderr,
    exited,
    get exit() {
      return exit;
    },
    waitForLine,
    async waitForLog(predicate, timeoutMs) {
      const line = await waitForLine((l) => {
        const record = l.stream === 'stdout' ? parseJson(l.text) : undefined;
        return record !== undefined && predicate(record);
      }, timeoutMs);
      return parseJson(line.text)!;
    },
    kill(signal = 'SIGTERM') {
      if (exit || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exit) return exit;
      server.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          server.kill('SIGKILL');
          reject(new Error(`${name} did not exit within ${timeoutMs} ms of ${signal}\n${tail()}`));
        }, timeoutMs);
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

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    if (waitFor === 'listening') {
      const record = await server.waitForLog((r) => typeof r.url === 'string', readyTimeoutMs);
      port = Number(new URL(record.url as string).port);
    } else if (waitFor !== 'nothing') {
      const path = waitFor.startsWith('/') ? waitFor : `/${waitFor}`;
      await waitForHttp(`${server.url}${path}`, {
        timeoutMs: readyTimeoutMs,
        isGone: () => (exit ? `${name} exited (${JSON.stringify(exit)})` : null),
      });
    }
  } catch (error) {
    server.kill('SIGKILL');
    throw new Error(`${name}: ${(error as Error).message}\n${tail()}`, { cause: error });
  }
  return server;
}

/** SIGKILLs every server process of this file still running: for afterAll. */
export async function killAllServers(): Promise<void> {
  await Promise.all(
    [...running].map((server) => server.stop('SIGKILL', 5000).catch(() => undefined)),
  );
}
