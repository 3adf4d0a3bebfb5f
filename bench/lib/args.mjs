import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';

const HELP = `Usage: npm run bench -- [options]   (or: node bench/run.mjs [options])

  --quick              short smoke run (about 60 s): shorter scenarios, fewer purge rows
  --cost <n>           bcrypt work factor for the raw runs and the servers (default 10; --scale 4)
  --connections <n>    autocannon connections and raw bcrypt concurrency (default 16; --scale 8)
  --threadpool <n>     UV_THREADPOOL_SIZE for the raw runs and the servers (default: the core count, as the server)
  --pool-max <n>       DATABASE_POOL_MAX for the server (default: the server's own default)
  --log-level <level>  LOG_LEVEL for the servers (default info, the server's own default)
  --purge-rows <n>     expired pending accounts seeded for the purge (default 100000, quick 10000)
  --flood-rate <n>     activations per second in the flood (default 150; 0: as fast as answered)
  --flood-in-flight <n> at most this many of them in flight (default 64)
  --only <groups>      comma list of: raw, express, postgres, flood, mail, pglite, purge (default: all)
  --scale              only the scale scenario (long: seeds up to 1M accounts): register, activate,
                       health, users list and purge-expired at each size, and the growth table
  --scale-sizes <list> its sizes in accounts, grown in ascending order (default 1000,100000,1000000;
                       --quick 1000,10000)
  --node-flags <flags> extra node flags for the servers, e.g. "--max-semi-space-size=4"
  --cpu-prof           write V8 CPU profiles of the servers to bench/results/profiles/
  --no-probe           do not preload bench/lib/server-probe.mjs into the servers
  -h, --help           this text
`;

function whole(name, value, min, max) {
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export class UsageError extends Error {}

const GROUPS = ['raw', 'express', 'postgres', 'flood', 'mail', 'pglite', 'purge'];

/** Parses the command line into the bench options; throws UsageError on bad input. */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      cost: { type: 'string' },
      connections: { type: 'string' },
      'flood-in-flight': { type: 'string', default: '64' },
      'flood-rate': { type: 'string', default: '150' },
      threadpool: { type: 'string', default: String(Math.max(2, availableParallelism())) },
      'pool-max': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'purge-rows': { type: 'string' },
      only: { type: 'string' },
      scale: { type: 'boolean', default: false },
      'scale-sizes': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      'no-probe': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { help: HELP };
  const quick = values.quick;
  const scale = values.scale;
  if (scale && values.only)
    throw new UsageError('--scale runs the scale scenario alone: no --only');
  if (!scale && values['scale-sizes']) throw new UsageError('--scale-sizes goes with --scale');
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : GROUPS;
  for (const group of only) {
    if (!GROUPS.includes(group)) throw new UsageError(`--only takes ${GROUPS.join(', ')}`);
  }
  return {
    quick,
    scale,
    scaleSizes: scale ? scaleSizes(values['scale-sizes'], quick) : [],
    // the scale scenario hashes at cost 4, so that the database's share shows
    cost: whole('cost', values.cost ?? (scale ? '4' : '10'), 4, 15),
    connections: whole('connections', values.connections ?? (scale ? '8' : '16'), 1, 1000),
    floodInFlight: whole('flood-in-flight', values['flood-in-flight'], 1, 1000),
    floodRate: whole('flood-rate', values['flood-rate'], 0, 100_000) || undefined,
    threadpool: whole('threadpool', values.threadpool, 1, 1024),
    poolMax:
      values['pool-max'] === undefined ? undefined : whole('pool-max', values['pool-max'], 1, 1000),
    logLevel: values['log-level'],
    purgeRows: whole(
      'purge-rows',
      values['purge-rows'] ?? (quick ? '10000' : '100000'),
      1000,
      10_000_000,
    ),
    groups: new Set(scale ? ['scale'] : only),
    cpuProf: values['cpu-prof'],
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    probe: !values['no-probe'],
    seconds: quick ? QUICK_SECONDS : FULL_SECONDS,
  };
}

/** `--scale-sizes`: distinct account counts, ascending (the database grows from one to the next). */
function scaleSizes(list, quick) {
  const sizes = (list ?? (quick ? '1000,10000' : '1000,100000,1000000'))
    .split(',')
    .map((s) => whole('scale-sizes', s.trim(), 10, 10_000_000));
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** Seconds per phase: every load run is bounded by these. */
const FULL_SECONDS = {
  raw: 10,
  warmup: 2,
  livez: 5,
  register: 10,
  health: 8,
  activateMax: 20,
  unauthorized: 8,
  pglite: 10,
  mailWait: 15,
  scaleLoad: 5,
  scaleActivateMax: 15,
  scaleMailDrain: 120,
  scaleHealth: 5,
  scalePurgeLead: 1,
};
const QUICK_SECONDS = {
  raw: 1.5,
  warmup: 0.5,
  livez: 1.5,
  register: 2,
  health: 2,
  activateMax: 3,
  unauthorized: 2,
  pglite: 2,
  mailWait: 8,
  scaleLoad: 2,
  scaleActivateMax: 5,
  scaleMailDrain: 30,
  scaleHealth: 2,
  scalePurgeLead: 0.5,
};
