import { round } from './stats.mjs';

const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round(a / b, 3) : null;

/**
 * The issue's ratios and targets from the scenario results. `status` is met,
 * short, or n/a (a scenario it needs did not run).
 */
export function evaluateTargets(s) {
  const rps = (key) => s[key]?.rps;
  const p50 = (key) => s[key]?.latencyMs?.p50;
  const rows = [
    {
      name: 'register ÷ raw hash',
      value: ratio(rps('register'), rps('rawHash')),
      detail: `${rps('register') ?? '?'} / ${rps('rawHash') ?? '?'} req/s`,
      target: '≥ 0.9',
      ok: (v) => v >= 0.9,
    },
    {
      name: 'main-thread CPU per registration',
      value: s.register?.server?.mainThreadCpuMsPerRequest ?? null,
      unit: 'ms',
      detail: `event loop's thread; whole process ${s.register?.server?.cpuMsPerRequest ?? '?'} ms; whole machine ${s.register?.server?.boxCpuMsPerRequest ?? '?'} ms = server ${s.register?.server?.boxCpuMs?.server ?? '?'} + PostgreSQL ${s.register?.server?.boxCpuMs?.postgres ?? '?'} + bench process (load generator, SMTP sink) ${s.register?.server?.boxCpuMs?.benchProcess ?? '?'} + other ${s.register?.server?.boxCpuMs?.other ?? '?'}; server threads ${(s.register?.server?.serverThreadsCpuMs ?? []).map((t) => `${t.thread} ${t.ms}`).join(', ') || '?'}`,
      target: '≤ 3 ms',
      ok: (v) => v <= 3,
    },
    {
      name: 'activate ÷ raw compare',
      value: ratio(rps('activate'), rps('rawCompare')),
      detail: `${rps('activate') ?? '?'} / ${rps('rawCompare') ?? '?'} req/s`,
      target: '≥ 0.95',
      ok: (v) => v >= 0.95,
    },
    {
      name: '401 unknown email ÷ raw compare',
      value: ratio(rps('unauthorizedUnknownEmail'), rps('rawCompare')),
      detail: `${rps('unauthorizedUnknownEmail') ?? '?'} / ${rps('rawCompare') ?? '?'} req/s`,
      target: '≥ 0.95',
      ok: (v) => v >= 0.95,
    },
    {
      name: '401 unknown ÷ 401 wrong password, median latency',
      value: ratio(p50('unauthorizedUnknownEmail'), p50('unauthorizedWrongPassword')),
      detail: `${p50('unauthorizedUnknownEmail') ?? '?'} / ${p50('unauthorizedWrongPassword') ?? '?'} ms`,
      target: '0.85 to 1.15',
      ok: (v) => v >= 0.85 && v <= 1.15,
    },
    {
      name: '/livez ÷ bare express',
      value: ratio(rps('livez'), rps('expressHello')),
      detail: `${rps('livez') ?? '?'} / ${rps('expressHello') ?? '?'} req/s`,
      target: '≥ 0.9',
      ok: (v) => v >= 0.9,
    },
    {
      name: 'health p99 under register load',
      value: s.healthUnderLoad?.latencyMs?.p99 ?? null,
      unit: 'ms',
      detail: `p50 ${s.healthUnderLoad?.latencyMs?.p50 ?? '?'} ms, ${s.healthUnderLoad?.completed ?? '?'} probes`,
      target: '≤ 50 ms',
      ok: (v) => v <= 50,
    },
    {
      name: 'probe p99 under a flood of password checks',
      value: s.flood?.probes?.all?.p99 ?? null,
      unit: 'ms',
      detail: `/livez, /readyz, /api/v1/health every 50 ms: ${s.flood?.probes?.all?.count ?? '?'} probes, ${s.flood?.probesNot200 ?? '?'} not 200`,
      target: '≤ 100 ms, all 200',
      ok: (v) => v <= 100 && s.flood.probesNot200 === 0,
    },
    {
      name: 'shed answer p99 under that flood',
      value: s.flood?.shed?.p99 ?? null,
      unit: 'ms',
      detail: `${s.flood?.shed?.count ?? '?'} shed with 503 overloaded (${s.flood?.shed?.withoutRetryAfter ?? '?'} without Retry-After); accepted ${s.flood?.accepted?.count ?? '?'}, p99 ${s.flood?.accepted?.p99 ?? '?'} ms; other 5xx ${s.flood?.other5xx ?? '?'}`,
      target: '≤ 50 ms, some shed',
      ok: (v) => v <= 50 && s.flood.shed.count > 0 && s.flood.shed.withoutRetryAfter === 0,
    },
    {
      name: 'mail p99 after 201',
      value: s.mail?.latencyMs?.p99 ?? null,
      unit: 'ms',
      detail: `p50 ${s.mail?.latencyMs?.p50 ?? '?'} ms, ${s.mail?.expected ?? '?'} emails`,
      target: '≤ 1000 ms',
      ok: (v) => v <= 1000,
    },
    {
      name: 'mail ceiling of one instance',
      value: s.mailCeiling?.mailsPerSecond ?? null,
      unit: 'mails/s',
      detail: `${s.mailCeiling?.delivered ?? '?'} due messages to an SMTP sink that answers at once, drained in ${s.mailCeiling?.drainSeconds ?? '?'} s; server main thread ${s.mailCeiling?.mainThreadBusy ?? '?'} busy, ${s.mailCeiling?.mainThreadCpuMsPerMail ?? '?'} ms per mail`,
      target: '≥ 300 mails/s',
      ok: (v) => v >= 300,
    },
    {
      name: 'RSS idle',
      value: s.rss?.idleMiB ?? null,
      unit: 'MiB',
      detail: `after load ${s.rss?.idleAfterLoadMiB ?? '?'} MiB`,
      target: '≤ 70 MiB',
      ok: (v) => v <= 70,
    },
    {
      name: 'RSS peak',
      value: s.rss?.peakMiB ?? null,
      unit: 'MiB',
      detail: 'max of /proc VmRSS samples and VmHWM',
      target: '≤ 120 MiB',
      ok: (v) => v <= 120,
    },
    {
      name: 'PGlite register ÷ PostgreSQL register',
      value: ratio(rps('pgliteRegister'), rps('register')),
      detail: `${rps('pgliteRegister') ?? '?'} / ${rps('register') ?? '?'} req/s`,
      target: '≥ 0.9',
      ok: (v) => v >= 0.9,
    },
  ];
  return rows.map(({ ok, ...row }) => ({
    ...row,
    status: row.value === null ? 'n/a' : ok(row.value) ? 'met' : 'short',
  }));
}

