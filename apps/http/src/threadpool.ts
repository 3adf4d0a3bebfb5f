import { availableParallelism } from 'node:os';

/**
 * bcrypt runs on libuv's thread pool, 4 threads by default whatever the
 * machine. More hashing threads than cores only steal CPU from the event loop
 * (the bench measured health p99 halving with the pool at the core count, for
 * the same register throughput), so unless the operator chose a size, use the
 * core count. Imported first by main.ts, before anything touches the pool.
 */
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));
