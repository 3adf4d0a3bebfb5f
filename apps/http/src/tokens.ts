/**
 * The composition root's tokens: one symbol per port or service. Everything is
 * registered by factory or value in container.ts; nothing relies on
 * emitDecoratorMetadata.
 */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Clock: Symbol('Clock'),
  Infrastructure: Symbol('Infrastructure'),
  UserRepository: Symbol('UserRepository'),
  Outbox: Symbol('Outbox'),
  PasswordHasher: Symbol('PasswordHasher'),
  Mailer: Symbol('Mailer'),
  /** `{ limiter: RateLimiter | null }`: null when RATE_LIMIT_PER_MINUTE=0. */
  RateLimit: Symbol('RateLimit'),
  DatabaseHealth: Symbol('DatabaseHealth'),
  CodeGenerator: Symbol('CodeGenerator'),
  IdGenerator: Symbol('IdGenerator'),
  SignupService: Symbol('SignupService'),
  Dispatcher: Symbol('Dispatcher'),
  Metrics: Symbol('Metrics'),
  Health: Symbol('Health'),
  Lifecycle: Symbol('Lifecycle'),
} as const;