/**
 * The same throughput ratios from CPU time per request instead of req/s:
 * (raw CPU per op) ÷ (server CPU per request, all its threads). On a busy
 * machine, where req/s swing with the neighbours, these stay put.
 */
export function cpuRatios(s) {
  const cpu = (key) => s[key]?.server?.cpuMsPerRequest;
  const pairs = [
    ['register ÷ raw hash', 'register', 'rawHash', 0.9],
    ['activate ÷ raw compare', 'activate', 'rawCompare', 0.95],
    ['401 unknown email ÷ raw compare', 'unauthorizedUnknownEmail', 'rawCompare', 0.95],
    ['/livez ÷ bare express', 'livez', 'expressHello', 0.9],
  ];
  return pairs.map(([name, server, baseline, target]) => {
    const value = ratio(cpu(baseline), cpu(server));
    return {
      name,
      value,
      detail: `${cpu(baseline) ?? '?'} / ${cpu(server) ?? '?'} CPU ms per request`,
      target: `≥ ${target}`,
      status: value === null ? 'n/a' : value >= target ? 'met' : 'short',
    };
  });
}

/**
 * The scale scenario's goals from its rows (one per size, ascending): p50 of
 * register and activate at the largest size at most 10 % above the smallest,
 * health p99 at the largest ≤ 50 ms, and at every size register p99 during
 * the purge ≤ 2× without (the worst size shown).
 */
