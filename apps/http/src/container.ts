import {
  forProbes,
  openInfrastructure,
  PgOutbox,
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
} from '@signup/domain';
import type { Logger } from 'pino';
import {
  container as rootContainer,
  instanceCachingFactory,
  type DependencyContainer,
} from 'tsyringe';
import type { Config } from './config.js';
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

/** Milliseconds the process keeps retrying a database that is not up yet. */
export const DEFAULT_CONNECT_RETRY_MS = 30_000;

/**
 * The HTTP app's composition root: registers the adapters the one assembly
 * (openInfrastructure, shared with the CLI) built, and the app's own
 * services over them, each under its typed token. Opens the database
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
      rateLimitPerMinute: config.rateLimitPerMinute,
      // Embedded database: the CLI reaches it through DATA_DIR's socket while we run.
      serveLocalSocket: true,
      warmPool: true,
      ...(overrides.mailer ? { mailer: overrides.mailer } : {}),
    }));

  // Readiness answers from memory: the migration step above set the state; an
  // infrastructure opened without it is read once, here, never per probe.
  const { migrations } = infrastructure;
  if (migrations.pending === undefined) await migrations.check();

  const c = rootContainer.createChildContainer();
  const cached = <T>(factory: (r: DependencyContainer) => T) => ({
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
  c.register(TOKENS.DatabaseHealth, {
    useValue: {
      ping: (timeoutMs) => infrastructure.sql.ping(timeoutMs),
      pendingMigrations: () => Promise.resolve([...(migrations.pending ?? [])]),
    },
  });
  c.register(
    TOKENS.Lifecycle,
    cached(() => new Lifecycle()),
  );

  c.register(
    TOKENS.SignupService,
    cached((r) =>
      createSignupService({
        users: r.resolve(TOKENS.UserRepository),
        hasher: r.resolve(TOKENS.PasswordHasher),
        clock: r.resolve(TOKENS.Clock),
        policy: r.resolve(TOKENS.Config).activation,
        keyring: r.resolve(TOKENS.Infrastructure).keyring,
        codes: r.resolve(TOKENS.CodeGenerator),
        ids: r.resolve(TOKENS.IdGenerator),
      }),
    ),
  );

  c.register(
    TOKENS.Metrics,
    cached((r) => {
      const outbox = r.resolve(TOKENS.Outbox);
      const clock = r.resolve(TOKENS.Clock);
      return new Metrics(() => outbox.stats(clock.now()));
    }),
  );

  // The assembly builds the dispatcher; the app adds its clock, its log context and its metrics.
  c.register(
    TOKENS.Dispatcher,
    cached((r) => {
      const dispatcher = r.resolve(TOKENS.Infrastructure).createDispatcher({
        clock: r.resolve(TOKENS.Clock),
        logger: r.resolve(TOKENS.Logger).child({ component: 'outbox' }),
        mailer: r.resolve(TOKENS.Mailer),
      });
      const metrics = r.resolve(TOKENS.Metrics);
      dispatcher.onEvent((event) => metrics.recordDispatch(event));
      return dispatcher;
    }),
  );

  c.register(
    TOKENS.Health,
    cached((r) => {
      // On PostgreSQL, read through the probe connection: never queued behind requests.
      const { sql } = r.resolve(TOKENS.Infrastructure);
      const outbox = sql.probe ? new PgOutbox(forProbes(sql)) : r.resolve(TOKENS.Outbox);
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
  const infrastructure = c.resolve(TOKENS.Infrastructure);
  const mailer = c.resolve(TOKENS.Mailer);
  if (mailer !== infrastructure.mailer) await mailer.close();
  await infrastructure.close();
}
