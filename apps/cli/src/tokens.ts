import type { InjectionToken } from 'tsyringe';
import type { Logger, OutboxDispatcher, SqlClient } from '@signup/adapters';
import type { Clock, Outbox, PasswordHasher, SignupService, UserRepository } from '@signup/domain';
import type { Config } from './config.js';

/**
 * The CLI's composition root's tokens: one symbol per port or service, typed
 * by what it resolves to (the same style as the HTTP app's).
 */
export const TOKENS = {
  Config: Symbol('Config') as InjectionToken<Config>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Clock: Symbol('Clock') as InjectionToken<Clock>,
  SqlClient: Symbol('SqlClient') as InjectionToken<SqlClient>,
  UserRepository: Symbol('UserRepository') as InjectionToken<UserRepository>,
  Outbox: Symbol('Outbox') as InjectionToken<Outbox>,
  PasswordHasher: Symbol('PasswordHasher') as InjectionToken<PasswordHasher>,
  Dispatcher: Symbol('Dispatcher') as InjectionToken<OutboxDispatcher>,
  SignupService: Symbol('SignupService') as InjectionToken<SignupService>,
} as const;
