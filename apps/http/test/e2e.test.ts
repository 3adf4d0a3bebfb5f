import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '@signup/domain/testing';
import { ENGINES, startServer, startSmtpSink, type SmtpSink } from '@signup/testkit';
import { basic, databaseEnv, uniqueEmail } from './support/harness.js';

const BASE_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  BCRYPT_COST: '4',
  LOG_LEVEL: 'info',
  MAIL_FROM: 'signup <no-reply@example.test>',
};

describe('the built server process', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
  });

  for (const engine of ENGINES) {
    const run = engine.skip ? it.skip : it;
    run(
      `[${engine.name}] register, read the code from the mail, activate, SIGTERM -> exit 0`,
      async () => {
        const database = await engine.open();
        const server = await startServer(
          { ...BASE_ENV, ...databaseEnv(database), SMTP_URL: smtp.url },
          { waitFor: 'nothing' },
        );
        try {
          const listening = await server.waitForLog((l) => typeof l.url === 'string');
          const url = listening.url as string;

          const email = uniqueEmail('e2e');
          const password = 'e2e: secret password';
          const registered = await fetch(`${url}/api/v1/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-register' },
            body: JSON.stringify({ email, password }),
          });
          expect(registered.status).toBe(201);
          expect(registered.headers.get('x-request-id')).toBe('e2e-register');

          const mail = await smtp.next(email);
          expect(mail.subject).toBe('Your activation code');
          expect(mail.from?.text).toContain('no-reply@example.test');
          const code = /Your activation code is (\d{4})\./.exec(mail.text ?? '')?.[1];
          expect(code).toMatch(/^\d{4}$/);
          expect(mail.html).toContain(code);

          const activated = await fetch(`${url}/api/v1/activate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basic(email, password) },
            body: JSON.stringify({ code }),
          });
          expect(activated.status).toBe(200);
          expect(await activated.json()).toMatchObject({ email, status: 'active' });

          const health = (await (await fetch(`${url}/api/v1/health`)).json()) as {
            status: string;
            checks: unknown;
          };
          expect(health).toMatchObject({
            status: 'ok',
            checks: { database: { status: 'up' }, smtp: { status: 'up' } },
          });

          server.child.kill('SIGTERM');
          expect((await server.exited).code).toBe(0);
          const logs = server.stdout.join('\n');
          expect(logs).toContain('"requestId":"e2e-register"');
          expect(logs).not.toContain(password);
          expect(logs).not.toContain(`is ${code}.`);
          if (database.env.DATABASE_URL) expect(logs).not.toContain(TEST_SECRET);
          expect(logs).toMatch(/"msg":"stopped"/);
        } finally {
          server.child.kill('SIGKILL');
          await database.dispose();
        }
      },
    );
  }

  it('SIGTERM still exits 0 when whoever read its log has gone away (broken stdout pipe)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-e2e-'));
    try {
      const server = await startServer({ ...BASE_ENV, DATA_DIR: dir }, { waitFor: 'nothing' });
      await server.waitForLog((l) => typeof l.url === 'string');
      // The reader of the log goes away: the next line (the shutdown's) meets EPIPE.
      server.child.stdout!.destroy();
      server.child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000));
      expect(await Promise.race([server.exited.then((e) => e.code), timeout])).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad configuration stops it with exit 2 and one line naming every bad variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signup-e2e-'));
    try {
      const server = await startServer(
        { ...BASE_ENV, DATA_DIR: dir, PORT: 'eighty', BCRYPT_COST: '99' },
        { waitFor: 'nothing' },
      );
      expect((await server.exited).code).toBe(2);
      const stderr = server.stderr.join('\n');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain('PORT');
      expect(stderr).toContain('BCRYPT_COST');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
