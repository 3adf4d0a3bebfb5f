import type { Command } from 'commander';
import { emailSchema, parseField } from '@signup/domain';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

export function addActivateCommand(program: Command, session: Session): void {
  program
    .command('activate')
    .description(
      'activate a pending account with its code, as an operator (no password; same expiry and attempt limits as the API)',
    )
    .argument('<email>', 'email address of the account')
    .argument('<code>', 'the 4-digit code from the activation email')
    .addHelpText('after', '\nExample:\n  $ signup activate alice@example.com 0042\n')
    .action(async (rawEmail: string, code: string) => {
      const email = parseField('email', emailSchema, rawEmail);
      const c = await session.open();
      const user = await c.resolve(TOKENS.SignupService).activate.asOperator({ email, code });
      session.output.result(
        {
          id: user.id,
          email: user.email,
          status: user.status,
          createdAt: user.createdAt.toISOString(),
          activatedAt: user.activatedAt?.toISOString() ?? null,
        },
        [`Activated ${user.email}.`],
      );
    });
}
