import fs from 'node:fs';

function readStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return {
      rssKiB: kb('VmRSS'),
      hwmKiB: kb('VmHWM'),
      anonKiB: kb('RssAnon'),
      fileKiB: kb('RssFile'),
    };
  } catch {
    return null;
  }
}

const mib = (kib) => (Number.isFinite(kib) ? Math.round((kib / 1024) * 10) / 10 : null);

/** Samples VmRSS of a process from /proc every `intervalMs`; keeps the maximum. */
export class RssSampler {
  constructor(pid, intervalMs = 100) {
    this.pid = pid;
    this.maxKiB = 0;
    this.hwmKiB = 0;
    this.samples = 0;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  sample() {
    const s = readStatus(this.pid);
    if (!s) return null;
    this.samples++;
    if (s.rssKiB > this.maxKiB) this.maxKiB = s.rssKiB;
    if (s.hwmKiB > this.hwmKiB) this.hwmKiB = s.hwmKiB;
    return s.rssKiB;
  }

  /** Current RSS in MiB. */
  nowMiB() {
    return mib(this.sample());
  }

  /** Current RSS split: anonymous memory (heap, JIT code) and file-backed pages (node binary, libraries). */
  breakdownMiB() {
    const s = readStatus(this.pid);
    return s ? { anonMiB: mib(s.anonKiB), fileMiB: mib(s.fileKiB) } : null;
  }

  /** Peak in MiB: the larger of the sampled maximum and the kernel's high-water mark. */
  peakMiB() {
    return mib(Math.max(this.maxKiB, this.hwmKiB));
  }

  stop() {
    this.sample();
    clearInterval(this.timer);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null if gone. */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name; utime and stime are the 14th and 15th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU seconds of the process's main thread (the event loop's: its thread id is the pid), or null. */
export function mainThreadCpuSeconds(pid) {
  return cpuSeconds(`${pid}/task/${pid}`);
}

/**
 * CPU seconds of each thread of a process, by thread id (the event loop's is
 * the pid); null if the process is gone. Node 20 names none of its threads,
 * so which is which shows in the figures: bcrypt's pool threads are the
 * busiest after a hashing run, V8's garbage collector helpers follow.
 */
export function cpuSecondsByThread(pid) {
  let tids;
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const byTid = {};
  for (const tid of tids) {
    const seconds = cpuSeconds(`${pid}/task/${tid}`);
    if (seconds !== null) byTid[tid] = seconds;
  }
  return byTid;
}

/** CPU seconds the whole machine spent busy (every process, all cores; /proc/stat), or null. */
export function boxCpuSeconds() {
  try {
    const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
    // cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait
    const ticks = cpu.trim().split(/\s+/).slice(1).map(Number);
    const busy = ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4];
    return busy / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every PostgreSQL process of the machine (postmaster,
 * backends, background workers: their command name is `postgres`), or null
 * when there is none. A backend that exits between two reads takes its time
 * with it; the servers keep their pools open, so the measured ones do not.
 */
export function postgresCpuSeconds() {
  let total = 0;
  let found = false;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const seconds = cpuSeconds(pid);
    if (seconds !== null) {
      total += seconds;
      found = true;
    }
  }
  return found ? total : null;
}

/** CPU seconds of this process (the bench: load generator and SMTP sink). */
export function benchCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** USER_HZ: 100 on every Linux that matters. */
const CLOCK_TICKS = 100;
