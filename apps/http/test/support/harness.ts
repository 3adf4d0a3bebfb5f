import type { Infrastructure, OutboxDispatcher as Dispatcher } from '@signup/adapters';
import type { CodeGenerator, Outbox } from '@signup/domain';
import { FakeClock, TEST_SECRET } from '@signup/domain/testing';
import type { Express } from 'express';
import type { Logger } from 'pino';
import request from 'supertest';
import type { DependencyContainer } from 'tsyringe';
import { createApp } from '../../src/app.js';
import { buildContainer, closeContainer } from '../../src/container.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { TOKENS } from '../../src/tokens.js';
import type { EngineDatabase, Engine } from '@signup/testkit';
import { TestMailer } from './test-mailer.js';

export const TEST_ENV = {
  BCRYPT_COST: '4',
  RATE_LIMIT_PER_MINUTE: '0',
  LOG_LEVEL: 'silent',
} as const;

/**
 * The variables that point the app at `database`. PostgreSQL (DATABASE_URL)
 * requires SIGNUP_SECRET; the embedded database generates one into DATA_DIR
 * when it is unset, so PGlite runs keep exercising that path.
 */
export function databaseEnv(database: Pick<EngineDatabase, 'env'>): Record<string, string> {
  return database.env.DATABASE_URL
    ? { SIGNUP_SECRET: TEST_SECRET, ...database.env }
    : { ...database.env };
}

export interface Harness {
  readonly app: Express;
  readonly container: DependencyContainer;
  readonly config: Config;
  readonly clock: FakeClock;
  readonly mailer: TestMailer;
  readonly infrastructure: Infrastructure;
  /** Runs one dispatcher pass: every due message goes to `mailer`. */
  deliver(): Promise<{ sent: number; retried: number; dropped: number }>;
  /** The newest code mailed to `email` (after delivering that account's due message). */
  codeFor(email: string): Promise<string>;
  /** Another app over the same database, with other settings. */
  variant(options: VariantOptions): Promise<Harness>;
  close(): Promise<void>;
}

export interface VariantOptions {
  readonly env?: Record<string, string>;
  readonly codes?: CodeGenerator;
  readonly logger?: Logger;
  readonly infrastructure?: (base: Infrastructure) => Infrastructure;
  readonly clock?: FakeClock;
  /** Replaces registrations before the app is built. */
  readonly register?: (container: DependencyContainer) => void;
}

async function assemble(
  config: Config,
  clock: FakeClock,
  options: VariantOptions & { infrastructureValue?: Infrastructure },
): Promise<{ container: DependencyContainer; mailer: TestMailer }> {
  const mailer = new TestMailer();
  const container = await buildContainer(config, {
    clock,
    mailer,
    logger: options.logger ?? createLogger({ logLevel: 'silent' }),
    ...(options.infrastructureValue ? { infrastructure: options.infrastructureValue } : {}),
    ...(options.codes ? { codes: options.codes } : {}),
  });
  options.register?.(container);
  return { container, mailer };
}

function wrap(
  container: DependencyContainer,
  config: Config,
  clock: FakeClock,
  mailer: TestMailer,
  baseEnv: Record<string, string>,
  owner: { close(): Promise<void> },
): Harness {
  const dispatcher = container.resolve<Dispatcher>(TOKENS.Dispatcher);
  const infrastructure = container.resolve<Infrastructure>(TOKENS.Infrastructure);
  const harness: Harness = {
    app: createApp(container),
    container,
    config,
    clock,
    mailer,
    infrastructure,
    deliver: () => dispatcher.deliverDue(),
    async codeFor(email) {
      // Only this account's message: another harness on the same database keeps its own.
      const user = await infrastructure.users.findByEmail(email);
      await dispatcher.deliverDue(user ? { userId: user.id } : {});
      const codes = mailer.codesFor(email);
      const code = codes[codes.length - 1];
      if (!code) throw new Error(`no code was mailed to ${email}`);
      return code;
    },
    async variant(options) {
      const variantConfig = loadConfig({ ...baseEnv, ...options.env });
      const variantClock = options.clock ?? clock;
      const { container: c, mailer: m } = await assemble(variantConfig, variantClock, {
        ...options,
        infrastructureValue: options.infrastructure
          ? options.infrastructure(infrastructure)
          : infrastructure,
      });
      return wrap(
        c,
        variantConfig,
        variantClock,
        m,
        { ...baseEnv, ...options.env },
        { close: async () => {} },
      );
    },
    close: () => owner.close(),
  };
  return harness;
}

/** A real app over the real adapters on `engine`, with a FakeClock and a recording mailer. */
export async function startHarness(
  engine: Engine,
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<Harness> {
  const database: EngineDatabase = await engine.open();
  const baseEnv = { ...TEST_ENV, ...databaseEnv(database), ...env };
  const config = loadConfig(baseEnv);
  const clock = new FakeClock(new Date());
  // `logger` (e.g. a capture) goes to the infrastructure too: the database, the dispatcher.
  const { container, mailer } = await assemble(config, clock, options);
  return wrap(container, config, clock, mailer, baseEnv, {
    async close() {
      await closeContainer(container);
      await database.dispose();
    },
  });
}

export const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`, 'utf8').toString('base64')}`;

let counter = 0;
/** A fresh address per call, so no test depends on another's data. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${process.pid}.${Date.now().toString(36)}.${counter}@example.com`;
}

/** A `variant` infrastructure whose account reads by email reject with `error` (a database down, a crash). */
export const accountReadsReject =
  (error: Error) =>
  (base: Infrastructure): Infrastructure => ({
    ...base,
    users: Object.assign(Object.create(base.users) as typeof base.users, {
      findByEmail: () => Promise.reject(error),
      findAccountAndMailbox: () => Promise.reject(error),
    }),
  });

export const PASSWORD = 'correct horse battery';

/** Registers `email` and returns its mailed code. */
export async function registerUser(h: Harness, email = uniqueEmail(), password = PASSWORD) {
  const res = await request(h.app).post('/api/v1/register').send({ email, password });
  if (res.status !== 201)
    throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
  return {
    email,
    password,
    code: await h.codeFor(email),
    body: res.body as Record<string, unknown>,
  };
}

export function outboxOf(h: Harness): Outbox {
  return h.container.resolve<Outbox>(TOKENS.Outbox);
}
