import fs from 'node:fs';
import path from 'node:path';
import { runLoad } from '../load.mjs';
import { withProbe } from './measure.mjs';
import { serviceVars, startMigratedServer } from './service-vars.mjs';

/** Register against the server on the embedded database (PGlite in a temp folder). */
export async function pgliteServer({ opts, smtp, accounts, workDir, cpuProfDir, step }) {
  const dataDir = path.join(workDir, 'pglite-data');
  fs.mkdirSync(dataDir, { recursive: true });
  const server = await startMigratedServer({
    name: 'server-pglite',
    vars: serviceVars(opts, { DATA_DIR: dataDir, SMTP_URL: smtp.url }),
    opts,
    workDir,
    cpuProfDir,
    migrateTimeoutMs: 120_000,
  });
  const { connections, seconds } = opts;
  let idleMiB = null;
  try {
    idleMiB = server.rss.nowMiB();
    await step('pgliteRegister', async () => {
      await runLoad({
        url: server.base,
        connections,
        seconds: seconds.warmup,
        requests: accounts.registerRequests('pglite-warmup'),
        expect: [201],
      });
      return withProbe(
        server,
        () =>
          runLoad({
            url: server.base,
            connections,
            seconds: seconds.pglite,
            requests: accounts.registerRequests('pglite'),
            expect: [201],
          }),
        { countQueries: false },
      );
    });
  } finally {
    await server.stop();
    const peakMiB = server.rss.peakMiB();
    await step('pgliteRss', async () => ({ idleMiB, peakMiB }));
  }
}