export function scaleGoals(sizes) {
  const ok = sizes.filter((r) => !r.error);
  const first = ok[0];
  const last = ok.length > 1 ? ok.at(-1) : undefined;
  const growth = (key) => ({
    value: ratio(last?.[key].latencyMs.p50, first?.[key].latencyMs.p50),
    detail: `${last?.[key].latencyMs.p50 ?? '?'} ms at ${last?.accounts ?? '?'} / ${first?.[key].latencyMs.p50 ?? '?'} ms at ${first?.accounts ?? '?'} accounts`,
  });
  const purges = ok.filter((r) => r.purge.registerP99Ratio !== null);
  const worst = purges.reduce(
    (w, r) => (w === null || r.purge.registerP99Ratio > w.purge.registerP99Ratio ? r : w),
    null,
  );
  const rows = [
    {
      name: 'register p50, largest ÷ smallest size',
      ...growth('register'),
      target: '≤ 1.1',
      ok: (v) => v <= 1.1,
    },
    {
      name: 'activate p50, largest ÷ smallest size',
      ...growth('activate'),
      target: '≤ 1.1',
      ok: (v) => v <= 1.1,
    },
    {
      name: 'health p99 at the largest size',
      value: ok.at(-1)?.health.latencyMs.p99 ?? null,
      unit: 'ms',
      detail: `${ok.at(-1)?.accounts ?? '?'} accounts, p50 ${ok.at(-1)?.health.latencyMs.p50 ?? '?'} ms, ${ok.at(-1)?.health.completed ?? '?'} probes`,
      target: '≤ 50 ms',
      ok: (v) => v <= 50,
    },
    {
      name: 'register p99 during purge ÷ without, worst size',
      value: worst?.purge.registerP99Ratio ?? null,
      detail: worst
        ? `${worst.purge.registerDuring.latencyMs.p99} / ${worst.register.latencyMs.p99} ms at ${worst.accounts} accounts`
        : '?',
      target: '≤ 2',
      ok: (v) => v <= 2,
    },
  ];
  return rows.map(({ ok: check, ...row }) => ({
    ...row,
    status: row.value === null ? 'n/a' : check(row.value) ? 'met' : 'short',
  }));
}

