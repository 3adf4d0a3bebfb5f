import type { DependencyContainer } from 'tsyringe';
import { openInfrastructure } from '@signup/adapters';
import { loadConfig } from './config.js';
import { composeContainer, type CliContainer } from './container.js';
import { SchemaOutdatedError } from './errors.js';
import type { CliIo } from './io.js';
import { createCliLogger, createConsoleMailLogger } from './logger.js';
import { Output } from './output.js';

/**
 * One run of the CLI: its streams, its output mode, and the infrastructure it
 * opened (closed again whatever happens).
 */
export class Session {
  readonly output: Output;
  private opened: CliContainer | undefined;

  constructor(readonly io: CliIo) {
    this.output = new Output(io);
  }

  /**
   * Reads the configuration and opens the infrastructure: one try at the
   * database (2 s connect and ping timeouts, no retry loop: an operator
   * wants the answer now). Every command but `migrate` needs an up-to-date
   * schema. On PostgreSQL a schema behind is refused ("run signup migrate
   * first": an operator's command does not migrate a shared database behind
   * their back). On the embedded database opened here (DATA_DIR free) it is
   * migrated first, as the server does, under DATA_DIR's lock; DATA_DIR held
   * by a running server is reached through the socket it serves (the server
   * migrated it when it started).
   */
  async open(
    options: { requireSchema: boolean } = { requireSchema: true },
  ): Promise<DependencyContainer> {
    if (this.opened) return this.opened.container;
    const config = loadConfig(this.io.env);
    const logger = createCliLogger(config, this.io);
    const infrastructure = await openInfrastructure(config, {
      logger,
      migrate: false,
      connectRetryMs: 0,
      reachRunningServer: true,
      mailLogger: createConsoleMailLogger(this.io, logger),
    });
    try {
      const pending = options.requireSchema ? await infrastructure.migrations.check() : [];
      if (pending.length > 0) {
        if (infrastructure.sql.engine !== 'pglite') throw new SchemaOutdatedError(pending);
        await infrastructure.migrations.migrate(logger);
      }
    } catch (error) {
      await infrastructure.close().catch(() => undefined);
      throw error;
    }
    this.opened = composeContainer(config, infrastructure, logger);
    return this.opened.container;
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    await opened?.close();
  }
}
