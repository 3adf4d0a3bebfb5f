import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setPriority } from 'node:os';

/*
 * bcrypt runs on libuv's thread pool. Its size is UV_THREADPOOL_SIZE as the
 * process found it at start (libuv's default, 4, when unset): the ES module
 * loader reads this app's files through the pool, so the pool is running
 * before any of the app's code, and setting the variable from here would
 * change nothing (it did not: this file used to set it to the core count,
 * and the server still ran 4 threads). To size the pool, set it in the
 * environment (`UV_THREADPOOL_SIZE=2` on 2 cores: more hashing threads than
 * cores only steal CPU from the event loop). The config reads it
 * (MAX_PENDING_HASHES defaults to 16 per thread).
 */

/**
 * Every thread but the event loop's (the pool's, where bcrypt runs, and V8's
 * helpers) runs at a lower priority, nice +10: with every core busy hashing,
 * the event loop still gets the CPU it needs at once, so probes and shed
 * requests are answered in milliseconds while bcrypt takes what is left,
 * nearly all of it. Measured on 2 cores under 150 bad-credential activations
 * a second (cost 10, 2 pool threads): probe p99 337 ms before, 35 ms after;
 * shed answers' p99 483 ms before, 23 ms after; the same number of passwords
 * checked. Linux only (a thread's nice value is its own there); elsewhere,
 * or if refused, nothing changes. Imported first by main.ts.
 */
const BACKGROUND_THREAD_NICENESS = 10;

try {
  await stat('.'); // a pool job: the pool's threads exist after it, if they did not before
  for (const id of readdirSync('/proc/self/task').map(Number)) {
    if (id === process.pid) continue; // the event loop's thread
    try {
      setPriority(id, BACKGROUND_THREAD_NICENESS);
    } catch {
      // not allowed here: this thread keeps the normal priority
    }
  }
} catch {
  // no /proc: not Linux
}
