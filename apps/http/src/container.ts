import {
  openInfrastructure,
  OutboxDispatcher,
  dispatcherLeaseSeconds,
  pendingMigrations,
  type Config,
  type Infrastructure,
  type Mailer,
} from '@signup/adapters';
import {
  createSignupService,
  randomCodeGenerator,
  randomIdGenerator,
  systemClock,
  type Clock,
  type CodeGenerator,
  type IdGenerator,
  type Outbox,
} from '@signup/domain';
import type { Logger } from 'pino';
import {
  container as rootContainer,
  instanceCachingFactory,
  type DependencyContainer,
} from 'tsyringe';
import type { DatabaseHealth } from './dependencies.js';
import { HealthService } from './observability/health.js';
import { Lifecycle } from './observability/lifecycle.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { TOKENS } from './tokens.js';
import { appVersion } from './version.js';

/** What tests (or an embedding host) may replace; everything else comes from `config`. */
export interface ContainerOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** An already opened database and adapters (else opened from config, migrations applied). */
  readonly infrastructure?: Infrastructure;
  /** Replaces the mail transport (else SMTP_URL's SmtpMailer or the console). */
  readonly mailer?: Mailer;
  readonly codes?: CodeGenerator;
  readonly ids?: IdGenerator;
  /** How long start-up keeps retrying an unreachable database. */
  readonly connectRetryMs?: number;
}

/** Seconds the process keeps retrying a database that is not up yet. */
export const DEFAULT_CONNECT_RETRY_MS = 30_000;

/**
 * The one composition root: every port, adapter and service of the HTTP app,
 * registered by value or factory under a symbol token. Opens the database
 * (retrying with backoff) and applies migrations unless an infrastructure is
 * given. Dispose with `closeContainer`.
 */
export async function buildContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<DependencyContainer> {
  const logger = overrides.logger ?? createLogger(config);
  const infrastructure =
    overrides.infrastructure ??
    (await openInfrastructure(config, {
      logger,
      migrate: true,
      connectRetryMs: overrides.connectRetryMs ?? DEFAULT_CONNECT_RETRY_MS,
      ...(overrides.mailer ? { mailer: overrides.mailer } : {}),
    }));

  const c = rootContainer.createChildContainer();
  const cached = <T>(factory: (c: DependencyContainer) => T) => ({
    useFactory: instanceCachingFactory(factory),
  });

  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: logger });
  c.register(TOKENS.Clock, { useValue: overrides.clock ?? systemClock });
  c.register(TOKENS.CodeGenerator, { useValue: overrides.codes ?? randomCodeGenerator });
  c.register(TOKENS.IdGenerator, { useValue: overrides.ids ?? randomIdGenerator });
  c.register(TOKENS.Infrastructure, { useValue: infrastructure });
  c.register(TOKENS.UserRepository, { useValue: infrastructure.users });
  c.register(TOKENS.Outbox, { useValue: infrastructure.outbox });
  c.register(TOKENS.PasswordHasher, { useValue: infrastructure.hasher });
  c.register(TOKENS.Mailer, { useValue: overrides.mailer ?? infrastructure.mailer });
  c.register(TOKENS.RateLimit, { useValue: { limiter: infrastructure.rateLimiter } });
  c.register(
    TOKENS.Lifecycle,
    cached(() => new Lifecycle()),
  );

  c.register(
    TOKENS.DatabaseHealth,
    cached((): DatabaseHealth => ({
      ping: (timeoutMs) => infrastructure.sql.ping(timeoutMs),
      pendingMigrations: () => pendingMigrations(infrastructure.sql),
    })),
  );

  c.register(
    TOKENS.SignupService,
    cached((r) =>
      createSignupService({
        users: r.resolve(TOKENS.UserRepository),
        hasher: r.resolve(TOKENS.PasswordHasher),
        clock: r.resolve(TOKENS.Clock),
        policy: r.resolve<Config>(TOKENS.Config).activation,
        codes: r.resolve(TOKENS.CodeGenerator),
        ids: r.resolve(TOKENS.IdGenerator),
      }),
    ),
  );

  c.register(
    TOKENS.Metrics,
    cached((r) => {
      const outbox = r.resolve<Outbox>(TOKENS.Outbox);
      const clock = r.resolve<Clock>(TOKENS.Clock);
      return new Metrics(() => outbox.stats(clock.now()));
    }),
  );

  c.register(
    TOKENS.Dispatcher,
    cached((r) => {
      const dispatcher = new OutboxDispatcher({
        outbox: r.resolve(TOKENS.Outbox),
        mailer: r.resolve(TOKENS.Mailer),
        clock: r.resolve(TOKENS.Clock),
        logger: r.resolve<Logger>(TOKENS.Logger).child({ component: 'outbox' }),
        wake: (listener) => infrastructure.sql.onMessageQueued(listener),
        // shorter than the code's lifetime: a claim lost to a crash is retried before the code expires
        leaseSeconds: dispatcherLeaseSeconds(
          r.resolve<Config>(TOKENS.Config).activation.codeTtlSeconds,
        ),
      });
      const metrics = r.resolve<Metrics>(TOKENS.Metrics);
      dispatcher.onEvent((event) => metrics.recordDispatch(event));
      return dispatcher;
    }),
  );

  c.register(
    TOKENS.Health,
    cached((r) => {
      const outbox = r.resolve<Outbox>(TOKENS.Outbox);
      return new HealthService({
        database: r.resolve(TOKENS.DatabaseHealth),
        smtp: r.resolve(TOKENS.Mailer),
        outboxStats: (now) => outbox.stats(now),
        clock: r.resolve(TOKENS.Clock),
        lifecycle: r.resolve(TOKENS.Lifecycle),
        version: appVersion(),
        startedAt: Date.now(),
      });
    }),
  );

  return c;
}

/** Closes what the container opened: the mail transport and the database pool. */
export async function closeContainer(c: DependencyContainer): Promise<void> {
  const infrastructure = c.resolve<Infrastructure>(TOKENS.Infrastructure);
  const mailer = c.resolve<Mailer>(TOKENS.Mailer);
  if (mailer !== infrastructure.mailer) await mailer.close();
  await infrastructure.close();
}
