import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedPort, startServer, startSmtpSink, type SmtpSink } from '@signup/testkit';
import { describeOnPglite, type Engine } from './support/engines.js';
import { activationCodeIn, json, runSignup, uniqueEmail } from './support/run-signup.js';

const PASSWORD = 'correct horse battery';

/**
 * On the embedded database without SIGNUP_SECRET, the first process generates
 * DATA_DIR/signup-secret and every later one (CLI or server) reads it: a code
 * one process keyed or sealed is good in another.
 */
describeOnPglite('the generated DATA_DIR/signup-secret', (engine: () => Engine) => {
  let sink: SmtpSink;
  const env = () => engine().env();
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it(
    'is shared by the CLI runs and the server on the same DATA_DIR',
    { timeout: 120_000 },
    async () => {
      expect(env()).not.toHaveProperty('SIGNUP_SECRET');
      const dataDir = env().DATA_DIR!;
      const migrated = await runSignup(['migrate'], { env: env() });
      expect(migrated.code, migrated.stderr).toBe(0);

      // One CLI run registers (console mail: the code is in its log) ...
      const bob = uniqueEmail('bob');
      const registered = await runSignup(['register', bob, '--password-stdin'], {
        env: env(),
        input: `${PASSWORD}\n`,
      });
      expect(registered.code, registered.stderr).toBe(0);
      const secretFile = join(dataDir, 'signup-secret');
      const secret = readFileSync(secretFile, 'utf8').trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);

      // ... another activates with that code: the keyed digest checks out under the same secret.
      const activated = await runSignup(['activate', bob, activationCodeIn(registered.stderr)], {
        env: env(),
      });
      expect(activated.code, activated.stderr).toBe(0);

      // A CLI run with SMTP down leaves the code sealed in the outbox ...
      const carol = uniqueEmail('carol');
      const queued = await runSignup(['register', carol, '--password-stdin', '--json'], {
        env: { ...env(), SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` },
        input: `${PASSWORD}\n`,
      });
      expect(queued.code).toBe(3);
      expect(json(queued)).toMatchObject({ email: carol, activationEmail: 'queued' });

      // ... the server on the same DATA_DIR opens it, sends it, and accepts the code.
      const server = await startServer(
        { ...env(), SMTP_URL: sink.url, BCRYPT_COST: '4', LOG_LEVEL: 'info' },
        { name: 'embedded-server', waitFor: 'readyz' },
      );
      try {
        const code = await sink.codeFor(carol, 20_000);
        const response = await fetch(`${server.url}/api/v1/activate`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${carol}:${PASSWORD}`).toString('base64')}`,
          },
          body: JSON.stringify({ code }),
        });
        expect(response.status, await response.clone().text()).toBe(200);
        expect(await response.json()).toMatchObject({ email: carol, status: 'active' });
      } finally {
        expect((await server.stop('SIGTERM')).code, server.tail()).toBe(0);
      }
      expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);
    },
  );
});
