import { Option, type Command } from 'commander';
import { emailSchema, parseField } from '@signup/domain';
import { deliverActivationEmail } from '../deliver-activation-email.js';
import { UsageError } from '../errors.js';
import { readPassword } from '../password-input.js';
import { userJson } from '../present.js';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

interface RegisterOptions {
  passwordStdin?: boolean;
  password?: string;
}

export function addRegisterCommand(program: Command, session: Session): void {
  program
    .command('register')
    .description(
      'register a pending account and send its activation email before exiting (a pending email registers again with a new password and code)',
    )
    .argument('<email>', 'email address of the account')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .addOption(new Option('-p, --password <password>').hideHelp())
    .addHelpText(
      'after',
      `
Without --password-stdin the password is asked for twice on the terminal, echoing nothing.
A password on the command line is refused: other users could read it in the process list.

Examples:
  $ signup register alice@example.com
  $ printf '%s\\n' "$PASSWORD" | signup register alice@example.com --password-stdin --json
`,
    )
    .action(async (email: string, options: RegisterOptions) => {
      if (options.password !== undefined) {
        throw new UsageError(
          'a password on the command line is refused (it shows in the process list and shell history): pipe it with --password-stdin, or leave it out to be prompted',
        );
      }
      parseField('email', emailSchema, email); // refuse a bad address before asking for a password
      const password = await readPassword(session.io, Boolean(options.passwordStdin));
      const c = await session.open();
      const { user } = await c.resolve(TOKENS.SignupService).register.execute({ email, password });
      const delivery = await deliverActivationEmail({
        dispatcher: c.resolve(TOKENS.Dispatcher),
        outbox: c.resolve(TOKENS.Outbox),
        userId: user.id,
        email: user.email,
      });
      const expires = user.activationCodeExpiresAt?.toISOString() ?? '-';
      session.output.result({ ...userJson(user), activationEmail: delivery.activationEmail }, [
        `Registered ${user.email} (pending, id ${user.id}).`,
        delivery.activationEmail === 'sent'
          ? `Activation email sent; the code expires at ${expires}.`
          : `Activation email ${delivery.activationEmail}; the code expires at ${expires}.`,
      ]);
      if ('error' in delivery) throw delivery.error;
    });
}
