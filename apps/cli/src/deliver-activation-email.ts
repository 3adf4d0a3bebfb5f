import { setTimeout as delay } from 'node:timers/promises';
import type { OutboxDispatcher } from '@signup/adapters';
import type { Outbox } from '@signup/domain';
import { MailNotDeliveredError } from './errors.js';

/** How long `register` and `resend` wait for their email to leave. */
export const DELIVERY_TIMEOUT_MS = 4000;
const POLL_MS = 100;

export type DeliveryResult =
  | { readonly activationEmail: 'sent' }
  | { readonly activationEmail: 'queued' | 'dropped'; readonly error: MailNotDeliveredError };

/**
 * Delivers this user's due message, and only theirs (other accounts' mail is
 * the server's dispatcher's to send; an admin's terminal never shows their
 * codes), and waits, bounded, until it is handed to the transport. A failure
 * leaves the message queued for the server's dispatcher; it is reported, not
 * thrown, so the caller can print what was stored first.
 */
export async function deliverActivationEmail(options: {
  dispatcher: OutboxDispatcher;
  outbox: Pick<Outbox, 'latestMessageState'>;
  userId: string;
  email: string;
  timeoutMs?: number;
}): Promise<DeliveryResult> {
  const { dispatcher, outbox, userId, email } = options;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let sendError: string | undefined;
  const unsubscribe = dispatcher.onEvent((event) => {
    if (event.kind === 'retry') sendError = event.error ?? 'the mail transport refused it';
  });
  const queued = (reason: string) =>
    ({
      activationEmail: 'queued',
      error: new MailNotDeliveredError(
        email,
        `the activation email for ${email} is queued but could not be sent now (${reason}); it goes out when SMTP is reachable, if its code has not expired by then`,
      ),
    }) as const;
  try {
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        return queued(`not handed to the mail transport within ${timeoutMs / 1000} s`);
      const pass = await raceTimeout(dispatcher.deliverDue({ userId }), remaining);
      if (pass === 'timeout') return queued(`SMTP did not answer within ${timeoutMs / 1000} s`);
      const state = await outbox.latestMessageState(userId);
      if (state === 'sent') return { activationEmail: 'sent' };
      if (state === 'dropped') {
        return {
          activationEmail: 'dropped',
          error: new MailNotDeliveredError(
            email,
            `the activation email for ${email} was not sent: its code expired or was replaced first; run "signup resend ${email}"`,
          ),
        };
      }
      // Only a pass that sent nothing says the transport is down (ours may be leased elsewhere).
      if (sendError !== undefined && pass.sent === 0)
        return queued(`SMTP unreachable: ${sendError}`);
      sendError = undefined;
      await delay(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    }
  } finally {
    unsubscribe();
  }
}

async function raceTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  work.catch(() => undefined); // an abandoned pass must not become an unhandled rejection
  const controller = new AbortController();
  const timer = delay(ms, 'timeout' as const, { signal: controller.signal }).catch(
    () => 'timeout' as const,
  );
  try {
    return await Promise.race([work, timer]);
  } finally {
    controller.abort();
  }
}
