import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'signup.lock';

/** Another live process holds this PGlite data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid?: number,
    host?: string,
  ) {
    super(
      `The data directory ${dataDir} is in use by another process` +
        `${pid ? ` (pid ${pid}${host ? ` on ${host}` : ''})` : ''}. Stop it first, or point ` +
        `DATA_DIR somewhere else. If no such process runs, delete ${join(dataDir, LOCK_FILE)}.`,
    );
  }
}

interface Holder {
  readonly pid: number;
  readonly host: string;
}

/** Data directories this process holds right now. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const [pidLine = '', host = ''] = readFileSync(path, 'utf8').split('\n');
    const pid = Number.parseInt(pidLine.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, host: host.trim() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the recorded holder may still be using the directory. On another
 * host (a second container on a shared volume) we cannot tell, so we assume
 * it is. Our own pid counts only if this process holds the lock: a container
 * restarted with the same pid finds its previous incarnation's lock stale.
 */
function mayBeInUse(holder: Holder, dir: string): boolean {
  if (holder.host && holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(dir);
  return isAlive(holder.pid);
}

/**
 * Takes `<dataDir>/signup.lock` for this process: created exclusively with
 * our pid and host name in it. A lock whose holder may be alive refuses with
 * DataDirInUseError; a lock left by a process that is gone is taken over.
 * Returns the release function (also run if the process exits first).
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && mayBeInUse(holder, dir))
        throw new DataDirInUseError(dir, holder.pid, holder.host);
      if (!holder && attempt === 0) continue; // being written right now: look again
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n${hostname()}\n`);
    closeSync(fd);
    heldHere.add(dir);
    const release = () => {
      if (!heldHere.delete(dir)) return;
      process.off('exit', release);
      const holder = readHolder(path);
      if (holder?.pid === process.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return release;
  }
  const holder = readHolder(path);
  throw new DataDirInUseError(dir, holder?.pid, holder?.host);
}
