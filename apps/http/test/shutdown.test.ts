import type { PasswordHasher } from '@signup/domain';
import { afterAll, expect, it } from 'vitest';
import type { Lifecycle } from '../src/observability/lifecycle.js';
import { TOKENS } from '../src/tokens.js';
import { PASSWORD, uniqueEmail } from './support/harness.js';
import { startInProcess, type InProcessServer } from './support/in-process-server.js';

let server: InProcessServer | undefined;
afterAll(async () => {
  await server?.dispose();
});

it('graceful shutdown: not ready any more, no new connections, the in-flight request finishes, the outbox is flushed, the pool closes', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => (entered = resolve));
  const gated = (base: PasswordHasher): PasswordHasher => ({
    async hash(password) {
      entered();
      await gate;
      return base.hash(password);
    },
    verify: (p, h) => base.verify(p, h),
    verifyDummy: (p) => base.verifyDummy(p),
  });
  server = await startInProcess((infra) => ({ ...infra, hasher: gated(infra.hasher) }));
  const { running, container, mailer, infrastructure } = server;

  expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  const email = uniqueEmail('draining');
  const pending = fetch(`${running.url}/api/v1/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  await inFlight;

  const stopped = running.shutdown();
  expect(container.resolve<Lifecycle>(TOKENS.Lifecycle).shuttingDown).toBe(true);
  await expect(fetch(`${running.url}/livez`)).rejects.toThrow();

  release();
  const answer = await pending;
  expect(answer.status).toBe(201);
  await stopped;

  expect(mailer.codesFor(email)).toHaveLength(1);
  await expect(infrastructure.sql.ping(500)).rejects.toThrow();
});
