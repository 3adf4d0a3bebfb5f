import { Option, type Command } from 'commander';
import { parseDuration, wholeNumber } from '../duration.js';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

interface PurgeCliOptions {
  olderThan: number;
  dryRun?: boolean;
  batchSize: number;
}

export function addPurgeExpiredCommand(program: Command, session: Session): void {
  program
    .command('purge-expired')
    .description(
      'delete pending accounts whose code expired longer ago than --older-than, with their codes and messages, in short batches; active accounts are never touched',
    )
    .addOption(
      new Option('--older-than <duration>', 'how long ago the code expired: 90s, 15m, 24h, 7d')
        .default(86_400, '24h')
        .argParser(parseDuration),
    )
    .option('--dry-run', 'only count what would be deleted')
    .addOption(
      new Option('--batch-size <n>', 'accounts deleted per transaction')
        .default(1000)
        .argParser(wholeNumber(1, 100_000)),
    )
    .addHelpText(
      'after',
      `
Progress per batch goes to stderr when stderr is a terminal.

Examples:
  $ signup purge-expired --dry-run
  $ signup purge-expired --older-than 7d --batch-size 500
`,
    )
    .action(async (options: PurgeCliOptions) => {
      const c = await session.open();
      const result = await c.resolve(TOKENS.SignupService).purgeExpired.execute({
        olderThanSeconds: options.olderThan,
        batchSize: options.batchSize,
        dryRun: Boolean(options.dryRun),
        onBatch: (deleted) => session.output.progress(`purge-expired: ${deleted} deleted so far`),
      });
      const before = result.expiredBefore.toISOString();
      session.output.result(
        {
          dryRun: result.dryRun,
          count: result.count,
          olderThanSeconds: options.olderThan,
          expiredBefore: before,
        },
        [
          result.dryRun
            ? `Would delete ${result.count} pending account(s) whose code expired before ${before}.`
            : `Deleted ${result.count} pending account(s) whose code expired before ${before}.`,
        ],
      );
    });
}
