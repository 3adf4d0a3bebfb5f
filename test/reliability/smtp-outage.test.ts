import { expect, it } from 'vitest';
import { unsettledMessages } from '../support/database.js';
import { eventually, json, keepAliveAgent, pool, send } from '../support/http-client.js';
import { describeOnStack, activate, newAccount, register } from '../support/stack.js';

interface Health {
  status: string;
  checks: { smtp: { status: string } };
}

/** Polls health until it says degraded with SMTP down; returns the slowest answer seen (ms). */
async function waitForDegraded(url: string, timeoutMs: number): Promise<number> {
  let slowest = 0;
  await eventually(
    'health to say degraded',
    async () => {
      const result = await send(url, { path: '/api/v1/health', timeoutMs: 5000 });
      slowest = Math.max(slowest, result.ms);
      const body = json<Health>(result);
      return result.status === 200 &&
        body.status === 'degraded' &&
        body.checks.smtp.status === 'down'
        ? true
        : undefined;
    },
    timeoutMs,
    250,
  );
  return slowest;
}

describeOnStack(
  'SMTP refusing, then hanging, restored within the codes lifetime',
  'smtp-outage',
  ({ file, stack, server, openDb }) => {
    it('keeps answering 201, says degraded, then delivers all 100 mails exactly once', async () => {
      const db = openDb();
      const agent = keepAliveAgent(8);
      file.defer(() => agent.destroy());
      const accounts = Array.from({ length: 100 }, () => newAccount(file.ledger, 'outage'));
      const emails = accounts.map((a) => a.email);

      // 1. SMTP answers 421 to every connection.
      stack().smtp.mode = 'refuse';
      const refused = await pool(50, 8, (i) => register(server().url, accounts[i]!, { agent }));
      await waitForDegraded(server().url, 15_000);

      // 2. SMTP accepts connections and never says a word.
      stack().smtp.mode = 'accept';
      stack().smtpProxy.hang();
      const hung = await pool(50, 8, (i) => register(server().url, accounts[50 + i]!, { agent }));
      const slowestHealth = await waitForDegraded(server().url, 15_000);

      const registrations = [...refused, ...hung];
      expect(registrations.map((r) => r.status)).toEqual(registrations.map(() => 201));
      expect(Math.max(...registrations.map((r) => r.ms))).toBeLessThan(3000);
      expect(slowestHealth).toBeLessThan(2500); // health does not hang with SMTP
      expect(stack().smtp.messages).toHaveLength(0);
      const expiresAt = new Map(
        registrations.map((r, i) => [
          emails[i]!,
          Date.parse(json<{ activationCodeExpiresAt: string }>(r).activationCodeExpiresAt),
        ]),
      );

      // 3. SMTP is back: every message goes out once, before its code expires.
      stack().smtpProxy.restore();
      const restoredAt = Date.now();
      await stack().smtp.waitForRecipients(emails, Math.min(...expiresAt.values()) - Date.now());
      const deliveredIn = Date.now() - restoredAt;
      await eventually(
        'the outbox to settle',
        async () => ((await unsettledMessages(db)) === 0 ? true : undefined),
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // room for a late duplicate to show

      const duplicates = stack().smtp.duplicates(emails);
      file.figures.faultsSurvived += 2;
      file.figures.mailsSent += stack().smtp.messages.length;
      file.figures.duplicates += [...duplicates.values()].reduce((n, c) => n + c - 1, 0);
      console.log(
        `[reliability] smtp-outage: 100 mails delivered ${deliveredIn} ms after SMTP returned`,
      );

      expect(Object.fromEntries(duplicates)).toEqual({});
      expect(stack().smtp.messages).toHaveLength(100);
      for (const mail of stack().smtp.messages) {
        expect(mail.code).toMatch(/^\d{4}$/);
        expect(mail.subject).toBe('Your activation code');
        expect(mail.receivedAt).toBeLessThanOrEqual(expiresAt.get(mail.recipient)!);
      }

      // The delivered code works, and health recovers.
      const first = accounts[0]!;
      const code = stack().smtp.byRecipient(first.email)[0]!.code!;
      expect((await activate(server().url, first, code)).status).toBe(200);
      await eventually(
        'health to say ok again',
        async () =>
          json<Health>(await send(server().url, { path: '/api/v1/health' })).status === 'ok'
            ? true
            : undefined,
        15_000,
        500,
      );
      expect(server().exit).toBeNull();
    });

    file.itLeaksNoSecrets();
  },
  { name: 'smtp-outage', env: { ACTIVATION_CODE_TTL_SECONDS: '60' } },
);
