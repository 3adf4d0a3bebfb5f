import { Command } from 'commander';
import { addActivateCommand } from './commands/activate.js';
import { addMigrateCommand } from './commands/migrate.js';
import { addPurgeExpiredCommand } from './commands/purge-expired.js';
import { addRegisterCommand } from './commands/register.js';
import { addResendCommand } from './commands/resend.js';
import { addUnlockCommand } from './commands/unlock.js';
import { addUsersCommand } from './commands/users.js';
import type { Session } from './session.js';
import { version } from './version.js';

const FOOTER = `
Configuration comes from the same environment variables as the server
(DATABASE_URL, or the embedded database in DATA_DIR; SMTP_URL, or console mail;
BCRYPT_COST; SIGNUP_SECRET; ACTIVATION_*; MAIL_PER_ADDRESS_PER_DAY;
PASSWORD_FAILURES_PER_15_MINUTES; LOG_LEVEL).

Exit codes: 0 done, 1 refused (wrong code, email taken, unknown email...),
2 usage or validation error, 3 infrastructure failure (database or SMTP unreachable).

Example:
  $ signup users list --status pending --json
`;

/** The command tree. Settings made here are inherited by every subcommand. */
export function buildProgram(session: Session): Command {
  const program = new Command('signup')
    .description('Admin CLI of the signup service: accounts, activation codes, migrations.')
    .version(version, '-V, --version', 'print the version')
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({
      writeOut: (text) => session.io.stdout.write(text),
      writeErr: (text) => session.io.stderr.write(text),
      outputError: (text, write) => write(`signup: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .allowExcessArguments(false)
    .addHelpText('after', FOOTER);

  program.hook('preAction', (_program, action) => {
    session.output.json = Boolean(action.optsWithGlobals<{ json?: boolean }>().json);
  });

  addMigrateCommand(program, session);
  addRegisterCommand(program, session);
  addActivateCommand(program, session);
  addResendCommand(program, session);
  addUnlockCommand(program, session);
  addPurgeExpiredCommand(program, session);
  addUsersCommand(program, session);
  return program;
}
