import type { Infrastructure, Mailer, OutboxDispatcher, RateLimiter } from '@signup/adapters';
import type {
  Clock,
  CodeGenerator,
  IdGenerator,
  Outbox,
  PasswordHasher,
  SignupService,
  UserRepository,
} from '@signup/domain';
import type { Logger } from 'pino';
import type { InjectionToken } from 'tsyringe';
import type { Config } from './config.js';
import type { DatabaseHealth, HealthService } from './observability/health.js';
import type { Lifecycle } from './observability/lifecycle.js';
import type { Metrics } from './observability/metrics.js';

/**
 * The composition root's tokens: one symbol per port or service, typed by
 * what it resolves to. Everything is registered by factory or value in
 * container.ts; nothing relies on emitDecoratorMetadata.
 */
export const TOKENS = {
  Config: Symbol('Config') as InjectionToken<Config>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Clock: Symbol('Clock') as InjectionToken<Clock>,
  Infrastructure: Symbol('Infrastructure') as InjectionToken<Infrastructure>,
  UserRepository: Symbol('UserRepository') as InjectionToken<UserRepository>,
  Outbox: Symbol('Outbox') as InjectionToken<Outbox>,
  PasswordHasher: Symbol('PasswordHasher') as InjectionToken<PasswordHasher>,
  Mailer: Symbol('Mailer') as InjectionToken<Mailer>,
  /** `{ limiter }`: null when RATE_LIMIT_PER_MINUTE=0 (tsyringe refuses a null value). */
  RateLimit: Symbol('RateLimit') as InjectionToken<{ readonly limiter: RateLimiter | null }>,
  DatabaseHealth: Symbol('DatabaseHealth') as InjectionToken<DatabaseHealth>,
  CodeGenerator: Symbol('CodeGenerator') as InjectionToken<CodeGenerator>,
  IdGenerator: Symbol('IdGenerator') as InjectionToken<IdGenerator>,
  SignupService: Symbol('SignupService') as InjectionToken<SignupService>,
  Dispatcher: Symbol('Dispatcher') as InjectionToken<OutboxDispatcher>,
  Metrics: Symbol('Metrics') as InjectionToken<Metrics>,
  Health: Symbol('Health') as InjectionToken<HealthService>,
  Lifecycle: Symbol('Lifecycle') as InjectionToken<Lifecycle>,
} as const;
