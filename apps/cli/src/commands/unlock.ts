import type { Command } from 'commander';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

export function addUnlockCommand(program: Command, session: Session): void {
  program
    .command('unlock')
    .description(
      "clear an address's strikes, lockout and wrong-password count (its mailbox, +tag included); " +
        'exits 0 also when there was nothing to clear',
    )
    .argument('<email>', 'email address (any +tag variant of the mailbox)')
    .addHelpText('after', '\nExample:\n  $ signup unlock alice@example.com\n')
    .action(async (email: string) => {
      const c = await session.open();
      const result = await c.resolve(TOKENS.SignupService).unlock.execute({ email });
      const cleared = result.strikesCleared > 0 || result.wasLocked;
      session.output.result({ email: email.trim().toLowerCase(), ...result }, [
        cleared
          ? `Unlocked ${email.trim()}: ${result.strikesCleared} strike(s) cleared` +
            (result.wasLocked ? ', lockout lifted.' : '.')
          : `Nothing to clear for ${email.trim()}.`,
      ]);
    });
}
