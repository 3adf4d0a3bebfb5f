import type { InjectionToken } from 'tsyringe';
import type {
  Config,
  Logger,
  Mailer,
  OutboxDispatcher,
  PgOutbox,
  SqlClient,
} from '@signup/adapters';
import type { Clock, PasswordHasher, SignupService, UserRepository } from '@signup/domain';

/** The CLI's injection tokens: symbols, typed by what they resolve to. */
export const TOKENS = {
  config: Symbol('Config') as InjectionToken<Config>,
  logger: Symbol('Logger') as InjectionToken<Logger>,
  clock: Symbol('Clock') as InjectionToken<Clock>,
  sql: Symbol('SqlClient') as InjectionToken<SqlClient>,
  users: Symbol('UserRepository') as InjectionToken<UserRepository>,
  outbox: Symbol('PgOutbox') as InjectionToken<PgOutbox>,
  hasher: Symbol('PasswordHasher') as InjectionToken<PasswordHasher>,
  mailer: Symbol('Mailer') as InjectionToken<Mailer>,
  dispatcher: Symbol('OutboxDispatcher') as InjectionToken<OutboxDispatcher>,
  signup: Symbol('SignupService') as InjectionToken<SignupService>,
} as const;
