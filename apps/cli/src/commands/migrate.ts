import type { Command } from 'commander';
import { migrate } from '@signup/adapters';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

export function addMigrateCommand(program: Command, session: Session): void {
  program
    .command('migrate')
    .description('apply pending database migrations (safe to run again; one runner at a time)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ signup migrate\n  $ DATABASE_URL=postgres://app@db/signup signup migrate --json\n',
    )
    .action(async () => {
      const c = await session.open({ requireSchema: false });
      const { applied } = await migrate(c.resolve(TOKENS.SqlClient), c.resolve(TOKENS.Logger));
      session.output.result(
        { applied },
        applied.length === 0
          ? ['The database schema is up to date; nothing to apply.']
          : [`Applied ${applied.length} migration(s): ${applied.join(', ')}.`],
      );
    });
}
