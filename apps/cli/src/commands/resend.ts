import type { Command } from 'commander';
import { emailSchema, parseField, UserNotFoundError } from '@signup/domain';
import { deliverActivationEmail } from '../deliver-activation-email.js';
import type { Session } from '../session.js';
import { TOKENS } from '../tokens.js';

export function addResendCommand(program: Command, session: Session): void {
  program
    .command('resend')
    .description(
      'issue a new activation code and email it (the old code stops working; same cooldown as the API)',
    )
    .argument('<email>', 'email address of a pending account')
    .addHelpText('after', '\nExample:\n  $ signup resend alice@example.com\n')
    .action(async (rawEmail: string) => {
      const email = parseField('email', emailSchema, rawEmail);
      const c = await session.open();
      const { activationCodeExpiresAt } = await c
        .resolve(TOKENS.SignupService)
        .resend.asOperator({ email });
      const user = await c.resolve(TOKENS.UserRepository).findByEmail(email);
      if (!user) throw new UserNotFoundError(); // purged in between
      const delivery = await deliverActivationEmail({
        dispatcher: c.resolve(TOKENS.Dispatcher),
        outbox: c.resolve(TOKENS.Outbox),
        userId: user.id,
        email,
      });
      const expires = activationCodeExpiresAt.toISOString();
      session.output.result(
        { email, activationCodeExpiresAt: expires, activationEmail: delivery.activationEmail },
        [`New activation code for ${email} ${delivery.activationEmail}; it expires at ${expires}.`],
      );
      if ('error' in delivery) throw delivery.error;
    });
}
