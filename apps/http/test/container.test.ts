import { InfrastructureUnavailableError, type SignupService } from '@signup/domain';
import { FakeClock, TEST_SECRET } from '@signup/domain/testing';
import type { InjectionToken } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildContainer, closeContainer } from '../src/container.js';
import { TOKENS } from '../src/tokens.js';
import { pglite, type EngineDatabase } from '@signup/testkit';
import { capturingLogger } from './support/log-capture.js';
import { TEST_ENV } from './support/harness.js';
import { TestMailer } from './support/test-mailer.js';

describe('buildContainer: the composition root', () => {
  let database: EngineDatabase;
  beforeAll(async () => {
    database = await pglite.open();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('resolves every token by factory or value, honouring the overrides, one instance each', async () => {
    const clock = new FakeClock('2030-05-05T00:00:00.000Z');
    const mailer = new TestMailer();
    const c = await buildContainer(loadConfig({ ...TEST_ENV, ...database.env }), {
      clock,
      mailer,
      logger: capturingLogger().logger,
    });
    try {
      for (const [name, token] of Object.entries(TOKENS) as [string, InjectionToken<unknown>][])
        expect(c.resolve(token), name).toBeDefined();
      expect(c.resolve(TOKENS.Clock)).toBe(clock);
      expect(c.resolve(TOKENS.Mailer)).toBe(mailer);
      expect(c.resolve(TOKENS.SignupService)).toBe(c.resolve(TOKENS.SignupService));
      const service = c.resolve<SignupService>(TOKENS.SignupService);
      const { user } = await service.register.execute({
        email: 'root@example.com',
        password: 'correct horse',
      });
      expect(user.createdAt.toISOString()).toBe('2030-05-05T00:00:00.000Z');
    } finally {
      await closeContainer(c);
    }
  });

  it('gives up on an unreachable database after the retry window, logging each try', async () => {
    const { logger, lines } = capturingLogger();
    const config = loadConfig({
      ...TEST_ENV,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
      SIGNUP_SECRET: TEST_SECRET,
    });
    await expect(buildContainer(config, { logger, connectRetryMs: 1200 })).rejects.toBeInstanceOf(
      InfrastructureUnavailableError,
    );
    const retries = lines.filter((l) => l.msg === 'database not reachable yet; retrying');
    expect(retries.length).toBeGreaterThanOrEqual(2);
  });
});
