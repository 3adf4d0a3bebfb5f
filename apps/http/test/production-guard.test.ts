import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '@signup/testkit';

/** The built server as production runs it (the testkit sets NODE_ENV=production). */
describe('the built server in production without SMTP_URL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signup-production-guard-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, PORT: '0', BCRYPT_COST: '4', LOG_LEVEL: 'info' };

  it('refuses to start: codes would only reach the log', async () => {
    // '' unsets the testkit's own MAIL_TRANSPORT=console
    const server = await startServer({ ...env, MAIL_TRANSPORT: '' }, { waitFor: 'nothing' });
    const exit = await server.exited;
    expect(exit.code).toBe(2);
    expect(server.stderr.join('\n')).toMatch(
      /SMTP_URL is required with NODE_ENV=production: without it activation codes would only reach the log; set MAIL_TRANSPORT=console/,
    );
  });

  it('starts with MAIL_TRANSPORT=console, said on purpose', async () => {
    const server = await startServer(
      { ...env, MAIL_TRANSPORT: 'console' },
      { waitFor: 'listening' },
    );
    expect(server.exit).toBeNull();
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });

  it('refuses TRUST_PROXY=true, naming it and why', async () => {
    const server = await startServer(
      { ...env, MAIL_TRANSPORT: 'console', TRUST_PROXY: 'true' },
      { waitFor: 'nothing' },
    );
    expect((await server.exited).code).toBe(2);
    expect(server.stderr.join('\n')).toMatch(
      /TRUST_PROXY must not be true: .*any client could choose its own IP/,
    );
  });
});