/** The growth table of the scale scenario (a row per size), then its goals. */
function growthReport(scale) {
  const lines = [
    '| accounts | seeded | register req/s | register p50 / p99 ms | activate req/s | activate p50 / p99 ms | health p50 / p99 ms | users list ms | purge-expired | register p99 during purge ms (÷ without) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  const pair = (l) => `${cell(l?.p50)} / ${cell(l?.p99)}`;
  for (const r of scale.sizes ?? []) {
    if (r.error) {
      lines.push(`| ${r.accounts} | error: ${r.error.split('\n')[0]} | | | | | | | | |`);
      continue;
    }
    const p = r.purge;
    lines.push(
      `| ${r.accounts} | ${r.seeded} in ${r.seedSeconds} s | ${cell(r.register.rps)} | ${pair(r.register.latencyMs)} | ${cell(r.activate.rps)} | ${pair(r.activate.latencyMs)} | ${pair(r.health.latencyMs)} | ${cell(r.usersListMs.median)} | ${p.deleted} rows, ${cell(p.rowsPerSecond)} rows/s | ${cell(p.registerDuring.latencyMs.p99)} (${cell(p.registerP99Ratio)}) |`,
    );
  }
  lines.push('', '| scale goal | measured | target | |', '| --- | --- | --- | --- |');
  for (const t of scale.goals ?? []) {
    const value = t.value === null ? '–' : `${t.value}${t.unit ? ` ${t.unit}` : ''}`;
    lines.push(`| ${t.name} | ${value} (${t.detail}) | ${t.target} | ${t.status} |`);
  }
  return lines;
}

const SCENARIOS = [
  ['rawHash', 'raw bcrypt.hash'],
  ['rawCompare', 'raw bcrypt.compare'],
  ['register', 'POST /register (PostgreSQL)'],
  ['activate', 'POST /activate'],
  ['unauthorizedUnknownEmail', '401 unknown email'],
  ['unauthorizedWrongPassword', '401 wrong password'],
  ['livez', 'GET /livez'],
  ['expressHello', 'bare express hello-world'],
  ['healthUnderLoad', 'GET /api/v1/health under register load'],
  ['mail', 'mail: 201 → received by SMTP'],
  ['flood', 'flood of bad-credential activations (p50/p99: the probes)'],
  ['pgliteRegister', 'POST /register (PGlite)'],
];

const cell = (v) => (v === null || v === undefined ? '–' : String(v));

export function markdownReport(results) {
  const s = results.scenarios;
  const m = results.machine;
  const lines = [];
  lines.push(
    `signup bench ${results.startedAt}${results.options.quick ? ' (quick)' : ''}: ` +
      `${m.cores} cores (${m.cpuModel}), Node ${m.node}, PostgreSQL ${m.postgres ?? '–'}, ` +
      `BCRYPT_COST=${results.options.cost}, ${results.options.connections} connections, ` +
      `UV_THREADPOOL_SIZE=${results.options.threadpool}, load average at start ${m.loadAverageAtStart.join(' ')}`,
  );
  if (results.options.scale) {
    // --scale runs the scale scenario alone
    lines.push(
      '',
      ...(s.scale?.error ? [`scale: error: ${s.scale.error}`] : growthReport(s.scale ?? {})),
    );
    return lines.join('\n');
  }
  lines.push(
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | CPU ms/req (main thread, box) | server: queries/req, pool wait p99, loop delay p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const [key, label] of SCENARIOS) {
    const r = s[key];
    if (!r) continue;
    if (r.error) {
      lines.push(`| ${label} | error: ${r.error.split('\n')[0]} | | | | | | |`);
      continue;
    }
    const sv = r.server;
    const server = sv?.eventLoopDelayMs
      ? `${cell(sv.queriesPerRequest)} q, ${cell(sv.poolAcquireMs.p99)} ms, ${cell(sv.eventLoopDelayMs.p99Ms)} ms`
      : '';
    const non2xx =
      key === 'unauthorizedUnknownEmail' || key === 'unauthorizedWrongPassword'
        ? `${r.non2xx} (${r.unexpected ?? 0} not 401)`
        : cell(r.non2xx);
    lines.push(
      `| ${label} | ${cell(r.rps)} | ${cell(r.latencyMs?.p50)} | ${cell(r.latencyMs?.p99)} | ${cell(r.errors)} | ${non2xx} | ${cell(sv?.cpuMsPerRequest)}${sv?.mainThreadCpuMsPerRequest != null ? ` (${cell(sv.mainThreadCpuMsPerRequest)}, ${cell(sv.boxCpuMsPerRequest)})` : ''} | ${server} |`,
    );
  }
  if (s.purge) {
    lines.push(
      s.purge.error
        ? `| signup purge-expired | error: ${s.purge.error.split('\n')[0]} | | | | | | |`
        : `| signup purge-expired, ${s.purge.rows} rows | ${s.purge.rowsPerSecond} rows/s | | | | | | ${s.purge.deleted} deleted in ${s.purge.seconds} s, ${s.purge.left} left |`,
    );
  }
  lines.push('', '| ratio | measured | target | |', '| --- | --- | --- | --- |');
  for (const t of results.targets) {
    const value = t.value === null ? '–' : `${t.value}${t.unit ? ` ${t.unit}` : ''}`;
    lines.push(`| ${t.name} | ${value} (${t.detail}) | ${t.target} | ${t.status} |`);
  }
  lines.push(
    '',
    'The same ratios from CPU time per request (server: all threads), steadier on a busy machine:',
    '',
    '| ratio (CPU) | measured | target | |',
    '| --- | --- | --- | --- |',
  );
  for (const t of results.cpuRatios ?? []) {
    lines.push(`| ${t.name} | ${t.value ?? '–'} (${t.detail}) | ${t.target} | ${t.status} |`);
  }
  return lines.join('\n');
}
