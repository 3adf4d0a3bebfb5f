import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Infrastructure, Logger } from '@signup/adapters';
import { createSignupService, systemClock } from '@signup/domain';
import { TOKENS } from './tokens.js';

/** What one command run holds open, and how to let it go. */
export interface CliContainer {
  readonly container: DependencyContainer;
  close(): Promise<void>;
}

/**
 * The CLI's composition root: a child container per run over the adapters'
 * one assembly (openInfrastructure, shared with the HTTP app), with the
 * domain's use cases on top. The dispatcher and the use cases are built on
 * first use.
 */
export function composeContainer(infrastructure: Infrastructure, logger: Logger): CliContainer {
  const c = container.createChildContainer();

  c.register(TOKENS.config, { useValue: infrastructure.config });
  c.register(TOKENS.logger, { useValue: logger });
  c.register(TOKENS.clock, { useValue: systemClock });
  c.register(TOKENS.sql, { useValue: infrastructure.sql });
  c.register(TOKENS.users, { useValue: infrastructure.users });
  c.register(TOKENS.outbox, { useValue: infrastructure.outbox });
  c.register(TOKENS.hasher, { useValue: infrastructure.hasher });
  c.register(TOKENS.mailer, { useValue: infrastructure.mailer });
  c.register(TOKENS.dispatcher, {
    useFactory: instanceCachingFactory((r) =>
      infrastructure.createDispatcher(r.resolve(TOKENS.clock)),
    ),
  });
  c.register(TOKENS.signup, {
    useFactory: instanceCachingFactory((r) =>
      createSignupService({
        users: r.resolve(TOKENS.users),
        hasher: r.resolve(TOKENS.hasher),
        clock: r.resolve(TOKENS.clock),
        policy: r.resolve(TOKENS.config).activation,
      }),
    ),
  });

  return {
    container: c,
    close: () => infrastructure.close(),
  };
}
