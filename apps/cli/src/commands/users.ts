import { Option, type Command } from 'commander';
import { emailSchema, parseField, UserNotFoundError, type UserStatus } from '@signup/domain';
import { wholeNumber } from '../duration.js';
import { fields, table, userJson } from '../present.js';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

export function addUsersCommand(program: Command, session: Session): void {
  const users = program
    .command('users')
    .description('look at accounts (never a password hash or a code)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ signup users list --status pending\n  $ signup users show alice@example.com\n',
    );

  users
    .command('list')
    .description('the newest accounts first')
    .addOption(
      new Option('--status <status>', 'only accounts in this state').choices(['pending', 'active']),
    )
    .addOption(
      new Option('--limit <n>', 'at most this many accounts')
        .default(50)
        .argParser(wholeNumber(1, 10_000)),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ signup users list --status pending --limit 20\n  $ signup users list --json\n',
    )
    .action(async (options: { status?: UserStatus; limit: number }) => {
      const c = await session.open();
      const found = await c
        .resolve(TOKENS.UserRepository)
        .list({ status: options.status, limit: options.limit });
      const rows = found.map((user) => userJson(user.toPublic()));
      session.output.result(
        rows,
        rows.length === 0
          ? ['No accounts.']
          : [
              ...table(
                ['EMAIL', 'STATUS', 'CREATED', 'ACTIVATED', 'CODE EXPIRES', 'ID'],
                rows.map((u) => [
                  u.email,
                  u.status,
                  u.createdAt,
                  u.activatedAt ?? '-',
                  u.activationCodeExpiresAt ?? '-',
                  u.id,
                ]),
              ),
              `${rows.length} account(s)${rows.length === options.limit ? ` (--limit ${options.limit})` : ''}.`,
            ],
      );
    });

  users
    .command('show')
    .description('one account by email')
    .argument('<email>', 'email address of the account')
    .addHelpText('after', '\nExample:\n  $ signup users show alice@example.com --json\n')
    .action(async (rawEmail: string) => {
      const email = parseField('email', emailSchema, rawEmail);
      const c = await session.open();
      const user = await c.resolve(TOKENS.UserRepository).findByEmail(email);
      if (!user) throw new UserNotFoundError();
      const shown = userJson(user.toPublic());
      session.output.result(
        shown,
        fields([
          ['id', shown.id],
          ['email', shown.email],
          ['status', shown.status],
          ['created', shown.createdAt],
          ['activated', shown.activatedAt ?? '-'],
          ['code expires', shown.activationCodeExpiresAt ?? '-'],
        ]),
      );
    });
}
