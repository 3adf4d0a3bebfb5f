import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Infrastructure, Logger } from '@signup/adapters';
import { createSignupService, systemClock } from '@signup/domain';
import type { Config } from './config.js';
import { TOKENS } from './tokens.js';

/** What one command run holds open, and how to let it go. */
export interface CliContainer {
  readonly container: DependencyContainer;
  close(): Promise<void>;
}

/**
 * The CLI's composition root: a child container per run that registers what
 * the adapters' one assembly (openInfrastructure, shared with the HTTP app)
 * built, with the domain's use cases on top. The dispatcher and the use
 * cases are built on first use.
 */
export function composeContainer(
  config: Config,
  infrastructure: Infrastructure,
  logger: Logger,
): CliContainer {
  const c = container.createChildContainer();

  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: logger });
  c.register(TOKENS.Clock, { useValue: systemClock });
  c.register(TOKENS.SqlClient, { useValue: infrastructure.sql });
  c.register(TOKENS.UserRepository, { useValue: infrastructure.users });
  c.register(TOKENS.Outbox, { useValue: infrastructure.outbox });
  c.register(TOKENS.PasswordHasher, { useValue: infrastructure.hasher });
  c.register(TOKENS.Dispatcher, {
    useFactory: instanceCachingFactory((r) =>
      infrastructure.createDispatcher({ clock: r.resolve(TOKENS.Clock) }),
    ),
  });
  c.register(TOKENS.SignupService, {
    useFactory: instanceCachingFactory((r) =>
      createSignupService({
        users: r.resolve(TOKENS.UserRepository),
        hasher: r.resolve(TOKENS.PasswordHasher),
        clock: r.resolve(TOKENS.Clock),
        policy: r.resolve(TOKENS.Config).activation,
        keyring: infrastructure.keyring,
      }),
    ),
  });

  return {
    container: c,
    close: () => infrastructure.close(),
  };
}
